-- +goose Up
-- The egress summary of the least-privilege report reads the transcription
-- entries of the last 30 days. Through audit_entries_time it read every entry
-- of those days to find them; this partial index holds only them, so an
-- append of any other entry does not update it and the summary's cost does
-- not grow with the rest of the trail.
CREATE INDEX audit_entries_egress ON audit_entries (time_us) WHERE api_name = 'transcribe';

-- +goose Down
DROP INDEX audit_entries_egress;
