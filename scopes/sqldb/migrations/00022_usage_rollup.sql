-- +goose Up
-- The usage roll-up keeps the least-privilege report's counts of API calls
-- (audit.Trail.UsageSummary) so that a report reads them instead of the
-- trail. Audit_usage_state (one row, id 1) says what they count: the
-- entries up to upto_seq, in the windows that start at since_us and
-- recent_us. Each report moves it to the trail's head and its own windows,
-- reading only the entries added or leaving the windows since.
CREATE TABLE audit_usage_state (
    id        INTEGER PRIMARY KEY,
    upto_seq  BIGINT NOT NULL,
    since_us  BIGINT NOT NULL,
    recent_us BIGINT NOT NULL
);

-- Audit_usage_window counts, per scope, method and user, the calls at or
-- after since_us (calls), those at or after recent_us (recent) and the time
-- of the latest (last_us). A key without calls has no row.
CREATE TABLE audit_usage_window (
    scope       TEXT NOT NULL,
    method_name TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    calls       BIGINT NOT NULL,
    recent      BIGINT NOT NULL,
    last_us     BIGINT NOT NULL,
    PRIMARY KEY (scope, method_name, actor_id)
);

-- Audit_usage_last holds each user's latest call with each scope, ever.
CREATE TABLE audit_usage_last (
    actor_id TEXT NOT NULL,
    scope    TEXT NOT NULL,
    last_us  BIGINT NOT NULL,
    PRIMARY KEY (actor_id, scope)
);

-- +goose Down
DROP TABLE audit_usage_last;
DROP TABLE audit_usage_window;
DROP TABLE audit_usage_state;
