package googletest_test

import (
	"net/http/httptest"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

func TestNewOptions(t *testing.T) {
	t.Parallel()
	ws := workspace.New("example.test", "C0test")
	for _, o := range []googletest.Options{{}, {Workspace: ws, Issuer: "ftp://x"}, {Workspace: ws, Issuer: "/relative"}} {
		if _, err := googletest.New(o); err == nil {
			t.Errorf("New(%+v) accepted bad options", o)
		}
	}
}

func TestIssuerWithoutListener(t *testing.T) {
	t.Parallel()
	s, err := googletest.New(googletest.Options{Workspace: workspace.New("example.test", "C0test")})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(func() { s.Close() })
	f := &fake{Server: s, base: ts.URL}
	if _, doc := f.getJSON(t, "/.well-known/openid-configuration"); doc["issuer"] != ts.URL || doc["token_endpoint"] != ts.URL+"/token" {
		t.Errorf("without an issuer, discovery says issuer %v, token endpoint %v; want the request's host", doc["issuer"], doc["token_endpoint"])
	}
	s.SetBaseURL("http://fake.google.test/")
	if _, doc := f.getJSON(t, "/.well-known/openid-configuration"); doc["issuer"] != "http://fake.google.test" {
		t.Errorf("after SetBaseURL, issuer = %v", doc["issuer"])
	}
}
