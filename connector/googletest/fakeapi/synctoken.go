package fakeapi

import (
	"errors"
	"strings"
	"sync"
	"time"
)

// syncTokenTTL is how long a People sync token lives (google-spec.md §3.2).
const syncTokenTTL = 7 * 24 * time.Hour

// errExpiredToken is returned for a well-formed sync token that has expired.
var errExpiredToken = errors.New("fakeapi: sync token expired")

// syncToken is the content of a sync token.
type syncToken struct {
	// List names the list that issued the token, such as "people.list".
	List string `json:"l"`
	// User is the lower-case email of the caller it was issued to.
	User string `json:"u"`
	// Bind is the hash of the parameters the token is bound to.
	Bind uint64 `json:"b"`
	// Seq is the workspace sequence the token covers: the next incremental
	// sync returns changes after it.
	Seq int64 `json:"s"`
	// Serial orders tokens by issue, for ExpireSyncTokens.
	Serial uint64 `json:"n"`
	// Issued is the issue time in Unix seconds.
	Issued int64 `json:"t"`
}

// syncTokens issues and checks sync tokens.
type syncTokens struct {
	codec tokenCodec
	now   func() time.Time

	mu     sync.Mutex
	serial uint64
	cutoff map[string]uint64 // lower-case email ("" = everyone) to the last expired serial
}

// issue returns a sync token for list, user and bind covering changes up to seq.
func (s *syncTokens) issue(list, user string, bind uint64, seq int64) string {
	s.mu.Lock()
	s.serial++
	n := s.serial
	s.mu.Unlock()
	return s.codec.seal(syncToken{List: list, User: strings.ToLower(user), Bind: bind, Seq: seq, Serial: n, Issued: s.now().Unix()})
}

// check opens token and verifies that it was issued for list, user and
// bind. It returns errBadToken for a token that is not one of those, and
// errExpiredToken for one that ExpireSyncTokens expired or, when ttl is not
// zero, that is older than ttl.
func (s *syncTokens) check(token, list, user string, bind uint64, ttl time.Duration) (syncToken, error) {
	var t syncToken
	if err := s.codec.open(token, &t); err != nil {
		return t, err
	}
	if t.List != list || t.User != strings.ToLower(user) || t.Bind != bind {
		return t, errBadToken
	}
	s.mu.Lock()
	expired := t.Serial <= s.cutoff[""] || t.Serial <= s.cutoff[t.User]
	s.mu.Unlock()
	if expired || (ttl > 0 && s.now().Sub(time.Unix(t.Issued, 0)) > ttl) {
		return t, errExpiredToken
	}
	return t, nil
}

// expire makes every token issued so far to email ("" = everyone) expired.
func (s *syncTokens) expire(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cutoff == nil {
		s.cutoff = make(map[string]uint64)
	}
	s.cutoff[strings.ToLower(email)] = s.serial
}
