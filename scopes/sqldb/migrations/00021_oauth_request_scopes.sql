-- +goose Up
-- scopes are the scopes a pending authorization request asked for, space
-- separated: when the token response omits scope, RFC 6749 §5.1 says the
-- granted scopes are the requested ones, and this is what was requested.
ALTER TABLE oauth_requests ADD COLUMN scopes TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE oauth_requests DROP COLUMN scopes;
