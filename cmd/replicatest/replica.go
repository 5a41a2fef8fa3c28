package replicatest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a replica may take to listen.
const startTimeout = 60 * time.Second

// Build compiles the scopetrail command into a temporary directory of t
// and returns the binary's path.
func Build(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "scopetrail")
	start := time.Now()
	defer func() { t.Logf("built scopetrail in %s", time.Since(start).Round(time.Millisecond)) }()
	out, err := exec.Command("go", "build", "-o", bin, "github.com/scopetrail/scopetrail/cmd/scopetrail").CombinedOutput()
	if err != nil {
		t.Fatalf("go build scopetrail: %v\n%s", err, out)
	}
	return bin
}

// Replica is one `scopetrail serve` process. It keeps its port across
// restarts, as a pod behind a load balancer keeps its address.
type Replica struct {
	// Name tells the replicas apart in the harness's messages.
	Name string
	// Base is the replica's URL, such as http://127.0.0.1:40123.
	Base string

	bin, dir, logPath string
	env               []string
	cmd               *exec.Cmd
	exited            chan error
}

// NewReplica prepares a replica of bin with env, on a free loopback port.
// Its logs go to a file in dir.
func NewReplica(name, bin, dir string, env map[string]string) (*Replica, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("replicatest: finding a port for %s: %w", name, err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &Replica{Name: name, Base: "http://" + addr, bin: bin, dir: dir, logPath: filepath.Join(dir, name+".log")}
	r.env = append(r.env, "PATH="+os.Getenv("PATH"), "HOME="+dir, "ADDR="+addr, "REPLICA_NAME="+name)
	for k, v := range env {
		r.env = append(r.env, k+"="+v)
	}
	return r, nil
}

// Start runs the replica and waits until it listens.
func (r *Replica) Start() error {
	logFile, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("replicatest: opening %s's log: %w", r.Name, err)
	}
	cmd := exec.Command(r.bin, "serve")
	cmd.Dir, cmd.Env, cmd.Stderr = r.dir, r.env, logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return fmt.Errorf("replicatest: %s's stdout: %w", r.Name, err)
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("replicatest: starting %s: %w", r.Name, err)
	}
	r.cmd, r.exited = cmd, make(chan error, 1)
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		said := false
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if !said && strings.HasPrefix(sc.Text(), "listening on ") {
				said = true
				close(listening)
			}
		}
		r.exited <- cmd.Wait()
		logFile.Close()
	}()
	select {
	case <-listening:
		return nil
	case err := <-r.exited:
		r.exited <- err
		return fmt.Errorf("replicatest: %s exited before listening (%v); its log:\n%s", r.Name, err, r.LogTail(40))
	case <-time.After(startTimeout):
		r.Kill()
		return fmt.Errorf("replicatest: %s did not listen within %s; its log:\n%s", r.Name, startTimeout, r.LogTail(40))
	}
}

// Kill ends the replica with SIGKILL, as a crash or an evicted pod does,
// and waits for it to be gone.
func (r *Replica) Kill() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
	r.cmd = nil
}

// Stop ends the replica with SIGTERM and waits for its graceful shutdown,
// killing it after timeout. It returns how the process exited.
func (r *Replica) Stop(timeout time.Duration) error {
	if r.cmd == nil {
		return nil
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-r.exited:
		r.cmd = nil
		if err != nil {
			return fmt.Errorf("replicatest: %s after SIGTERM: %w", r.Name, err)
		}
		return nil
	case <-time.After(timeout):
		r.Kill()
		return fmt.Errorf("replicatest: %s did not stop within %s of SIGTERM", r.Name, timeout)
	}
}

// Ready waits until the replica answers /readyz with 200.
func (r *Replica) Ready(ctx context.Context) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.Base+"/readyz", nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("replicatest: %s not ready: %w", r.Name, errors.Join(ctx.Err(), err))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// LogTail returns the last n lines of the replica's log.
func (r *Replica) LogTail(n int) string {
	b, err := os.ReadFile(r.logPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// LogLines returns the lines of the replica's log that contain every word.
func (r *Replica) LogLines(words ...string) []string {
	f, err := os.Open(r.logPath)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(io.Reader(f))
	sc.Buffer(nil, 1<<20)
lines:
	for sc.Scan() {
		for _, w := range words {
			if !strings.Contains(sc.Text(), w) {
				continue lines
			}
		}
		out = append(out, sc.Text())
	}
	return out
}
