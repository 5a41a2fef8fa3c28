package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// CSVHeader names the columns of WriteCSV, one row per user and scope.
var CSVHeader = []string{"scope", "tier", "requested", "user_id", "user_email", "status", "granted_at", "uses_7d", "uses_30d",
	"last_use", "redundant_with", "narrower_alternative", "alternative_serves"}

// The statuses of a user's row in the CSV export.
const (
	StatusInUse      = "in_use"
	StatusUnused     = "unused"
	StatusNotYetUsed = "not_yet_used"
	StatusSuspended  = "suspended"
	// A former user's status is "former_" and why: former_revoked.
	statusFormer = "former_"
)

// Row is one user and scope of the report, as the CSV and JSON exports
// write it.
type Row struct {
	Scope               string `json:"scope"`
	Tier                string `json:"tier"`
	Requested           bool   `json:"requested"`
	UserID              string `json:"user_id"`
	UserEmail           string `json:"user_email,omitempty"`
	Status              string `json:"status"`
	GrantedAt           string `json:"granted_at,omitempty"`
	Uses7               int64  `json:"uses_7d"`
	Uses30              int64  `json:"uses_30d"`
	LastUse             string `json:"last_use,omitempty"`
	RedundantWith       string `json:"redundant_with,omitempty"`
	NarrowerAlternative string `json:"narrower_alternative,omitempty"`
	AlternativeServes   bool   `json:"alternative_serves"`
}

// Rows lists the report's users by scope, in the report's order: the
// holders, then the suspended, then the former users. email names a user
// by id; it may return "".
func (r Report) Rows(email func(string) string) []Row {
	var out []Row
	for _, s := range r.Scopes {
		base := Row{Scope: s.Name, Tier: string(s.Tier), Requested: s.Requested}
		if s.Alternative != nil {
			base.NarrowerAlternative, base.AlternativeServes = s.Alternative.Name, len(s.Alternative.Uncovered) == 0
		}
		status := map[string]string{}
		for _, h := range s.Unused {
			status[h.UserID] = StatusUnused
		}
		for _, h := range s.NotYetUsed {
			status[h.UserID] = StatusNotYetUsed
		}
		redundant := map[string]string{}
		for _, x := range s.Redundant {
			redundant[x.UserID] = x.Broader
		}
		for _, h := range s.Holders {
			row := base
			row.UserID, row.UserEmail, row.Status = h.UserID, email(h.UserID), StatusInUse
			if st, ok := status[h.UserID]; ok {
				row.Status = st
			}
			row.GrantedAt, row.LastUse, row.Uses7, row.Uses30 = stamp(h.GrantedAt), stamp(h.LastUse), h.Uses7, h.Uses30
			row.RedundantWith = redundant[h.UserID]
			out = append(out, row)
		}
		for _, u := range s.Suspended {
			row := base
			row.UserID, row.UserEmail, row.Status = u, email(u), StatusSuspended
			out = append(out, row)
		}
		for _, f := range s.Former {
			row := base
			row.UserID, row.UserEmail, row.Status = f.UserID, email(f.UserID), statusFormer+string(f.Why)
			row.Uses7, row.Uses30, row.LastUse = f.Uses7, f.Uses30, stamp(f.LastUse)
			out = append(out, row)
		}
	}
	return out
}

// stamp writes a time as RFC 3339 in UTC, "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteCSV writes the report's rows as CSV, with CSVHeader first.
func (r Report) WriteCSV(w io.Writer, email func(string) string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("writing the report as CSV: %w", err)
	}
	for _, row := range r.Rows(email) {
		rec := []string{row.Scope, row.Tier, strconv.FormatBool(row.Requested), row.UserID, row.UserEmail, row.Status, row.GrantedAt,
			strconv.FormatInt(row.Uses7, 10), strconv.FormatInt(row.Uses30, 10), row.LastUse, row.RedundantWith,
			row.NarrowerAlternative, strconv.FormatBool(row.AlternativeServes)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("writing the report as CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the report as CSV: %w", err)
	}
	return nil
}

// exported is the report as WriteJSON writes it.
type exported struct {
	Time    string  `json:"time"`
	Summary summary `json:"summary"`
	Rows    []Row   `json:"rows"`
}

// summary is Summary as JSON.
type summary struct {
	Holders      int `json:"holders"`
	Unused       int `json:"unused"`
	NotYetUsed   int `json:"not_yet_used"`
	Redundant    int `json:"redundant"`
	Alternatives int `json:"narrower_alternatives"`
}

// WriteJSON writes the report's time, summary and rows as one JSON
// object.
func (r Report) WriteJSON(w io.Writer, email func(string) string) error {
	s := r.Summary()
	out := exported{Time: stamp(r.Time), Summary: summary(s), Rows: r.Rows(email)}
	if out.Rows == nil {
		out.Rows = []Row{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing the report as JSON: %w", err)
	}
	return nil
}
