package web

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// A flash is a one-line confirmation (or warning) shown once, on the page
// the browser lands on after a POST redirects it: "Bob is now a reviewer."
type flash struct {
	// Kind is "ok", "warn" or "bad": the banner's class.
	Kind string
	Text string
}

// keyFlash is the session key of the pending flash, stored as "kind\ttext".
const keyFlash = "flash"

// flashKinds are the kinds a flash may have.
var flashKinds = map[string]bool{"ok": true, "warn": true, "bad": true}

// setFlash keeps a message for the next page this browser renders. A kind
// outside flashKinds is shown as "ok".
func setFlash(c echo.Context, kind, text string) {
	if !flashKinds[kind] {
		kind = "ok"
	}
	sessionOf(c).set(keyFlash, kind+"\t"+text)
}

// takeFlash returns the pending flash and forgets it, or nil when there is
// none.
func takeFlash(c echo.Context) *flash {
	sess, ok := c.Get(ctxSession).(*browserSession)
	if !ok {
		return nil
	}
	kind, text, ok := strings.Cut(sess.take(keyFlash), "\t")
	if !ok {
		return nil
	}
	return &flash{Kind: kind, Text: text}
}
