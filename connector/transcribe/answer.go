package transcribe

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxAnswer bounds the answer read from a transcription server.
const maxAnswer = 16 << 20

// verboseJSON is the part of OpenAI's verbose_json answer that is read.
type verboseJSON struct {
	Text     string  `json:"text"`
	Duration float64 `json:"duration"`
	Segments []struct {
		Start float64 `json:"start"`
		End   float64 `json:"end"`
		Text  string  `json:"text"`
	} `json:"segments"`
}

// parseVerboseJSON reads a verbose_json answer into segments, times from
// the piece's start. An answer with text but no segments is one segment
// over its duration. Times that are negative, not numbers or absurdly large
// are refused; an end before its start is moved to the start.
func parseVerboseJSON(body []byte) ([]Segment, error) {
	var v verboseJSON
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("reading the transcription server's answer: %w: %w", err, ErrEngine)
	}
	dur, ok := secondsOK(v.Duration)
	if !ok {
		return nil, fmt.Errorf("reading the transcription server's answer: duration %v: %w", v.Duration, ErrEngine)
	}
	if len(v.Segments) == 0 {
		if t := strings.TrimSpace(v.Text); t != "" {
			return []Segment{{Start: 0, End: dur, Text: t}}, nil
		}
		return nil, nil
	}
	segs := make([]Segment, 0, len(v.Segments))
	for i, s := range v.Segments {
		start, ok1 := secondsOK(s.Start)
		end, ok2 := secondsOK(s.End)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("reading the transcription server's answer: segment %d times %v–%v: %w", i, s.Start, s.End, ErrEngine)
		}
		t := strings.TrimSpace(s.Text)
		if t == "" {
			continue
		}
		segs = append(segs, Segment{Start: start, End: max(start, end), Text: t})
	}
	return segs, nil
}

// secondsOK converts seconds to a duration, refusing values that are not
// a time within a recording (negative, NaN, over a year).
func secondsOK(s float64) (time.Duration, bool) {
	if math.IsNaN(s) || s < 0 || s > 365*24*3600 {
		return 0, false
	}
	return seconds(s), true
}

// APIError is a transcription server's refusal.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Message is the server's error message, or its status text.
	Message string
	// Wait is the server's Retry-After, 0 when it gave none.
	Wait time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("the transcription server answered %d: %s", e.Status, e.Message)
}

// Retryable reports whether the request is worth another attempt: on a
// rate limit (429) or a server error (5xx).
func (e *APIError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// RetryAfter is the wait the server asked for.
func (e *APIError) RetryAfter() time.Duration { return e.Wait }

// Is makes a refusal that is not worth retrying (any 4xx but 429) an
// ErrEngine.
func (e *APIError) Is(target error) bool { return target == ErrEngine && !e.Retryable() }

// newAPIError reads an error answer: OpenAI's {"error": {"message": ...}},
// or {"error": "..."}, or plain text.
func newAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, Message: errorMessage(body), Wait: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// errorMessage finds the message in an error answer, cut to 300 bytes.
func errorMessage(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  string          `json:"detail"`
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &v) == nil {
		var inner struct {
			Message string `json:"message"`
		}
		var plain string
		switch {
		case json.Unmarshal(v.Error, &inner) == nil && inner.Message != "":
			msg = inner.Message
		case json.Unmarshal(v.Error, &plain) == nil && plain != "":
			msg = plain
		case v.Message != "":
			msg = v.Message
		case v.Detail != "":
			msg = v.Detail
		}
	}
	msg = strings.ToValidUTF8(msg, "")
	if len(msg) > 300 {
		msg = strings.ToValidUTF8(msg[:300], "") + "…"
	}
	return msg
}

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP
// date; 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 || s > 24*3600 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
