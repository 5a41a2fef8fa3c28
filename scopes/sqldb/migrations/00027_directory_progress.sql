-- +goose Up
-- How a user's directory sync is coming along, for the live progress of
-- the directory page: requested_at is when a sync was last asked for,
-- run_started_at when the latest one started, run_progress_at when it last
-- listed a page, run_fetched how many people (or changes) it listed so far,
-- run_expected how many a full sync expects to list (the live copy's size
-- when it started; 0: unknown), and run_ended_at when it ended, for better
-- or worse (0: not yet).
ALTER TABLE directory_syncs ADD COLUMN requested_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE directory_syncs ADD COLUMN run_started_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE directory_syncs ADD COLUMN run_progress_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE directory_syncs ADD COLUMN run_fetched BIGINT NOT NULL DEFAULT 0;
ALTER TABLE directory_syncs ADD COLUMN run_expected BIGINT NOT NULL DEFAULT 0;
ALTER TABLE directory_syncs ADD COLUMN run_ended_at BIGINT NOT NULL DEFAULT 0;
-- The directory page draws initials instead of Google's photos, so the
-- sync no longer asks for photos and the copies forget them.
UPDATE directory_people SET photo_url = '';

-- +goose Down
ALTER TABLE directory_syncs DROP COLUMN run_ended_at;
ALTER TABLE directory_syncs DROP COLUMN run_expected;
ALTER TABLE directory_syncs DROP COLUMN run_fetched;
ALTER TABLE directory_syncs DROP COLUMN run_progress_at;
ALTER TABLE directory_syncs DROP COLUMN run_started_at;
ALTER TABLE directory_syncs DROP COLUMN requested_at;
