package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFilesArePrivate boots the demo and checks that the database, its
// -wal and -shm, and the demo keys file are readable by their owner only,
// and that a keys file left readable by others is made private when the
// demo adds a key to it.
func TestFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "scopetrail.db")
	keysFile := filepath.Join(dir, "data", "demo-keys.env")
	if err := os.MkdirAll(filepath.Dir(keysFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keysFile, []byte("SESSION_KEYS="+newSessionKeyPair()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(keysFile, 0o644); err != nil {
		t.Fatal(err)
	}
	a := startAppWith(t, db, map[string]string{"DEMO_KEYS_FILE": keysFile})
	fetch(t, a.base+"/healthz", "")
	for _, p := range []string{db, db + "-wal", db + "-shm", keysFile} {
		info, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), got)
		}
	}
}
