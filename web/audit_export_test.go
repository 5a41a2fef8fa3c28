package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestAuditLogPagination walks the log page by page, older then newer, and
// checks that the pages split the filtered entries exactly and that the
// links keep the filters.
func TestAuditLogPagination(t *testing.T) {
	t.Parallel()
	h, trail, _ := newTrailHarness(t, 130)
	h.signIn(rita)
	for _, q := range []url.Values{{}, {"user": {bob.ID}}} {
		t.Run(q.Encode(), func(t *testing.T) {
			t.Parallel()
			want := matching(t, trail, false, func(e audit.Entry) bool { return q.Get("user") == "" || e.ActorID == q.Get("user") })
			var pages [][]string
			link := "/audit?" + q.Encode()
			for link != "" {
				r := h.get(link)
				h.expectStatus(r, http.StatusOK)
				pages = append(pages, shownSeqs(r))
				if n := len(pages); n > 1 && r.Find("a#page-newer") == nil {
					t.Errorf("page %d has no link to newer entries", n)
				}
				link = href(r, "a#page-older")
				if u, _ := url.Parse(link); link != "" && u.Query().Get("user") != q.Get("user") {
					t.Errorf("older link %q drops the filter", link)
				}
			}
			if len(pages) < 2 {
				t.Fatalf("%d page(s); the test needs several", len(pages))
			}
			var got []string
			for i, p := range pages {
				if len(p) != auditPageSize && i < len(pages)-1 {
					t.Errorf("page %d shows %d entries, want %d", i+1, len(p), auditPageSize)
				}
				got = append(got, p...)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}

			// Back from the last page, newer by newer.
			last := pages[len(pages)-1]
			r := h.get("/audit?" + q.Encode() + "&older=" + strings.Join(last[len(last)-1:], ""))
			if len(shownSeqs(r)) != 0 || r.Find("a#page-older") != nil {
				t.Errorf("past the oldest entry: %v", shownSeqs(r))
			}
			link = "/audit?" + q.Encode() + "&newer=" + pages[len(pages)-1][0]
			for i := len(pages) - 2; i >= 0; i-- {
				r := h.get(link)
				if diff := cmp.Diff(pages[i], shownSeqs(r)); diff != "" {
					t.Errorf("page %d read from newer (-want +got):\n%s", i+1, diff)
				}
				link = href(r, "a#page-newer")
			}
			if link != "" {
				t.Errorf("the first page links to newer entries: %s", link)
			}
		})
	}
}

// TestAuditExport streams the filtered log as CSV and as JSON Lines and
// reads it back.
func TestAuditExport(t *testing.T) {
	t.Parallel()
	h, trail, _ := newTrailHarness(t, 60)
	h.signIn(rita)
	keep := func(e audit.Entry) bool { return e.ActorID == bob.ID && e.Purpose == "recordings" }
	var want []string
	for e, err := range trail.Entries(context.Background(), audit.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if keep(e) {
			want = append(want, seqString(e))
		}
	}
	q := url.Values{"user": {bob.ID}, "purpose": {"recordings"}}
	for _, tt := range []struct {
		format, contentType string
		read                func(t *testing.T, body io.Reader) []map[string]string
	}{
		{"csv", "text/csv; charset=utf-8", readCSV},
		{"jsonl", "application/x-ndjson", readJSONL},
	} {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			res, err := h.browser.Client().Get(h.ts.URL + "/audit/export." + tt.format + "?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="scopetrail-audit-user-bob@example.com-purpose-recordings.`+tt.format+`"` {
				t.Errorf("Content-Disposition %q", cd)
			}
			if res.Header.Get("Content-Length") != "" {
				t.Errorf("the export was buffered: Content-Length %s", res.Header.Get("Content-Length"))
			}
			var got []string
			for _, rec := range tt.read(t, res.Body) {
				got = append(got, rec["seq"])
				if rec["actor_id"] != bob.ID || rec["purpose"] != "recordings" || rec["hash"] == "" {
					t.Errorf("record %v does not match the filters", rec)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("exported entries (-want +got):\n%s", diff)
			}
		})
	}
}

// readCSV reads an export as records keyed by the header row.
func readCSV(t *testing.T, body io.Reader) []map[string]string {
	t.Helper()
	r := csv.NewReader(body)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		rec := map[string]string{}
		for i, name := range header {
			rec[name] = row[i]
		}
		out = append(out, rec)
	}
}

// readJSONL reads an export of JSON objects, one a line, with every value
// as text.
func readJSONL(t *testing.T, body io.Reader) []map[string]string {
	t.Helper()
	var out []map[string]string
	sc := bufio.NewScanner(body)
	for sc.Scan() {
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		rec := map[string]string{}
		for k, v := range raw {
			b, _ := json.Marshal(v)
			rec[k] = strings.Trim(string(b), `"`)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// failingLog is an audit log whose export fails after writing before bytes.
type failingLog struct {
	*audit.Trail
	before string
}

func (f failingLog) Export(_ context.Context, w io.Writer, _ audit.Format, _ audit.Filter) error {
	if f.before != "" {
		if _, err := io.WriteString(w, f.before); err != nil {
			return err
		}
	}
	return errDatabaseDown
}

// TestAuditExportFailure checks that an export that fails before sending
// anything is an error page, and one that fails midway cuts the connection
// rather than ending a partial file cleanly.
func TestAuditExportFailure(t *testing.T) {
	t.Parallel()
	trail, _ := newTestTrail(t)
	t.Run("before the first byte", func(t *testing.T) {
		t.Parallel()
		h := newReviewHarness(t, failingLog{Trail: trail}, nil)
		h.signIn(rita)
		r := h.get("/audit/export.csv")
		h.expectStatus(r, http.StatusInternalServerError)
		if cd := r.Header.Get("Content-Disposition"); cd != "" {
			t.Errorf("the error page is an attachment: %q", cd)
		}
	})
	t.Run("midway", func(t *testing.T) {
		t.Parallel()
		h := newReviewHarness(t, failingLog{Trail: trail, before: strings.Repeat("x", 64<<10)}, nil)
		h.signIn(rita)
		res, err := h.browser.Client().Get(h.ts.URL + "/audit/export.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if _, err := io.ReadAll(res.Body); err == nil {
			t.Error("a partial export read as complete")
		}
		if !strings.Contains(h.logs.String(), "audit export cut short") {
			t.Errorf("the failure was not logged:\n%s", h.logs)
		}
	})
}

// href returns the target of the first link matching sel, "" when there is
// none.
func href(r *browser.Page, sel string) string {
	if n := r.Find(sel); n != nil {
		return browser.Attr(n, "href")
	}
	return ""
}
