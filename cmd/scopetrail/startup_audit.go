package main

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// recordStartup writes the config entry of a server starting with o: what
// it sends to Google and elsewhere, and who may sign in. Nothing is served
// unless it is recorded.
func recordStartup(ctx context.Context, o appOptions, trail *audit.Trail) error {
	if _, err := trail.RecordConfig(ctx, startupSettings(o)); err != nil {
		return fmt.Errorf("audit.RecordConfig: %w", err)
	}
	return nil
}

// startupSettings are the settings a config entry lists, named as their
// environment variables. It holds no secret: no client secret, key,
// password or API key, and URLs lose their user information and query.
func startupSettings(o appOptions) []audit.Setting {
	list := func(vs []string) string { return strings.Join(vs, ",") }
	e := o.oauth.Endpoints
	kv := func(name, value string) audit.Setting { return audit.Setting{Name: name, Value: value} }
	return []audit.Setting{
		kv("GOOGLE_CLIENT_ID", o.oauth.ClientID),
		kv("REDIRECT_URL", safeURL(o.oauth.RedirectURL)),
		kv("GOOGLE_AUTH_URL", safeURL(e.AuthURL)), kv("GOOGLE_TOKEN_URL", safeURL(e.TokenURL)),
		kv("GOOGLE_REVOKE_URL", safeURL(e.RevokeURL)), kv("GOOGLE_USERINFO_URL", safeURL(e.UserinfoURL)),
		kv("GOOGLE_ISSUER", safeURL(e.Issuer)), kv("GOOGLE_JWKS_URL", safeURL(e.JWKSURL)),
		kv("GOOGLE_PEOPLE_URL", safeURL(cmp.Or(o.bases.People, scopes.DefaultBaseURL("people")))),
		kv("GOOGLE_CALENDAR_URL", safeURL(cmp.Or(o.bases.Calendar, scopes.DefaultBaseURL("calendar")))),
		kv("GOOGLE_DRIVE_URL", safeURL(cmp.Or(o.bases.Drive, scopes.DefaultBaseURL("drive")))),
		kv("ALLOWED_DOMAINS", list(o.oauth.AllowedDomains)), kv("SIGNUP_DOMAINS", list(o.oauth.SignupDomains)),
		kv("ADMIN_EMAILS", list(o.oauth.AdminEmails)),
		kv("SMTP_HOST", o.mail.Host), kv("SMTP_PORT", strconv.Itoa(o.mail.Port)), kv("SMTP_TLS", o.mail.TLS),
		kv("SMTP_FROM", o.mail.From),
		kv("TRANSCRIBE_ENGINE", o.transcribe.Engine), kv("TRANSCRIBE_URL", safeURL(o.transcribe.URL)),
		kv("TRANSCRIBE_MODEL", o.transcribe.Model), kv("TRANSCRIBE_ALLOWED_HOSTS", list(o.transcribe.AllowedHosts)),
		kv("AUDIT_WITNESS_FILE", o.auditCfg.WitnessFile), kv("AUDIT_WITNESS_URL", safeURL(o.auditCfg.WitnessURL)),
		kv("AUDIT_WITNESS_LOG", strconv.FormatBool(o.auditCfg.WitnessLog)),
	}
}

// safeURL returns a URL without its user information, query or fragment,
// which may hold secrets; "" stays "", and what does not parse is
// replaced by a note.
func safeURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(not a URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
