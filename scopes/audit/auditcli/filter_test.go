package auditcli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestExportFiltersAsTheWebPage checks the filters the command line read
// differently from the web page before both used audit.ParseFilter: a
// datetime-local time with seconds was refused, and an outcome outside the
// list, a malformed method or a time range that ends before it starts
// silently matched nothing.
func TestExportFiltersAsTheWebPage(t *testing.T) {
	url := sqliteURL(t)
	writeTrail(t, sqldbtest.Migrated(t, url), 10)
	for _, tt := range []struct {
		name     string
		args     []string
		wantSeqs []string
		wantErr  string
	}{
		{"time with seconds", []string{"--since", "2026-03-01T09:03:05", "--until", "2026-03-01T09:08"}, []string{"4", "5", "6", "7"}, ""},
		{"empty time range", []string{"--since", "2026-03-01T09:05", "--until", "2026-03-01T09:05"}, nil, `until "2026-03-01T09:05": must come after since`},
		{"outcome outside the list", []string{"--outcome", "maybe"}, nil, `outcome "maybe": want ok, error`},
		{"malformed method", []string{"--method", "drive files"}, nil, `method "drive files": want letters`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCLI(t, url, append([]string{"export", "--format", "csv"}, tt.args...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, output %q; want an error with %q", err, out, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSeqs, csvSeqs(t, out)); diff != "" {
				t.Errorf("exported (-want +got):\n%s", diff)
			}
		})
	}
}
