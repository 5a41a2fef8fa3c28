package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// killedChildEnv names the database of the child process that
// TestKilledProcessJobResumes kills.
const killedChildEnv = "JOBS_TEST_KILLED_CHILD_DB"

// killedWindow is the rescue window of both processes of the test.
const killedWindow = 2 * time.Second

// TestKilledProcessJobResumes starts a process that works a long download
// and kills it with SIGKILL in the middle of it, leaving its River row
// running; the next process takes the download up once its heartbeats have
// been silent for the rescue window, not after the download's timeout.
func TestKilledProcessJobResumes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		child := exec.Command(os.Args[0], "-test.run=^TestKilledChild$")
		child.Env = append(os.Environ(), killedChildEnv+"="+b.url)
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() }) // when the test fails before the kill
		running := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if sc.Text() == "running" {
					running <- true
				}
			}
			close(running)
		}()
		select {
		case ok := <-running:
			if !ok {
				t.Fatal("the child process ended before its job ran")
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the child process's job did not start")
		}
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		killedAt := time.Now()

		next := &calls{}
		r := b.open(t, next.workers(), func(s *settings) { s.RescueAfter = killedWindow })
		start(t, r)
		got := waitFor(t, r, "the killed process's job completed by the next one", allIn(1, "completed"))
		if diff := cmp.Diff([]string{"download u1 rec-a"}, next.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
		if got[0].Attempt != 2 || got[0].LastErrorCode != jobs.CodeRescued {
			t.Errorf("job = %+v, want attempt 2 after a rescued one", got[0])
		}
		t.Logf("resumed %v after the SIGKILL (rescue window %v)", time.Since(killedAt).Round(time.Millisecond), killedWindow)
	})
}

// TestKilledChild is the process TestKilledProcessJobResumes kills: it
// works one download that never ends, and says "running" once it runs.
func TestKilledChild(t *testing.T) {
	url := os.Getenv(killedChildEnv)
	if url == "" {
		t.Skip("the child process of TestKilledProcessJobResumes")
	}
	r := backend{url: url}.open(t, workers{DownloadRecording: func(ctx context.Context, _, _ string) error {
		fmt.Println("running")
		<-ctx.Done()
		return ctx.Err()
	}}, func(s *settings) { s.RescueAfter = killedWindow })
	start(t, r)
	if err := r.EnqueueRecordingDownload(context.Background(), "u1", "rec-a"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Minute)
	t.Error("not killed within a minute")
}
