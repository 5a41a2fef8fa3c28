package transcribe

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// EngineNone turns transcription off: recordings without a Meet transcript
// stay queued.
const EngineNone = "none"

// Config is the transcription configuration, read from the environment
// (see .env.example).
type Config struct {
	// Engine is pocketsphinx (offline, the default), openai (any server
	// speaking OpenAI's transcription API) or none.
	Engine string `env:"TRANSCRIBE_ENGINE" envDefault:"pocketsphinx"`
	// URL is the openai engine's server, such as https://api.openai.com.
	URL string `env:"TRANSCRIBE_URL"`
	// APIKey is sent to that server as a bearer token.
	APIKey string `env:"TRANSCRIBE_API_KEY"`
	// Model is the model asked of that server.
	Model string `env:"TRANSCRIBE_MODEL" envDefault:"whisper-1"`
	// MaxUpload is the largest file the server takes; larger audio is sent
	// in pieces.
	MaxUpload ByteSize `env:"TRANSCRIBE_MAX_UPLOAD" envDefault:"25MB"`
	// AllowedHosts are the hosts audio may be sent to; audio for any other
	// host is refused, and the refusal audited.
	AllowedHosts []string `env:"TRANSCRIBE_ALLOWED_HOSTS" envSeparator:","`
	// Timeout bounds the transcription of one recording.
	Timeout time.Duration `env:"TRANSCRIBE_TIMEOUT" envDefault:"2h"`
}

// Validate reports every problem of the configuration, each naming its
// variable and how to fix it, never a secret's value.
func (c Config) Validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.Engine {
	case EnginePocketSphinx, EngineNone:
	case EngineOpenAI:
		u, err := url.Parse(c.URL)
		switch {
		case c.URL == "":
			add("TRANSCRIBE_URL: empty; the openai engine needs its server's base URL, such as https://api.openai.com")
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "":
			add("TRANSCRIBE_URL: %q is not an http(s) base URL; write for example https://api.openai.com", c.URL)
		case !c.Allowed(u.Host):
			add("TRANSCRIBE_ALLOWED_HOSTS: %q is not listed, so no audio may be sent to TRANSCRIBE_URL; add it to allow that egress", u.Host)
		}
		if c.Model == "" {
			add("TRANSCRIBE_MODEL: empty; name the server's model, such as whisper-1")
		}
	default:
		add("TRANSCRIBE_ENGINE: %q is not an engine; write pocketsphinx, openai or none", c.Engine)
	}
	if c.MaxUpload < 1<<20 {
		add("TRANSCRIBE_MAX_UPLOAD: %d bytes is too small to hold pieces of audio; write at least 1MB, such as 25MB", c.MaxUpload)
	}
	if c.Timeout <= 0 {
		add("TRANSCRIBE_TIMEOUT: %s; write a positive duration such as 2h", c.Timeout)
	}
	for _, h := range c.AllowedHosts {
		if h = strings.TrimSpace(h); h == "" || strings.ContainsAny(h, "/ @") {
			add("TRANSCRIBE_ALLOWED_HOSTS: %q is not a host; write host names such as api.openai.com, separated by commas", h)
		}
	}
	return errs
}

// Allowed reports whether audio may be sent to host (a host name, with a
// port if any): "local" always may; any other host must be listed, with or
// without its port.
func (c Config) Allowed(host string) bool {
	if host == "local" {
		return true
	}
	name := host
	if u, err := url.Parse("//" + host); err == nil {
		name = u.Hostname()
	}
	for _, h := range c.AllowedHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h != "" && (h == strings.ToLower(host) || h == strings.ToLower(name)) {
			return true
		}
	}
	return false
}

// NewEngine returns the configured engine, nil for none.
func (c Config) NewEngine() (Engine, error) {
	if errs := c.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("transcription configuration: %w", errors.Join(errs...))
	}
	switch c.Engine {
	case EnginePocketSphinx:
		return &PocketSphinx{Timeout: c.Timeout}, nil
	case EngineOpenAI:
		return &OpenAI{URL: c.URL, Key: c.APIKey, Model: c.Model, MaxUpload: int64(c.MaxUpload), Timeout: c.Timeout}, nil
	}
	return nil, nil
}

// ByteSize is a size in bytes, written as a number with an optional unit:
// B, KB, MB, GB (powers of 1024, as upload limits are given), such as 25MB.
type ByteSize int64

// UnmarshalText reads a size such as "25MB" or "1048576".
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.ToUpper(strings.TrimSpace(string(text)))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size; write for example 25MB", text)
	}
	*b = ByteSize(n * mult)
	return nil
}
