package transcribetest

import "testing"

func TestEdits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ref, hyp    string
		edits, want int
	}{
		{"he was not an ill disposed young man", "he was not an ill disposed young man", 0, 8},
		{"he was not an ill disposed young man", "He was not, an ill-disposed young man.", 0, 8},
		{"he was not an ill disposed young man", "he was not until this blows young man", 3, 8},
		{"he might even", "", 3, 3},
		{"", "noise", 1, 0},
	} {
		if e, n := Edits(tc.ref, tc.hyp); e != tc.edits || n != tc.want {
			t.Errorf("Edits(%q, %q) = %d, %d; want %d, %d", tc.ref, tc.hyp, e, n, tc.edits, tc.want)
		}
	}
}
