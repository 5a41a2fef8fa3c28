-- +goose Up
-- The egress columns of audit_entries record data sent to a third party other
-- than Google, on transcribe entries: host is the destination host ('local'
-- for an engine on this machine), bytes_sent the bytes of audio sent and
-- audio_us that audio's duration in microseconds. Entries that have them are
-- hashed with encoding version 2; every other entry keeps version 1, so the
-- chains written before this migration still verify.
ALTER TABLE audit_entries ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_entries ADD COLUMN bytes_sent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_entries ADD COLUMN audio_us BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE audit_entries DROP COLUMN audio_us;
ALTER TABLE audit_entries DROP COLUMN bytes_sent;
ALTER TABLE audit_entries DROP COLUMN host;
