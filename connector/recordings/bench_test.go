package recordings_test

import (
	"bufio"
	"context"
	"crypto/md5"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// BenchmarkDownload1GiB measures, in the same run, a generated 1 GiB Meet
// recording downloaded from the fake in the same process, and the limits of
// the machine for that job:
//
//   - md5: one core hashing 1 GiB held in memory, with nothing else to do;
//   - plain: a bare io.Copy of the recording from the fake into a file, by an
//     HTTP client that only adds the member's bearer token;
//   - disk: 1 GiB written to a file in blocks and synced once (information:
//     what the spool's disk takes for a durable write);
//   - door: Service.Download, through the audited door, hashing with md5,
//     verifying and syncing to the spool.
//
// Each reports its MB/s and the peak RSS of the process during it (VmHWM,
// reset before each through /proc/self/clear_refs). The door also reports
// limit_ratio, its speed as a fraction of the slower of md5 and plain (the
// job cannot go faster than either), and x-plain, its speed as a fraction of
// plain's:
//
//	go test -run '^$' -bench Download1GiB -benchtime 1x ./connector/recordings
func BenchmarkDownload1GiB(b *testing.B) {
	const size = 1 << 30
	h := newHarness(b, options{ws: bigWorkspace(size)})
	dir := b.TempDir()
	s := h.service(func(o *recordings.Options) { o.SpoolDir = dir })
	ctx := context.Background()
	if _, err := s.Discover(ctx, h.userID); err != nil { // computes the md5 once, before timing
		b.Fatalf("Discover: %v", err)
	}
	tok, err := h.Tokens.Load(ctx, h.userID)
	if err != nil {
		b.Fatal(err)
	}
	var md5MBs, plainMBs float64
	b.Run("md5", func(b *testing.B) {
		block := make([]byte, 1<<20)
		if _, err := io.ReadFull(workspace.GeneratedBody(bigFileID, int64(len(block))).NewReader(), block); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		resetPeakRSS(b)
		cpu := startCPU()
		for range b.N {
			sum := md5.New()
			for range size / len(block) {
				sum.Write(block)
			}
			sum.Sum(nil)
		}
		md5MBs = reportRate(b, size, cpu)
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(size)
		resetPeakRSS(b)
		cpu := startCPU()
		for range b.N {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URLs.DriveBase+"files/"+bigFileID+"?alt=media", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			f, err := os.Create(filepath.Join(dir, "plain.mp4"))
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(f, resp.Body)
			resp.Body.Close()
			f.Close()
			if err != nil || n != size {
				b.Fatalf("copied %d bytes: %v", n, err)
			}
		}
		plainMBs = reportRate(b, size, cpu)
		os.Remove(filepath.Join(dir, "plain.mp4"))
	})
	b.Run("disk", func(b *testing.B) {
		block := make([]byte, 1<<20)
		b.SetBytes(size)
		resetPeakRSS(b)
		cpu := startCPU()
		for range b.N {
			f, err := os.Create(filepath.Join(dir, "disk.bin"))
			if err != nil {
				b.Fatal(err)
			}
			for range size / len(block) {
				if _, err := f.Write(block); err != nil {
					b.Fatal(err)
				}
			}
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		reportRate(b, size, cpu)
		os.Remove(filepath.Join(dir, "disk.bin"))
	})
	b.Run("door", func(b *testing.B) {
		b.SetBytes(size)
		resetPeakRSS(b)
		var cpu cpuClock
		for range b.N {
			b.StopTimer()
			if _, err := s.Purge(ctx, h.userID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Discover(ctx, h.userID); err != nil {
				b.Fatal(err)
			}
			cpu.start()
			b.StartTimer()
			if err := s.Download(ctx, h.userID, bigFileID); err != nil {
				b.Fatalf("Download: %v", err)
			}
			cpu.stop()
		}
		mbs := reportRate(b, size, &cpu)
		if limit := min(md5MBs, plainMBs); limit > 0 {
			b.ReportMetric(mbs/limit, "limit_ratio")
			b.ReportMetric(mbs/plainMBs, "x-plain")
		}
	})
}

// reportRate stops the timer and cpu, and reports the MB/s of b.N runs of
// size bytes, the CPU time they took per GiB, all cores and the fake's
// share included (on a busy machine, a steadier figure than MB/s), and the
// peak RSS; it returns the MB/s.
func reportRate(b *testing.B, size int64, cpu *cpuClock) float64 {
	b.StopTimer()
	cpu.stop()
	mbs := float64(size) * float64(b.N) / b.Elapsed().Seconds() / 1e6
	b.ReportMetric(mbs, "MB/s")
	b.ReportMetric(cpu.total.Seconds()/(float64(size)*float64(b.N)/(1<<30)), "cpu-s/GiB")
	b.ReportMetric(peakRSS(b), "peak-RSS-MiB")
	return mbs
}

// cpuClock adds up the CPU time, user and system, of the process between
// calls to start and stop.
type cpuClock struct {
	total, from time.Duration
	running     bool
}

// startCPU returns a running cpuClock.
func startCPU() *cpuClock {
	c := &cpuClock{}
	c.start()
	return c
}

func (c *cpuClock) start() {
	c.from, c.running = connectortest.ProcessCPU(), true
}

func (c *cpuClock) stop() {
	if c.running {
		c.total += connectortest.ProcessCPU() - c.from
		c.running = false
	}
}

// bigFileID is the id of the benchmark's recording.
const bigFileID = "1BigRecording0000000000000000000"

// bigWorkspace holds one person with one Meet recording of size bytes.
func bigWorkspace(size int64) *workspace.Workspace {
	const email = "ada@example.test"
	ws := workspace.New("example.test", "C01example")
	ws.PutPerson(workspace.Person{ID: "c1", Email: email, GivenName: "Ada", FamilyName: "Lovelace", DisplayName: "Ada Lovelace"})
	created := time.Now().Add(-time.Hour).UTC()
	folder := workspace.MeetRecordingsFolderID(email)
	ws.PutFile(&workspace.File{ID: folder, Name: workspace.MeetRecordingsFolder, MimeType: workspace.MimeFolder, Owner: email,
		CreatedTime: created, ModifiedTime: created})
	ws.PutFile(&workspace.File{ID: bigFileID, Name: "Quarterly review - " + created.Format("2006/01/02 15:04") + " UTC - Recording",
		MimeType: workspace.MimeMP4, Parents: []string{folder}, Owner: email, CreatedTime: created, ModifiedTime: created,
		CreatedByMeet: true, MeetCode: "abc-defg-hij", Body: workspace.GeneratedBody(bigFileID, size)})
	return ws
}

// resetPeakRSS resets the process's peak resident set size (Linux).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS: %v", err)
	}
}

// peakRSS returns the process's peak resident set size in MiB, from
// VmHWM in /proc/self/status.
func peakRSS(b *testing.B) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Logf("no /proc/self/status: %v", err)
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
