package googlehttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// inspectLimit bounds the bytes of a response the door keeps to read
// Google's error reason or count a list's items. Larger list pages are
// recorded without an item count; media is never inspected.
const inspectLimit = 1 << 20

// watchedBody counts the bytes of a response body as the caller reads them
// and records the outcome once, at the end of the body or when it is
// closed, whichever comes first.
type watchedBody struct {
	rc      io.ReadCloser
	status  int
	list    bool
	inspect bool
	n       int64
	head    bytes.Buffer
	once    sync.Once
	done    func(audit.Result) error
	doneErr error
}

// newWatchedBody wraps resp's body. done receives the outcome.
func newWatchedBody(resp *http.Response, m scopes.Method, done func(audit.Result) error) *watchedBody {
	list := isList(m) && resp.Request.URL.Query().Get("alt") != "media"
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	b := &watchedBody{
		rc: resp.Body, status: resp.StatusCode, done: done, list: list,
		inspect: ct == "application/json" && (resp.StatusCode >= 400 || list),
	}
	if b.inspect && resp.ContentLength > 0 {
		b.head.Grow(int(min(resp.ContentLength, inspectLimit)))
	}
	return b
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if b.inspect && b.head.Len() < inspectLimit {
		b.head.Write(p[:min(n, inspectLimit-b.head.Len())])
	}
	if err != nil {
		b.finish(err)
	}
	return n, err
}

// Close closes the body and records the outcome, if the end of the body did
// not already; it returns an error if the outcome could not be recorded. A
// body being inspected is first read on to its end (within the limit): JSON
// decoders stop at the end of the value, before the end of the body.
func (b *watchedBody) Close() error {
	if b.inspect {
		buf := make([]byte, 32<<10)
		for b.head.Len() < inspectLimit {
			if _, err := b.Read(buf); err != nil {
				break
			}
		}
	}
	err := b.rc.Close()
	b.finish(errClosed)
	if err != nil {
		return err
	}
	return b.doneErr
}

// errClosed is how finish learns that the body was closed before its end.
var errClosed = errors.New("closed")

// finish records the outcome once. end is io.EOF at the end of the body,
// errClosed when the caller closed it first, or the error that cut it.
func (b *watchedBody) finish(end error) {
	b.once.Do(func() {
		r := audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: b.status, NumResponseBytes: b.n}
		whole := b.inspect && end == io.EOF && b.n <= inspectLimit
		switch {
		case end != io.EOF && end != errClosed:
			r.Outcome, r.ErrorReason = audit.OutcomeError, failureReason(end, "response_interrupted")
		case b.status >= 400:
			r.Outcome = audit.OutcomeError
			if b.inspect {
				r.ErrorReason = errorReason(b.head.Bytes())
			}
		case b.list && whole:
			r.Items = countItems(b.head.Bytes())
		}
		b.head = bytes.Buffer{}
		b.doneErr = b.done(r)
	})
}

// isList reports whether a method returns a page of items.
func isList(m scopes.Method) bool {
	last := m.ID[strings.LastIndexByte(m.ID, '.')+1:]
	return strings.HasPrefix(last, "list") || strings.HasPrefix(last, "search")
}

// errorReason reads Google's reason from an error body (google-spec.md
// §2.1): errors[].reason, else the ErrorInfo reason in details, else status.
func errorReason(body []byte) string {
	var env struct {
		Error struct {
			Status string `json:"status"`
			Errors []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
			Details []struct {
				Type   string `json:"@type"`
				Reason string `json:"reason"`
			} `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil {
		return ""
	}
	for _, e := range env.Error.Errors {
		if e.Reason != "" {
			return e.Reason
		}
	}
	for _, d := range env.Error.Details {
		if strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") && d.Reason != "" {
			return d.Reason
		}
	}
	return env.Error.Status
}

// listKeys name the arrays of list pages: Calendar's items, Drive's files
// and changes, People's people and connections.
var listKeys = map[string]bool{"items": true, "files": true, "changes": true, "people": true, "connections": true}

// countItems counts the elements of a list page's array, scanning the JSON
// without decoding it: a page of a thousand people costs one pass over its
// bytes and no allocation but the keys.
func countItems(body []byte) int64 {
	var (
		depth          int
		key            string // the last string closed at depth 1
		counting, some bool
		commas         int64
	)
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case ' ', '\t', '\n', '\r', ':':
		case ',':
			if counting && depth == 2 {
				commas++
			}
		case '}', ']':
			depth--
			if counting && depth == 1 {
				if !some {
					return 0
				}
				return commas + 1
			}
		default:
			if counting && depth == 2 {
				some = true
			}
			switch c {
			case '"':
				end := stringEnd(body, i)
				if end < 0 {
					return 0
				}
				if depth == 1 && !counting {
					key = string(body[i+1 : end])
				}
				i = end
			case '{', '[':
				depth++
				counting = counting || (c == '[' && depth == 2 && listKeys[key])
			}
		}
	}
	return 0
}

// stringEnd returns the index of the quote that ends the JSON string
// starting at body[start], or -1 if it does not end.
func stringEnd(body []byte, start int) int {
	for i := start + 1; i < len(body); i++ {
		k := bytes.IndexByte(body[i:], '"')
		if k < 0 {
			return -1
		}
		i += k
		escapes := 0
		for p := i - 1; p > start && body[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return i
		}
	}
	return -1
}

// drain reads a little of a response body, so that the connection can be
// reused, and closes it.
func drain(resp *http.Response) {
	io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}
