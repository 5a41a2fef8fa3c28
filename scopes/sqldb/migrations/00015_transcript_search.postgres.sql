-- +goose Up
-- The full-text index of transcript_segments.text: a tsvector column that
-- PostgreSQL computes from the text in the row's own write, with a GIN
-- index, so that purging a member's segments purges their index too. The
-- 'simple' configuration folds case and does not stem, like the FTS5
-- tokenizer of the .sqlite.sql twin of this migration.
ALTER TABLE transcript_segments ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED;
CREATE INDEX transcript_segments_search ON transcript_segments USING GIN (search);

-- +goose Down
DROP INDEX transcript_segments_search;
ALTER TABLE transcript_segments DROP COLUMN search;
