-- +goose Up
-- Audit_chain has one row (id 1): the chain's random id, fixed when the first
-- entry is written, and the head that every append locks and moves.
CREATE TABLE audit_chain (
    id         INTEGER PRIMARY KEY,
    chain_id   TEXT NOT NULL,
    head_seq   BIGINT NOT NULL,
    head_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Audit_entries is the append-only, hash-chained trail. A request is two
-- entries: one written before it leaves (outcome "pending") and one, with
-- ref_seq pointing at the first, that records its outcome. Entries never
-- hold content.
CREATE TABLE audit_entries (
    seq                BIGINT PRIMARY KEY,
    id                 TEXT NOT NULL,
    version            INTEGER NOT NULL,
    chain_id           TEXT NOT NULL,
    time_us            BIGINT NOT NULL,
    actor_id           TEXT NOT NULL,
    actor_email        TEXT NOT NULL,
    client_id          TEXT NOT NULL,
    event              TEXT NOT NULL,
    api_name           TEXT NOT NULL,
    method_name        TEXT NOT NULL,
    scope              TEXT NOT NULL,
    purpose            TEXT NOT NULL,
    resource           TEXT NOT NULL,
    http_status        INTEGER NOT NULL,
    error_reason       TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    num_response_bytes BIGINT NOT NULL,
    items              BIGINT NOT NULL,
    latency_us         BIGINT NOT NULL,
    request_id         TEXT NOT NULL,
    replica            TEXT NOT NULL,
    ref_seq            BIGINT NOT NULL,
    prev_hash          TEXT NOT NULL,
    hash               TEXT NOT NULL
);
CREATE INDEX audit_entries_actor_time ON audit_entries (actor_id, time_us);
CREATE INDEX audit_entries_time ON audit_entries (time_us);
CREATE INDEX audit_entries_ref ON audit_entries (ref_seq) WHERE ref_seq > 0;

-- Audit_checkpoints are signed statements "the chain had this hash at this
-- seq", so that a truncated or rewritten chain can be proven.
CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY,
    hash      TEXT NOT NULL,
    time_us   BIGINT NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_entries;
DROP TABLE audit_chain;
