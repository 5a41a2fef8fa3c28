-- +goose Up
-- Suspension_notes says, for each scope suspended locally, who suspended it,
-- when (unix microseconds) and why, so that every page can show it. A row
-- whose by_id is the user's own id is a feature the user turned off, which
-- the user may turn on again; any other is an admin's suspension, which only
-- a resumption lifts. revoke.Service writes it with each suspension and
-- deletes it with each resumption.
CREATE TABLE suspension_notes (
    user_id      TEXT NOT NULL,
    scope        TEXT NOT NULL,
    by_id        TEXT NOT NULL,
    by_email     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    suspended_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, scope)
);

-- +goose Down
DROP TABLE suspension_notes;
