package googlehttp

import "time"

// Timeouts bound how long the door waits for Google, for every request it
// sends: API calls, token refreshes and revocations. None bounds a whole
// response, so that a slow but moving download of any size completes. A
// zero field takes its value from DefaultTimeouts. The environment variables
// name them for the command line.
type Timeouts struct {
	// Connect bounds opening a connection: the TCP dial and the TLS
	// handshake.
	Connect time.Duration `env:"GOOGLE_CONNECT_TIMEOUT" envDefault:"10s"`
	// Header bounds the wait from sending a request to the response's
	// headers, connecting included.
	Header time.Duration `env:"GOOGLE_HEADER_TIMEOUT" envDefault:"30s"`
	// Idle bounds each wait for the next bytes of a response body.
	Idle time.Duration `env:"GOOGLE_IDLE_TIMEOUT" envDefault:"60s"`
}

// DefaultTimeouts are the timeouts of a door whose Options leave them zero.
var DefaultTimeouts = Timeouts{Connect: 10 * time.Second, Header: 30 * time.Second, Idle: time.Minute}

// orDefault returns t with its zero fields taken from DefaultTimeouts.
func (t Timeouts) orDefault() Timeouts {
	if t.Connect <= 0 {
		t.Connect = DefaultTimeouts.Connect
	}
	if t.Header <= 0 {
		t.Header = DefaultTimeouts.Header
	}
	if t.Idle <= 0 {
		t.Idle = DefaultTimeouts.Idle
	}
	return t
}
