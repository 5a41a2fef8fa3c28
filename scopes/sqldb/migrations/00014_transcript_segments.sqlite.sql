-- +goose Up
-- Transcript_segments are a member's transcripts as timed stretches of
-- text, one row per stretch: file_id is the recording or Meet transcript
-- whose text it is, seq its place in the transcript, start_us and end_us
-- its offsets from the recording's start in microseconds, speaker who
-- speaks ('' when unknown) and engine what produced it. id is the row's
-- number, which the SQLite search index refers to. This file and its
-- .postgres.sql twin differ only in how id is numbered.
-- recordings.transcript_engine names the engine of a row's own transcript.
CREATE TABLE transcript_segments (
    id       INTEGER PRIMARY KEY,
    user_id  TEXT NOT NULL,
    file_id  TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    start_us BIGINT NOT NULL,
    end_us   BIGINT NOT NULL,
    speaker  TEXT NOT NULL,
    text     TEXT NOT NULL,
    engine   TEXT NOT NULL,
    UNIQUE (user_id, file_id, seq)
);
ALTER TABLE recordings ADD COLUMN transcript_engine TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE recordings DROP COLUMN transcript_engine;
DROP TABLE transcript_segments;
