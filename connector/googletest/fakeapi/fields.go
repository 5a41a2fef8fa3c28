package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxFieldDepth bounds the nesting of a fields selector.
const maxFieldDepth = 8

// fieldMask is a parsed partial-response selector (the `fields` parameter):
// a tree of selected fields. A node with all set selects its whole subtree.
type fieldMask struct {
	all bool
	sub map[string]*fieldMask
}

// has reports whether the mask selects the field name.
func (m *fieldMask) has(name string) bool { return m.all || m.sub[name] != nil }

// child returns the mask of the field name, nil when it is not selected.
func (m *fieldMask) child(name string) *fieldMask {
	if m.all {
		return m
	}
	return m.sub[name]
}

// apply prunes a JSON value built of maps and slices to the mask.
func (m *fieldMask) apply(v any) any {
	if m == nil || m.all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(m.sub))
		for k, cm := range m.sub {
			if val, ok := x[k]; ok {
				out[k] = cm.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = m.apply(x[i])
		}
		return out
	}
	return v
}

// merge adds the selection of src to m.
func (m *fieldMask) merge(src *fieldMask) {
	m.all = m.all || src.all
	for k, s := range src.sub {
		m.node(k).merge(s)
	}
}

// node returns the child node name, creating it.
func (m *fieldMask) node(name string) *fieldMask {
	if m.sub == nil {
		m.sub = make(map[string]*fieldMask)
	}
	n := m.sub[name]
	if n == nil {
		n = &fieldMask{}
		m.sub[name] = n
	}
	return n
}

// parseFields parses a selector such as "nextPageToken,files(id,name,owners/emailAddress)".
func parseFields(s string) (*fieldMask, error) {
	p := fieldParser{s: s}
	m := &fieldMask{}
	if err := p.list(m, 0); err != nil {
		return nil, err
	}
	if p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
	}
	return m, nil
}

// fieldParser is a recursive-descent parser of selectors.
type fieldParser struct {
	s string
	i int
}

// list parses "item (',' item)*" into m, stopping before ')' or the end.
func (p *fieldParser) list(m *fieldMask, depth int) error {
	if depth > maxFieldDepth {
		return fmt.Errorf("selection nested deeper than %d levels", maxFieldDepth)
	}
	for {
		path, err := p.path()
		if err != nil {
			return err
		}
		sel := &fieldMask{all: true}
		if p.peek() == '(' {
			p.i++
			sel = &fieldMask{}
			if err := p.list(sel, depth+1); err != nil {
				return err
			}
			if p.peek() != ')' {
				return fmt.Errorf("missing ')' at offset %d", p.i)
			}
			p.i++
		}
		target := m
		for _, name := range path[:len(path)-1] {
			target = target.node(name)
		}
		if last := path[len(path)-1]; last == "*" {
			if !sel.all {
				return fmt.Errorf("'*' cannot have a sub-selection")
			}
			target.all = true
		} else {
			target.node(last).merge(sel)
		}
		p.skipSpace()
		if p.peek() != ',' {
			return nil
		}
		p.i++
	}
}

// path parses "name ('/' name)*".
func (p *fieldParser) path() ([]string, error) {
	var path []string
	for {
		p.skipSpace()
		start := p.i
		for p.i < len(p.s) && isFieldChar(p.s[p.i]) {
			p.i++
		}
		if p.i == start {
			if p.i == len(p.s) {
				return nil, fmt.Errorf("missing field name at the end")
			}
			return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
		}
		name := p.s[start:p.i]
		if strings.Contains(name, "*") && name != "*" {
			return nil, fmt.Errorf("invalid field name %q", name)
		}
		path = append(path, name)
		p.skipSpace()
		if p.peek() != '/' {
			return path, nil
		}
		if name == "*" {
			return nil, fmt.Errorf("'*' must end a path")
		}
		p.i++
	}
}

// peek returns the next byte, 0 at the end.
func (p *fieldParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// skipSpace skips blanks.
func (p *fieldParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// isFieldChar reports whether c may appear in a field name.
func isFieldChar(c byte) bool {
	return c == '_' || c == '*' || c == '@' || c == '.' || c == '-' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// schema describes the fields of a response object, for validating
// selectors: nil is a scalar or a list of scalars, open an object whose
// fields are not checked.
type schema struct {
	fields map[string]*schema
	open   bool
}

// openObject is a schema that accepts any sub-selection.
var openObject = &schema{open: true}

// validate checks that every selected field exists in s.
func (m *fieldMask) validate(s *schema, prefix string) error {
	if len(m.sub) > 0 && s == nil {
		return fmt.Errorf("%s has no sub-fields", prefix)
	}
	if s == nil || s.open {
		return nil
	}
	for name, cm := range m.sub {
		cs, ok := s.fields[name]
		if !ok {
			return fmt.Errorf("unknown field %q", strings.TrimPrefix(prefix+"/"+name, "/"))
		}
		if err := cm.validate(cs, prefix+"/"+name); err != nil {
			return err
		}
	}
	return nil
}

// fieldsParam returns the mask of the `fields` parameter checked against s,
// or def when the parameter is absent.
func fieldsParam(q url.Values, def string, s *schema) (*fieldMask, error) {
	sel := q.Get("fields")
	if sel == "" {
		sel = def
	}
	m, err := parseFields(sel)
	if err == nil {
		err = m.validate(s, "")
	}
	if err != nil {
		return nil, invalidParam("fields", "Invalid field selection "+sel+": "+err.Error())
	}
	return m, nil
}

// writeSelected writes v with status 200, trimmed to the request's `fields`
// selector (checked against s) when there is one.
func writeSelected(w http.ResponseWriter, q url.Values, v any, s *schema) error {
	if q.Get("fields") == "" {
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	m, err := fieldsParam(q, "", s)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m.apply(generic))
	return nil
}
