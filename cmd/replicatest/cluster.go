package replicatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest"
)

// Cluster is a deployment as operators run it: replicas of one binary with
// the same keys and configuration, one PostgreSQL database, one spool
// volume, and Google (the fake) behind a network that fails (the proxy).
type Cluster struct {
	Google   *Google
	Proxy    *Proxy
	Replicas []*Replica
	// DatabaseURL is the shared database; Spool the shared volume, and
	// Witness the audit witness file on it that every replica appends to.
	DatabaseURL, Spool, Witness string
	// Env is the configuration every replica and command gets.
	Env map[string]string

	bin, dir string
}

// NewCluster configures n replicas of bin against databaseURL, g and p,
// with env on top of the configuration every run shares. Each replica
// keeps its logs in dir and is named by REPLICA_NAME on the trail; the
// spool is a directory of dir that every replica mounts.
func NewCluster(bin, dir, databaseURL string, g *Google, p *Proxy, n int, env map[string]string) (*Cluster, error) {
	c := &Cluster{Google: g, Proxy: p, DatabaseURL: databaseURL, Spool: filepath.Join(dir, "spool"),
		Witness: filepath.Join(dir, "witness.jsonl"), bin: bin, dir: dir}
	secrets, err := c.generateKeys()
	if err != nil {
		return nil, err
	}
	fake, net := googletest.Endpoints(g.URL), googletest.Endpoints(p.URL)
	c.Env = map[string]string{
		"DATABASE_URL": databaseURL, "RECORDINGS_SPOOL_DIR": c.Spool, "RECORDING_RETENTION": "forever",
		"TRANSCRIBE_ENGINE": "none", "METRICS_ADDR": "off", "LOG_FORMAT": "json", "LOG_LEVEL": "info",
		"GOOGLE_CLIENT_ID": clientID, "GOOGLE_CLIENT_SECRET": clientSecret,
		// The browser reaches Google's consent page directly; the replicas
		// reach every endpoint that carries a user's token or grant
		// through the network.
		"GOOGLE_AUTH_URL": fake.AuthURL, "GOOGLE_ISSUER": fake.Issuer, "GOOGLE_JWKS_URL": fake.JWKSURL,
		"GOOGLE_TOKEN_URL": net.TokenURL, "GOOGLE_REVOKE_URL": net.RevokeURL, "GOOGLE_USERINFO_URL": net.UserinfoURL,
		"GOOGLE_PEOPLE_URL": net.PeopleBase, "GOOGLE_CALENDAR_URL": net.CalendarBase, "GOOGLE_DRIVE_URL": net.DriveBase,
		"ADMIN_EMAILS": g.Admin, "SIGNUP_DOMAINS": g.Domain,
		"AUDIT_CHECKPOINT_INTERVAL": "2s", "AUDIT_WITNESS_FILE": c.Witness,
	}
	for k, v := range secrets {
		c.Env[k] = v
	}
	for k, v := range env {
		c.Env[k] = v
	}
	for i := range n {
		name := fmt.Sprintf("replica-%c", 'a'+i)
		rdir := filepath.Join(dir, name)
		if err := os.MkdirAll(rdir, 0o700); err != nil {
			return nil, fmt.Errorf("replicatest: %w", err)
		}
		r, err := NewReplica(name, bin, rdir, c.Env)
		if err != nil {
			return nil, err
		}
		c.Replicas = append(c.Replicas, r)
	}
	g.Register(c.Replicas...)
	return c, nil
}

// generateKeys asks the binary for fresh keys, which every replica shares.
func (c *Cluster) generateKeys() (map[string]string, error) {
	out, err := exec.Command(c.bin, "keys", "generate").Output()
	if err != nil {
		return nil, fmt.Errorf("replicatest: scopetrail keys generate: %w", err)
	}
	keys := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			keys[k] = v
		}
	}
	for _, k := range []string{"SESSION_KEYS", "TOKEN_KEYS", "AUDIT_SIGNING_KEY"} {
		if keys[k] == "" {
			return nil, fmt.Errorf("replicatest: scopetrail keys generate printed no %s:\n%s", k, out)
		}
	}
	return keys, nil
}

// Start starts every replica.
func (c *Cluster) Start() error {
	for _, r := range c.Replicas {
		if err := r.Start(); err != nil {
			return err
		}
	}
	return nil
}

// Command runs a scopetrail command with the cluster's configuration, as an
// operator runs one beside the replicas, and returns its output.
func (c *Cluster) Command(args ...string) (string, error) {
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir}
	for k, v := range c.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("scopetrail %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
