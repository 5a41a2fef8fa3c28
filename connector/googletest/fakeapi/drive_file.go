package fakeapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"path"
	"strconv"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// googleAppsPrefix starts the MIME types of Google's own formats (Docs,
// folders...), which have no binary content.
const googleAppsPrefix = "application/vnd.google-apps."

// isBinary reports whether f has downloadable content.
func isBinary(f *workspace.File) bool { return !strings.HasPrefix(f.MimeType, googleAppsPrefix) }

// fileView renders Drive files for one caller.
type fileView struct {
	ws *workspace.Workspace
	me string // the caller's lower-case email
}

// fileField computes one field of the File schema; ok is false when the
// file has no value for it.
type fileField func(v fileView, f *workspace.File) (value any, ok bool)

// fileFields computes each File field this fake fills, by name.
var fileFields = map[string]fileField{
	"kind":     func(fileView, *workspace.File) (any, bool) { return "drive#file", true },
	"id":       func(_ fileView, f *workspace.File) (any, bool) { return f.ID, true },
	"name":     func(_ fileView, f *workspace.File) (any, bool) { return f.Name, true },
	"mimeType": func(_ fileView, f *workspace.File) (any, bool) { return f.MimeType, true },
	"parents":  func(_ fileView, f *workspace.File) (any, bool) { return f.Parents, len(f.Parents) > 0 },
	"owners":   func(v fileView, f *workspace.File) (any, bool) { return []any{v.user(f.Owner)}, true },
	"ownedByMe": func(v fileView, f *workspace.File) (any, bool) {
		return strings.EqualFold(f.Owner, v.me), true
	},
	"shared": func(_ fileView, f *workspace.File) (any, bool) { return len(f.SharedWith) > 0, true },
	"sharingUser": func(v fileView, f *workspace.File) (any, bool) {
		return v.user(f.Owner), !strings.EqualFold(f.Owner, v.me)
	},
	"lastModifyingUser": func(v fileView, f *workspace.File) (any, bool) { return v.user(f.Owner), true },
	"trashed":           func(_ fileView, f *workspace.File) (any, bool) { return f.Trashed, true },
	"explicitlyTrashed": func(_ fileView, f *workspace.File) (any, bool) { return f.Trashed, true },
	"trashingUser":      func(v fileView, f *workspace.File) (any, bool) { return v.user(f.Owner), f.Trashed },
	"trashedTime":       func(_ fileView, f *workspace.File) (any, bool) { return utcMillis(f.ModifiedTime), f.Trashed },
	"createdTime": func(_ fileView, f *workspace.File) (any, bool) {
		return utcMillis(f.CreatedTime), !f.CreatedTime.IsZero()
	},
	"modifiedTime": func(_ fileView, f *workspace.File) (any, bool) {
		return utcMillis(f.ModifiedTime), !f.ModifiedTime.IsZero()
	},
	"modifiedByMe": func(v fileView, f *workspace.File) (any, bool) { return strings.EqualFold(f.Owner, v.me), true },
	"modifiedByMeTime": func(v fileView, f *workspace.File) (any, bool) {
		return utcMillis(f.ModifiedTime), strings.EqualFold(f.Owner, v.me) && !f.ModifiedTime.IsZero()
	},
	"size":           func(_ fileView, f *workspace.File) (any, bool) { return strconv.FormatInt(f.Size, 10), isBinary(f) },
	"quotaBytesUsed": func(_ fileView, f *workspace.File) (any, bool) { return strconv.FormatInt(quota(f), 10), true },
	"md5Checksum": func(_ fileView, f *workspace.File) (any, bool) {
		if !isBinary(f) {
			return nil, false
		}
		sum := f.Checksum()
		return sum, sum != ""
	},
	"version":        func(_ fileView, f *workspace.File) (any, bool) { return strconv.FormatInt(f.Seq, 10), true },
	"headRevisionId": func(_ fileView, f *workspace.File) (any, bool) { return revisionID(f), isBinary(f) },
	"webViewLink":    func(_ fileView, f *workspace.File) (any, bool) { return webViewLink(f), true },
	"webContentLink": func(_ fileView, f *workspace.File) (any, bool) {
		return "https://drive.google.com/uc?id=" + f.ID + "&export=download", isBinary(f)
	},
	"iconLink": func(_ fileView, f *workspace.File) (any, bool) {
		return "https://drive-thirdparty.googleusercontent.com/16/type/" + f.MimeType, true
	},
	"exportLinks": func(_ fileView, f *workspace.File) (any, bool) {
		if f.MimeType != workspace.MimeDocument {
			return nil, false
		}
		links := map[string]any{}
		for mime, format := range map[string]string{"text/plain": "txt", "text/markdown": "md", "application/pdf": "pdf"} {
			links[mime] = "https://docs.google.com/feeds/download/documents/export/Export?id=" + f.ID + "&exportFormat=" + format
		}
		return links, true
	},
	"capabilities": func(v fileView, f *workspace.File) (any, bool) {
		owned, folder := strings.EqualFold(f.Owner, v.me), f.MimeType == workspace.MimeFolder
		return map[string]any{"canDownload": !folder, "canEdit": owned, "canCopy": !folder, "canShare": owned,
			"canListChildren": folder, "canTrash": owned, "canReadRevisions": owned}, true
	},
	"spaces":                       func(fileView, *workspace.File) (any, bool) { return []string{"drive"}, true },
	"starred":                      func(fileView, *workspace.File) (any, bool) { return false, true },
	"viewedByMe":                   func(fileView, *workspace.File) (any, bool) { return true, true },
	"viewersCanCopyContent":        func(fileView, *workspace.File) (any, bool) { return true, true },
	"copyRequiresWriterPermission": func(fileView, *workspace.File) (any, bool) { return false, true },
	"writersCanShare":              func(fileView, *workspace.File) (any, bool) { return true, true },
	"isAppAuthorized":              func(fileView, *workspace.File) (any, bool) { return false, true },
	"hasThumbnail":                 func(fileView, *workspace.File) (any, bool) { return false, true },
	"originalFilename":             func(_ fileView, f *workspace.File) (any, bool) { return f.Name, isBinary(f) },
	"fullFileExtension": func(_ fileView, f *workspace.File) (any, bool) {
		ext := strings.TrimPrefix(path.Ext(f.Name), ".")
		return ext, isBinary(f) && ext != ""
	},
	"fileExtension": func(_ fileView, f *workspace.File) (any, bool) {
		ext := strings.TrimPrefix(path.Ext(f.Name), ".")
		return ext, isBinary(f) && ext != ""
	},
}

// render returns the fields of f that m selects.
func (v fileView) render(f *workspace.File, m *fieldMask) map[string]any {
	if m.all {
		out := make(map[string]any, len(fileFields))
		for name, field := range fileFields {
			if val, ok := field(v, f); ok {
				out[name] = val
			}
		}
		return out
	}
	out := make(map[string]any, len(m.sub))
	for name, cm := range m.sub {
		if field := fileFields[name]; field != nil {
			if val, ok := field(v, f); ok {
				out[name] = cm.apply(val)
			}
		}
	}
	return out
}

// user renders a Drive User for email.
func (v fileView) user(email string) map[string]any {
	u := map[string]any{"kind": "drive#user", "emailAddress": email, "me": strings.EqualFold(email, v.me),
		"permissionId": permissionID(email)}
	if p, ok := v.ws.Person(email); ok {
		if name := strings.TrimSpace(p.DisplayName); name != "" {
			u["displayName"] = name
		} else {
			u["displayName"] = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		}
		if p.PhotoURL != "" {
			u["photoLink"] = p.PhotoURL
		}
	}
	return u
}

// permissionID derives a stable Drive permission id from an email.
func permissionID(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return "0" + strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])>>1, 10)
}

// revisionID derives the head revision id from the file's change sequence.
func revisionID(f *workspace.File) string {
	sum := sha256.Sum256([]byte(f.ID + "@" + strconv.FormatInt(f.Seq, 10)))
	return "0B" + hex.EncodeToString(sum[:12])
}

// quota returns the storage a file uses: its size, 0 for Google formats.
func quota(f *workspace.File) int64 {
	if isBinary(f) {
		return f.Size
	}
	return 0
}

// webViewLink returns the link that opens f in Drive or Docs.
func webViewLink(f *workspace.File) string {
	switch f.MimeType {
	case workspace.MimeFolder:
		return "https://drive.google.com/drive/folders/" + f.ID
	case workspace.MimeDocument:
		return "https://docs.google.com/document/d/" + f.ID + "/edit?usp=drivesdk"
	}
	return "https://drive.google.com/file/d/" + f.ID + "/view?usp=drivesdk"
}
