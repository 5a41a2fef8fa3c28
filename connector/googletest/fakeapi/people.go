package fakeapi

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Directory sources and merge sources of the People API.
const (
	sourceDomainProfile = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"
	sourceDomainContact = "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"
	mergeSourceContact  = "DIRECTORY_MERGE_SOURCE_TYPE_CONTACT"
)

// listDirectoryPeopleJSON is the ListDirectoryPeopleResponse schema.
type listDirectoryPeopleJSON struct {
	People        []personJSON `json:"people,omitempty"`
	NextPageToken string       `json:"nextPageToken,omitempty"`
	NextSyncToken string       `json:"nextSyncToken,omitempty"`
}

// searchDirectoryPeopleJSON is the SearchDirectoryPeopleResponse schema.
type searchDirectoryPeopleJSON struct {
	People        []personJSON `json:"people,omitempty"`
	NextPageToken string       `json:"nextPageToken,omitempty"`
	TotalSize     int          `json:"totalSize,omitempty"`
}

// directoryParams are the parameters both directory methods share.
type directoryParams struct {
	mask     personMask
	profiles bool // whether sources asks for domain profiles, the only kind here
	size     int
}

// parseDirectoryParams validates readMask, sources, mergeSources and
// pageSize (at most maxSize).
func parseDirectoryParams(q url.Values, maxSize int) (directoryParams, error) {
	var p directoryParams
	var err error
	if p.mask, err = parsePersonMask("readMask", q.Get("readMask")); err != nil {
		return p, err
	}
	if len(q["sources"]) == 0 {
		return p, badRequest("sources is required. Specify DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE and/or DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT.")
	}
	for _, s := range q["sources"] {
		switch s {
		case sourceDomainProfile:
			p.profiles = true
		case sourceDomainContact:
		default:
			return p, badRequest("Invalid value at 'sources': " + s)
		}
	}
	for _, s := range q["mergeSources"] {
		if s != mergeSourceContact {
			return p, badRequest("Invalid value at 'merge_sources': " + s)
		}
	}
	if p.size, err = intParam(q, "pageSize", 0); err != nil {
		return p, err
	}
	if p.size < 0 || p.size > maxSize {
		return p, badRequest("pageSize must be between 1 and " + strconv.Itoa(maxSize) + ".")
	}
	if p.size == 0 {
		p.size = 100
	}
	return p, nil
}

// requireDomain refuses callers outside the workspace's domain, as the
// directory is only open to its members.
func (a *API) requireDomain(c Caller) error {
	_, domain, _ := strings.Cut(c.email(), "@")
	if a.ws.Domain == "" || !strings.EqualFold(domain, a.ws.Domain) {
		return Error{Code: http.StatusBadRequest, Reason: "failedPrecondition", Status: "FAILED_PRECONDITION",
			Message: "Must be a G Suite domain user."}
	}
	return nil
}

// listDirectoryPeople serves people.listDirectoryPeople: a full listing in
// ID order, or with syncToken the people changed since, tombstones included.
func (a *API) listDirectoryPeople(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	if err := a.requireDomain(c); err != nil {
		return err
	}
	p, err := parseDirectoryParams(q, 1000)
	if err != nil {
		return err
	}
	requestSync, err := boolParam(q, "requestSyncToken")
	if err != nil {
		return err
	}
	const list = "people.list"
	bind, syncBind := bindAllExcept(q), bindParams(q, "readMask", "sources", "mergeSources")
	seq := a.ws.Seq() // Read before the people, so that no change is missed.
	d := a.directory()
	cur := cursor{List: list, Bind: bind, Upto: seq}
	if tok := q.Get("pageToken"); tok != "" {
		if err := a.codec.open(tok, &cur); err != nil || cur.List != list || cur.Bind != bind {
			return badRequest("Page token is invalid, or the request parameters differ from the call that returned it.")
		}
	} else if st := q.Get("syncToken"); st != "" {
		t, err := a.syncs.check(st, list, c.Email, syncBind, syncTokenTTL)
		switch {
		case errors.Is(err, errExpiredToken):
			return Error{Code: http.StatusBadRequest, Reason: "EXPIRED_SYNC_TOKEN",
				Message: "Sync token is expired. Clear local cache and retry call without the sync token."}
		case err != nil:
			return badRequest("Sync token is invalid, or the request parameters differ from the call that returned it.")
		}
		cur.Incr, cur.Since = true, t.Seq
	}
	var page []*workspace.Person
	more := false
	if p.profiles {
		page, more = d.page(&cur, p.size)
	}
	pr := newPersonRenderer(p.mask, a.ws.Domain, len(page))
	for _, person := range page {
		pr.add(person)
	}
	resp := listDirectoryPeopleJSON{People: pr.out}
	switch {
	case more:
		resp.NextPageToken = a.codec.seal(cur)
	case requestSync || cur.Incr:
		resp.NextSyncToken = a.syncs.issue(list, c.Email, syncBind, cur.Upto)
	}
	return writeSelected(w, q, resp, listDirectoryPeopleSchema)
}

// page returns the next page of at most n people after cur, advances cur
// past it, and reports whether more people follow.
func (d *directory) page(cur *cursor, n int) ([]*workspace.Person, bool) {
	out := make([]*workspace.Person, 0, min(n, len(d.people)))
	if cur.Incr {
		k := sort.Search(len(d.bySeq), func(k int) bool { return d.people[d.bySeq[k]].Seq > cur.Since })
		for ; k < len(d.bySeq) && len(out) < n; k++ {
			p := &d.people[d.bySeq[k]]
			if p.Seq > cur.Upto {
				break
			}
			out = append(out, p)
			cur.Since = p.Seq
		}
		return out, k < len(d.bySeq) && d.people[d.bySeq[k]].Seq <= cur.Upto
	}
	k := sort.Search(len(d.live), func(k int) bool { return d.people[d.live[k]].ID > cur.After })
	for ; k < len(d.live) && len(out) < n; k++ {
		out = append(out, &d.people[d.live[k]])
	}
	if len(out) > 0 {
		cur.After = out[len(out)-1].ID
	}
	return out, k < len(d.live)
}

// searchDirectoryPeople serves people.searchDirectoryPeople: a prefix match
// of every query word against the words of names and email addresses.
func (a *API) searchDirectoryPeople(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	if err := a.requireDomain(c); err != nil {
		return err
	}
	p, err := parseDirectoryParams(q, 500)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(q.Get("query"))
	if query == "" {
		return badRequest("query is required.")
	}
	const list = "people.search"
	bind := bindAllExcept(q)
	cur := cursor{List: list, Bind: bind}
	if tok := q.Get("pageToken"); tok != "" {
		if err := a.codec.open(tok, &cur); err != nil || cur.List != list || cur.Bind != bind {
			return badRequest("Page token is invalid, or the request parameters differ from the call that returned it.")
		}
	}
	d := a.directory()
	var matches []int
	if p.profiles {
		matches = d.search(query)
	}
	from, to := window(cur.Off, p.size, len(matches))
	pr := newPersonRenderer(p.mask, a.ws.Domain, to-from)
	for _, i := range matches[from:to] {
		pr.add(&d.people[i])
	}
	resp := searchDirectoryPeopleJSON{People: pr.out, TotalSize: len(matches)}
	if to < len(matches) {
		cur.Off = to
		resp.NextPageToken = a.codec.seal(cur)
	}
	return writeSelected(w, q, resp, searchDirectoryPeopleSchema)
}

// getPerson serves people.get for "people/me" and for directory profiles.
func (a *API) getPerson(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	fields, param := q.Get("personFields"), "personFields"
	if fields == "" && q.Get("requestMask.includeField") != "" {
		fields, param = q.Get("requestMask.includeField"), "requestMask.includeField"
	}
	mask, err := parsePersonMask(param, fields)
	if err != nil {
		return err
	}
	var p workspace.Person
	var ok bool
	if id := r.PathValue("personId"); id == "me" {
		p, ok = a.ws.Person(c.Email)
	} else {
		if err := a.requireDomain(c); err != nil {
			return err
		}
		p, ok = a.ws.PersonByID(id)
	}
	if !ok || p.Deleted {
		return Error{Code: http.StatusNotFound, Reason: "notFound", Message: "Requested entity was not found."}
	}
	pr := newPersonRenderer(mask, a.ws.Domain, 1)
	pr.add(&p)
	return writeSelected(w, q, pr.out[0], personSchema)
}
