package fakeapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

func TestDownload(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada)
	resp, err := svc.Files.Get(fileRecording).Download()
	if err != nil {
		t.Fatal(err)
	}
	full, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	file, _ := f.ws.File(fileRecording)
	sum := md5.Sum(full)
	if len(full) != recordingSize || hex.EncodeToString(sum[:]) != file.Checksum() ||
		resp.Header.Get("Content-Length") != strconv.Itoa(recordingSize) || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("download: %d bytes, header %v", len(full), resp.Header)
	}
	size := strconv.Itoa(recordingSize)
	tests := []struct {
		rng          string
		from, to     int
		contentRange string
	}{
		{"bytes=100-199", 100, 200, "bytes 100-199/" + size},
		{"bytes=0-0", 0, 1, "bytes 0-0/" + size},
		{"bytes=-10", recordingSize - 10, recordingSize, "bytes " + strconv.Itoa(recordingSize-10) + "-" + strconv.Itoa(recordingSize-1) + "/" + size},
		{"bytes=3145720-", 3145720, recordingSize, "bytes 3145720-3145727/" + size},
		{"bytes=3145720-99999999", 3145720, recordingSize, "bytes 3145720-3145727/" + size},
	}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			call := svc.Files.Get(fileRecording)
			call.Header().Set("Range", tt.rng)
			resp, err := call.Download()
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != tt.contentRange ||
				!bytes.Equal(got, full[tt.from:tt.to]) {
				t.Errorf("status %d, Content-Range %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), len(got))
			}
		})
	}
	for _, rng := range []string{"bytes=" + size + "-", "bytes=5-1", "items=0-1", "bytes=0-1,5-6", "bytes=-0", "bytes=x-y"} {
		t.Run(rng, func(t *testing.T) {
			call := svc.Files.Get(fileRecording)
			call.Header().Set("Range", rng)
			_, err := call.Download()
			ge := apiError(t, err)
			if ge.Code != http.StatusRequestedRangeNotSatisfiable || ge.Header.Get("Content-Range") != "bytes */"+size ||
				!strings.Contains(ge.Body, "requestedRangeNotSatisfiable") {
				t.Errorf("got %d %v %s", ge.Code, ge.Header, ge.Body)
			}
		})
	}
}

func TestDownloadRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		user, id string
		code     int
		reason   string
	}{
		{ada, fileTranscr, 403, "fileNotDownloadable"},
		{ada, workspace.MeetRecordingsFolderID(ada), 403, "fileNotDownloadable"},
		{bob, fileNotes, 404, "notFound"},
		{ada, "missing", 404, "notFound"},
		{bob, fileRecording, 200, ""},
		{ada, fileTrashed, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.id, func(t *testing.T) {
			resp, err := f.drive(t, tt.user).Files.Get(tt.id).Download()
			if tt.code == 200 {
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return
			}
			if ge := apiError(t, err); ge.Code != tt.code || !strings.Contains(ge.Body, `"reason":"`+tt.reason+`"`) {
				t.Errorf("got %d %s", ge.Code, ge.Body)
			}
		})
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada)
	tests := []struct {
		id, mime string
		code     int
		want     string // body on success, reason otherwise
	}{
		{fileTranscr, "text/plain", 200, "[00:00:01] Ada: hello\n"},
		{fileTranscr, "text/markdown", 200, "[00:00:01] Ada: hello\n"},
		{fileBigDoc, "text/plain", 403, "exportSizeLimitExceeded"},
		{fileRecording, "text/plain", 403, "fileNotExportable"},
		{fileTranscr, "image/png", 400, "badRequest"},
		{fileTranscr, "application/pdf", 501, "notImplemented"},
		{fileTranscr, "", 400, "required"},
		{fileBobs, "text/plain", 404, "notFound"},
	}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.mime, func(t *testing.T) {
			resp, err := svc.Files.Export(tt.id, tt.mime).Download()
			if tt.code != 200 {
				if ge := apiError(t, err); ge.Code != tt.code || !strings.Contains(ge.Body, `"reason":"`+tt.want+`"`) {
					t.Errorf("got %d %s", ge.Code, ge.Body)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if string(got) != tt.want || resp.Header.Get("Content-Type") != tt.mime {
				t.Errorf("export = %q (%s)", got, resp.Header.Get("Content-Type"))
			}
		})
	}
}
