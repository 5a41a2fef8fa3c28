package googletest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// faultKinds lists every FaultKind, for validation.
var faultKinds = []FaultKind{
	FaultRateLimit, FaultTooManyRequests, FaultUserRateLimit, FaultBackendError, FaultUnavailable,
	FaultLatency, FaultCutBody, FaultExpireSyncTokens, FaultRevokeApp, FaultInvalidGrant, FaultTestingExpiry,
}

// faultJSON is a fault on the wire of /_fake/faults; durations are Go
// duration strings such as "1.5s".
type faultJSON struct {
	ID          string    `json:"id,omitempty"`
	Method      string    `json:"method,omitempty"`
	User        string    `json:"user,omitempty"`
	Kind        FaultKind `json:"kind"`
	Count       int       `json:"count,omitempty"`
	Remaining   int       `json:"remaining,omitempty"`
	RetryAfter  string    `json:"retry_after,omitempty"`
	Delay       string    `json:"delay,omitempty"`
	Probability float64   `json:"probability,omitempty"`
}

// controlRoutes adds the /_fake/ endpoints that script the fake over HTTP.
func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_fake/requests", s.listRequests)
	mux.HandleFunc("DELETE /_fake/requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_fake/faults", s.listFaults)
	mux.HandleFunc("POST /_fake/faults", s.postFault)
	mux.HandleFunc("DELETE /_fake/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_fake/revoke-user", func(w http.ResponseWriter, r *http.Request) {
		email := r.URL.Query().Get("email")
		if email == "" {
			http.Error(w, "the email query parameter is required", http.StatusBadRequest)
			return
		}
		s.RevokeUser(email)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_fake/expire-sync-tokens", func(w http.ResponseWriter, r *http.Request) {
		s.api.ExpireSyncTokens(r.URL.Query().Get("email"))
		w.WriteHeader(http.StatusNoContent)
	})
}

// listRequests serves the request log as JSON Lines.
func (s *Server) listRequests(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	enc := json.NewEncoder(w)
	for _, rec := range s.Requests() {
		if err := enc.Encode(rec); err != nil {
			return // the client left
		}
	}
}

// listFaults serves the active faults as a JSON array.
func (s *Server) listFaults(w http.ResponseWriter, _ *http.Request) {
	out := []faultJSON{}
	for _, a := range s.faults.list() {
		f := faultJSON{ID: a.ID, Method: a.Method, User: a.User, Kind: a.Kind, Count: a.Count,
			Remaining: a.Remaining, Probability: a.Probability}
		if a.RetryAfter > 0 {
			f.RetryAfter = a.RetryAfter.String()
		}
		if a.Delay > 0 {
			f.Delay = a.Delay.String()
		}
		out = append(out, f)
	}
	writeJSON(w, http.StatusOK, out)
}

// postFault adds the fault in the JSON body and answers with its id.
func (s *Server) postFault(w http.ResponseWriter, r *http.Request) {
	var in faultJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		http.Error(w, "reading the fault: "+err.Error(), http.StatusBadRequest)
		return
	}
	f, err := in.fault()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": s.AddFault(f)})
}

// fault validates a fault from the wire and converts it.
func (in faultJSON) fault() (Fault, error) {
	f := Fault{Method: in.Method, User: in.User, Kind: in.Kind, Count: in.Count, Probability: in.Probability}
	var errs []error
	if !slices.Contains(faultKinds, in.Kind) {
		errs = append(errs, fmt.Errorf("kind %q is not one of %v", in.Kind, faultKinds))
	}
	if !servesMethod(in.Method) && in.Method != "" && in.Method != MethodToken {
		errs = append(errs, fmt.Errorf("method %q is neither the id of a method the fake serves, %q, nor empty", in.Method, MethodToken))
	}
	if in.Count < 0 {
		errs = append(errs, errors.New("count must not be negative"))
	}
	if in.Probability < 0 || in.Probability > 1 {
		errs = append(errs, errors.New("probability must be between 0 and 1"))
	}
	for _, d := range []struct {
		name string
		in   string
		out  *time.Duration
	}{{"retry_after", in.RetryAfter, &f.RetryAfter}, {"delay", in.Delay, &f.Delay}} {
		if d.in == "" {
			continue
		}
		v, err := time.ParseDuration(d.in)
		if err != nil || v < 0 {
			errs = append(errs, fmt.Errorf("%s %q is not a duration such as \"1.5s\"", d.name, d.in))
		}
		*d.out = v
	}
	return f, errors.Join(errs...)
}
