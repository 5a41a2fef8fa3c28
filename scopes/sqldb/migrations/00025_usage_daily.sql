-- +goose Up
-- The daily roll-up keeps the usage chart's figures (audit.Trail.Daily) so
-- that a chart reads them instead of the trail. Audit_daily_state (one row,
-- id 1) says which entries they count: those up to upto_seq. Each chart
-- first adds the entries appended since, read by seq.
CREATE TABLE audit_daily_state (
    id       INTEGER PRIMARY KEY,
    upto_seq BIGINT NOT NULL
);

-- Audit_daily_usage counts, per user, UTC day (days since 1970-01-01) and
-- scope, the API calls (calls), the response bytes of their outcomes
-- (bytes) and the time of the latest call (last_us, 0 when none). The
-- rows of user_id '' count every user.
CREATE TABLE audit_daily_usage (
    user_id TEXT NOT NULL,
    day     BIGINT NOT NULL,
    scope   TEXT NOT NULL,
    calls   BIGINT NOT NULL,
    bytes   BIGINT NOT NULL,
    last_us BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, scope)
);

-- Audit_daily_marks counts, per user and UTC day, the grants (authorize
-- entries that succeeded) and the revocations (revoke decisions that
-- succeeded) the chart marks on its time axis; user_id '' counts everyone.
CREATE TABLE audit_daily_marks (
    user_id     TEXT NOT NULL,
    day         BIGINT NOT NULL,
    grants      BIGINT NOT NULL,
    revocations BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- +goose Down
DROP TABLE audit_daily_marks;
DROP TABLE audit_daily_usage;
DROP TABLE audit_daily_state;
