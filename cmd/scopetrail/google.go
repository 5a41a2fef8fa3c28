package main

import (
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// googleSettings maps the configuration to the OAuth flows' settings, with
// redirectURL as the callback, and to the API base URLs; serve and the
// revoke subcommands share it.
func googleSettings(cfg *Config, redirectURL string) (googleauth.Config, googlehttp.Bases) {
	return googleauth.Config{
		ClientID:       cfg.Google.ClientID,
		ClientSecret:   cfg.Google.ClientSecret,
		RedirectURL:    redirectURL,
		Endpoints:      cfg.Google.Endpoints,
		AllowedDomains: cfg.Auth.AllowedDomains,
		AdminEmails:    cfg.Auth.AdminEmails,
	}, cfg.Google.APIs
}
