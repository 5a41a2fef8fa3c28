-- +goose Up
-- Grants records, per user, what Google granted ScopeTrail and whether the
-- grant may still be used.
CREATE TABLE grants (
    user_id    TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    granted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Grant_scopes holds each scope of a grant, with when and to which OAuth
-- client it was first granted.
CREATE TABLE grant_scopes (
    user_id    TEXT NOT NULL REFERENCES grants (user_id) ON DELETE CASCADE,
    scope      TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, scope)
);

-- Grant_suspensions holds the scopes suspended locally. A suspension outlives
-- re-consent: only a resume lifts it.
CREATE TABLE grant_suspensions (
    user_id      TEXT NOT NULL REFERENCES grants (user_id) ON DELETE CASCADE,
    scope        TEXT NOT NULL,
    suspended_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, scope)
);

-- +goose Down
DROP TABLE grant_suspensions;
DROP TABLE grant_scopes;
DROP TABLE grants;
