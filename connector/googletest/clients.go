package googletest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
)

// Client is an OAuth client registered with the fake, as in the Google
// Cloud console.
type Client struct {
	// ID and Secret are the client credentials.
	ID, Secret string
	// RedirectURIs are the authorized redirect URIs; an authorization
	// request must name one of them exactly.
	RedirectURIs []string
	// Name is the app name shown on the consent page; the ID when empty.
	Name string
	// Testing puts the app's consent screen in the "Testing" publishing
	// status: its refresh tokens expire 7 days after they were issued,
	// unless only sign-in scopes were granted.
	Testing bool
}

// RegisterClient registers an OAuth client, replacing any client with the
// same ID.
func (s *Server) RegisterClient(c Client) {
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = c
}

// client returns a registered client.
func (s *Server) client(id string) (Client, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.clients[id]
	return c, ok
}

// displayName is the app name on the consent page.
func (c Client) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// authenticateClient checks the client credentials of a token or revoke
// request, sent as HTTP Basic (URL-encoded, as golang.org/x/oauth2 sends
// them) or as client_id and client_secret in the form body.
func (s *Server) authenticateClient(r *http.Request) (Client, *oauthError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return Client{}, errInvalidClient
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" {
		return Client{}, &oauthError{http.StatusBadRequest, "invalid_request", "Could not determine client ID from request."}
	}
	c, ok := s.client(id)
	if !ok {
		return Client{}, errClientNotFound
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return Client{}, errInvalidClient
	}
	return c, nil
}
