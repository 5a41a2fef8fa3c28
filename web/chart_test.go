package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// chartToday is the last day of the charts under test.
var chartToday = time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)

// testChart builds a chart of everyone's use over days days.
func testChart(d audit.Daily, days int) usageChart {
	return newUsageChart("usage", "everyone", d, []string{"calendar.readonly", "drive.readonly"}, chartToday, days,
		func(n int) string { return fmt.Sprintf("/report?days=%d", n) })
}

// day returns midnight UTC n days before chartToday.
func day(n int) time.Time { return chartToday.Truncate(24*time.Hour).AddDate(0, 0, -n) }

func TestChartBarHeightsAreProportional(t *testing.T) {
	t.Parallel()
	c := testChart(audit.Daily{Usage: []audit.DailyUsage{
		{Day: day(2), Scope: scopes.CalendarReadonly, Calls: 10, Bytes: 1024},
		{Day: day(1), Scope: scopes.CalendarReadonly, Calls: 20, Bytes: 4096},
	}}, 7)
	calls := c.Panels[0]
	h1, h2 := calls.Days[4].Bars[0].H, calls.Days[5].Bars[0].H
	if h1 <= 0 || h2 != 2*h1 {
		t.Errorf("bars of 10 and 20 calls are %v and %v high; want the second twice the first", h1, h2)
	}
	bytesPanel := c.Panels[1]
	if b1, b2 := bytesPanel.Days[4].Bars[0].H, bytesPanel.Days[5].Bars[0].H; b2 != 4*b1 {
		t.Errorf("bars of 1 KiB and 4 KiB are %v and %v high; want the second four times the first", b1, b2)
	}
	if top := calls.Days[5].Bars[0]; top.Y+top.H != calls.Bottom {
		t.Errorf("a bar ends at %v, not on the axis at %v", top.Y+top.H, calls.Bottom)
	}
}

func TestChartStacksInScopeOrder(t *testing.T) {
	t.Parallel()
	c := testChart(audit.Daily{Usage: []audit.DailyUsage{
		{Day: day(0), Scope: scopes.DriveReadonly, Calls: 30},
		{Day: day(0), Scope: scopes.CalendarReadonly, Calls: 10},
	}}, 7)
	bars := c.Panels[0].Days[6].Bars
	if len(bars) != 2 {
		t.Fatalf("today has %d bars, want 2", len(bars))
	}
	low, high := bars[0], bars[1]
	if low.Class != "series-0" || high.Class != "series-1" {
		t.Errorf("bars stacked as %s then %s; want calendar.readonly (series-0) below drive.readonly (series-1)", low.Class, high.Class)
	}
	if low.Y+low.H != c.Panels[0].Bottom || high.Y+high.H != low.Y {
		t.Errorf("bars at y %v+%v and %v+%v do not stack from the axis at %v", low.Y, low.H, high.Y, high.H, c.Panels[0].Bottom)
	}
	if high.H != 3*low.H {
		t.Errorf("30 calls drawn %v high over 10 calls drawn %v high", high.H, low.H)
	}
}

func TestChartDrawsEmptyDaysAsZero(t *testing.T) {
	t.Parallel()
	c := testChart(audit.Daily{Usage: []audit.DailyUsage{{Day: day(3), Scope: scopes.DriveReadonly, Calls: 5}}}, 30)
	p := c.Panels[0]
	if len(p.Days) != 30 || len(c.Rows) != 30 {
		t.Fatalf("a 30-day chart has %d day slots and %d table rows", len(p.Days), len(c.Rows))
	}
	for i, d := range p.Days {
		if i != 26 && len(d.Bars) != 0 {
			t.Errorf("day %d has bars but no calls", i)
		}
		if i > 0 && d.X <= p.Days[i-1].X {
			t.Errorf("day %d is not right of the day before", i)
		}
	}
	if !strings.Contains(p.Days[0].Label, "drive.readonly 0") {
		t.Errorf("an empty day's tooltip is %q; want it to say 0", p.Days[0].Label)
	}
	if got := c.Rows[26].Calls[1]; got != 5 || c.Rows[25].Calls[1] != 0 {
		t.Errorf("the table has %d calls on the day with 5 and %d the day before", got, c.Rows[25].Calls[1])
	}
	if !c.Rows[29].Day.Equal(day(0)) || !c.Rows[0].Day.Equal(day(29)) {
		t.Errorf("the table runs from %v to %v; want the 30 days to today", c.Rows[0].Day, c.Rows[29].Day)
	}
}

func TestChartAxisLabelsAndMarks(t *testing.T) {
	t.Parallel()
	c := testChart(audit.Daily{
		Usage: []audit.DailyUsage{{Day: day(1), Scope: scopes.DriveReadonly, Calls: 37}},
		Marks: []audit.DailyMark{{Day: day(5), Grants: 2}, {Day: day(0), Revocations: 1}},
	}, 7)
	p := c.Panels[0]
	var ys []string
	for _, tk := range p.YTicks {
		ys = append(ys, tk.Label)
	}
	if got := strings.Join(ys, " "); got != "0 20 40" {
		t.Errorf("y axis labels %q; want 0 20 40 for a busiest day of 37", got)
	}
	last := p.XTicks[len(p.XTicks)-1]
	if last.Label != "Dec 6" {
		t.Errorf("the last x label is %q; want today, Dec 6", last.Label)
	}
	if len(p.Marks) != 2 || p.Marks[0].Label != "Dec 1: 2 grants" || p.Marks[1].Label != "Dec 6: 1 revocation" {
		t.Errorf("marks = %+v; want 2 grants on Dec 1 and 1 revocation on Dec 6", p.Marks)
	}
	if !strings.Contains(p.Desc, "2 grants and 1 revocation") {
		t.Errorf("the description %q does not name the marks", p.Desc)
	}

	tmpl := template.Must(template.New("t").Funcs(templateFuncs).ParseFS(templateFS, partialGlob))
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "usage_chart", c); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		`role="img" aria-labelledby="usage-calls-title usage-calls-desc"`,
		`<title id="usage-calls-title">API calls per day, everyone, last 7 days</title>`,
		`<desc id="usage-bytes-desc">`,
		`>Dec 6</text>`, `>40</text>`,
		`<title>Dec 1: 2 grants</title>`,
		`<th scope="row">2026-12-05</th>`,
		`<span class="current" aria-current="page">7 days</span>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the chart's HTML lacks %s", want)
		}
	}
	if strings.Contains(html, "style=") {
		t.Error("the chart has a style attribute, which the CSP forbids")
	}
}

func TestChartDaysReadsOnlyItsRanges(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"7": 7, "30": 30, "90": 90, "": 30, "8": 30, "-7": 30, "1e9": 30} {
		if got := chartDays(in); got != want {
			t.Errorf("chartDays(%q) = %d, want %d", in, got, want)
		}
	}
}

// FuzzChartDays checks that whatever ?days= says, a chart shows one of
// its ranges.
func FuzzChartDays(f *testing.F) {
	for _, s := range []string{"7", "30", "90", "", "0", "-1", "99999999999999999999", "7 ", "0x1e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := chartDays(s); got != 7 && got != 30 && got != 90 {
			t.Errorf("chartDays(%q) = %d", s, got)
		}
	})
}
