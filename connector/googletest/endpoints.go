package googletest

import "strings"

// URLs are the endpoints of a fake served at one base URL, in the shape an
// app's configuration needs them.
type URLs struct {
	// Issuer is the OpenID issuer: the base URL without a trailing slash.
	Issuer string
	// AuthURL, TokenURL, RevokeURL, UserinfoURL, TokeninfoURL and JWKSURL
	// are the OAuth and OpenID endpoints.
	AuthURL, TokenURL, RevokeURL, UserinfoURL, TokeninfoURL, JWKSURL string
	// PeopleBase, CalendarBase and DriveBase are the API base URLs, for
	// option.WithEndpoint.
	PeopleBase, CalendarBase, DriveBase string
}

// Endpoints returns the URLs of a fake served at base, such as
// "http://127.0.0.1:8085".
func Endpoints(base string) URLs {
	base = strings.TrimRight(base, "/")
	return URLs{
		Issuer:       base,
		AuthURL:      base + "/o/oauth2/v2/auth",
		TokenURL:     base + "/token",
		RevokeURL:    base + "/revoke",
		UserinfoURL:  base + "/oauth2/v3/userinfo",
		TokeninfoURL: base + "/tokeninfo",
		JWKSURL:      base + "/oauth2/v3/certs",
		PeopleBase:   base + "/",
		CalendarBase: base + "/calendar/v3/",
		DriveBase:    base + "/drive/v3/",
	}
}
