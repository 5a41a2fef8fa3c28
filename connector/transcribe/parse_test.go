package transcribe

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// sphinxSample is pocketsphinx_continuous -time yes output for two
// utterances, as this Debian build prints it.
const sphinxSample = `and mr john guess what
<s> 0.000 0.140 0.999600
and(2) 0.150 0.360 0.260109
mr 0.370 0.620 0.988960
<sil> 0.630 1.500 0.553458
john 1.510 1.800 0.929314
</s> 1.810 1.900 1.000000
he was not
<s> 7.240 7.260 0.999800
he 7.270 7.370 0.998601
[NOISE] 7.380 7.400 0.5
was(2) 7.410 7.590 0.999800
not 7.600 8.020 0.997104
</s> 8.030 8.100 1.000000
`

func TestParseSphinxGroupsWords(t *testing.T) {
	t.Parallel()
	words, err := parseSphinx(strings.NewReader(sphinxSample))
	if err != nil {
		t.Fatal(err)
	}
	segs := groupWords(words, time.Minute)
	want := []Segment{
		{Start: time.Minute + 150*time.Millisecond, End: time.Minute + 620*time.Millisecond, Text: "and mr"},
		{Start: time.Minute + 1510*time.Millisecond, End: time.Minute + 1800*time.Millisecond, Text: "john"},
		{Start: time.Minute + 7270*time.Millisecond, End: time.Minute + 8020*time.Millisecond, Text: "he was not"},
	}
	if len(segs) != len(want) {
		t.Fatalf("segments %+v; want %+v", segs, want)
	}
	for i := range want {
		if segs[i] != want[i] {
			t.Errorf("segment %d = %+v; want %+v", i, segs[i], want[i])
		}
	}
}

func TestStitchDropsWhatTwoPiecesHeard(t *testing.T) {
	t.Parallel()
	s := time.Second
	pieces := []piece{{0, 10 * s}, {6 * s, 10 * s}}
	parts := [][]Segment{
		{{0, 3 * s, "one"}, {3 * s, 7 * s, "two"}, {7 * s, 10 * s, "three cut"}},
		{{6 * s, 7 * s, "wo"}, {7 * s, 10 * s, "three"}, {10 * s, 16 * s, "four"}},
	}
	got := stitch(pieces, parts)
	var texts []string
	for _, g := range got {
		texts = append(texts, g.Text)
	}
	if strings.Join(texts, "|") != "one|two|three|four" {
		t.Errorf("stitched %q; want one|two|three|four", texts)
	}
}

func FuzzParseSphinx(f *testing.F) {
	f.Add(sphinxSample)
	f.Add("word 1 2 3\n<s> x y z\nfoo(2) 0.1 0.2 nan\n</s> 1e300 1e301 1\n")
	f.Fuzz(func(t *testing.T, out string) {
		words, err := parseSphinx(strings.NewReader(out))
		if err != nil {
			return
		}
		for _, w := range words {
			if w.start < 0 || w.end < w.start {
				t.Fatalf("word %+v has impossible times", w)
			}
		}
		for _, s := range groupWords(words, 0) {
			if s.Text == "" || s.End < s.Start || !utf8.ValidString(s.Text) && utf8.ValidString(out) {
				t.Fatalf("segment %+v", s)
			}
		}
	})
}

func FuzzParseVerboseJSON(f *testing.F) {
	f.Add(`{"task":"transcribe","duration":8.5,"text":" Hello.","segments":[{"id":0,"start":0.0,"end":3.3,"text":" Hello."}]}`)
	f.Add(`{"text":"no segments","duration":2}`)
	f.Add(`{"segments":[{"start":-1,"end":2,"text":"x"}]}`)
	f.Add(`{"segments":[{"start":5,"end":2,"text":"backwards"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		segs, err := parseVerboseJSON([]byte(body))
		if err != nil {
			return
		}
		for _, s := range segs {
			if s.Start < 0 || s.End < s.Start || strings.TrimSpace(s.Text) != s.Text || s.Text == "" {
				t.Fatalf("segment %+v from %q", s, body)
			}
		}
	})
}

func FuzzErrorAnswer(f *testing.F) {
	f.Add(`{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error"}}`, "7")
	f.Add(`{"error":"plain"}`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("Bad Gateway", "-3")
	f.Fuzz(func(t *testing.T, body, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := newAPIError(&http.Response{StatusCode: 429, Header: h}, []byte(body))
		if e.Message == "" || len(e.Message) > 300+len("…") || !utf8.ValidString(e.Message) || e.Wait < 0 || e.Wait > 24*time.Hour {
			t.Fatalf("error %+v from %q, %q", e, body, retryAfter)
		}
	})
}

func TestSniffMedia(t *testing.T) {
	t.Parallel()
	for head, want := range map[string]bool{
		"\x00\x00\x00\x20ftypisom": true, "\x1a\x45\xdf\xa3\x01": true, "OggS\x00": true, "RIFF....WAVE": true,
		"ID3\x04": true, "\xff\xfb\x90": true, "Minutes of": false, "": false, "\x00\x00": false,
	} {
		if got := sniffMedia([]byte(head)); got != want {
			t.Errorf("sniffMedia(%q) = %v; want %v", head, got, want)
		}
	}
}
