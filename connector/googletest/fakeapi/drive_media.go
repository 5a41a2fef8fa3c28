package fakeapi

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// ExportSizeLimit is the largest export Drive serves (google-spec.md §5.5).
const ExportSizeLimit = 10 << 20

// errBadRange is returned for a Range header this fake cannot satisfy.
var errBadRange = errors.New("fakeapi: unsatisfiable range")

// parseRange parses a single-range "bytes=" header against a body of size
// bytes and returns the first and last byte served; partial is false
// without a header. Multiple ranges are not supported.
func parseRange(header string, size int64) (first, last int64, partial bool, err error) {
	if header == "" {
		return 0, size - 1, false, nil
	}
	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, 0, false, errBadRange
	}
	from, to, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return 0, 0, false, errBadRange
	}
	if from == "" { // Suffix range: the last n bytes.
		n, err := strconv.ParseInt(to, 10, 64)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false, errBadRange
		}
		return max(size-n, 0), size - 1, true, nil
	}
	first, err = strconv.ParseInt(from, 10, 64)
	if err != nil || first < 0 || first >= size {
		return 0, 0, false, errBadRange
	}
	last = size - 1
	if to != "" {
		l, err := strconv.ParseInt(to, 10, 64)
		if err != nil || l < first {
			return 0, 0, false, errBadRange
		}
		last = min(l, size-1)
	}
	return first, last, true, nil
}

// download serves alt=media: the content of a binary file, or the range the
// Range header asks for with 206 and Content-Range.
func download(w http.ResponseWriter, r *http.Request, f *workspace.File) error {
	if !isBinary(f) || f.Body == nil {
		return Error{Code: http.StatusForbidden, Reason: "fileNotDownloadable",
			Message:  "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
			Location: "alt", LocationType: "parameter"}
	}
	size := f.Body.Size()
	first, last, partial, err := parseRange(r.Header.Get("Range"), size)
	if err != nil {
		w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		return Error{Code: http.StatusRequestedRangeNotSatisfiable, Reason: "requestedRangeNotSatisfiable",
			Message: "Request range not satisfiable", Location: "Range", LocationType: "header"}
	}
	body := f.Body.NewReader()
	if first > 0 {
		if _, err := body.Seek(first, io.SeekStart); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", f.MimeType)
	h.Set("Content-Length", strconv.FormatInt(last-first+1, 10))
	h.Set("Accept-Ranges", "bytes")
	h.Set("ETag", `"`+revisionID(f)+`"`)
	if sum, err := hex.DecodeString(f.MD5); err == nil && len(sum) > 0 {
		h.Set("X-Goog-Hash", "md5="+base64.StdEncoding.EncodeToString(sum))
	}
	code := http.StatusOK
	if partial {
		code = http.StatusPartialContent
		h.Set("Content-Range", "bytes "+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10)+"/"+strconv.FormatInt(size, 10))
	}
	w.WriteHeader(code)
	if r.Method == http.MethodHead || size == 0 {
		return nil
	}
	// Once the status is written, a failed copy can only cut the body short.
	_ = copyBody(w, body, last-first+1)
	return nil
}

// docExports are the formats Drive exports Google Docs to; this fake
// produces the text ones.
var docExports = map[string]bool{
	"text/plain":      true,
	"text/markdown":   true,
	"application/pdf": false,
	"text/html":       false,
	"application/rtf": false,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": false,
	"application/vnd.oasis.opendocument.text":                                 false,
	"application/epub+zip":                                                    false,
	"application/zip":                                                         false,
}

// exportFile serves files.export of a Google Doc as text; alt=media, which
// the generated client sends, is accepted.
func (a *API) exportFile(w http.ResponseWriter, r *http.Request, c Caller) error {
	mime := r.URL.Query().Get("mimeType")
	if mime == "" {
		return requiredParam("mimeType")
	}
	f, err := a.visibleFile(c, r.PathValue("fileId"))
	if err != nil {
		return err
	}
	if f.MimeType != workspace.MimeDocument {
		return Error{Code: http.StatusForbidden, Reason: "fileNotExportable", Message: "Export only supports Docs Editors files."}
	}
	served, known := docExports[mime]
	switch {
	case !known:
		return Error{Code: http.StatusBadRequest, Reason: "badRequest", Message: "The requested conversion is not supported.",
			Location: "mimeType", LocationType: "parameter"}
	case !served:
		return Error{Code: http.StatusNotImplemented, Reason: "notImplemented",
			Message: "The fake exports Google Docs only as text/plain or text/markdown."}
	}
	var size int64
	if f.ExportText != nil {
		size = f.ExportText.Size()
	}
	if size > ExportSizeLimit {
		return Error{Code: http.StatusForbidden, Reason: "exportSizeLimitExceeded", Message: "This file is too large to be exported."}
	}
	h := w.Header()
	h.Set("Content-Type", mime)
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead || size == 0 {
		return nil
	}
	_ = copyBody(w, f.ExportText.NewReader(), size)
	return nil
}
