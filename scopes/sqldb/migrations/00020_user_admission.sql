-- +goose Up
-- An admin who revokes a user's access also shuts them out: blocked_at is
-- when (unix microseconds, 0 while the user may sign in) and blocked_by_email the
-- email of who did it. Only an admin's re-admission clears them; a user who
-- revoked their own access is not blocked.
ALTER TABLE users ADD COLUMN blocked_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN blocked_by_email TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN blocked_by_email;
ALTER TABLE users DROP COLUMN blocked_at;
