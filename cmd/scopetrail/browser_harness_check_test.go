package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBrowserCheckSeesTrouble: the harness's page check is not a check that
// cannot fail. A page wider than a phone, with an image without alt text
// and a script that logs an error, gets all three reported; a plain page
// gets none.
func TestBrowserCheckSeesTrouble(t *testing.T) {
	b := newBrowserApp(t, nil)
	pages := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/bad":
			w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><title>bad</title><link rel="icon" href="data:,"></head><body><main>
<h1>Bad</h1><div style="width:900px">wide</div><img src="/pixel.png">
<script>console.error("broken on purpose")</script></main></body></html>`))
		case "/good":
			w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><title>good</title><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,"></head><body><main><h1>Good</h1><p>Fine.</p></main></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(pages.Close)
	p := b.newTab(t, phone)

	p.open(pages.URL + "/bad")
	got := strings.Join(p.trouble(), "\n")
	for _, want := range []string{"scrolls sideways", "broken on purpose", "axe critical: image-alt"} {
		if !strings.Contains(got, want) {
			t.Errorf("trouble on the bad page does not say %q:\n%s", want, got)
		}
	}
	p.open(pages.URL + "/good")
	if got := p.trouble(); len(got) != 0 {
		t.Errorf("trouble on a plain page: %q", got)
	}
}
