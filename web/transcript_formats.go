package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// transcriptFormat is a download format of a transcript.
type transcriptFormat struct {
	contentType string
	write       func(b *strings.Builder, t recordings.Transcript)
}

// transcriptFormats are the downloads, by file extension.
var transcriptFormats = map[string]transcriptFormat{
	"txt": {"text/plain; charset=utf-8", writeText},
	"vtt": {"text/vtt; charset=utf-8", writeVTT},
	"srt": {"application/x-subrip; charset=utf-8", writeSRT},
}

// writeText writes a transcript as text: a line a segment, with its start
// as [hh:mm:ss] and its speaker, as Meet writes them; the stored text when
// there are no segments.
func writeText(b *strings.Builder, t recordings.Transcript) {
	if len(t.Segments) == 0 {
		b.WriteString(t.Text)
		return
	}
	for _, s := range t.Segments {
		b.WriteString("[" + hms(s.Start) + "] ")
		if s.Speaker != "" {
			b.WriteString(s.Speaker + ": ")
		}
		b.WriteString(s.Text + "\n")
	}
}

// writeVTT writes a transcript as WebVTT: the header, then a numbered cue
// a segment with hh:mm:ss.mmm times, the speaker as a voice span. Text is
// escaped so that no "<", "&" or "-->" of the speech is markup.
func writeVTT(b *strings.Builder, t recordings.Transcript) {
	b.WriteString("WEBVTT\n")
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	for i, s := range t.Segments {
		fmt.Fprintf(b, "\n%d\n%s --> %s\n", i+1, cueTime(s.Start, '.'), cueTime(s.End, '.'))
		if s.Speaker != "" {
			b.WriteString("<v " + esc.Replace(s.Speaker) + ">")
		}
		b.WriteString(esc.Replace(s.Text) + "\n")
	}
}

// writeSRT writes a transcript as SubRip: a numbered cue a segment with
// hh:mm:ss,mmm times, the speaker before the text.
func writeSRT(b *strings.Builder, t recordings.Transcript) {
	for i, s := range t.Segments {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "%d\n%s --> %s\n", i+1, cueTime(s.Start, ','), cueTime(s.End, ','))
		if s.Speaker != "" {
			b.WriteString(s.Speaker + ": ")
		}
		b.WriteString(strings.ReplaceAll(s.Text, "-->", "->") + "\n")
	}
}

// cueTime writes an offset as hh:mm:ss followed by sep and milliseconds.
func cueTime(d time.Duration, sep byte) string {
	return fmt.Sprintf("%s%c%03d", hms(d), sep, max(d, 0).Milliseconds()%1000)
}

// hms writes an offset as hh:mm:ss, the hours growing past two digits.
func hms(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// offsetClock writes an offset for people: m:ss, or h:mm:ss from an hour on.
func offsetClock(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
