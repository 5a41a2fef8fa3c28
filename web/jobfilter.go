package web

import (
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// jobStates are River's job states, in the order the Jobs page's filter
// offers them, with what each means in words.
var jobStates = []struct{ Value, Label string }{
	{"available", "waiting to run"},
	{"scheduled", "scheduled for later"},
	{"pending", "pending"},
	{"running", "running"},
	{"retryable", "failed, to be tried again"},
	{"completed", "completed"},
	{"cancelled", "cancelled"},
	{"discarded", "gave up"},
}

// jobKindPattern is what a job kind looks like ("calendar_sync"); a kind
// filter of any other shape is dropped.
var jobKindPattern = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// jobFilter is what the Jobs page's filters ask for; "" matches any.
type jobFilter struct {
	Kind, State string
}

// parseJobFilter reads the filters of the Jobs page's URL, ?kind=&state=,
// dropping a value that is no kind or state.
func parseJobFilter(q url.Values) jobFilter {
	f := jobFilter{Kind: strings.TrimSpace(q.Get("kind")), State: strings.TrimSpace(q.Get("state"))}
	if !jobKindPattern.MatchString(f.Kind) {
		f.Kind = ""
	}
	if !slices.ContainsFunc(jobStates, func(s struct{ Value, Label string }) bool { return s.Value == f.State }) {
		f.State = ""
	}
	return f
}

// query is the filter as the Jobs page's URL query.
func (f jobFilter) query() string {
	v := url.Values{}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if f.State != "" {
		v.Set("state", f.State)
	}
	return v.Encode()
}

// active reports whether the filter leaves out any job.
func (f jobFilter) active() bool { return f.Kind != "" || f.State != "" }

// matches reports whether the filter keeps j.
func (f jobFilter) matches(j jobs.Info) bool {
	return (f.Kind == "" || j.Kind == f.Kind) && (f.State == "" || j.State == f.State)
}

// jobOption is one choice of a filter's <select>.
type jobOption struct {
	Value, Label string
	Selected     bool
}

// kindOptions are the kinds of the jobs listed, by label, and the kind
// filtered on even when no job listed has it.
func (f jobFilter) kindOptions(list []jobs.Info) []jobOption {
	labels := map[string]string{}
	for _, j := range list {
		labels[j.Kind] = cmp.Or(j.Label, j.Kind)
	}
	if f.Kind != "" && labels[f.Kind] == "" {
		labels[f.Kind] = f.Kind
	}
	out := make([]jobOption, 0, len(labels))
	for kind, label := range labels {
		out = append(out, jobOption{Value: kind, Label: label, Selected: kind == f.Kind})
	}
	slices.SortFunc(out, func(a, b jobOption) int { return strings.Compare(a.Label+a.Value, b.Label+b.Value) })
	return out
}

// stateOptions are every state, the one filtered on selected.
func (f jobFilter) stateOptions() []jobOption {
	out := make([]jobOption, len(jobStates))
	for i, s := range jobStates {
		out[i] = jobOption{Value: s.Value, Label: s.Label, Selected: s.Value == f.State}
	}
	return out
}
