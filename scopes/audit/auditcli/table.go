package auditcli

import (
	"io"
	"strings"
	"unicode/utf8"
)

// ANSI colours for outcomes.
const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	reset  = "\x1b[0m"
)

// table writes rows in aligned columns, two spaces apart, as they come:
// each column is as wide as the widest cell printed in it so far, so that
// the rows tail -f prints later line up with the first ones unless a cell
// is wider than any before it.
type table struct {
	w io.Writer
	// right marks the columns aligned to the right, numbers.
	right  []bool
	widths []int
}

// cell is one cell: its text and, when not "", the colour it is printed in.
type cell struct {
	text, color string
}

// write prints rows, widening the columns to fit them first.
func (t *table) write(rows [][]cell) error {
	for _, r := range rows {
		for i, c := range r {
			if i == len(t.widths) {
				t.widths = append(t.widths, 0)
			}
			t.widths[i] = max(t.widths[i], utf8.RuneCountInString(c.text))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", t.widths[i]-utf8.RuneCountInString(c.text))
			if i > 0 {
				b.WriteString("  ")
			}
			right := i < len(t.right) && t.right[i]
			if right {
				b.WriteString(pad)
			}
			if c.color != "" {
				b.WriteString(c.color + c.text + reset)
			} else {
				b.WriteString(c.text)
			}
			if !right && i < len(r)-1 {
				b.WriteString(pad)
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}
