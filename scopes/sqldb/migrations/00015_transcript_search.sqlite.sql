-- +goose Up
-- Transcript_search is the full-text index of transcript_segments.text, an
-- FTS5 table whose content is the segments table itself (rowid = id), so
-- that it holds no copy of the text. The triggers keep it in step with every
-- insert, update and delete of a segment, in the same transaction, so that
-- purging a member's segments purges their index too. The tokenizer folds
-- case, keeps diacritics and does not stem, like PostgreSQL's 'simple'
-- configuration in the .postgres.sql twin of this migration.
CREATE VIRTUAL TABLE transcript_search USING fts5(
    text, content='transcript_segments', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
);
-- +goose StatementBegin
CREATE TRIGGER transcript_segments_index AFTER INSERT ON transcript_segments BEGIN
    INSERT INTO transcript_search (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER transcript_segments_unindex AFTER DELETE ON transcript_segments BEGIN
    INSERT INTO transcript_search (transcript_search, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER transcript_segments_reindex AFTER UPDATE OF text ON transcript_segments BEGIN
    INSERT INTO transcript_search (transcript_search, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO transcript_search (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
INSERT INTO transcript_search (transcript_search) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER transcript_segments_reindex;
DROP TRIGGER transcript_segments_unindex;
DROP TRIGGER transcript_segments_index;
DROP TABLE transcript_search;
