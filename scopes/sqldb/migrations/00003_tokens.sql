-- +goose Up
-- Tokens holds each user's Google OAuth token, sealed with AES-256-GCM under
-- the key named by key_id (base64 of nonce || ciphertext). The AAD binds the
-- sealed value to its user and key, so it cannot be moved to another row.
-- has_refresh and expiry are kept in the clear: neither is a secret, and they
-- let the app decide about re-consent without opening the token.
CREATE TABLE tokens (
    user_id     TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    key_id      TEXT NOT NULL,
    sealed      TEXT NOT NULL,
    has_refresh INTEGER NOT NULL,
    expiry      BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX tokens_key ON tokens (key_id);

-- OAuth requests are authorization requests sent to Google and not yet
-- answered, keyed by a SHA-256 hash of their state. Each is consumed once.
-- kind is "signin" or "link"; user_id and feature are empty for sign-in.
CREATE TABLE oauth_requests (
    state_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_requests_expires ON oauth_requests (expires_at);

-- +goose Down
DROP TABLE oauth_requests;
DROP TABLE tokens;
