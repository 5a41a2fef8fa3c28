-- +goose Up
-- A linked calendar keeps its time zone (an IANA name, as Google's
-- calendarList and events.list return it), so that the meetings pages show
-- times in the calendar's zone; '' until known. sync_requested_at is when a
-- person last asked for a sync of the calendar, sync_attempted_at when a
-- sync that began after an earlier request finished with the calendar,
-- whether it succeeded or failed: the meetings page shows a sync's progress
-- while some calendar's request is newer than its attempt.
ALTER TABLE calendar_links ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE calendar_links ADD COLUMN sync_requested_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calendar_links ADD COLUMN sync_attempted_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE calendar_links DROP COLUMN sync_attempted_at;
ALTER TABLE calendar_links DROP COLUMN sync_requested_at;
ALTER TABLE calendar_links DROP COLUMN time_zone;
