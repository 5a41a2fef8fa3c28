-- +goose Up
-- Calendar_links are the calendars each member chose to link. The primary
-- calendar is stored as "primary". sync_token is Calendar's nextSyncToken of
-- the last sync, full_sync_at when the last full sync ran, and sync_error the
-- reason of the last failed sync ('' after a success). Times are unix micro.
CREATE TABLE calendar_links (
    user_id      TEXT NOT NULL,
    calendar_id  TEXT NOT NULL,
    summary      TEXT NOT NULL,
    is_primary   INTEGER NOT NULL,
    access_role  TEXT NOT NULL,
    linked_at    BIGINT NOT NULL,
    sync_token   TEXT NOT NULL DEFAULT '',
    full_sync_at BIGINT NOT NULL DEFAULT 0,
    synced_at    BIGINT NOT NULL DEFAULT 0,
    sync_error   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, calendar_id)
);

-- Meetings are the events of the linked calendars in the sync window, with
-- only what the meetings pages show. id is opaque (derived from calendar and
-- event ids); attendees and attachments are JSON arrays.
CREATE TABLE meetings (
    user_id     TEXT NOT NULL,
    id          TEXT NOT NULL,
    calendar_id TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    title       TEXT NOT NULL,
    status      TEXT NOT NULL,
    start_at    BIGINT NOT NULL,
    end_at      BIGINT NOT NULL,
    all_day     INTEGER NOT NULL,
    meet_code   TEXT NOT NULL,
    organizer   TEXT NOT NULL,
    attendees   TEXT NOT NULL,
    attachments TEXT NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE INDEX meetings_calendar ON meetings (user_id, calendar_id, event_id);
CREATE INDEX meetings_start ON meetings (user_id, start_at);
CREATE INDEX meetings_meet_code ON meetings (meet_code) WHERE meet_code <> '';

-- +goose Down
DROP TABLE meetings;
DROP TABLE calendar_links;
