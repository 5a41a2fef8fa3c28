package fakeapi

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Drive change page tokens are decimal workspace sequence numbers: token n
// lists the changes with Seq >= n. They never expire, as at Google.

// getStartPageToken serves changes.getStartPageToken: the token of the
// next change.
func (a *API) getStartPageToken(w http.ResponseWriter, r *http.Request, _ Caller) error {
	mask, err := fieldsParam(r.URL.Query(), "kind,startPageToken", startPageTokenSchema)
	if err != nil {
		return err
	}
	resp := map[string]any{"kind": "drive#startPageToken", "startPageToken": strconv.FormatInt(a.ws.Seq()+1, 10)}
	writeJSON(w, http.StatusOK, mask.apply(resp))
	return nil
}

// listChanges serves changes.list: the latest change of every file the
// caller can see whose sequence is at or after pageToken, oldest first.
// Deleted files, and files no longer shared with the caller, are reported
// as removed; trashed ones carry trashed=true.
// Under drive.meet.readonly alone, changes to other files are not listed.
func (a *API) listChanges(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	tok := q.Get("pageToken")
	if tok == "" {
		return requiredParam("pageToken")
	}
	from, err := strconv.ParseInt(tok, 10, 64)
	if err != nil || from < 1 {
		return invalidParam("pageToken", "Invalid Value: pageToken "+tok)
	}
	mask, err := fieldsParam(q, changeListDefault, changeListSchema)
	if err != nil {
		return err
	}
	if err := checkCorpora("", "", q.Get("spaces")); err != nil {
		return err
	}
	size, err := intParam(q, "pageSize", 100)
	if err != nil {
		return err
	}
	if size < 0 {
		return invalidParam("pageSize", "Invalid value for pageSize: must not be negative.")
	}
	size = min(cmp.Or(size, 100), 1000)
	includeRemoved := true
	if q.Has("includeRemoved") {
		if includeRemoved, err = boolParam(q, "includeRemoved"); err != nil {
			return err
		}
	}
	myDrive, err := boolParam(q, "restrictToMyDrive")
	if err != nil {
		return err
	}
	seq := a.ws.Seq() // Read before the files, so that no change is missed.
	me := c.email()
	hideNonMeet := meetOnly(c)
	var changed []fileChange
	for _, f := range a.ws.FilesFor(me) {
		if f.Seq < from || f.Seq > seq || (f.Deleted && !includeRemoved) || (hideNonMeet && !f.CreatedByMeet) ||
			(myDrive && !strings.EqualFold(f.Owner, me)) {
			continue
		}
		changed = append(changed, fileChange{seq: f.Seq, file: f})
	}
	if includeRemoved && !myDrive { // a file shared with me and taken away was never in My Drive
		for _, u := range a.ws.FilesUnshared(me) {
			if u.Seq < from || u.Seq > seq {
				continue
			}
			if f, ok := a.ws.File(u.ID); hideNonMeet && (!ok || !f.CreatedByMeet) {
				continue
			}
			changed = append(changed, fileChange{seq: u.Seq, lost: u})
		}
	}
	slices.SortFunc(changed, func(x, y fileChange) int { return cmp.Compare(x.seq, y.seq) })
	more := len(changed) > size
	changed = changed[:min(size, len(changed))]
	resp := map[string]any{}
	if mask.has("kind") {
		resp["kind"] = "drive#changeList"
	}
	switch {
	case more && mask.has("nextPageToken"):
		resp["nextPageToken"] = strconv.FormatInt(changed[len(changed)-1].seq+1, 10)
	case !more && mask.has("newStartPageToken"):
		resp["newStartPageToken"] = strconv.FormatInt(seq+1, 10)
	}
	if cm := mask.child("changes"); cm != nil {
		v := fileView{ws: a.ws, me: me}
		out := make([]any, 0, len(changed))
		for _, ch := range changed {
			if ch.file != nil {
				out = append(out, v.change(ch.file, cm))
			} else {
				out = append(out, removal(ch.lost, cm))
			}
		}
		resp["changes"] = out
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// fileChange is one entry of the changes feed: a file's latest state, or
// the caller's loss of access to one.
type fileChange struct {
	seq  int64
	file *workspace.File // nil for a loss
	lost workspace.Unshared
}

// removal renders, selected by m, the Change that tells the caller a file
// is no longer shared with it: removed, without the file.
func removal(u workspace.Unshared, m *fieldMask) map[string]any {
	all := map[string]any{"kind": "drive#change", "changeType": "file", "type": "file", "time": utcMillis(u.Time),
		"removed": true, "fileId": u.ID}
	if u.Time.IsZero() {
		delete(all, "time")
	}
	return m.apply(all).(map[string]any)
}

// change renders the Change of f selected by m.
func (v fileView) change(f *workspace.File, m *fieldMask) map[string]any {
	removed := f.Deleted
	all := map[string]any{"kind": "drive#change", "changeType": "file", "type": "file", "time": utcMillis(f.ModifiedTime),
		"removed": removed, "fileId": f.ID}
	if f.ModifiedTime.IsZero() {
		delete(all, "time")
	}
	out := m.apply(all).(map[string]any)
	if fm := m.child("file"); fm != nil && !removed {
		out["file"] = v.render(f, fm)
	}
	return out
}
