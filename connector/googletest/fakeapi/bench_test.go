package fakeapi_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// benchGet GETs url as ada b.N times, discarding the bodies, and reports
// requests per second.
func benchGet(b *testing.B, url string, scope string) {
	b.Helper()
	client := &http.Client{}
	b.ResetTimer()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set(userHeader, ada)
		req.Header.Set(scopesHeader, scope)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkListDirectoryPeople measures 1000-person directory pages:
//
//	go test -run '^$' -bench ListDirectoryPeople ./connector/googletest/fakeapi/
func BenchmarkListDirectoryPeople(b *testing.B) {
	ws := workspace.New("acme.test", "C01acme")
	for i := range 5000 {
		ws.PutPerson(workspace.Person{ID: fmt.Sprintf("c%06d", i), Email: fmt.Sprintf("user%d@acme.test", i),
			GivenName: "Given", FamilyName: fmt.Sprint("Family", i), Title: "Engineer", Department: "R&D"})
	}
	f := newFixture(b, ws)
	benchGet(b, f.url+"/v1/people:listDirectoryPeople?pageSize=1000&readMask=names,emailAddresses,photos,organizations"+
		"&sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE", scopes.DirectoryReadonly)
}

// BenchmarkDownload measures the throughput of a recording download over
// loopback:
//
//	go test -run '^$' -bench Download ./connector/googletest/fakeapi/
func BenchmarkDownload(b *testing.B) {
	const size = 256 << 20
	ws := workspace.New("acme.test", "C01acme")
	ws.PutFile(&workspace.File{ID: "1rec", Name: "r.mp4", MimeType: workspace.MimeMP4, Owner: ada,
		Body: workspace.GeneratedBody("bench", size)})
	f := newFixture(b, ws)
	b.SetBytes(size)
	benchGet(b, f.url+"/drive/v3/files/1rec?alt=media", scopes.DriveReadonly)
}
