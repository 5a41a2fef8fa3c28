package fakeapi

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// queryToken is a lexical token of a Drive query.
type queryToken struct {
	kind byte // 'w' word, 's' string literal, 'o' comparison operator, 'p' parenthesis
	text string
	pos  int
}

// String describes the token for error messages.
func (t queryToken) String() string {
	text := fmt.Sprintf("%q", t.text)
	if t.kind == 's' {
		text = quoteQuery(t.text)
	}
	return fmt.Sprintf("%s at offset %d", text, t.pos)
}

// lexQuery splits a query into tokens.
func lexQuery(s string) ([]queryToken, error) {
	var toks []queryToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, queryToken{kind: 'p', text: s[i : i+1], pos: i})
			i++
		case c == '\'':
			text, n, err := lexString(s[i:])
			if err != nil {
				return nil, fmt.Errorf("%w at offset %d", err, i)
			}
			toks = append(toks, queryToken{kind: 's', text: text, pos: i})
			i += n
		case c == '=' || c == '<' || c == '>' || c == '!':
			n := 1
			if i+1 < len(s) && s[i+1] == '=' {
				n = 2
			}
			if op := s[i : i+n]; op == "!" {
				return nil, fmt.Errorf("unexpected '!' at offset %d", i)
			}
			toks = append(toks, queryToken{kind: 'o', text: s[i : i+n], pos: i})
			i += n
		case isQueryWordByte(c):
			j := i
			for j < len(s) && isQueryWordByte(s[j]) {
				j++
			}
			toks = append(toks, queryToken{kind: 'w', text: s[i:j], pos: i})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
	return toks, nil
}

// lexString reads a single-quoted literal at the start of s, where \' and
// \\ are the escapes, and returns its value and length.
func lexString(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\'':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 == len(s) || (s[i+1] != '\'' && s[i+1] != '\\') {
				return "", 0, fmt.Errorf("invalid escape in string literal")
			}
			i++
		}
		b.WriteByte(s[i])
	}
	return "", 0, fmt.Errorf("unterminated string literal")
}

// isQueryWordByte reports whether c may appear in a bare word.
func isQueryWordByte(c byte) bool {
	return c == '_' || c == '.' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// googleOnlyTerms are query terms Drive knows that this fake does not serve.
var googleOnlyTerms = []string{"fullText", "viewedByMeTime", "starred", "properties", "appProperties", "visibility",
	"shortcutDetails.targetId", "memberCount", "organizerCount", "hidden", "readers", "writers", "labels"}

// term parses one comparison or membership test.
func (p *queryParser) term() (queryNode, error) {
	t, ok := p.next()
	if !ok {
		return nil, fmt.Errorf("missing search term at the end of the query")
	}
	if t.kind == 's' {
		if !p.keyword("in") {
			return nil, fmt.Errorf("expected 'in' after %s", t)
		}
		f, ok := p.next()
		switch {
		case !ok:
			return nil, fmt.Errorf("missing 'parents' or 'owners' at the end of the query")
		case f.text == "parents" || f.text == "owners":
			return inNode{value: t.text, field: f.text}, nil
		case slices.Contains(googleOnlyTerms, f.text):
			return nil, fmt.Errorf("%s is not supported by this fake: use parents or owners", f)
		}
		return nil, fmt.Errorf("expected 'parents' or 'owners', got %s", f)
	}
	if t.kind != 'w' {
		return nil, fmt.Errorf("expected a search term, got %s", t)
	}
	ops, ok := queryFields[t.text]
	if !ok {
		if slices.Contains(googleOnlyTerms, t.text) {
			return nil, fmt.Errorf("term %s is not supported by this fake", t)
		}
		return nil, fmt.Errorf("unknown search term %s", t)
	}
	opTok, ok := p.next()
	op := opTok.text
	if opTok.kind == 'w' {
		op = strings.ToLower(op)
	}
	if !ok || !slices.Contains(ops, op) {
		return nil, fmt.Errorf("operator after %s must be one of %s", t, strings.Join(ops, " "))
	}
	v, ok := p.next()
	if !ok {
		return nil, fmt.Errorf("missing value after %s", opTok)
	}
	n := cmpNode{field: t.text, op: op}
	switch t.text {
	case "trashed", "sharedWithMe":
		switch strings.ToLower(v.text) {
		case "true":
			n.flag = true
		case "false":
		default:
			return nil, fmt.Errorf("%s needs true or false, got %s", t.text, v)
		}
		if v.kind != 'w' {
			return nil, fmt.Errorf("%s needs a bare true or false, got %s", t.text, v)
		}
	case "createdTime", "modifiedTime":
		at, err := parseQueryTime(v)
		if err != nil {
			return nil, err
		}
		n.at = at
	default:
		if v.kind != 's' {
			return nil, fmt.Errorf("%s needs a quoted string, got %s", t.text, v)
		}
		n.str = v.text
	}
	return n, nil
}

// parseQueryTime parses an RFC 3339 literal; without an offset it is UTC.
func parseQueryTime(v queryToken) (time.Time, error) {
	if v.kind != 's' {
		return time.Time{}, fmt.Errorf("dates need a quoted RFC 3339 value, got %s", v)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, v.text); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s is not an RFC 3339 date-time", v)
}

// next consumes the next token.
func (p *queryParser) next() (queryToken, bool) {
	if p.i == len(p.toks) {
		return queryToken{}, false
	}
	p.i++
	return p.toks[p.i-1], true
}

// keyword consumes the next token if it is the bare word kw, in any case.
func (p *queryParser) keyword(kw string) bool {
	if p.i < len(p.toks) && p.toks[p.i].kind == 'w' && strings.EqualFold(p.toks[p.i].text, kw) {
		p.i++
		return true
	}
	return false
}

// punct consumes the next token if it is the parenthesis s.
func (p *queryParser) punct(s string) bool {
	if p.i < len(p.toks) && p.toks[p.i].kind == 'p' && p.toks[p.i].text == s {
		p.i++
		return true
	}
	return false
}
