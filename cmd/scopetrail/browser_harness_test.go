package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser harness: the whole demo app, one headless chromium, and tabs
// that sign in as the demo's personas. Every page a test looks at can be
// checked the way a person on a laptop or a phone would notice trouble:
//
//	b := newBrowserApp(t, nil)
//	admin := b.signedIn(t, b.admin(t), desktop)
//	admin.visit("/admin/users")
//	admin.check("admin-users") // no horizontal scroll, no console error, axe clean; a screenshot
//
// A table that may be wider than a phone sits in <div class="table-wrap"
// tabindex="0" role="region" aria-label="…">: it scrolls by itself, and
// axe-core wants a scrolling region reachable by keyboard.
//
// Widths: desktop (1280 px) and phone (390 px). Screenshots go to
// SCREENSHOT_DIR when it is set (.ci/run sets it and keeps the folder).
// axe-core is read from AXE_CORE_JS, or from .ci/node_modules, where
// .ci/run installs it with npm; outside CI a missing axe-core or chromium
// skips the browser tests, in CI it fails them.

// The widths a page is checked at.
const (
	desktop = 1280
	phone   = 390
)

// browserApp is the demo app with a headless chromium to drive it.
type browserApp struct {
	*app
	browser context.Context // the first tab's, which owns the browser
	axe     string
}

// newBrowserApp starts the demo app, with env set over the demo's
// variables, and a headless chromium. Both stop when the test ends.
func newBrowserApp(t *testing.T, env map[string]string) *browserApp {
	t.Helper()
	exe := chromiumPath(t)
	axe := axeSource(t)
	a := startAppWith(t, "", env)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancel)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return &browserApp{app: a, browser: browser, axe: axe}
}

// chromiumPath finds Debian's chromium. Outside CI a missing browser skips
// the test; in CI (CI=true) it fails it, so the browser test always runs
// there.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI=true requires the browser test; install it with `apt-get install -y chromium`")
	}
	t.Skip("chromium is not installed; install it to run the browser test")
	return ""
}

// axeSource returns axe-core's script.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("AXE_CORE_JS")
	if path == "" {
		path = filepath.Join("..", "..", ".ci", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err == nil {
		return string(src)
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("axe-core is missing (%v); .ci/run installs it with npm", err)
	}
	t.Skipf("axe-core is missing (%v); run `npm install --prefix .ci axe-core` to run the browser tests", err)
	return ""
}

// accounts returns the demo accounts the app printed, in its order.
func (b *browserApp) accounts(t *testing.T) []string {
	t.Helper()
	var list []string
	for _, line := range strings.Split(b.stdout.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(line, "  ") && strings.Contains(f[0], "@") {
			list = append(list, f[0])
		}
	}
	if len(list) < 3 {
		t.Fatalf("the demo printed %d accounts, want at least 3:\n%s", len(list), b.stdout)
	}
	return list
}

// admin returns the demo account that is admin: the first.
func (b *browserApp) admin(t *testing.T) string { return b.accounts(t)[0] }

// member returns the demo account that is a plain member: the second.
func (b *browserApp) member(t *testing.T) string { return b.accounts(t)[1] }

// tab is one browser tab, with cookies of its own, at one width.
type tab struct {
	t     *testing.T
	b     *browserApp
	ctx   context.Context
	width int64

	mu       sync.Mutex
	problems []string // console errors, exceptions and failed loads seen
}

// newTab opens a tab in a browser context of its own (its own cookies) at
// width px. It closes when the test ends.
func (b *browserApp) newTab(t *testing.T, width int64) *tab {
	t.Helper()
	p := &tab{t: t, b: b, width: width}
	ctx, cancel := chromedp.NewContext(b.browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(p.listen))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelTimeout)
	p.ctx = ctx
	p.run(chromedp.EmulateViewport(width, 900))
	return p
}

// listen collects what a person with the console open would call an error.
func (p *tab) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			problem = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		}
	case *runtime.EventExceptionThrown:
		problem = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			problem += " " + ev.ExceptionDetails.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			problem = fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if problem != "" {
		p.mu.Lock()
		p.problems = append(p.problems, problem)
		p.mu.Unlock()
	}
}

// signedIn opens a tab at width and signs email in through the fake
// Google's consent page.
func (b *browserApp) signedIn(t *testing.T, email string, width int64) *tab {
	t.Helper()
	p := b.newTab(t, width)
	p.signIn(email)
	return p
}

// signIn signs the tab in as email: the sign-in page, the fake Google's
// account choice and consent, back to the dashboard.
func (p *tab) signIn(email string) {
	p.t.Helper()
	p.visit("/")
	p.consent(`#signin button`, email)
	if who := p.text(`nav .who`); !strings.HasPrefix(who, email) {
		p.t.Fatalf("signed in as %q, want %s", who, email)
	}
}

// reviewer returns the demo account that is the security reviewer: the
// third, which the demo makes a reviewer at its first sign-in.
func (b *browserApp) reviewer(t *testing.T) string { return b.accounts(t)[2] }

// consent presses button, which asks Google for more, and allows it as
// email on the fake Google's consent page.
func (p *tab) consent(button, email string) {
	p.t.Helper()
	p.run(
		chromedp.Click(chromedp.CSS(button)),
		chromedp.WaitVisible(chromedp.CSS(`select#account`)),
		chromedp.SetValue(chromedp.CSS(`select#account`), email),
		chromedp.Click(chromedp.CSS(`button[value=allow]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav .who`)),
	)
}

// grant turns feature on from the dashboard, allowing every scope on the
// fake Google's consent page as email.
func (p *tab) grant(email, feature string) {
	p.t.Helper()
	p.visit("/dashboard")
	p.consent(`form[action="/link/`+feature+`"] button`, email)
}

// run runs actions in the tab and fails the test on the first error.
func (p *tab) run(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("browser at %d px: %v\napp log:\n%s", p.width, err, p.b.stderr)
	}
}

// visit opens path on the app and waits for the page.
func (p *tab) visit(path string) {
	p.t.Helper()
	p.open(p.b.base + path)
}

// open opens a URL and waits for the page.
func (p *tab) open(url string) {
	p.t.Helper()
	p.run(chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`body`)))
}

// waitFor reloads the page the tab shows until sel matches an element,
// failing the test after limit.
func (p *tab) waitFor(sel string, limit time.Duration, what string) {
	p.t.Helper()
	for deadline := time.Now().Add(limit); ; {
		if p.eval(`document.querySelector('`+sel+`') ? 'yes' : ''`) != "" {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after %s:\n%s", what, limit, p.b.stderr)
		}
		time.Sleep(300 * time.Millisecond)
		p.run(chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`body`)))
	}
}

// until waits for the JavaScript condition cond to hold in the page the
// tab shows, failing the test after limit.
func (p *tab) until(cond string, limit time.Duration, what string) {
	p.t.Helper()
	for deadline := time.Now().Add(limit); p.eval(`(`+cond+`) ? 'yes' : ''`) == ""; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after %s", what, limit)
		}
	}
	p.run(chromedp.WaitReady(chromedp.CSS(`body`)))
}

// text returns the visible text of the first element sel matches.
func (p *tab) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("reading %s at %d px: %v", sel, p.width, err)
	}
	return strings.TrimSpace(v)
}

// eval evaluates a JavaScript expression that yields a string.
func (p *tab) eval(expr string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("evaluating in the page: %v", err)
	}
	return v
}

// check looks at the page the tab shows as a person would (see
// trouble) and fails the test for each thing wrong. With a name, it also
// saves a full-page screenshot as NAME-WIDTH.png in SCREENSHOT_DIR.
func (p *tab) check(name string) {
	p.t.Helper()
	for _, pr := range p.trouble() {
		p.t.Error(pr)
	}
	if name != "" {
		p.screenshot(fmt.Sprintf("%s-%d", name, p.width))
	}
}

// trouble returns what is wrong with the page the tab shows: anything
// wider than the screen (outside a .table-wrap, which scrolls by itself),
// console errors, exceptions and failed loads since the last look, and the
// serious or critical violations axe-core finds.
func (p *tab) trouble() []string {
	p.t.Helper()
	where := fmt.Sprintf("%s at %d px", p.eval(`location.pathname + location.search`), p.width)
	var out []string
	if over := p.eval(`(() => {
		const w = document.documentElement.clientWidth;
		const wide = document.documentElement.scrollWidth;
		if (wide <= w) return '';
		const culprits = [...document.querySelectorAll('body *')]
			.filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
		return wide + ' px wide, screen ' + w + ' px; widest: ' + culprits.join(', ');
	})()`); over != "" {
		out = append(out, fmt.Sprintf("%s scrolls sideways: %s", where, over))
	}
	p.mu.Lock()
	problems := p.problems
	p.problems = nil
	p.mu.Unlock()
	for _, pr := range problems {
		out = append(out, fmt.Sprintf("%s: %s", where, pr))
	}
	for _, v := range p.axe() {
		out = append(out, fmt.Sprintf("%s: axe %s: %s (%s): %s", where, v.Impact, v.ID, v.Help, strings.Join(v.Targets(), "; ")))
	}
	return out
}

// axeViolation is one rule axe-core found broken, with the nodes it saw.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// Targets returns the CSS selectors of the nodes that break the rule.
func (v axeViolation) Targets() []string {
	var out []string
	for _, n := range v.Nodes {
		out = append(out, fmt.Sprint(n.Target...))
	}
	return out
}

// axe runs axe-core on the page and returns the serious and critical
// violations.
func (p *tab) axe() []axeViolation {
	p.t.Helper()
	script := `(async () => {
		if (!window.axe) { ` + p.b.axe + ` }
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical'));
	})()`
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("running axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		p.t.Fatalf("reading axe-core's result: %v", err)
	}
	return vs
}

// screenshot saves the whole page as NAME.png in SCREENSHOT_DIR, when set.
func (p *tab) screenshot(name string) {
	p.t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("taking a screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
