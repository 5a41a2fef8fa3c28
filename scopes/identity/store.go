package identity

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Store keeps users and sessions in the database. It is safe for concurrent
// use, also by several replicas sharing one PostgreSQL database.
type Store struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewStore returns a Store on a migrated database. now is the clock that
// stamps sign-ins and decides session expiry; nil means time.Now.
func NewStore(db *sqldb.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// newID returns a random 128-bit id in hex.
func newID() string {
	return hex.EncodeToString(randomBytes(16))
}

// randomBytes returns n bytes from crypto/rand, which never fails.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// clock returns the current time as it is stored: UTC, to the microsecond.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
