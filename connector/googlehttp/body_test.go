package googlehttp

import "testing"

func TestCountItems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want int64
	}{
		{`{"items":[]}`, 0},
		{`{"kind":"calendar#events","summary":"items","items":[{"id":"a"},{"id":"b","attendees":[{"email":"x"},{"email":"y"}]}],"nextPageToken":"t"}`, 2},
		{`{"defaultReminders":[{"method":"popup"}],"items":[{"id":"a, \"b]\"","x":[1,2,3]}]}`, 1},
		{`{"people":[{"resourceName":"people/c1"},{"resourceName":"people/c2"},{"resourceName":"people/c3"}],"nextSyncToken":"s"}`, 3},
		{"{\n  \"files\": [\n    {\"id\": \"f1\"},\n    {\"id\": \"f2\"}\n  ]\n}", 2},
		{`{"changes":[1, 2, 3, 4]}`, 4},
		{`{"items":["a\\", "b\"]", "c"]}`, 3},
		{`{"items":["unterminated]}`, 0},
		{`{"nextPageToken":"t"}`, 0},
		{`{"items":[{"id":`, 0},
		{`not json`, 0},
	} {
		t.Run(tc.body, func(t *testing.T) {
			t.Parallel()
			if got := countItems([]byte(tc.body)); got != tc.want {
				t.Errorf("countItems = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestErrorReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, want string
	}{
		{"legacy errors", `{"error":{"code":403,"errors":[{"reason":"insufficientPermissions"}],"status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}`, "insufficientPermissions"},
		{"error info only", `{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.Help"},{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}`, "RATE_LIMIT_EXCEEDED"},
		{"status only", `{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}`, "INVALID_ARGUMENT"},
		{"not an envelope", `<html>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := errorReason([]byte(tc.body)); got != tc.want {
				t.Errorf("errorReason = %q, want %q", got, tc.want)
			}
		})
	}
}

func BenchmarkCountItems(b *testing.B) {
	page := []byte(`{"people":[`)
	for i := range 1000 {
		if i > 0 {
			page = append(page, ',')
		}
		page = append(page, `{"resourceName":"people/c1234567890","etag":"%EgUBAi43PRoEAQIFByIMR0p2b2xxSmxOMms9","names":[{"displayName":"Ada \"the\" Lovelace","givenName":"Ada"}],"emailAddresses":[{"value":"ada@example.test"}]}`...)
	}
	page = append(page, `],"nextPageToken":"abc"}`...)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if n := countItems(page); n != 1000 {
			b.Fatalf("countItems = %d", n)
		}
	}
}
