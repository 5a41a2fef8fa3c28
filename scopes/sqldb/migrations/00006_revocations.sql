-- +goose Up
-- Revocations holds the revocations whose call to Google's revoke endpoint
-- has not succeeded yet. The user's grant is already revoked locally, so the
-- door refuses every request for them; their sealed token stays in tokens
-- only because Google's revoke endpoint needs it, and is deleted as soon as
-- Google confirms, or when give_up_at has passed. A row is deleted once
-- settled: the audit trail keeps the history. Times are unix microseconds.
CREATE TABLE revocations (
    user_id     TEXT PRIMARY KEY,
    actor_id    TEXT NOT NULL,
    actor_email TEXT NOT NULL,
    revoked_at  BIGINT NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT NOT NULL,
    next_at     BIGINT NOT NULL,
    give_up_at  BIGINT NOT NULL
);
CREATE INDEX revocations_next ON revocations (next_at);

-- +goose Down
DROP TABLE revocations;
