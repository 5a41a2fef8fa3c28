package main

import (
	"cmp"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// googleSettings maps the configuration to the OAuth flows' settings, with
// redirectURL as the callback, and to the API base URLs.
func googleSettings(cfg *Config, redirectURL string) (googleauth.Config, googlehttp.Bases) {
	return googleauth.Config{
		ClientID:       cfg.Google.ClientID,
		ClientSecret:   cfg.Google.ClientSecret,
		RedirectURL:    redirectURL,
		Endpoints:      cfg.Google.Endpoints,
		AllowedDomains: cfg.Auth.AllowedDomains,
		AdminEmails:    cfg.Auth.AdminEmails,
		SignupDomains:  cfg.Auth.SignupDomains,
	}, cfg.Google.APIs
}

// commandGoogle is googleSettings for a subcommand run beside a server: the
// callback on the configured base URL, which it returns too, and in demo
// mode the demo's OAuth client, whose fake Google lives in the serve
// process and whose tokens must never go to the real Google this
// configuration names.
func commandGoogle(cfg *Config) (oauth googleauth.Config, bases googlehttp.Bases, baseURL string) {
	baseURL = strings.TrimRight(cmp.Or(cfg.Server.BaseURL, "http://"+cfg.Server.Addr), "/")
	oauth, bases = googleSettings(cfg, baseURL+"/auth/callback")
	if cfg.DemoMode() {
		oauth.ClientID, oauth.ClientSecret = demoClientID, "unused"
	}
	return oauth, bases, baseURL
}
