package replicatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does to a request it picked.
type Fault string

// The faults the proxy injects, in equal shares.
const (
	// FaultTooMany answers 429 rateLimitExceeded without asking Google.
	FaultTooMany Fault = "429"
	// FaultUnavailable answers 503 without asking Google.
	FaultUnavailable Fault = "503"
	// FaultCut passes the request on and cuts the connection halfway
	// through Google's answer, after its headers.
	FaultCut Fault = "cut"
	// FaultReset passes the request on and closes the connection before
	// any byte of Google's answer, as a reset does.
	FaultReset Fault = "reset"
	// FaultHang passes the request on and holds Google's answer back for
	// the hang time, or until the app gives up.
	FaultHang Fault = "hang"
)

// faults is the default mix of ProxyOptions.Faults.
var faults = []Fault{FaultTooMany, FaultUnavailable, FaultCut, FaultReset, FaultHang, FaultTooMany, FaultUnavailable, FaultHang}

// Proxy stands between the replicas and the fake Google, as the network
// and Google's front ends do: it injects faults into the API calls and the
// refresh grants, slows recording downloads down, and can shorten the
// lifetime of the access tokens Google issues so that they are refreshed
// during a short run. It never changes what Google answers otherwise.
type Proxy struct {
	target *url.URL
	rp     *httputil.ReverseProxy
	srv    *http.Server
	// URL is where the proxy listens.
	URL string

	mu       sync.Mutex
	rng      *rand.Rand
	mix      []Fault
	rate     float64
	hang     time.Duration
	injected map[Fault]int
	// downloadRate is bytes per second per download; 0 is unthrottled.
	downloadRate int64
	// tokenLife, when positive, replaces expires_in in token answers.
	tokenLife time.Duration
}

// ProxyOptions configure a Proxy.
type ProxyOptions struct {
	// Seed makes the choice of faulty requests repeatable.
	Seed uint64
	// Hang is how long FaultHang holds an answer back.
	Hang time.Duration
	// DownloadRate throttles each Drive media download to this many bytes
	// per second; 0 does not throttle.
	DownloadRate int64
	// TokenLife, when positive, is the expires_in the app is told for every
	// access token, so that tokens are refreshed during the run.
	TokenLife time.Duration
	// Faults is the mix of faults to draw from, in equal shares; nil means
	// 429s, 503s, cut connections (half of them cut before the answer,
	// half within it) and hangs, a quarter each.
	Faults []Fault
}

// StartProxy listens on a loopback port and forwards to target.
func StartProxy(target string, o ProxyOptions) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("replicatest: parsing the proxy's target %q: %w", target, err)
	}
	p := &Proxy{target: u, rng: rand.New(rand.NewPCG(o.Seed, 0x9e3779b9)), mix: o.Faults, hang: o.Hang,
		injected: map[Fault]int{}, downloadRate: o.DownloadRate, tokenLife: o.TokenLife}
	if len(p.mix) == 0 {
		p.mix = faults
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = u.Host },
		ModifyResponse: p.modify,
		ErrorHandler:   closeConnection,
		ErrorLog:       log.New(io.Discard, "", 0),
		// Every write reaches the app at once, so that a cut connection
		// has sent what came before the cut.
		FlushInterval: -1,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("replicatest: proxy listening: %w", err)
	}
	p.URL = "http://" + ln.Addr().String()
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go p.srv.Serve(ln)
	return p, nil
}

// Close stops the proxy and cuts the connections it holds.
func (p *Proxy) Close() error { return p.srv.Close() }

// SetFaultRate makes the proxy inject a fault into that fraction of the
// requests it may fault (0 turns faults off).
func (p *Proxy) SetFaultRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = rate
}

// Injected returns how many faults of each kind were injected so far.
func (p *Proxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.injected))
	for k, v := range p.injected {
		out[k] = v
	}
	return out
}

// faultKey is the context key of the fault chosen for a request.
type faultKey struct{}

// ServeHTTP forwards r, or answers it with a fault.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	faultable, err := p.faultable(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f := p.pick(faultable)
	switch f {
	case FaultTooMany:
		writeGoogleError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Rate Limit Exceeded")
		return
	case FaultUnavailable:
		writeGoogleError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "backendError", "The service is currently unavailable.")
		return
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), faultKey{}, f)))
}

// faultable reports whether r is one the proxy may fault: an API call, or a
// refresh grant at the token endpoint. Code exchanges (a member linking)
// and revocations pass untouched.
func (p *Proxy) faultable(r *http.Request) (bool, error) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/"), strings.HasPrefix(r.URL.Path, "/calendar/v3/"), strings.HasPrefix(r.URL.Path, "/drive/v3/"):
		return true, nil
	case r.URL.Path != "/token" || r.Method != http.MethodPost:
		return false, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return false, fmt.Errorf("reading the token request: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return false, fmt.Errorf("parsing the token request: %w", err)
	}
	return form.Get("grant_type") == "refresh_token", nil
}

// pick chooses the fault of a request, "" for none.
func (p *Proxy) pick(faultable bool) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !faultable || p.rate <= 0 || p.rng.Float64() >= p.rate {
		return ""
	}
	f := p.mix[p.rng.IntN(len(p.mix))]
	p.injected[f]++
	return f
}

// modify applies the chosen fault, the download throttle and the token
// lifetime to Google's answer.
func (p *Proxy) modify(resp *http.Response) error {
	f, _ := resp.Request.Context().Value(faultKey{}).(Fault)
	switch f {
	case FaultHang:
		select {
		case <-time.After(p.hang):
		case <-resp.Request.Context().Done():
			return fmt.Errorf("the app gave up during a hang: %w", resp.Request.Context().Err())
		}
	case FaultCut:
		resp.Body = &cutReader{r: resp.Body, left: max(resp.ContentLength/2, 1)}
		return nil
	case FaultReset:
		resp.Body.Close()
		return errReset
	}
	if p.downloadRate > 0 && resp.Request.URL.Query().Get("alt") == "media" {
		resp.Body = &throttledReader{r: resp.Body, rate: p.downloadRate, ctx: resp.Request.Context()}
	}
	if p.tokenLife > 0 && resp.Request.URL.Path == "/token" && resp.StatusCode == http.StatusOK {
		return p.shortenToken(resp)
	}
	return nil
}

// shortenToken rewrites expires_in in a token answer.
func (p *Proxy) shortenToken(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the token answer: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fmt.Errorf("decoding the token answer: %w", err)
	}
	fields["expires_in"] = json.RawMessage(strconv.Itoa(int(p.tokenLife.Seconds())))
	if body, err = json.Marshal(fields); err != nil {
		return fmt.Errorf("encoding the token answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
