-- +goose Up
-- Recordings are the Meet recordings (video/mp4) and Meet transcripts
-- (Google Docs) found in a member's Drive, one row per member and Drive file,
-- with only what the meetings and recording pages show. kind is 'recording'
-- or 'transcript'; meeting_id is the calendars meeting the file was matched
-- to ('' when none); state is found, downloading, downloaded, queued,
-- transcribed or failed, and reason says why it is failed or still queued.
-- bytes_done counts the bytes spooled so far. transcript is the text shown on
-- the recording's page; transcript_from names the Drive file of the Meet
-- transcript a recording's text comes from instead. Times are unix micro.
CREATE TABLE recordings (
    user_id         TEXT NOT NULL,
    file_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    mime_type       TEXT NOT NULL,
    size            BIGINT NOT NULL,
    md5             TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    modified_at     BIGINT NOT NULL,
    meeting_id      TEXT NOT NULL,
    meet_code       TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    bytes_done      BIGINT NOT NULL DEFAULT 0,
    transcript      TEXT NOT NULL DEFAULT '',
    transcript_from TEXT NOT NULL DEFAULT '',
    found_at        BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (user_id, file_id)
);
CREATE INDEX recordings_meeting ON recordings (user_id, meeting_id);

-- +goose Down
DROP TABLE recordings;
