package workspace

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// MeetRecordingsFolder is the name of the Drive folder where Meet saves
// recordings and transcripts.
const MeetRecordingsFolder = "Meet Recordings"

// MeetRecordingsFolderID returns the Drive id of the "Meet Recordings"
// folder of the person with the given email. It is derived from the
// lower-cased email, so it is stable across runs and workspaces.
func MeetRecordingsFolderID(email string) string {
	sum := sha256.Sum256([]byte("meet-recordings:" + strings.ToLower(email)))
	return "1" + base64.RawURLEncoding.EncodeToString(sum[:24])
}
