package web

import (
	"errors"
	"strings"
	"testing"
)

// TestParseZone checks which ?tz= values the meetings pages accept.
func TestParseZone(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"Europe/Paris": true, "UTC": true, "America/Argentina/Buenos_Aires": true, "Asia/Kolkata": true,
		"": false, "Local": false, "Mars/Olympus": false, "../../../etc/passwd": false, "/etc/localtime": false,
		"europe/paris": false, strings.Repeat("A/", 40): false,
	} {
		loc, err := parseZone(name)
		if ok && (err != nil || loc.String() != name) {
			t.Errorf("parseZone(%q) = %v, %v; want the zone", name, loc, err)
		}
		var bad *invalidInput
		if !ok && !errors.As(err, &bad) {
			t.Errorf("parseZone(%q) = %v, %v; want an invalid input error", name, loc, err)
		}
	}
}

// FuzzParseZone checks that any ?tz= value gives a zone of that name or a
// message for the person, never a panic or another error.
func FuzzParseZone(f *testing.F) {
	for _, s := range []string{"Europe/Paris", "UTC", "Local", "", "../x", "Etc/GMT+5", "\x00", "America/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		loc, err := parseZone(name)
		var bad *invalidInput
		switch {
		case err == nil && loc.String() != name:
			t.Errorf("parseZone(%q) = zone %q", name, loc)
		case err != nil && !errors.As(err, &bad):
			t.Errorf("parseZone(%q): %v is not an invalid input error", name, err)
		}
	})
}
