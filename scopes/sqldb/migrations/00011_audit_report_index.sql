-- +goose Up
-- Audit_entries_usage serves the least-privilege report's count of API calls
-- by scope, method and user (audit.Trail.Usage and UsageWindows): a call is
-- the entry written before its request left, so ref_seq = 0 and the index
-- leaves out the entries that record outcomes. It covers every column the
-- count reads, in GROUP BY order, so the count never reads the table and
-- SQLite needs no sort; time_us comes last for the window and the latest
-- call. The same statement is valid on SQLite and PostgreSQL.
CREATE INDEX audit_entries_usage ON audit_entries (event, scope, method_name, actor_id, time_us) WHERE ref_seq = 0;

-- +goose Down
DROP INDEX audit_entries_usage;
