package fakeapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFields(t *testing.T) {
	t.Parallel()
	data := map[string]any{"kind": "drive#fileList", "nextPageToken": "t", "files": []any{
		map[string]any{"id": "1", "name": "a", "owners": []any{map[string]any{"emailAddress": "x", "displayName": "X"}}},
	}}
	tests := []struct {
		fields string
		want   any
	}{
		{"*", data},
		{"kind", map[string]any{"kind": "drive#fileList"}},
		{"files(id)", map[string]any{"files": []any{map[string]any{"id": "1"}}}},
		{"files/id,files/name", map[string]any{"files": []any{map[string]any{"id": "1", "name": "a"}}}},
		{" nextPageToken , files( owners/emailAddress )", map[string]any{"nextPageToken": "t",
			"files": []any{map[string]any{"owners": []any{map[string]any{"emailAddress": "x"}}}}}},
		{"files(*),kind", map[string]any{"kind": "drive#fileList", "files": data["files"]}},
		{"files(owners),files(owners(displayName))", map[string]any{"files": []any{map[string]any{"owners": data["files"].([]any)[0].(map[string]any)["owners"]}}}},
	}
	for _, tt := range tests {
		t.Run(tt.fields, func(t *testing.T) {
			m, err := parseFields(tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.validate(fileListSchema, ""); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, m.apply(data)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"", "files(", "files()", "files)", "a,,b", "*(id)", "*/id", "fi*les", "a/", "files(id))"} {
		t.Run("reject "+bad, func(t *testing.T) {
			if m, err := parseFields(bad); err == nil {
				t.Errorf("accepted as %+v", m)
			}
		})
	}
}

// FuzzFields checks that the fields parser and its validation never panic.
func FuzzFields(f *testing.F) {
	for _, s := range []string{"*", "files(id,name,owners(emailAddress)),nextPageToken", "changes/file/id", "a(b(c(d)))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseFields(s)
		if err != nil {
			return
		}
		_ = m.validate(changeListSchema, "")
		_ = m.apply(map[string]any{"changes": []any{map[string]any{"file": map[string]any{"id": "1"}}}})
	})
}
