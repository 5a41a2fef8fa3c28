-- +goose Up
-- The reviewer's audit log filters requests by method, purpose, event and
-- outcome, newest first, a page at a time. Without these indexes a value that
-- few requests have read the whole trail to fill a page. A request's first
-- entry holds its method, purpose and begin event (ref_seq = 0); the entry
-- that records its outcome holds the outcome and may change the event
-- (ref_seq > 0). Each index yields its rows in seq order, so a page reads
-- only as far as it shows. The outcome index holds the time too, so that the
-- requests whose outcome never came ("unknown") are found in the indexes alone.
CREATE INDEX audit_entries_method_seq ON audit_entries (method_name, seq) WHERE ref_seq = 0;
CREATE INDEX audit_entries_purpose_seq ON audit_entries (purpose, seq) WHERE ref_seq = 0;
CREATE INDEX audit_entries_event_seq ON audit_entries (event, seq) WHERE ref_seq = 0;
CREATE INDEX audit_entries_outcome_seq ON audit_entries (outcome, seq, time_us) WHERE ref_seq = 0;
CREATE INDEX audit_entries_outcome_ref ON audit_entries (outcome, ref_seq) WHERE ref_seq > 0;
CREATE INDEX audit_entries_event_ref ON audit_entries (event, ref_seq) WHERE ref_seq > 0;

-- +goose Down
DROP INDEX audit_entries_event_ref;
DROP INDEX audit_entries_outcome_ref;
DROP INDEX audit_entries_outcome_seq;
DROP INDEX audit_entries_event_seq;
DROP INDEX audit_entries_purpose_seq;
DROP INDEX audit_entries_method_seq;
