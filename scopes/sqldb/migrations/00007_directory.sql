-- +goose Up
-- Directory_people is each admin's copy of the Google directory: only what
-- the directory page shows. A full sync writes a new generation beside the
-- live one and swaps it in at the end, so readers never see half a copy.
CREATE TABLE directory_people (
    owner_id      TEXT NOT NULL,
    generation    BIGINT NOT NULL,
    resource_name TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL,
    photo_url     TEXT NOT NULL,
    -- sort_key is the lower-cased name, then email, for listing in order;
    -- search_text holds the lower-cased words of name and email, each
    -- preceded by a space, for prefix search.
    sort_key      TEXT NOT NULL,
    search_text   TEXT NOT NULL,
    PRIMARY KEY (owner_id, generation, resource_name)
);
CREATE INDEX directory_people_sort ON directory_people (owner_id, generation, sort_key);

-- Directory_syncs holds, per admin, the live generation of the copy, the
-- sync token for the next incremental sync and the last outcome.
CREATE TABLE directory_syncs (
    owner_id        TEXT PRIMARY KEY,
    generation      BIGINT NOT NULL DEFAULT 0,
    next_generation BIGINT NOT NULL DEFAULT 0,
    sync_token      TEXT NOT NULL DEFAULT '',
    people          BIGINT NOT NULL DEFAULT 0,
    last_sync_at    BIGINT NOT NULL DEFAULT 0,
    last_full_at    BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    last_error_at   BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE directory_syncs;
DROP TABLE directory_people;
