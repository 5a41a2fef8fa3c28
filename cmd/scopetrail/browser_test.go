package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scopetrail/scopetrail/scopes"
)

// TestBrowserPartialGrant drives headless chromium through the demo: it
// signs in as a demo account, turns on Recordings, unticks drive.readonly
// on the consent page, and sees recordings reported as not granted.
func TestBrowserPartialGrant(t *testing.T) {
	b := newBrowserApp(t, nil)
	p := b.signedIn(t, b.admin(t), desktop)
	driveBox := `input[name=scope][value="` + scopes.DriveReadonly + `"]`

	p.run(
		chromedp.Click(chromedp.CSS(`#feature-recordings form button`)),
		chromedp.WaitVisible(chromedp.CSS(driveBox)),
		chromedp.Click(chromedp.CSS(driveBox)),
	)
	if ticked := p.eval(`String(document.querySelector('` + driveBox + `').checked)`); ticked != "false" {
		t.Fatal("drive.readonly still ticked after the click")
	}
	p.run(
		chromedp.Click(chromedp.CSS(`button[value=allow]`)),
		chromedp.WaitVisible(chromedp.CSS(`#notice`)),
	)
	if notice := p.text(`#notice`); !strings.Contains(notice, "Google did not grant drive.readonly") {
		t.Errorf("notice %q does not say drive.readonly was not granted", notice)
	}
	if state := p.text(`#feature-recordings .state`); state != "Not granted" {
		t.Errorf("recordings state %q, want Not granted", state)
	}
}
