package googletest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// pageError is an authorization error that Google shows on its own page
// ("Error 400: redirect_uri_mismatch") instead of redirecting to the app.
type pageError struct {
	Status  int
	Code    string
	Message string
	// Details are the request parameters listed under "Request details".
	Details []detail
}

type detail struct{ Name, Value string }

// invalidRequestPage is an invalid_request error page.
func invalidRequestPage(msg string, q url.Values) *pageError {
	return &pageError{Status: http.StatusBadRequest, Code: "invalid_request", Message: msg, Details: details(q)}
}

// details lists request parameters, sorted by name, for the error page.
func details(q url.Values) []detail {
	var out []detail
	for name, vs := range q {
		for _, v := range vs {
			out = append(out, detail{name, v})
		}
	}
	slices.SortStableFunc(out, func(a, b detail) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// renderError writes Google's HTML error page.
func renderError(w http.ResponseWriter, e *pageError) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_ = pages.ExecuteTemplate(w, "error.html", e) // a write error means the browser left
}
