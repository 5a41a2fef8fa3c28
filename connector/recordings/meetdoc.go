package recordings

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the Meet transcript parser.
const (
	// maxSpeaker is the longest speaker name, in runes, the parser accepts.
	maxSpeaker = 60
	// maxSegmentText is the most text, in bytes, that continuation lines
	// add to one segment before a new one starts.
	maxSegmentText = 2000
	// perWord is the time a word takes when the transcript does not say.
	perWord = 400 * time.Millisecond
)

// meetLine is one stretch of a Meet transcript as read, before its times
// are settled: at is its timestamp, known when exact, or else the last
// timestamp seen before it.
type meetLine struct {
	at      time.Duration
	exact   bool
	speaker string
	text    string
}

// parseMeetTranscript reads the text export of a Meet transcript into
// segments. It understands Meet's layout: a header with the title, an
// "Attendees" line followed by the names, and a "Transcript" heading; then
// the speech, as "[hh:mm:ss] Name: text" lines, or as "Name: text" lines
// under bare "hh:mm:ss" timestamp lines; and a footer that says when the
// transcription ended. Lines without a speaker continue the segment before
// them. Speakers are names from the attendees or, failing that, up to four
// capitalised words before a colon. Times a line does not carry are spread
// over the words between the timestamps around it. Any text gives segments
// in order, with non-decreasing starts, each ending after it starts.
func parseMeetTranscript(text string) []Segment {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	body, attendees := meetHeader(lines)
	var parsed []meetLine
	var at, end time.Duration
	for _, raw := range body {
		line := cleanText(raw)
		if line == "" || strings.HasPrefix(line, "This editable transcript was computer generated") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Transcription ended after "); ok {
			if d, ok := parseClock(rest); ok {
				end = d
			}
			continue
		}
		if d, ok := parseClock(line); ok {
			at = d
			continue
		}
		exact := false
		if inner, rest, ok := strings.Cut(line, "]"); ok && strings.HasPrefix(inner, "[") {
			if d, ok := parseClock(inner[1:]); ok {
				at, exact, line = d, true, strings.TrimSpace(rest)
			}
		}
		speaker, said := splitSpeaker(line, attendees)
		if said == "" {
			continue
		}
		if n := len(parsed); n > 0 && speaker == "" && !exact && len(parsed[n-1].text)+len(said) < maxSegmentText {
			parsed[n-1].text += " " + said
			continue
		}
		if n := len(parsed); speaker == "" && n > 0 {
			speaker = parsed[n-1].speaker
		}
		parsed = append(parsed, meetLine{at: at, exact: exact, speaker: speaker, text: said})
	}
	return settleTimes(parsed, end)
}

// meetHeader returns the lines after Meet's "Transcript" heading, and the
// names listed under "Attendees" before it. Text without the heading is
// all speech.
func meetHeader(lines []string) (body []string, attendees map[string]bool) {
	heading := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "Transcript" {
			heading = i
			break
		}
	}
	if heading < 0 {
		return lines, nil
	}
	attendees = map[string]bool{}
	listing := false
	for _, l := range lines[:heading] {
		l = strings.TrimSpace(l)
		switch {
		case l == "Attendees":
			listing = true
		case listing && l != "":
			for name := range strings.SplitSeq(l, ",") {
				if name = cleanText(name); name != "" {
					attendees[name] = true
				}
			}
		}
	}
	return lines[heading+1:], attendees
}

// splitSpeaker splits "Name: text" into its speaker and what they said;
// a line without a speaker is all text.
func splitSpeaker(line string, attendees map[string]bool) (speaker, text string) {
	name, rest, ok := strings.Cut(line, ":")
	if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", line
	}
	name = strings.TrimSpace(name)
	if attendees[name] || looksLikeName(name) {
		return name, strings.TrimSpace(rest)
	}
	return "", line
}

// looksLikeName reports whether s reads as a person's name: one to four
// words, none starting with a lower-case letter, at most maxSpeaker runes.
func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 || utf8.RuneCountInString(s) > maxSpeaker {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// parseClock reads "hh:mm:ss" or "mm:ss", hours of any length.
func parseClock(s string) (time.Duration, bool) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var total int64
	for i, p := range parts {
		if p == "" || len(p) > 6 || i > 0 && len(p) != 2 {
			return 0, false
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || p[0] == '+' || i > 0 && n > 59 {
			return 0, false
		}
		total = total*60 + n
	}
	return time.Duration(total) * time.Second, true
}

// cleanText drops control characters and surrounding space.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// settleTimes turns parsed lines into segments. A line with an exact time
// starts then; lines that share a timestamp share the time up to the next
// one by their words. Each segment ends where the next starts, the last at
// end when that is later, or after its words.
func settleTimes(lines []meetLine, end time.Duration) []Segment {
	out := make([]Segment, len(lines))
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && !lines[j].exact && lines[j].at == lines[i].at {
			j++
		}
		words := 0
		for _, l := range lines[i:j] {
			words += len(strings.Fields(l.text))
		}
		span := time.Duration(words) * perWord
		if j < len(lines) && lines[j].at > lines[i].at {
			span = lines[j].at - lines[i].at
		}
		done := 0
		for k := i; k < j; k++ {
			out[k] = Segment{Start: lines[i].at + span*time.Duration(done)/time.Duration(max(words, 1)),
				Speaker: lines[k].speaker, Text: lines[k].text}
			done += len(strings.Fields(lines[k].text))
		}
		i = j
	}
	for i := range out {
		if i > 0 && out[i].Start < out[i-1].Start {
			out[i].Start = out[i-1].Start
		}
	}
	for i := range out {
		next := end
		if i+1 < len(out) {
			next = out[i+1].Start
		}
		out[i].End = next
		if next <= out[i].Start {
			out[i].End = out[i].Start + max(time.Second, time.Duration(len(strings.Fields(out[i].Text)))*perWord)
		}
	}
	return out
}
