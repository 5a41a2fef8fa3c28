package fakeapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// channelJSON is the Channel schema.
type channelJSON struct {
	Kind        string    `json:"kind,omitempty"`
	ID          string    `json:"id,omitempty"`
	ResourceID  string    `json:"resourceId,omitempty"`
	ResourceURI string    `json:"resourceUri,omitempty"`
	Token       string    `json:"token,omitempty"`
	Expiration  jsonInt64 `json:"expiration,omitempty"`
	Type        string    `json:"type,omitempty"`
	Address     string    `json:"address,omitempty"`
}

// jsonInt64 is an int64 written as a JSON string, as discovery's int64
// format requires, and read from a string or a number.
type jsonInt64 int64

// MarshalJSON writes the number as a string.
func (n jsonInt64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(n), 10) + `"`), nil
}

// UnmarshalJSON reads a string or a number.
func (n *jsonInt64) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil {
		return err
	}
	*n = jsonInt64(v)
	return nil
}

// maxChannelBody bounds the request body of watch and stop.
const maxChannelBody = 64 << 10

// readChannel decodes a Channel request body.
func readChannel(r *http.Request) (channelJSON, error) {
	var ch channelJSON
	if err := json.NewDecoder(io.LimitReader(r.Body, maxChannelBody)).Decode(&ch); err != nil {
		return ch, badRequest("Parse Error: the request body is not a Channel: " + err.Error())
	}
	return ch, nil
}

// watchEvents serves events.watch: it registers a web_hook channel on the
// calendar's events and sends it a "sync" message, then an "exists"
// message after each change.
func (a *API) watchEvents(w http.ResponseWriter, r *http.Request, c Caller) error {
	calendarID := r.PathValue("calendarId")
	cal, _, err := a.resolveCalendar(c, calendarID)
	if err != nil {
		return err
	}
	req, err := readChannel(r)
	if err != nil {
		return err
	}
	switch {
	case req.ID == "" || len(req.ID) > 64:
		return badRequest("Channel id must be 1 to 64 characters long.")
	case !strings.EqualFold(req.Type, "web_hook") && !strings.EqualFold(req.Type, "webhook"):
		return badRequest("Invalid channel type: " + req.Type + ". Use web_hook.")
	}
	if err := checkAddress(req.Address); err != nil {
		return err
	}
	expiration := time.UnixMilli(int64(req.Expiration))
	if req.Expiration <= 0 {
		expiration = a.now().Add(defaultChanTTL)
	}
	ch := &channel{
		id:          req.ID,
		resourceID:  resourceID(cal.ID),
		resourceURI: a.base(r) + "/calendar/v3/calendars/" + url.PathEscape(calendarID) + "/events?alt=json",
		token:       req.Token,
		address:     req.Address,
		owner:       c.email(),
		calendarID:  cal.ID,
		expiration:  expiration,
	}
	if err := a.push.add(ch); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, channelJSON{Kind: "api#channel", ID: ch.id, ResourceID: ch.resourceID,
		ResourceURI: ch.resourceURI, Token: ch.token, Expiration: jsonInt64(expiration.UnixMilli())})
	return nil
}

// checkAddress requires an HTTPS address, as Google does; plain HTTP is
// accepted for loopback hosts so that local receivers work.
func checkAddress(address string) error {
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		return badRequest("Invalid channel address: " + address)
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && (u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())) {
		return nil
	}
	return Error{Code: http.StatusBadRequest, Reason: "push.webhookUrlNotHttps", Message: "WebHook callback must be HTTPS: " + address}
}

// stopChannel serves channels.stop.
func (a *API) stopChannel(w http.ResponseWriter, r *http.Request, c Caller) error {
	req, err := readChannel(r)
	if err != nil {
		return err
	}
	if !a.push.remove(req.ID, req.ResourceID, c.email()) {
		return notFound("Channel '" + req.ID + "' not found for project")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
