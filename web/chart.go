package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// The usage chart: calls and bytes per UTC day, stacked by scope, with the
// days of grants and revocations marked on the time axis. It is drawn on
// the server as SVG (templates/partials/usage_chart.html), so it needs no
// script, and carries a title, a description and the table of its figures.

// chartRanges are the ranges, in days, a chart can show.
var chartRanges = []int{7, 30, 90}

// defaultChartDays is the range a chart shows unless the URL asks for
// another.
const defaultChartDays = 30

// chartDays reads the range a URL asks for, as ?days=7; anything but one
// of chartRanges is the default.
func chartDays(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		return defaultChartDays
	}
	for _, r := range chartRanges {
		if r == n {
			return n
		}
	}
	return defaultChartDays
}

// The geometry of a chart panel, in SVG user units: the plot sits inside
// the margins.
const (
	chartWidth        = 640
	chartHeight       = 200
	chartMarginLeft   = 56
	chartMarginRight  = 8
	chartMarginTop    = 8
	chartMarginBottom = 36
)

// usageChart is one chart as the partial draws it: a panel for calls and
// one for bytes, links to the other ranges and the table behind them.
type usageChart struct {
	// ID prefixes the ids of the chart's elements, unique on the page.
	ID string
	// Caption says whose use it shows, as "everyone" or an email.
	Caption string
	Days    int
	Ranges  []chartRange
	Scopes  []chartScope
	Panels  []chartPanel
	Rows    []chartRow
	// Grants and Revocations total the marks in the range.
	Grants, Revocations int64
}

// chartRange is a link to the chart over another range.
type chartRange struct {
	Days    int
	URL     string
	Current bool
}

// chartScope is one series of the chart, in stacking order from the
// bottom; Class colours its bars and its key.
type chartScope struct {
	Short, Class string
}

// chartPanel is one SVG: one measure (calls or bytes) per day.
type chartPanel struct {
	// Caption names the measure, shown above the panel; Title and Desc
	// are the SVG's accessible name and description.
	ID, Caption, Title, Desc string
	Width, Height            int
	// Left, Right, Top and Bottom bound the plot.
	Left, Right, Top, Bottom float64
	// PlotH is the plot's height.
	PlotH          float64
	Days           []chartDay
	YTicks, XTicks []chartTick
	Marks          []chartMark
}

// chartDay is one day's slot of a panel and its stacked bars, bottom
// first; Label is the day's figures in words, its tooltip.
type chartDay struct {
	X, W  float64
	Label string
	Bars  []chartBar
}

// chartBar is one scope's part of a day's bar.
type chartBar struct {
	X, Y, W, H float64
	Class      string
}

// chartTick is a labelled tick on an axis; Pos is its x or y.
type chartTick struct {
	Pos   float64
	Label string
}

// chartMark marks a day with grants or revocations below the axis: a
// triangle with its top at X, Y, or a square.
type chartMark struct {
	X, Y float64
	// Left is where a square mark, 8 wide, starts.
	Left         float64
	Class, Label string
}

// chartRow is one day of the table behind the chart.
type chartRow struct {
	Day                 time.Time
	Calls, Bytes        []int64
	Grants, Revocations int64
}

// ByteLabel writes the bytes of the row's i-th scope for people.
func (r chartRow) ByteLabel(i int) string { return byteSize(r.Bytes[i]) }

// newUsageChart builds the chart of d over the days days up to today's,
// for the scopes named (short names, in stacking order), with links to
// each range made by rangeURL.
func newUsageChart(id, caption string, d audit.Daily, shorts []string, today time.Time, days int, rangeURL func(int) string) usageChart {
	c := usageChart{ID: id, Caption: caption, Days: days}
	for _, r := range chartRanges {
		c.Ranges = append(c.Ranges, chartRange{Days: r, URL: rangeURL(r), Current: r == days})
	}
	index := map[string]int{}
	for i, s := range shorts {
		index[s] = i
		c.Scopes = append(c.Scopes, chartScope{Short: s, Class: "series-" + strconv.Itoa(i%6)})
	}
	first := today.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-days)
	c.Rows = make([]chartRow, days)
	for i := range c.Rows {
		c.Rows[i] = chartRow{Day: first.AddDate(0, 0, i), Calls: make([]int64, len(shorts)), Bytes: make([]int64, len(shorts))}
	}
	dayIndex := func(t time.Time) int { return int(t.Sub(first) / (24 * time.Hour)) }
	for _, u := range d.Usage {
		i, ok := index[shortName(u.Scope)]
		if di := dayIndex(u.Day); ok && di >= 0 && di < days {
			c.Rows[di].Calls[i] += u.Calls
			c.Rows[di].Bytes[i] += u.Bytes
		}
	}
	for _, m := range d.Marks {
		if di := dayIndex(m.Day); di >= 0 && di < days {
			c.Rows[di].Grants += m.Grants
			c.Rows[di].Revocations += m.Revocations
			c.Grants += m.Grants
			c.Revocations += m.Revocations
		}
	}
	c.Panels = []chartPanel{
		c.panel("calls", "API calls per day", func(r chartRow) []int64 { return r.Calls }, func(n int64) string { return strconv.FormatInt(n, 10) }, 1),
		c.panel("bytes", "Response bytes per day", func(r chartRow) []int64 { return r.Bytes }, byteSize, 1024),
	}
	return c
}

// panel draws one measure of the chart's rows as stacked bars, on a scale
// whose top is a round number of the largest power of base (1 for counts,
// 1024 for bytes) below the busiest day.
func (c usageChart) panel(measure, title string, values func(chartRow) []int64, format func(int64) string, base int64) chartPanel {
	p := chartPanel{ID: c.ID + "-" + measure, Caption: title, Title: fmt.Sprintf("%s, %s, last %d days", title, c.Caption, c.Days),
		Width: chartWidth, Height: chartHeight,
		Left: chartMarginLeft, Right: chartWidth - chartMarginRight, Top: chartMarginTop, Bottom: chartHeight - chartMarginBottom}
	var top, total int64
	for _, r := range c.Rows {
		var sum int64
		for _, v := range values(r) {
			sum += v
		}
		top, total = max(top, sum), total+sum
	}
	unit := int64(1)
	for base > 1 && top >= unit*base {
		unit *= base
	}
	scale := niceCeiling((top+unit-1)/unit) * unit
	p.Desc = fmt.Sprintf("Stacked bars, one per day from %s to %s, one colour per scope (%s). Total %s; busiest day %s.",
		c.Rows[0].Day.Format("Jan 2"), c.Rows[len(c.Rows)-1].Day.Format("Jan 2"), c.scopeList(), format(total), format(top))
	if c.Grants+c.Revocations > 0 {
		p.Desc += fmt.Sprintf(" Marked below the axis: %s and %s.", plural(c.Grants, "grant"), plural(c.Revocations, "revocation"))
	}
	slot := (p.Right - p.Left) / float64(len(c.Rows))
	plotH := p.Bottom - p.Top
	p.PlotH = plotH
	for i, r := range c.Rows {
		x := p.Left + float64(i)*slot
		day := chartDay{X: round1(x), W: round1(slot), Label: r.Day.Format("Mon Jan 2") + ":"}
		y := p.Bottom
		for j, v := range values(r) {
			day.Label += fmt.Sprintf(" %s %s;", c.Scopes[j].Short, format(v))
			if v == 0 {
				continue
			}
			h := plotH * float64(v) / float64(scale)
			y -= h
			day.Bars = append(day.Bars, chartBar{X: round1(x + slot*0.15), Y: round1(y), W: round1(slot * 0.7), H: round1(h), Class: c.Scopes[j].Class})
		}
		day.Label = day.Label[:len(day.Label)-1]
		p.Days = append(p.Days, day)
		if r.Grants > 0 {
			p.Marks = append(p.Marks, chartMark{X: round1(x + slot/2), Y: p.Bottom + 2, Class: "mark-grant", Label: r.Day.Format("Jan 2") + ": " + plural(r.Grants, "grant")})
		}
		if r.Revocations > 0 {
			p.Marks = append(p.Marks, chartMark{X: round1(x + slot/2), Y: p.Bottom + 12, Left: round1(x + slot/2 - 4), Class: "mark-revoke", Label: r.Day.Format("Jan 2") + ": " + plural(r.Revocations, "revocation")})
		}
	}
	for _, f := range []int64{0, 2, 4} {
		v := scale * f / 4
		p.YTicks = append(p.YTicks, chartTick{Pos: round1(p.Bottom - plotH*float64(f)/4), Label: format(v)})
	}
	for _, i := range xTickDays(len(c.Rows)) {
		p.XTicks = append(p.XTicks, chartTick{Pos: round1(p.Left + (float64(i)+0.5)*slot), Label: c.Rows[i].Day.Format("Jan 2")})
	}
	return p
}

// scopeList names the chart's scopes, bottom first.
func (c usageChart) scopeList() string {
	s := ""
	for i, sc := range c.Scopes {
		if i > 0 {
			s += ", "
		}
		s += sc.Short
	}
	return s
}

// xTickDays are the days, by index, labelled on a time axis of n days: a
// few, evenly spaced, the last day always among them.
func xTickDays(n int) []int {
	step := max(1, (n+5)/6)
	var out []int
	for i := n - 1; i >= 0; i -= step {
		out = append([]int{i}, out...)
	}
	return out
}

// niceCeiling returns the top of a chart's scale for a largest value n:
// the smallest 1, 2, 4, 5 or 8 times a power of ten that is at least n and
// a multiple of 4, so that the ticks at its quarters are whole numbers; 4
// when n is at most 4.
func niceCeiling(n int64) int64 {
	if n <= 4 {
		return 4
	}
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 4, 5, 8} {
			if m*p >= n && m*p%4 == 0 {
				return m * p
			}
		}
	}
}

// round1 rounds to a tenth, which SVG coordinates need no finer.
func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// plural writes a count with its noun, as "1 grant" or "3 grants".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
