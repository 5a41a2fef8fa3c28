package googletest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
)

// BenchmarkDirectoryPage1000 measures full 1000-person listDirectoryPeople
// pages served through the real people client on loopback.
//
//	go test -run '^$' -bench . -benchtime 3s ./connector/googletest/
func BenchmarkDirectoryPage1000(b *testing.B) {
	f := newFake(b, fakeOptions{people: 5000, noMeetings: true})
	svc := f.people(b, f.login(b, f.users[0], f.config(scopes.DirectoryReadonly)))
	page := ""
	for b.Loop() {
		resp, err := svc.People.ListDirectoryPeople().ReadMask("names,emailAddresses,photos,organizations").
			Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").PageSize(1000).PageToken(page).Do()
		if err != nil {
			b.Fatal(err)
		}
		if len(resp.People) != 1000 && resp.NextPageToken != "" {
			b.Fatalf("a page of %d people", len(resp.People))
		}
		page = resp.NextPageToken
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkDirectoryPage1000Server measures the fake alone: the same pages
// fetched over loopback HTTP without decoding them.
func BenchmarkDirectoryPage1000Server(b *testing.B) {
	f := newFake(b, fakeOptions{people: 5000, noMeetings: true})
	tok := f.login(b, f.users[0], f.config(scopes.DirectoryReadonly))
	url := f.base + "/v1/people:listDirectoryPeople?readMask=names,emailAddresses,photos,organizations" +
		"&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE&pageSize=1000&alt=json&prettyPrint=false"
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d: %v", resp.StatusCode, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkRecordingDownload measures downloading a 64 MiB generated
// recording with drive files.get alt=media on loopback.
func BenchmarkRecordingDownload(b *testing.B) {
	f := newFake(b, fakeOptions{recordingSize: 64 << 20})
	rec := f.recording(b)
	svc := f.drive(b, f.login(b, rec.Owner, f.config(scopes.DriveReadonly)))
	b.SetBytes(rec.Size)
	for b.Loop() {
		resp, err := svc.Files.Get(rec.ID).Download()
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != rec.Size {
			b.Fatalf("downloaded %d of %d bytes: %v", n, rec.Size, err)
		}
	}
}
