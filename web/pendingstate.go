package web

import (
	"crypto/subtle"
	"slices"
	"strings"
)

// maxPendingStates bounds the pending Google requests one browser keeps,
// one per tab that started a sign-in or a link; starting one more forgets
// the oldest.
const maxPendingStates = 5

// pendingStates returns the states of the browser's pending Google
// requests, oldest first.
func pendingStates(b *browserSession) []string {
	return strings.Fields(b.get(keyState))
}

// addPendingState keeps the state of a request just started.
func addPendingState(b *browserSession, state string) {
	states := append(pendingStates(b), state)
	if n := len(states); n > maxPendingStates {
		states = states[n-maxPendingStates:]
	}
	b.set(keyState, strings.Join(states, " "))
}

// hasPendingState reports whether state is one of the browser's pending
// requests, comparing in constant time.
func hasPendingState(b *browserSession, state string) bool {
	if state == "" {
		return false
	}
	found := false
	for _, s := range pendingStates(b) {
		if subtle.ConstantTimeCompare([]byte(s), []byte(state)) == 1 {
			found = true
		}
	}
	return found
}

// dropPendingState forgets a state once its request is finished.
func dropPendingState(b *browserSession, state string) {
	states := slices.DeleteFunc(pendingStates(b), func(s string) bool { return s == state })
	if len(states) == 0 {
		b.del(keyState)
		return
	}
	b.set(keyState, strings.Join(states, " "))
}
