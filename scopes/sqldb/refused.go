package sqldb

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// Refused reports whether err is PostgreSQL's answer that it refused a
// statement, such as a constraint violation: the statement ran and, outside
// a transaction, changed nothing. Any other error, such as a connection
// lost, leaves unknown whether it took effect.
func Refused(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg)
}
