package replicatest

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// spoolPath is where the replicas spool a member's recording: a folder
// named by a digest of the user id, the Drive id with anything but
// letters, digits, '-' and '_' replaced, and ".mp4" (as
// connector/recordings lays the spool out).
func spoolPath(dir, userID, fileID string) string {
	sum := sha256.Sum256([]byte(userID))
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, fileID)
	return filepath.Join(dir, hex.EncodeToString(sum[:12]), safe+".mp4")
}

// CheckSpool reports every downloaded recording whose file on the shared
// spool is missing or does not have the size and MD5 Drive gave for it,
// and every partial download left behind by a download that is not under
// way (those under way are reported as unfinished jobs).
func CheckSpool(ctx context.Context, db *sqldb.DB, dir string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT user_id, file_id, size, md5, state FROM recordings WHERE kind = 'recording'`)
	if err != nil {
		return nil, fmt.Errorf("replicatest: reading the recordings: %w", err)
	}
	defer rows.Close()
	var fails []string
	states := map[string]string{}
	for rows.Next() {
		var userID, fileID, sum, state string
		var size int64
		if err := rows.Scan(&userID, &fileID, &size, &sum, &state); err != nil {
			return nil, fmt.Errorf("replicatest: reading the recordings: %w", err)
		}
		path := spoolPath(dir, userID, fileID)
		states[path+".part"] = state
		if state == "found" || state == "downloading" {
			continue
		}
		if state == "failed" {
			continue
		}
		gotSize, gotSum, err := fileMD5(path)
		if err != nil || gotSize != size || gotSum != sum {
			fails = append(fails, fmt.Sprintf("recording %s of user %s: spooled %d bytes with MD5 %s (%v), Drive has %d bytes with MD5 %s",
				fileID, userID, gotSize, gotSum, err, size, sum))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("replicatest: reading the recordings: %w", err)
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "*", "*.part"))
	for _, p := range parts {
		state, ok := states[p]
		switch {
		case state == "found" || state == "downloading":
			continue
		case !ok:
			state = "no recording: purged"
		}
		fails = append(fails, fmt.Sprintf("a partial download is left in the spool (%s): %s", state, p))
	}
	return fails, nil
}

// fileMD5 returns a file's size and MD5, in hex.
func fileMD5(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}
