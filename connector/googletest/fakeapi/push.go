package fakeapi

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Push delivery limits: a few workers, each with a bounded queue; a
// notification that finds its queue full is dropped, as Google may drop
// them too.
const (
	pushWorkers    = 4
	pushQueue      = 256
	pushTimeout    = 10 * time.Second
	defaultChanTTL = 7 * 24 * time.Hour
)

// channel is a registered push notification channel.
type channel struct {
	id, resourceID, resourceURI, token, address string
	owner, calendarID                           string
	expiration                                  time.Time // zero: never
	messages                                    int64     // number of the last message sent
}

// delivery is one notification to POST.
type delivery struct {
	ch     channel
	state  string // "sync", "exists" or "not_exists"
	number int64
}

// pusher registers channels and delivers Calendar push notifications when
// the events of a watched calendar change.
type pusher struct {
	ws     *workspace.Workspace
	now    func() time.Time
	client *http.Client
	ctx    context.Context
	stop   context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	started    bool
	closed     bool
	unsub      func()
	queues     []chan delivery
	channels   map[string]*channel            // by channel id
	byCalendar map[string]map[string]*channel // calendar id to channel id to channel
}

// newPusher returns a pusher for ws; its workers start with the first channel.
func newPusher(ws *workspace.Workspace, now func() time.Time) *pusher {
	ctx, stop := context.WithCancel(context.Background())
	return &pusher{ws: ws, now: now, client: &http.Client{Timeout: pushTimeout}, ctx: ctx, stop: stop,
		channels: map[string]*channel{}, byCalendar: map[string]map[string]*channel{}}
}

// add registers ch and queues its "sync" message.
func (p *pusher) add(ch *channel) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return Error{Code: http.StatusServiceUnavailable, Reason: "backendError", Message: "The push service is shut down."}
	case p.channels[ch.id] != nil:
		return Error{Code: http.StatusBadRequest, Reason: "channelIdNotUnique", Message: "Channel id " + ch.id + " not unique"}
	}
	if !p.started {
		p.started = true
		p.queues = make([]chan delivery, pushWorkers)
		for i := range p.queues {
			p.queues[i] = make(chan delivery, pushQueue)
			p.wg.Add(1)
			go p.work(p.queues[i])
		}
		p.unsub = p.ws.Subscribe(p.onChange)
	}
	p.channels[ch.id] = ch
	if p.byCalendar[ch.calendarID] == nil {
		p.byCalendar[ch.calendarID] = map[string]*channel{}
	}
	p.byCalendar[ch.calendarID][ch.id] = ch
	p.enqueue(ch, "sync")
	return nil
}

// remove drops the channel id if resourceID and owner match it.
func (p *pusher) remove(id, resourceID, owner string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := p.channels[id]
	if ch == nil || ch.resourceID != resourceID || ch.owner != owner {
		return false
	}
	p.drop(ch)
	return true
}

// drop unregisters ch; p.mu is held.
func (p *pusher) drop(ch *channel) {
	delete(p.channels, ch.id)
	delete(p.byCalendar[ch.calendarID], ch.id)
	if len(p.byCalendar[ch.calendarID]) == 0 {
		delete(p.byCalendar, ch.calendarID)
	}
}

// onChange queues an "exists" message for every live channel watching the
// calendar of a changed event.
func (p *pusher) onChange(c workspace.Change) {
	if c.Kind != workspace.KindEvent {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, ch := range p.byCalendar[c.CalendarID] {
		if !ch.expiration.IsZero() && now.After(ch.expiration) {
			p.drop(ch)
			continue
		}
		p.enqueue(ch, "exists")
	}
}

// enqueue numbers and queues a message on ch without blocking; p.mu is held.
func (p *pusher) enqueue(ch *channel, state string) {
	if p.closed {
		return
	}
	ch.messages++
	h := fnv.New32a()
	h.Write([]byte(ch.id))
	select {
	case p.queues[h.Sum32()%pushWorkers] <- delivery{ch: *ch, state: state, number: ch.messages}:
	default:
	}
}

// work delivers the messages of one queue in order until it is closed.
func (p *pusher) work(q <-chan delivery) {
	defer p.wg.Done()
	for d := range q {
		p.deliver(d)
	}
}

// deliver POSTs one notification: an empty body and the X-Goog-* headers.
func (p *pusher) deliver(d delivery) {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, d.ch.address, http.NoBody)
	if err != nil {
		return
	}
	h := req.Header
	h.Set("X-Goog-Channel-ID", d.ch.id)
	h.Set("X-Goog-Message-Number", strconv.FormatInt(d.number, 10))
	h.Set("X-Goog-Resource-ID", d.ch.resourceID)
	h.Set("X-Goog-Resource-State", d.state)
	h.Set("X-Goog-Resource-URI", d.ch.resourceURI)
	if !d.ch.expiration.IsZero() {
		h.Set("X-Goog-Channel-Expiration", d.ch.expiration.UTC().Format(http.TimeFormat))
	}
	if d.ch.token != "" {
		h.Set("X-Goog-Channel-Token", d.ch.token)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return // Undeliverable notifications are dropped; receivers resync.
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// close stops the workers, abandoning queued messages, and drops every channel.
func (p *pusher) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.stop()
	for _, q := range p.queues {
		close(q)
	}
	p.channels, p.byCalendar = map[string]*channel{}, map[string]map[string]*channel{}
	unsub := p.unsub
	p.mu.Unlock()
	if unsub != nil {
		unsub()
	}
	p.wg.Wait()
	p.client.CloseIdleConnections()
}

// resourceID returns the opaque, version-independent id of the events
// collection of a calendar: every channel on it shares the id.
func resourceID(calendarID string) string {
	sum := sha256.Sum256([]byte("events:" + calendarID))
	return base32.StdEncoding.EncodeToString(sum[:15])
}
