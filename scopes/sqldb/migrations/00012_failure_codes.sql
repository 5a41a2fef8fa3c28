-- +goose Up
-- A failed sync or step keeps a failure code (googlehttp.Failure.Code, such
-- as 'transient.backendError') in the column that held a sentence, and the
-- redacted detail beside it: calendar_links.sync_error and
-- sync_error_detail, directory_syncs.last_error and last_error_detail,
-- recordings.reason and reason_detail (for a failed file; a waiting one
-- keeps why it waits in reason). The web pages put codes into words.
-- Existing failures become the code 'unknown'. A calendar's old sentence was
-- written to be shown and stays as its detail; the directory's and the
-- recordings' old texts could hold Go error text and URLs, so they go.
ALTER TABLE calendar_links ADD COLUMN sync_error_detail TEXT NOT NULL DEFAULT '';
UPDATE calendar_links SET sync_error_detail = sync_error, sync_error = 'unknown' WHERE sync_error <> '';
ALTER TABLE directory_syncs ADD COLUMN last_error_detail TEXT NOT NULL DEFAULT '';
UPDATE directory_syncs SET last_error = 'unknown' WHERE last_error <> '';
ALTER TABLE recordings ADD COLUMN reason_detail TEXT NOT NULL DEFAULT '';
UPDATE recordings SET reason = 'unknown' WHERE state = 'failed' AND reason <> '';

-- +goose Down
UPDATE recordings SET reason = reason_detail WHERE state = 'failed' AND reason_detail <> '';
ALTER TABLE recordings DROP COLUMN reason_detail;
UPDATE directory_syncs SET last_error = last_error_detail WHERE last_error_detail <> '';
ALTER TABLE directory_syncs DROP COLUMN last_error_detail;
UPDATE calendar_links SET sync_error = sync_error_detail WHERE sync_error_detail <> '';
ALTER TABLE calendar_links DROP COLUMN sync_error_detail;
