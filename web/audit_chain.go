package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
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
	// CheckpointAge is how long ago the latest checkpoint was signed, and
	// Covered the last entry it covers, as "12,000".
	CheckpointAge, Covered string
	// Due says when the next checkpoint is due; nil when the trail
	// cannot say (it has no schedule).
	Due *checkpointDue
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
	now := time.Now()
	if sched, ok := s.deps.Audit.(checkpointScheduler); ok {
		sc := sched.CheckpointSchedule()
		now = sc.Now
		if page.Due, err = s.checkpointDue(c.Request().Context(), st, sc); err != nil {
			return chainPage{}, err
		}
	}
	if cp := st.Checkpoint; cp != nil {
		page.Unsigned = max(st.HeadSeq-cp.Seq, 0)
		page.CheckpointAge, page.Covered = age(now.Sub(cp.Time)), grouped(cp.Seq)
	}
	return page, nil
}

// checkpointScheduler is the part of an AuditLog that says when it
// checkpoints, found by type assertion; *audit.Trail has it.
type checkpointScheduler interface {
	// CheckpointSchedule returns the count threshold, the timer's
	// interval and the trail's clock.
	CheckpointSchedule() audit.Schedule
}

// checkpointDue is what the chain page says about the next checkpoint:
// when it is due by time and by count, whichever comes first, or that the
// timer passed without one.
type checkpointDue struct {
	// Now is the trail's clock, for <time datetime>.
	Now time.Time
	// Every is the count threshold and Interval the timer's period in
	// words, for the page's description of checkpoints.
	Every, Interval string
	// Waiting means entries that no checkpoint covers exist.
	Waiting bool
	// At is when the timer checkpoints next, and In how soon that is in
	// words; zero and "" when no entry waits.
	At time.Time
	In string
	// AtEntry is the entry at which the next count checkpoint is made,
	// and More how many entries that is away; "" without count
	// checkpoints.
	AtEntry, More string
	// Overdue means the timer passed an entry waiting for longer than an
	// interval and no checkpoint was made; Since is the first such entry's
	// time and Late how long ago that was, in words.
	Overdue bool
	Since   time.Time
	Late    string
}

// overdueSlack is how long past its interval an entry may wait for the
// timed checkpoint before the page calls it overdue: a tick may miss an
// entry it raced with, and a checkpoint takes time to sign and write.
func overdueSlack(interval time.Duration) time.Duration {
	return max(interval/10, 5*time.Second)
}

// checkpointDue works out when the next checkpoint is due. The timer
// looks every interval while entries wait, so the first entry after the
// latest checkpoint is covered within an interval of its time; reading it
// is one indexed row, which keeps the page's cost in proportion to the new
// entries.
func (s *Server) checkpointDue(ctx context.Context, st audit.Status, sc audit.Schedule) (*checkpointDue, error) {
	d := &checkpointDue{Now: sc.Now, Interval: age(sc.Interval)}
	covered := int64(0)
	if st.Checkpoint != nil {
		covered = st.Checkpoint.Seq
	}
	if sc.Every > 0 {
		next := (st.HeadSeq/sc.Every + 1) * sc.Every
		d.Every, d.AtEntry, d.More = grouped(sc.Every), grouped(next), grouped(next-st.HeadSeq)
	}
	if st.HeadSeq <= covered {
		return d, nil
	}
	p, err := s.deps.Audit.Query(ctx, audit.Filter{Raw: true, Cursor: strconv.FormatInt(covered, 10), Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("reading the first entry after the latest checkpoint: %w", err)
	}
	if len(p.Entries) == 0 {
		return d, nil
	}
	d.Waiting, d.Since = true, p.Entries[0].Time
	d.At = st.NextCheckpoint
	if d.At.IsZero() {
		d.At = d.Since.Add(sc.Interval)
	}
	if sc.Now.After(d.Since.Add(sc.Interval + overdueSlack(sc.Interval))) {
		d.Overdue, d.Late = true, age(sc.Now.Sub(d.Since))
		return d, nil
	}
	d.In = "less than a second"
	if left := d.At.Sub(sc.Now); left >= time.Second {
		d.In = age(left)
	}
	return d, nil
}

// grouped writes a count with a comma between each group of three digits,
// as "12,000".
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
