package googleauth

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Finish completes a flow from the query of Google's redirect. sessionState
// is the state kept in the browser's session by the Begin call; the query's
// state must equal it, and the pending request it names is consumed, once.
// A malformed query or a mismatched state consumes nothing.
//
// It returns ErrBadCallback for a malformed redirect (a parameter given
// twice, no code, a code too long); ErrStateMismatch for a missing,
// mismatched, unknown, reused or expired state; ErrAccessDenied when the
// user refused consent (the Result then names the Kind and Feature) and an
// *AuthorizationError for any other OAuth error, both audited as deny
// entries; ErrCodeRejected when the token endpoint refuses the code
// (invalid_grant); an error wrapping googlehttp.ErrClientConfig when it
// refuses the client itself; ErrExchange when the code cannot be exchanged
// otherwise; ErrIDToken when the ID token fails verification;
// ErrDomainNotAllowed for an account outside Config.AllowedDomains (also
// audited as an admission refusal); a *Refusal wrapping ErrNotAdmitted for
// an account admission refused; and
// ErrAccountMismatch when a link was granted by another Google account.
//
// A sign-in admits the account only if it is an admin email, a user not
// blocked, invited to its verified email (the invitation is accepted then)
// or of a sign-up domain; it then creates or updates the user and writes a
// "signin" audit entry. A refusal creates no user and writes an
// "admission_refused" entry.
// A link saves the token, records the grant and writes an "authorize" audit
// entry before it returns, and a deny entry for the scopes the user
// unticked; a partial grant is not an error, and Result.Missing names what
// was not granted. When the token response omits scope, the scopes
// requested were granted (RFC 6749 §5.1).
func (f *Flow) Finish(ctx context.Context, sessionState string, query url.Values) (Result, error) {
	if err := checkRedirect(query); err != nil {
		return Result{}, err
	}
	state := query.Get("state")
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(sessionState)) != 1 {
		return Result{}, fmt.Errorf("%w: the redirect's state is not the one kept in this browser session", ErrStateMismatch)
	}
	p, err := f.consumePending(ctx, state)
	if err != nil {
		return Result{}, err
	}
	res := Result{Kind: p.kind, Feature: p.feature}
	if query.Has("error") {
		return res, f.refused(ctx, p, query.Get("error"))
	}
	tok, err := f.exchange(ctx, query.Get("code"), p.verifier)
	if err != nil {
		return res, err
	}
	id, err := f.verifyIDToken(ctx, tok, p.nonce)
	if errors.Is(err, ErrDomainNotAllowed) {
		err = errors.Join(err, f.auditRefusal(ctx, &Refusal{Email: id.Email, Reason: ReasonDomainNotAllowed}))
	}
	if err != nil {
		return res, err
	}
	scope, _ := tok.Extra("scope").(string)
	if strings.TrimSpace(scope) == "" {
		// RFC 6749 §5.1: an omitted scope is the one requested.
		scope = strings.Join(p.scopes, " ")
		tok = tok.WithExtra(map[string]any{"scope": scope})
	}
	res.Granted = cleanGranted(strings.Fields(scope))
	if p.kind == KindLink {
		return f.finishLink(ctx, res, p.userID, id, tok)
	}
	return f.finishSignIn(ctx, res, id)
}

// finishSignIn admits the account or refuses it (see admission.check),
// creates or updates the user and audits the sign-in, with how the account
// got in, or the refusal.
func (f *Flow) finishSignIn(ctx context.Context, res Result, id identityClaims) (Result, error) {
	if id.Email == "" || !id.EmailVerified {
		return res, fmt.Errorf("%w: the account has no verified email", ErrIDToken)
	}
	a := &admission{f: f, hostedDomain: id.HostedDomain}
	before, err := f.users.UserByEmail(ctx, id.Email)
	if err != nil && !errors.Is(err, identity.ErrNotFound) {
		return res, fmt.Errorf("googleauth: signing in: %w", err)
	}
	profile := identity.Profile{Subject: id.Subject, Email: id.Email, Name: id.Name, Picture: id.Picture}
	u, err := f.users.SignInAdmitted(ctx, profile, f.cfg.AdminEmails, a.check)
	if a.refusal != nil {
		return res, errors.Join(a.refusal, f.auditRefusal(ctx, a.refusal))
	}
	if err != nil {
		return res, fmt.Errorf("googleauth: signing in: %w", err)
	}
	res.User = u
	if before.ID == u.ID && before.Role != u.Role {
		if err := f.auditPromotion(ctx, u, before.Role); err != nil {
			return res, err
		}
	}
	if f.invites != nil {
		if err := f.invites.RecordAccepted(ctx, u, a.accepted); err != nil {
			return res, fmt.Errorf("googleauth: signing in %s: %w", u.ID, err)
		}
	}
	_, err = f.audit.Append(ctx, audit.Entry{
		ActorID: u.ID, ActorEmail: u.Email, ClientID: f.cfg.ClientID,
		Event: audit.EventSignIn, Scope: strings.Join(res.Granted, " "), Purpose: string(scopes.PurposeSignIn),
		Resource: "admission=" + a.way, Outcome: audit.OutcomeOK,
	})
	if err != nil {
		return res, fmt.Errorf("googleauth: auditing sign-in of %s: %w", u.ID, err)
	}
	return res, nil
}

// auditPromotion records that signing in changed u's role from the one it
// had, as ADMIN_EMAILS makes an existing member an admin: the change is the
// configuration's, and u its subject.
func (f *Flow) auditPromotion(ctx context.Context, u identity.User, from identity.Role) error {
	_, err := f.audit.Append(ctx, audit.Entry{
		ActorID: audit.ActorSystem, ActorEmail: "ADMIN_EMAILS", ClientID: f.cfg.ClientID, SubjectID: u.ID, SubjectEmail: u.Email,
		Event: audit.EventRoleChange, Resource: audit.RoleResource(string(u.Role), string(from)), Outcome: audit.OutcomeOK,
	})
	if err != nil {
		return fmt.Errorf("googleauth: auditing the role change of %s: %w", u.ID, err)
	}
	return nil
}

// finishLink checks the same Google account answered, then saves the token
// and records the grant between a pending audit entry and its outcome. From
// Google, which honours incremental authorization, the grant keeps the
// scopes granted before; from another server it is exactly what the new
// token carries, and Result.Lost names the features that lost access.
func (f *Flow) finishLink(ctx context.Context, res Result, userID string, id identityClaims, tok *oauth2.Token) (Result, error) {
	u, err := f.users.User(ctx, userID)
	if err != nil {
		return res, fmt.Errorf("googleauth: finishing link: %w", err)
	}
	res.User = u
	if u.Subject != id.Subject {
		return res, fmt.Errorf("%w: user %s answered as Google account %s", ErrAccountMismatch, u.ID, cmp.Or(id.Email, "sub "+id.Subject))
	}
	earlier, err := f.earlierScopes(ctx, u.ID)
	if err != nil {
		return res, fmt.Errorf("googleauth: finishing link: %w", err)
	}
	if f.incremental() {
		res.Granted = cleanGranted(slices.Concat(res.Granted, earlier))
	}
	for _, feature := range scopes.Features {
		if scopes.FeatureEnabled(feature, earlier) && !scopes.FeatureEnabled(feature, res.Granted) {
			res.Lost = append(res.Lost, feature)
		}
	}
	res.Missing = scopes.Missing(res.Feature, res.Granted)
	begin, err := f.audit.Begin(ctx, audit.Entry{
		ActorID: u.ID, ActorEmail: u.Email, ClientID: f.cfg.ClientID,
		Event: audit.EventAuthorize, Scope: strings.Join(res.Granted, " "), Purpose: string(featurePurpose(res.Feature)),
		Resource: "feature=" + string(res.Feature),
	})
	if err != nil {
		return res, fmt.Errorf("googleauth: auditing link of %s: %w", u.ID, err)
	}
	err = f.tokens.Save(ctx, u.ID, tok)
	if err == nil {
		_, err = f.grants.Record(ctx, u.ID, f.cfg.ClientID, res.Granted)
	}
	outcome := audit.Result{Outcome: audit.OutcomeOK}
	if err != nil {
		outcome = audit.Result{Outcome: audit.OutcomeError, ErrorReason: "storing the grant failed"}
	}
	if _, cerr := f.audit.Complete(ctx, begin, outcome); cerr != nil && err == nil {
		err = fmt.Errorf("completing audit entry: %w", cerr)
	}
	if err == nil && len(res.Missing) > 0 {
		err = f.auditUnticked(ctx, u.Email, res)
	}
	if err == nil {
		var has bool
		has, err = f.tokens.HasRefreshToken(ctx, u.ID)
		res.NoRefreshToken = !has
	}
	if err != nil {
		return res, fmt.Errorf("googleauth: linking %s for %s: %w", res.Feature, u.ID, err)
	}
	return res, nil
}

// auditUnticked writes the deny entry of the feature scopes the user
// unticked on the consent page, as Google's token audit log does.
func (f *Flow) auditUnticked(ctx context.Context, email string, res Result) error {
	_, err := f.audit.Append(ctx, audit.Entry{
		ActorID: res.User.ID, ActorEmail: email, ClientID: f.cfg.ClientID,
		Event: audit.EventDeny, Outcome: audit.OutcomeDenied, ErrorReason: "not_granted",
		Scope: strings.Join(res.Missing, " "), Purpose: string(featurePurpose(res.Feature)), Resource: "feature=" + string(res.Feature),
	})
	if err != nil {
		return fmt.Errorf("auditing the scopes not granted: %w", err)
	}
	return nil
}

// exchange trades the authorization code and PKCE verifier for a token.
// Its errors hold the OAuth error code, never the response body nor its
// error_description.
func (f *Flow) exchange(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, f.http)
	tok, err := f.exchanger.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re):
		reason := "(malformed)"
		if errorCode.MatchString(re.ErrorCode) {
			reason = re.ErrorCode
		}
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		switch {
		case reason == "invalid_grant":
			return nil, fmt.Errorf("%w: the token endpoint answered %d invalid_grant", ErrCodeRejected, status)
		case googlehttp.IsClientConfigCode(reason):
			return nil, fmt.Errorf("%w: %w", ErrExchange, &googlehttp.ClientConfigError{Endpoint: "token", Status: status, Code: reason})
		}
		return nil, fmt.Errorf("%w: the token endpoint answered %d %s", ErrExchange, status, reason)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrExchange, err)
	}
	return tok, nil
}

// identityClaims are the ID token claims ScopeTrail uses.
type identityClaims struct {
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
	Picture       string `json:"picture"`
	HostedDomain  string `json:"hd"`
	// AuthorizedParty is the azp claim.
	AuthorizedParty string `json:"azp"`
}

// maxIssuedAtSkew is how far in the future an ID token's iat may be, for
// clocks that disagree a little.
const maxIssuedAtSkew = 5 * time.Minute

// verifyIDToken verifies the token response's ID token: signature, issuer,
// audience and expiry by go-oidc, then the nonce, the authorized party (with
// several audiences, or whenever present, azp must be our client id: OIDC
// Core §3.1.3.7), the issue time (not more than maxIssuedAtSkew ahead), the
// access token hash and the hosted domain.
func (f *Flow) verifyIDToken(ctx context.Context, tok *oauth2.Token, nonce string) (identityClaims, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return identityClaims{}, fmt.Errorf("%w: the token response has no id_token", ErrIDToken)
	}
	idt, err := f.verifier.Verify(ctx, raw)
	if err != nil {
		return identityClaims{}, fmt.Errorf("%w: %w", ErrIDToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return identityClaims{}, fmt.Errorf("%w: nonce does not match the request", ErrIDToken)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return identityClaims{}, fmt.Errorf("%w: access token hash does not match", ErrIDToken)
		}
	}
	var c identityClaims
	if err := idt.Claims(&c); err != nil {
		return identityClaims{}, fmt.Errorf("%w: reading claims: %w", ErrIDToken, err)
	}
	switch {
	case len(idt.Audience) > 1 && c.AuthorizedParty == "":
		return identityClaims{}, fmt.Errorf("%w: %d audiences and no azp claim", ErrIDToken, len(idt.Audience))
	case c.AuthorizedParty != "" && c.AuthorizedParty != f.cfg.ClientID:
		return identityClaims{}, fmt.Errorf("%w: issued to another party (azp is not our client id)", ErrIDToken)
	case idt.IssuedAt.After(f.now().Add(maxIssuedAtSkew)):
		return identityClaims{}, fmt.Errorf("%w: issued in the future, at %s", ErrIDToken, idt.IssuedAt.UTC().Format(time.RFC3339))
	}
	if len(f.cfg.AllowedDomains) > 0 && !slices.ContainsFunc(f.cfg.AllowedDomains, func(d string) bool { return strings.EqualFold(d, c.HostedDomain) }) {
		return c, fmt.Errorf("%w: %s (hosted domain %q)", ErrDomainNotAllowed, c.Email, c.HostedDomain)
	}
	return c, nil
}

// featurePurpose returns the purpose the registry declares for a feature's
// scopes.
func featurePurpose(feature scopes.Feature) scopes.Purpose {
	for _, name := range scopes.FeatureScopes(feature) {
		if s, ok := scopes.Lookup(name); ok && len(s.Purposes) > 0 {
			return s.Purposes[0]
		}
	}
	return ""
}
