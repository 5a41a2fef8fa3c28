-- +goose Up
-- Settings holds small pieces of instance state, such as the ids of keys in use.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
