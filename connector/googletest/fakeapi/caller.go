package fakeapi

import (
	"context"
	"slices"
	"strings"
)

// Caller is the authenticated user and OAuth client of a request, as
// established by the server that wraps the API handlers.
type Caller struct {
	// Email is the signed-in user's address.
	Email string
	// ClientID is the OAuth client the access token was issued to.
	ClientID string
	// Scopes are the scopes the access token carries.
	Scopes []string
}

// callerKey is the context key of the Caller.
type callerKey struct{}

// WithCaller returns a copy of ctx that carries c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the Caller carried by ctx, if any.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// HasScope reports whether the caller's token carries scope.
func (c Caller) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// email returns the caller's address in lower case, the form every
// comparison in this package uses.
func (c Caller) email() string { return strings.ToLower(c.Email) }
