-- +goose Up
-- Audit_tree holds the Merkle tree over the audit entries (golang.org/x/mod's
-- sumdb/tlog layout): idx is tlog's stored hash index, hash its base64 value.
-- Leaf n is entry n+1's hash. The tree is extended when a checkpoint is made,
-- not by each append; verify never trusts it and recomputes it from the
-- entries. A checkpoint builds on it only once its hash matches the previous
-- signed checkpoint, and overwrites what it stores; it serves proofs to
-- witnesses and exports.
CREATE TABLE audit_tree (
    idx  BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);

-- A checkpoint written from this migration on is a C2SP tlog-checkpoint signed
-- note over the Merkle tree (note), numbered from 1 (number), each naming the
-- one before it. Checkpoints written before keep number 0 and an empty note,
-- and verify by their old signature.
ALTER TABLE audit_checkpoints ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_checkpoints ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX audit_checkpoints_number ON audit_checkpoints (number) WHERE number > 0;

-- Head_mac seals the chain head (head_seq, head_hash) with a key derived from
-- the signing key, so that the appender notices a head moved by someone who
-- does not hold that key. Empty on heads written before this migration.
ALTER TABLE audit_chain ADD COLUMN head_mac TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_chain DROP COLUMN head_mac;
DROP INDEX audit_checkpoints_number;
ALTER TABLE audit_checkpoints DROP COLUMN note;
ALTER TABLE audit_checkpoints DROP COLUMN number;
DROP TABLE audit_tree;
