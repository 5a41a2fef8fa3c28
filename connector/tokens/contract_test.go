package tokens_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googlehttp/tokenstoretest"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestTokenStoreContract runs googlehttp.TokenStore's contract against the
// sealed database store, on SQLite and PostgreSQL.
func TestTokenStoreContract(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		kr := keyring(t, "k1:"+tokens.GenerateKey())
		var n atomic.Int64
		tokenstoretest.Run(t, func(t *testing.T) tokenstoretest.Subject {
			return tokenstoretest.Subject{
				Store: tokens.NewStore(db, kr, clock),
				NewUser: func(t *testing.T) string {
					return newUser(t, db, fmt.Sprintf("contract-%d@example.com", n.Add(1)))
				},
			}
		})
	})
}
