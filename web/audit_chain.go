package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// chainPage is what the chain status page shows.
type chainPage struct {
	// NoKey means no checkpoint key is configured, so nothing can be
	// verified.
	NoKey  bool
	Report audit.Report
	// Unsigned counts the verified entries after the latest checkpoint.
	Unsigned int64
	// PublicKey is the checkpoints' public key in PEM; KeyID names it.
	PublicKey, KeyID string
}

// auditChain verifies the whole chain now and shows how far it is intact,
// or the first bad entry, with the public key that verifies it.
func (s *Server) auditChain(c echo.Context) error {
	pub := s.deps.Audit.PublicKey()
	if len(pub) == 0 {
		return s.render(c, http.StatusOK, "audit_chain", chainPage{NoKey: true})
	}
	rep, err := s.deps.Audit.Verify(c.Request().Context(), pub)
	if err != nil {
		return fmt.Errorf("verifying the audit chain: %w", err)
	}
	pem, err := audit.EncodePublicKey(pub)
	if err != nil {
		return fmt.Errorf("encoding the audit public key: %w", err)
	}
	page := chainPage{Report: rep, PublicKey: pem, KeyID: audit.KeyID(pub)}
	if rep.Checkpoint != nil {
		page.Unsigned = rep.VerifiedUpTo - rep.Checkpoint.Seq
	} else {
		page.Unsigned = rep.VerifiedUpTo
	}
	return s.render(c, http.StatusOK, "audit_chain", page)
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
