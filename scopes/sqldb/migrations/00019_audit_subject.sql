-- +goose Up
-- The subject columns of audit_entries name the user whose grant or data an
-- entry concerns when that is not its actor, as the member whose scope an
-- admin suspended: subject_id their user id, subject_email their email (set
-- alone for someone who is not a user yet, such as an invitee). Entries that
-- have a subject are hashed with encoding version 3; every other entry keeps
-- version 1 or 2, so the chains written before this migration still verify.
ALTER TABLE audit_entries ADD COLUMN subject_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_entries ADD COLUMN subject_email TEXT NOT NULL DEFAULT '';

-- A reviewer's user filter matches the actor, the subject's id or the
-- subject's email: the actor is served by audit_entries_actor_time, the
-- subject by these two indexes, so that every side of the OR is read by
-- index on SQLite and PostgreSQL alike. Most entries have no subject, so the
-- indexes hold only those that do: an append without a subject updates
-- neither, and the queries repeat the indexes' conditions.
CREATE INDEX audit_entries_subject_time ON audit_entries (subject_id, time_us) WHERE subject_id <> '';
CREATE INDEX audit_entries_subject_email_time ON audit_entries (subject_email, time_us) WHERE subject_email <> '';

-- +goose Down
DROP INDEX audit_entries_subject_email_time;
DROP INDEX audit_entries_subject_time;
ALTER TABLE audit_entries DROP COLUMN subject_email;
ALTER TABLE audit_entries DROP COLUMN subject_id;
