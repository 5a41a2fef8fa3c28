-- +goose Up
-- How far the transcription of a recording has come: progress_ms of
-- audio_ms milliseconds of audio, as the engine reports it while it runs
-- (both 0 before it starts). The recording's page and the admin Jobs page
-- show it.
ALTER TABLE recordings ADD COLUMN progress_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE recordings ADD COLUMN audio_ms BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE recordings DROP COLUMN audio_ms;
ALTER TABLE recordings DROP COLUMN progress_ms;
