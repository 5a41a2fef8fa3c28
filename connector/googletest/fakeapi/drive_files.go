package fakeapi

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// broadDriveScopes see every Drive file of the user; drive.meet.readonly
// alone sees only the files Meet created.
var broadDriveScopes = []string{
	"https://www.googleapis.com/auth/drive",
	scopes.DriveReadonly,
	"https://www.googleapis.com/auth/drive.metadata",
	"https://www.googleapis.com/auth/drive.metadata.readonly",
}

// meetOnly reports whether the caller sees only Meet-created files.
func meetOnly(c Caller) bool {
	return c.HasScope(scopes.DriveMeetReadonly) && !slices.ContainsFunc(broadDriveScopes, c.HasScope)
}

// visible reports whether the caller can see f: it is not deleted, the
// caller owns it or it is shared with them, and it was created by Meet
// when the caller holds only drive.meet.readonly.
func visible(c Caller, f *workspace.File) bool {
	if f.Deleted || (meetOnly(c) && !f.CreatedByMeet) {
		return false
	}
	me := c.email()
	return strings.EqualFold(f.Owner, me) || slices.ContainsFunc(f.SharedWith, func(s string) bool { return strings.EqualFold(s, me) })
}

// visibleFile returns the file id if the caller can see it, else Drive's 404.
func (a *API) visibleFile(c Caller, id string) (*workspace.File, error) {
	f, ok := a.ws.File(id)
	if !ok || !visible(c, f) {
		return nil, Error{Code: http.StatusNotFound, Reason: "notFound", Message: "File not found: " + id + ".",
			Location: "fileId", LocationType: "parameter"}
	}
	return f, nil
}

// fileOrderKeys compares files by each orderBy key Drive accepts; keys
// this fake does not track (starred, viewedByMeTime...) fall back to a
// related time or leave the order unchanged.
var fileOrderKeys = map[string]func(x, y *workspace.File) int{
	"createdTime":      func(x, y *workspace.File) int { return x.CreatedTime.Compare(y.CreatedTime) },
	"modifiedTime":     func(x, y *workspace.File) int { return x.ModifiedTime.Compare(y.ModifiedTime) },
	"modifiedByMeTime": func(x, y *workspace.File) int { return x.ModifiedTime.Compare(y.ModifiedTime) },
	"viewedByMeTime":   func(x, y *workspace.File) int { return x.ModifiedTime.Compare(y.ModifiedTime) },
	"recency":          func(x, y *workspace.File) int { return x.ModifiedTime.Compare(y.ModifiedTime) },
	"sharedWithMeTime": func(x, y *workspace.File) int { return x.CreatedTime.Compare(y.CreatedTime) },
	"name":             compareNames,
	"name_natural":     compareNames,
	"folder": func(x, y *workspace.File) int {
		return -cmp.Compare(boolInt(x.MimeType == workspace.MimeFolder), boolInt(y.MimeType == workspace.MimeFolder))
	},
	"quotaBytesUsed": func(x, y *workspace.File) int { return cmp.Compare(quota(x), quota(y)) },
	"starred":        func(x, y *workspace.File) int { return 0 },
}

// compareNames orders file names alphabetically, ignoring case as Drive
// does; name_natural uses the same order here.
func compareNames(x, y *workspace.File) int {
	return cmp.Or(strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), strings.Compare(x.Name, y.Name))
}

// boolInt is 1 for true and 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseFileOrder parses orderBy ("name,modifiedTime desc") into a comparison.
func parseFileOrder(s string) (func(x, y *workspace.File) int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var keys []func(x, y *workspace.File) int
	for _, part := range strings.Split(s, ",") {
		words := strings.Fields(part)
		if len(words) == 0 || len(words) > 2 || (len(words) == 2 && !strings.EqualFold(words[1], "desc")) {
			return nil, invalidParam("orderBy", "Invalid Value: orderBy "+s)
		}
		key := fileOrderKeys[words[0]]
		if key == nil {
			return nil, invalidParam("orderBy", "Invalid Value: unknown orderBy key "+words[0])
		}
		if len(words) == 2 {
			asc := key
			key = func(x, y *workspace.File) int { return -asc(x, y) }
		}
		keys = append(keys, key)
	}
	return func(x, y *workspace.File) int {
		for _, k := range keys {
			if c := k(x, y); c != 0 {
				return c
			}
		}
		return strings.Compare(x.ID, y.ID)
	}, nil
}

// checkCorpora validates corpora, driveId and spaces; this fake has no
// shared drives, so corpora=drive finds none.
func checkCorpora(corpora, driveID, spaces string) error {
	switch corpora {
	case "", "user", "domain", "allDrives":
	case "drive":
		if driveID == "" {
			return invalidParam("driveId", "The driveId parameter must be specified if and only if corpora is set to drive.")
		}
		return Error{Code: http.StatusNotFound, Reason: "notFound", Message: "Shared drive not found: " + driveID,
			Location: "driveId", LocationType: "parameter"}
	default:
		return invalidParam("corpora", "Invalid Value: corpora "+corpora)
	}
	for _, s := range strings.Split(spaces, ",") {
		switch strings.TrimSpace(s) {
		case "", "drive", "appDataFolder", "photos":
		default:
			return invalidParam("spaces", "Invalid Value: spaces "+spaces)
		}
	}
	return nil
}

// listFiles serves files.list: the files the caller can see that match q,
// trashed ones included unless q excludes them.
func (a *API) listFiles(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	mask, err := fieldsParam(q, fileListDefault, fileListSchema)
	if err != nil {
		return err
	}
	query, err := parseQuery(q.Get("q"))
	if err != nil {
		return invalidParam("q", "Invalid query: "+err.Error())
	}
	order, err := parseFileOrder(q.Get("orderBy"))
	if err != nil {
		return err
	}
	if err := checkCorpora(q.Get("corpora"), q.Get("driveId"), q.Get("spaces")); err != nil {
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
	const list = "files"
	bind := bindAllExcept(q, "pageSize")
	cur := cursor{List: list, Bind: bind}
	if tok := q.Get("pageToken"); tok != "" {
		if err := a.codec.open(tok, &cur); err != nil || cur.List != list || cur.Bind != bind {
			return invalidParam("pageToken", "Invalid Value: the page token is invalid or belongs to another query.")
		}
	}
	me := c.email()
	var files []*workspace.File
	if !onlyAppData(q.Get("spaces")) {
		for _, f := range a.ws.FilesFor(me) {
			if visible(c, f) && (query == nil || query.match(f, me)) {
				files = append(files, f)
			}
		}
	}
	if order != nil {
		slices.SortStableFunc(files, order)
	}
	from, to := window(cur.Off, size, len(files))
	resp := map[string]any{}
	if mask.has("kind") {
		resp["kind"] = "drive#fileList"
	}
	if mask.has("incompleteSearch") {
		resp["incompleteSearch"] = false
	}
	if to < len(files) && mask.has("nextPageToken") {
		cur.Off = to
		resp["nextPageToken"] = a.codec.seal(cur)
	}
	if fm := mask.child("files"); fm != nil {
		v := fileView{ws: a.ws, me: me}
		out := make([]any, 0, to-from)
		for _, f := range files[from:to] {
			out = append(out, v.render(f, fm))
		}
		resp["files"] = out
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// onlyAppData reports whether spaces names only the application data
// folder, which holds nothing here.
func onlyAppData(spaces string) bool { return strings.TrimSpace(spaces) == "appDataFolder" }

// getFile serves files.get: the file's metadata, or its content with alt=media.
func (a *API) getFile(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	f, err := a.visibleFile(c, r.PathValue("fileId"))
	if err != nil {
		return err
	}
	if q.Get("alt") == "media" {
		return download(w, r, f)
	}
	mask, err := fieldsParam(q, fileDefault, fileSchema)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fileView{ws: a.ws, me: c.email()}.render(f, mask))
	return nil
}
