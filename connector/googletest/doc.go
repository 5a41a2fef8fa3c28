// Package googletest is a fake of Google: the OAuth 2.0 and OpenID Connect
// server of accounts.google.com and oauth2.googleapis.com, and the People,
// Calendar and Drive APIs, all served by one http.Handler. It follows
// google-spec.md closely enough that code which works against it works
// against Google; ScopeTrail's tests, benchmarks and demo run against it.
//
// The URL layout below a base URL such as http://127.0.0.1:8085 (see
// Endpoints):
//
//	GET  /o/oauth2/auth, /o/oauth2/v2/auth   consent page (plain HTML form)
//	POST /o/oauth2/consent                   the consent page's answer
//	POST /token                              authorization_code and refresh_token grants
//	     /revoke                             revocation (token in the query or the form)
//	     /tokeninfo                          access_token or id_token information
//	GET  /.well-known/openid-configuration   OpenID discovery
//	GET  /oauth2/v3/certs                    JWKS of the ID token key
//	     /oauth2/v3/userinfo                 OpenID userinfo
//	     /v1/…, /calendar/v3/…, /drive/v3/…  People, Calendar and Drive
//	GET, DELETE     /_fake/requests          request log (JSON Lines), reset
//	GET, POST, DELETE /_fake/faults          list, add (JSON Fault), clear faults
//	POST /_fake/revoke-user?email=           the user removes the app
//	POST /_fake/expire-sync-tokens[?email=]  expire sync tokens
//
// The APIs themselves are served by package fakeapi from the data in
// package workspace. In front of them this package authenticates every
// request with an access token it issued, finds the method in its scope
// oracle, a table written by hand from Google's API reference pages (on
// purpose not package scopes' table generated from the discovery documents,
// which the door uses), enforces the method's scopes, injects faults, and passes the caller on with
// fakeapi.WithCaller. Every request served, OAuth included, is logged
// without its tokens.
//
// Options.Strict makes the OAuth server a standards-conformant one instead
// of Google (client_secret_basic only, offline_access for refresh tokens,
// no include_granted_scopes, scope omitted when it is the one requested,
// authenticated revocation): see strict.go. ScopeTrail's interop test runs
// its whole flow against both.
//
// The package ships in the binary for the demo and never imports testing.
package googletest
