-- +goose Up
-- Invitations are the colleagues admins invited. The link's token is kept
-- only as its SHA-256, so the table cannot be used to accept an invitation.
-- An invitation is pending until it is accepted or withdrawn; a pending one
-- past expires_at reads as expired.
CREATE TABLE invitations (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    -- invited_by is the admin's user id, invited_by_email their email.
    invited_by       TEXT NOT NULL,
    invited_by_email TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    status           TEXT NOT NULL,
    -- sent_at is when the last email went out (0: none); send_error why the
    -- last attempt failed.
    sent_at          BIGINT NOT NULL DEFAULT 0,
    send_error       TEXT NOT NULL DEFAULT '',
    -- accepted_by is the user who accepted; closed_at when the invitation
    -- was accepted or withdrawn.
    accepted_by      TEXT NOT NULL DEFAULT '',
    closed_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX invitations_email ON invitations (email, status);
CREATE INDEX invitations_created ON invitations (created_at);

-- +goose Down
DROP TABLE invitations;
