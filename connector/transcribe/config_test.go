package transcribe

import (
	"strings"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
)

func parse(t *testing.T, vars map[string]string) Config {
	t.Helper()
	var c Config
	if err := env.ParseWithOptions(&c, env.Options{Environment: vars}); err != nil {
		t.Fatalf("parsing %v: %v", vars, err)
	}
	return c
}

func TestConfigDefaultsToPocketSphinx(t *testing.T) {
	t.Parallel()
	c := parse(t, nil)
	if c.Engine != EnginePocketSphinx || c.MaxUpload != 25<<20 || c.Timeout != 2*time.Hour || c.Model != DefaultModel {
		t.Errorf("defaults %+v", c)
	}
	if errs := c.Validate(); len(errs) != 0 {
		t.Errorf("defaults are invalid: %v", errs)
	}
	e, err := c.NewEngine()
	if ps, ok := e.(*PocketSphinx); err != nil || !ok || ps.Timeout != 2*time.Hour {
		t.Errorf("NewEngine = %#v, %v; want PocketSphinx", e, err)
	}
	if e, err := parse(t, map[string]string{"TRANSCRIBE_ENGINE": "none"}).NewEngine(); e != nil || err != nil {
		t.Errorf("none = %v, %v; want no engine", e, err)
	}
}

func TestConfigOpenAI(t *testing.T) {
	t.Parallel()
	c := parse(t, map[string]string{"TRANSCRIBE_ENGINE": "openai", "TRANSCRIBE_URL": "https://api.groq.com/openai",
		"TRANSCRIBE_API_KEY": "sk-secret", "TRANSCRIBE_MODEL": "whisper-large-v3", "TRANSCRIBE_MAX_UPLOAD": "40MB",
		"TRANSCRIBE_ALLOWED_HOSTS": "api.openai.com, api.groq.com", "TRANSCRIBE_TIMEOUT": "30m"})
	e, err := c.NewEngine()
	o, ok := e.(*OpenAI)
	if err != nil || !ok || o.URL != "https://api.groq.com/openai" || o.Key != "sk-secret" || o.Model != "whisper-large-v3" ||
		o.MaxUpload != 40<<20 || o.Timeout != 30*time.Minute || o.Host() != "api.groq.com" {
		t.Fatalf("NewEngine = %#v, %v", e, err)
	}
	for host, want := range map[string]bool{"api.groq.com": true, "API.GROQ.COM:443": true, "local": true, "evil.example.com": false, "": false} {
		if c.Allowed(host) != want {
			t.Errorf("Allowed(%q) = %v; want %v", host, !want, want)
		}
	}
}

func TestConfigValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := parse(t, map[string]string{"TRANSCRIBE_ENGINE": "openai", "TRANSCRIBE_URL": "ftp://x",
		"TRANSCRIBE_MAX_UPLOAD": "1KB", "TRANSCRIBE_TIMEOUT": "0s", "TRANSCRIBE_ALLOWED_HOSTS": "https://api.openai.com/", "TRANSCRIBE_API_KEY": "sk-secret"})
	errs := c.Validate()
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{"TRANSCRIBE_URL", "TRANSCRIBE_MAX_UPLOAD", "TRANSCRIBE_TIMEOUT", "TRANSCRIBE_ALLOWED_HOSTS"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no problem names %s in:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "sk-secret") {
		t.Error("a problem shows the API key")
	}
	if errs := parse(t, map[string]string{"TRANSCRIBE_ENGINE": "whisper"}).Validate(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "pocketsphinx, openai or none") {
		t.Errorf("unknown engine: %v", errs)
	}
	if errs := parse(t, map[string]string{"TRANSCRIBE_ENGINE": "openai", "TRANSCRIBE_URL": "https://api.openai.com"}).Validate(); len(errs) != 1 ||
		!strings.Contains(errs[0].Error(), "TRANSCRIBE_ALLOWED_HOSTS") {
		t.Errorf("a host not allowed: %v", errs)
	}
	var b ByteSize
	for _, bad := range []string{"", "MB", "-1MB", "25 TB", "9999999999GB"} {
		if err := b.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("ByteSize %q read as %d; want an error", bad, b)
		}
	}
}

// FuzzByteSize: TRANSCRIBE_MAX_UPLOAD is read from the environment; any
// value is refused with an error or read as a size of no fewer than zero
// bytes.
func FuzzByteSize(f *testing.F) {
	for _, s := range []string{"25MB", "1048576", "0", "-1", "9223372036854775807GB", " 2 kb ", "MB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b ByteSize
		if err := b.UnmarshalText([]byte(s)); err == nil && b < 0 {
			t.Errorf("%q read as %d bytes", s, b)
		}
	})
}
