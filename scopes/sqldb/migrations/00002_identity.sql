-- +goose Up
-- Users are the people who signed in with Google (or were invited).
-- Emails are stored lowercased; subject is Google's stable account id ("sub").
CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    picture      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    role         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_sign_in BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_subject ON users (subject) WHERE subject <> '';

-- Sessions are server-side browser sessions. Only a SHA-256 hash of the
-- session id is stored, so reading the table does not reveal live ids.
-- ended_at is 0 while the session is live.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
