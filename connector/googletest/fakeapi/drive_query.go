package fakeapi

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// maxQueryDepth bounds the nesting of a Drive query.
const maxQueryDepth = 32

// queryNode is a node of a parsed Drive query (files.list q): it matches
// files for a caller and prints back to an equivalent query.
type queryNode interface {
	match(f *workspace.File, me string) bool
	String() string
}

// boolNode is "l and r" or "l or r".
type boolNode struct {
	and  bool
	l, r queryNode
}

// match evaluates both sides.
func (n boolNode) match(f *workspace.File, me string) bool {
	if n.and {
		return n.l.match(f, me) && n.r.match(f, me)
	}
	return n.l.match(f, me) || n.r.match(f, me)
}

// String prints the node in parentheses.
func (n boolNode) String() string {
	op := " or "
	if n.and {
		op = " and "
	}
	return "(" + n.l.String() + op + n.r.String() + ")"
}

// notNode is "not x".
type notNode struct{ x queryNode }

// match negates the operand.
func (n notNode) match(f *workspace.File, me string) bool { return !n.x.match(f, me) }

// String prints "not" and the operand.
func (n notNode) String() string { return "not " + n.x.String() }

// inNode is "'value' in parents" or "'value' in owners".
type inNode struct{ value, field string }

// match tests membership; 'me' in owners names the caller.
func (n inNode) match(f *workspace.File, me string) bool {
	if n.field == "parents" {
		return slices.Contains(f.Parents, n.value)
	}
	owner := n.value
	if owner == "me" {
		owner = me
	}
	return strings.EqualFold(f.Owner, owner)
}

// String prints the membership test.
func (n inNode) String() string { return quoteQuery(n.value) + " in " + n.field }

// cmpNode compares a file field with a literal.
type cmpNode struct {
	field, op string
	str       string    // string operand
	flag      bool      // boolean operand
	at        time.Time // time operand
}

// match compares the file's field with the operand.
func (n cmpNode) match(f *workspace.File, me string) bool {
	switch n.field {
	case "name", "mimeType":
		v := f.Name
		if n.field == "mimeType" {
			v = f.MimeType
		}
		switch n.op {
		case "=":
			return v == n.str
		case "!=":
			return v != n.str
		}
		if n.field == "name" {
			return containsWordPrefix(v, n.str)
		}
		return strings.Contains(strings.ToLower(v), strings.ToLower(n.str))
	case "trashed", "sharedWithMe":
		v := f.Trashed
		if n.field == "sharedWithMe" {
			v = !strings.EqualFold(f.Owner, me) && slices.ContainsFunc(f.SharedWith, func(s string) bool { return strings.EqualFold(s, me) })
		}
		return (v == n.flag) == (n.op == "=")
	}
	v := f.CreatedTime
	if n.field == "modifiedTime" {
		v = f.ModifiedTime
	}
	c := v.Truncate(time.Millisecond).Compare(n.at)
	switch n.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "!=":
		return c != 0
	}
	return c == 0
}

// String prints the comparison.
func (n cmpNode) String() string {
	switch n.field {
	case "trashed", "sharedWithMe":
		return fmt.Sprintf("%s %s %t", n.field, n.op, n.flag)
	case "createdTime", "modifiedTime":
		return n.field + " " + n.op + " " + quoteQuery(n.at.UTC().Format(time.RFC3339Nano))
	}
	return n.field + " " + n.op + " " + quoteQuery(n.str)
}

// containsWordPrefix implements Drive's "name contains": the value must
// start the name or one of its words, ignoring case.
func containsWordPrefix(name, value string) bool {
	name, value = strings.ToLower(name), strings.ToLower(value)
	for i := 0; i <= len(name)-len(value); i++ {
		if (i == 0 || !isWordByte(name[i-1])) && strings.HasPrefix(name[i:], value) {
			return true
		}
	}
	return false
}

// isWordByte reports whether c continues a word (letters, digits and any
// byte of a multi-byte character).
func isWordByte(c byte) bool {
	return c >= 0x80 || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9')
}

// quoteQuery writes s as a query string literal.
func quoteQuery(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// queryFields lists the supported terms and their operators.
var queryFields = map[string][]string{
	"name":         {"=", "!=", "contains"},
	"mimeType":     {"=", "!=", "contains"},
	"trashed":      {"=", "!="},
	"sharedWithMe": {"=", "!="},
	"createdTime":  {"<", "<=", "=", "!=", ">", ">="},
	"modifiedTime": {"<", "<=", "=", "!=", ">", ">="},
}

// parseQuery parses the supported subset of Drive's query language
// (google-spec.md §5.2); an empty query gives nil, which matches every file.
func parseQuery(s string) (queryNode, error) {
	toks, err := lexQuery(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, nil
	}
	p := &queryParser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %s", p.toks[p.i])
	}
	return n, nil
}

// queryParser is a recursive-descent parser over query tokens:
//
//	or    = and {"or" and}
//	and   = unary {"and" unary}
//	unary = "not" unary | "(" or ")" | term
//	term  = string "in" ("parents" | "owners") | field op literal
type queryParser struct {
	toks []queryToken
	i    int
}

// or parses a disjunction.
func (p *queryParser) or(depth int) (queryNode, error) {
	return p.binary(depth, "or", p.and)
}

// and parses a conjunction.
func (p *queryParser) and(depth int) (queryNode, error) {
	return p.binary(depth, "and", p.unary)
}

// binary parses "next {kw next}", folding to the left.
func (p *queryParser) binary(depth int, kw string, next func(int) (queryNode, error)) (queryNode, error) {
	l, err := next(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword(kw) {
		r, err := next(depth)
		if err != nil {
			return nil, err
		}
		l = boolNode{and: kw == "and", l: l, r: r}
	}
	return l, nil
}

// unary parses a negation, a parenthesised query or a term.
func (p *queryParser) unary(depth int) (queryNode, error) {
	if depth > maxQueryDepth {
		return nil, fmt.Errorf("query nested deeper than %d levels", maxQueryDepth)
	}
	switch {
	case p.keyword("not"):
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{x: x}, nil
	case p.punct("("):
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, fmt.Errorf("missing ')'")
		}
		return x, nil
	}
	return p.term()
}
