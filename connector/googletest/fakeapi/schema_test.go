package fakeapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/internal/discoverydoc"
	"github.com/scopetrail/scopetrail/scopes"
)

// jsonSchema is a schema of a discovery document.
type jsonSchema struct {
	Type                 string                 `json:"type"`
	Format               string                 `json:"format"`
	Ref                  string                 `json:"$ref"`
	Default              string                 `json:"default"`
	Enum                 []string               `json:"enum"`
	Properties           map[string]*jsonSchema `json:"properties"`
	Items                *jsonSchema            `json:"items"`
	AdditionalProperties *jsonSchema            `json:"additionalProperties"`
}

// discoveryDoc is the part of a discovery document the checks use.
type discoveryDoc struct {
	Schemas   map[string]*jsonSchema `json:"schemas"`
	responses map[string]string      // method id to response schema
}

// discovery returns the discovery documents shipped in google.golang.org/api,
// by API name.
var discoveryDocs = sync.OnceValues(func() (map[string]*discoveryDoc, error) {
	docs := map[string]*discoveryDoc{}
	for _, api := range discoverydoc.APIs() {
		b, err := discoverydoc.Read(api)
		if err != nil {
			return nil, err
		}
		d := &discoveryDoc{responses: map[string]string{}}
		if err := json.Unmarshal(b, d); err != nil {
			return nil, fmt.Errorf("%s: %w", api, err)
		}
		_, methods, err := discoverydoc.Methods(api)
		if err != nil {
			return nil, err
		}
		for id, m := range methods {
			if m.Response != nil {
				d.responses[id] = m.Response.Ref
			}
		}
		docs[api] = d
	}
	return docs, nil
})

// discovery returns the discovery documents by API name, failing t when
// they cannot be read.
func discovery(t testing.TB) map[string]*discoveryDoc {
	t.Helper()
	docs, err := discoveryDocs()
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// check validates v against s and appends problems to errs. partial
// relaxes the required kind, for responses trimmed by a fields mask.
func (d *discoveryDoc) check(path string, s *jsonSchema, v any, partial bool, errs *[]string) {
	fail := func(format string, args ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, args...)) }
	if s.Ref != "" {
		s = d.Schemas[s.Ref]
	}
	switch s.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			fail("want an object, got %T", v)
			return
		}
		for k, val := range obj {
			ps := s.Properties[k]
			if ps == nil {
				ps = s.AdditionalProperties
			}
			if ps == nil {
				fail("unknown field %q", k)
				continue
			}
			d.check(path+"."+k, ps, val, partial, errs)
		}
		if kind := s.Properties["kind"]; kind != nil && !partial {
			switch got, ok := obj["kind"]; {
			case !ok:
				fail("missing kind")
			case kind.Default != "" && got != kind.Default:
				fail("kind is %v, want %s", got, kind.Default)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			fail("want an array, got %T", v)
			return
		}
		for i, item := range arr {
			d.check(path+"["+strconv.Itoa(i)+"]", s.Items, item, partial, errs)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("want a string, got %T", v)
			return
		}
		if err := checkFormat(s.Format, str); err != nil {
			fail("%v", err)
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			fail("%q is not one of %v", str, s.Enum)
		}
	case "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			fail("want an integer, got %v", v)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			fail("want a number, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("want a boolean, got %T", v)
		}
	}
}

// checkFormat checks a string against a discovery format.
func checkFormat(format, s string) error {
	var err error
	switch format {
	case "int64", "uint64":
		_, err = strconv.ParseInt(s, 10, 64)
	case "date-time", "google-datetime":
		_, err = time.Parse(time.RFC3339Nano, s)
	case "date":
		_, err = time.Parse("2006-01-02", s)
	}
	if err != nil {
		return fmt.Errorf("%q is not a %s: %w", s, format, err)
	}
	return nil
}

// checkResponse validates a JSON API response: a success against the
// response schema of the method the request called, an error against the
// envelope of google-spec.md §2.
func checkResponse(t testing.TB, req *http.Request, code int, body []byte) {
	t.Helper()
	api, rel := apiPath(req.URL.Path)
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s %s: response is not JSON: %v: %s", req.Method, req.URL.Path, err, body)
		return
	}
	var errs []string
	if code >= 400 {
		errs = checkEnvelope(api, code, v)
	} else {
		m, ok := scopes.Match(api, req.Method, rel)
		if !ok {
			t.Errorf("%s %s matches no %s method", req.Method, req.URL.Path, api)
			return
		}
		d := discovery(t)[api]
		ref := d.responses[m.ID]
		if ref == "" {
			t.Errorf("%s has no response schema but the fake sent %s", m.ID, body)
			return
		}
		d.check(ref, &jsonSchema{Ref: ref}, v, req.URL.Query().Has("fields"), &errs)
	}
	for _, e := range errs {
		t.Errorf("%s %s: %s", req.Method, req.URL.Path, e)
	}
}

// checkEnvelope validates an error body: {"error": {code, message, status,
// details}} plus errors[] except for People.
func checkEnvelope(api string, code int, v any) []string {
	top, _ := v.(map[string]any)
	e, ok := top["error"].(map[string]any)
	if !ok || len(top) != 1 {
		return []string{fmt.Sprintf("not an error envelope: %v", v)}
	}
	var errs []string
	for k := range e {
		if !slices.Contains([]string{"code", "message", "errors", "status", "details"}, k) {
			errs = append(errs, "unknown error field "+k)
		}
	}
	if n, _ := e["code"].(json.Number); n.String() != strconv.Itoa(code) {
		errs = append(errs, fmt.Sprintf("error.code %v, want %d", e["code"], code))
	}
	if _, ok := e["message"].(string); !ok {
		errs = append(errs, "error.message missing")
	}
	items, _ := e["errors"].([]any)
	if (api == "people") != (len(items) == 0) {
		errs = append(errs, fmt.Sprintf("%s error has errors[] %v", api, items))
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["reason"] == nil || m["domain"] == nil || m["message"] == nil {
			errs = append(errs, fmt.Sprintf("incomplete errors[] item %v", it))
		}
	}
	return errs
}

// apiPath splits a fake request path into the API name and the path below
// the API's base URL.
func apiPath(p string) (api, rel string) {
	if rel, ok := strings.CutPrefix(p, "/calendar/v3/"); ok {
		return "calendar", rel
	}
	if rel, ok := strings.CutPrefix(p, "/drive/v3/"); ok {
		return "drive", rel
	}
	return "people", strings.TrimPrefix(p, "/")
}

// checkingTransport authenticates requests as a test user (through the
// headers the test server turns into a Caller) and validates every JSON
// response against the discovery documents.
type checkingTransport struct {
	t      testing.TB
	user   string
	scopes []string
}

// RoundTrip implements http.RoundTripper.
func (ct *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(userHeader, ct.user)
	req.Header.Set(scopesHeader, strings.Join(ct.scopes, " "))
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	checkResponse(ct.t, req, resp.StatusCode, body)
	return resp, nil
}
