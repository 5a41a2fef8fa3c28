package recordings

import (
	"context"
	"fmt"
	"time"
)

// downloadProgressEvery spaces the writes of a download's progress: the
// pages that follow it poll every 1.5 s, and one small write a second costs
// a download nothing it would notice.
const downloadProgressEvery = time.Second

// trackDownload stores, every downloadProgressEvery while a download runs,
// how many bytes of it have arrived, on its row (bytes_done), where the
// pages read it. A goroutine of its own does the writing, so that the
// download never waits for the database; the download only counts its
// bytes (spooler.reached). The returned function stops it; call it before
// the download records its outcome, so that no progress is written after.
func (s *Service) trackDownload(ctx context.Context, r Recording, sp *spooler) (stop func()) {
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(downloadProgressEvery)
		defer tick.Stop()
		written := r.Done
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if n := sp.reached.Load(); n != written {
				// A lost write only delays what the pages show.
				if s.store.setDone(ctx, r.UserID, r.FileID, n) == nil {
					written = n
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

// setDone stores the bytes a running download has spooled so far. It
// changes only a row that is downloading, and nothing once the row is gone.
func (s *store) setDone(ctx context.Context, userID, fileID string, done int64) error {
	_, err := s.db.Exec(ctx, `UPDATE recordings SET bytes_done = ? WHERE user_id = ? AND file_id = ? AND state = ?`,
		done, userID, fileID, StateDownloading)
	if err != nil {
		return fmt.Errorf("storing the download progress of %s: %w", fileID, err)
	}
	return nil
}
