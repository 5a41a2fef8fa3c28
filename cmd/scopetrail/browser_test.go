package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scopetrail/scopetrail/scopes"
)

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

// TestBrowserPartialGrant drives headless chromium through the demo: it
// signs in as a demo account, turns on Recordings, unticks drive.readonly
// on the consent page, and sees recordings reported as not granted.
func TestBrowserPartialGrant(t *testing.T) {
	exe := chromiumPath(t)
	a := startApp(t, "")

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
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
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	fail := func(what string, err error) {
		t.Helper()
		t.Fatalf("%s: %v\napp log:\n%s", what, err, a.stderr)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			fail("reading "+sel, err)
		}
		return v
	}
	driveBox := `input[name=scope][value="` + scopes.DriveReadonly + `"]`

	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.base+"/"),
		chromedp.Click(chromedp.CSS(`#signin button`)),
		// Google's consent page, as the fake draws it.
		chromedp.WaitVisible(chromedp.CSS(`select#account`)),
	); err != nil {
		fail("signing in", err)
	}
	account, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`select#account`)))
	if err != nil {
		fail("reading the account", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value=allow]`)),
		chromedp.WaitVisible(chromedp.CSS(`#feature-recordings`)),
	); err != nil {
		fail("consenting to sign-in", err)
	}
	if who := text(`nav .who`); !strings.HasPrefix(who, account) {
		t.Errorf("signed in as %q, chose %q", who, account)
	}

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#feature-recordings form button`)),
		chromedp.WaitVisible(chromedp.CSS(driveBox)),
		chromedp.Click(chromedp.CSS(driveBox)),
	); err != nil {
		fail("asking for recordings", err)
	}
	ticked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('`+driveBox+`').checked`))
	if err != nil {
		fail("reading the checkbox", err)
	}
	if ticked {
		t.Fatal("drive.readonly still ticked after the click")
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value=allow]`)),
		chromedp.WaitVisible(chromedp.CSS(`#notice`)),
	); err != nil {
		fail("consenting without drive.readonly", err)
	}
	if notice := text(`#notice`); !strings.Contains(notice, "Google did not grant drive.readonly") {
		t.Errorf("notice %q does not say drive.readonly was not granted", notice)
	}
	if state := text(`#feature-recordings .state`); state != "Not granted" {
		t.Errorf("recordings state %q, want Not granted", state)
	}
}
