-- +goose Up
-- Revocations now holds every revocation that is not completed, not only
-- those Google has not confirmed: a row is written in the same transaction
-- that marks the grant revoked, whether an admin, the command line or the
-- door (when Google answers invalid_grant) marked it, and is deleted once
-- every step is done, so a revocation cannot be left half done by a crash or
-- a failed step. google_pending is 1 while Google's revoke endpoint has not
-- confirmed; the sealed token stays in tokens for it. local_pending is 1
-- while the tokens (once Google is settled), the sessions or the personal
-- data are left. actor_id is empty when the door marked the grant. Google's
-- deadline is revoked_at plus the service's give-up delay. Times are unix
-- microseconds. The table is rebuilt (the same statements on SQLite and
-- PostgreSQL) to give its columns defaults and drop give_up_at.
CREATE TABLE revocations_steps (
    user_id        TEXT PRIMARY KEY,
    reason         TEXT NOT NULL DEFAULT '',
    actor_id       TEXT NOT NULL DEFAULT '',
    actor_email    TEXT NOT NULL DEFAULT '',
    revoked_at     BIGINT NOT NULL,
    google_pending INTEGER NOT NULL DEFAULT 0,
    local_pending  INTEGER NOT NULL DEFAULT 1,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    next_at        BIGINT NOT NULL
);
INSERT INTO revocations_steps (user_id, actor_id, actor_email, revoked_at, google_pending, local_pending, attempts, last_error, next_at)
    SELECT user_id, actor_id, actor_email, revoked_at, 1, 0, attempts, last_error, next_at FROM revocations;
DROP TABLE revocations;
ALTER TABLE revocations_steps RENAME TO revocations;
CREATE INDEX revocations_next ON revocations (next_at);

-- +goose Down
CREATE TABLE revocations_old (
    user_id     TEXT PRIMARY KEY,
    actor_id    TEXT NOT NULL,
    actor_email TEXT NOT NULL,
    revoked_at  BIGINT NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT NOT NULL,
    next_at     BIGINT NOT NULL,
    give_up_at  BIGINT NOT NULL
);
INSERT INTO revocations_old (user_id, actor_id, actor_email, revoked_at, attempts, last_error, next_at, give_up_at)
    SELECT user_id, actor_id, actor_email, revoked_at, attempts, last_error, next_at, revoked_at + 86400000000
    FROM revocations WHERE google_pending = 1;
DROP TABLE revocations;
ALTER TABLE revocations_old RENAME TO revocations;
CREATE INDEX revocations_next ON revocations (next_at);
