package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// chainPage is what the chain status page shows.
type chainPage struct {
	// NoKey means no checkpoint key is configured, so nothing can be
	// verified.
	NoKey bool
	// Status is the quick check every load makes: the entries since the
	// latest checkpoint, and whether appends are refused.
	Status audit.Status
	// Unsigned counts the entries after the latest checkpoint.
	Unsigned int64
	// CheckpointAge is how long ago the latest checkpoint was signed.
	CheckpointAge string
	// Report is the whole chain's verification, when the reviewer asked
	// for one; Limits says what it cannot rule out.
	Report *audit.Report
	Limits string
	// PublicKey is the checkpoints' public key in PEM; KeyID names it.
	PublicKey, KeyID string
}

// auditChain shows the chain's state: the entries since the latest
// checkpoint are checked on every load, in time proportional to them, and
// the page says when the next checkpoint is due. The whole chain is
// verified only when the reviewer asks (auditChainVerify), as
// `scopetrail audit verify` does.
func (s *Server) auditChain(c echo.Context) error {
	page, err := s.chainPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "audit_chain", page)
}

// auditChainVerify verifies the whole chain now and shows how far it is
// intact, or the first bad entry.
func (s *Server) auditChainVerify(c echo.Context) error {
	page, err := s.chainPage(c)
	if err != nil {
		return err
	}
	if !page.NoKey {
		rep, err := s.deps.Audit.Verify(c.Request().Context(), s.deps.Audit.PublicKey())
		if err != nil {
			return fmt.Errorf("verifying the audit chain: %w", err)
		}
		page.Report, page.Limits = &rep, rep.Limits()
	}
	return s.render(c, http.StatusOK, "audit_chain", page)
}

// chainPage reads the chain's status, or says that no key is configured.
func (s *Server) chainPage(c echo.Context) (chainPage, error) {
	pub := s.deps.Audit.PublicKey()
	if len(pub) == 0 {
		return chainPage{NoKey: true}, nil
	}
	st, err := s.deps.Audit.Status(c.Request().Context())
	if err != nil {
		return chainPage{}, fmt.Errorf("reading the audit chain's status: %w", err)
	}
	pem, err := audit.EncodePublicKey(pub)
	if err != nil {
		return chainPage{}, fmt.Errorf("encoding the audit public key: %w", err)
	}
	page := chainPage{Status: st, Unsigned: st.HeadSeq, PublicKey: pem, KeyID: audit.KeyID(pub)}
	if cp := st.Checkpoint; cp != nil {
		page.Unsigned = max(st.HeadSeq-cp.Seq, 0)
		page.CheckpointAge = age(time.Since(cp.Time))
	}
	return page, nil
}

// age says roughly how long a duration is, as "3 minutes".
func age(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d < time.Minute:
		return plural(int64(max(d, 0)/time.Second), "second")
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	}
	return plural(int64(d/(24*time.Hour)), "day")
}

// auditPublicKey downloads the checkpoints' public key as a PEM file, for
// `scopetrail audit verify --pubkey`.
func (s *Server) auditPublicKey(c echo.Context) error {
	pub := s.deps.Audit.PublicKey()
	if len(pub) == 0 {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	pem, err := audit.EncodePublicKey(pub)
	if err != nil {
		return fmt.Errorf("encoding the audit public key: %w", err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="scopetrail-audit-%s.pem"`, audit.KeyID(pub)))
	return c.Blob(http.StatusOK, "application/x-pem-file", []byte(pem))
}
