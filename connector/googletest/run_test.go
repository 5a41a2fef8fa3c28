package googletest_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- googletest.Run(ctx, []string{"--addr", "127.0.0.1:0", "--generate", "people=3,meetings=2,seed=9,recording-size=64K",
			"--client-id", "demo-client", "--client-secret", "demo-secret",
			"--redirect-uri", "http://localhost:1/cb", "--redirect-uri", "http://localhost:2/cb"}, &out)
	}()
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("Run printed no address:\n%s", out.String())
	}
	for _, want := range []string{base + "/token", base + "/drive/v3/", "demo-client", "http://localhost:1/cb http://localhost:2/cb", "@example.test"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Run's output lacks %q:\n%s", want, out.String())
		}
	}
	resp, err := http.Get(base + "/o/oauth2/auth?client_id=demo-client&redirect_uri=http://localhost:2/cb&response_type=code&scope=openid")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("consent page for the registered client: status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		says []string
	}{
		{[]string{"--generate", "people=many,meet=lots"}, []string{`people=many`, `meet=lots`}},
		{[]string{"--generate", "colour=blue"}, []string{`unknown key "colour"`}},
		{[]string{"--generate", "people"}, []string{`"people" is not key=value`}},
		{[]string{"--generate", "recording-size=12Q"}, []string{"recording-size=12Q", "64M"}},
		{[]string{"--generate", "people=3", "--workspace", "w.json"}, []string{"either --workspace or --generate"}},
		{[]string{"--workspace", "/nonexistent/w.json"}, []string{"/nonexistent/w.json"}},
		{[]string{"extra"}, []string{`unexpected arguments ["extra"]`}},
		{[]string{"--addr", "256.0.0.1:99999", "--generate", "people=1"}, []string{"256.0.0.1:99999"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var out syncBuffer
			err := googletest.Run(t.Context(), tc.args, &out)
			if err == nil {
				t.Fatal("Run accepted bad flags")
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}
