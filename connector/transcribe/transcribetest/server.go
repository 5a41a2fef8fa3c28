package transcribetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/connector/transcribe"
)

// Reply is a scripted answer the server gives instead of transcribing.
type Reply struct {
	Status int
	// RetryAfter is sent as the Retry-After header when set.
	RetryAfter string
	// Message is the error message of the answer.
	Message string
}

// Upload is what the server received in one request.
type Upload struct {
	Model, ResponseFormat, Filename string
	// Size is the audio file's size in bytes.
	Size int64
}

// Server is an OpenAI-compatible transcription server on loopback: it reads
// POST /v1/audio/transcriptions as multipart (file, model,
// response_format), checks the bearer key and the upload limit, has Engine
// transcribe the uploaded audio and answers verbose_json.
type Server struct {
	*httptest.Server
	// Key is the API key the server accepts.
	Key string
	// MaxUpload is the largest audio file taken; larger ones get 413.
	MaxUpload int64
	// Engine transcribes the uploads.
	Engine transcribe.Engine

	mu      sync.Mutex
	script  []Reply
	uploads []Upload
	count   int
}

// NewServer starts a server that transcribes with engine, accepts key and
// files of at most maxUpload bytes. It is closed when the test ends.
func NewServer(t testing.TB, engine transcribe.Engine, key string, maxUpload int64) *Server {
	t.Helper()
	s := &Server{Key: key, MaxUpload: maxUpload, Engine: engine}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Script makes the next requests get the given answers, in order, before
// the server transcribes again.
func (s *Server) Script(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, replies...)
}

// Requests counts the requests received, on any path.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Uploads returns the audio files transcribed, in order.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.count++
	var scripted *Reply
	if len(s.script) > 0 {
		scripted, s.script = &s.script[0], s.script[1:]
	}
	s.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
		fail(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Key {
		fail(w, http.StatusUnauthorized, "Incorrect API key provided.")
		return
	}
	if scripted != nil {
		if scripted.RetryAfter != "" {
			w.Header().Set("Retry-After", scripted.RetryAfter)
		}
		fail(w, scripted.Status, scripted.Message)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		fail(w, http.StatusRequestEntityTooLarge, "reading the upload: "+err.Error())
		return
	}
	defer r.MultipartForm.RemoveAll()
	up := Upload{Model: r.FormValue("model"), ResponseFormat: r.FormValue("response_format")}
	if up.Model == "" || up.ResponseFormat != "verbose_json" {
		fail(w, http.StatusBadRequest, fmt.Sprintf("model is required and response_format must be verbose_json (got %q, %q)", up.Model, up.ResponseFormat))
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		fail(w, http.StatusBadRequest, "the file field is missing: "+err.Error())
		return
	}
	defer file.Close()
	up.Filename, up.Size = hdr.Filename, hdr.Size
	if up.Size > s.MaxUpload {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Maximum content size limit (%d) exceeded (%d bytes read)", s.MaxUpload, up.Size))
		return
	}
	res, err := s.transcribe(r, file, filepath.Base(hdr.Filename))
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.uploads = append(s.uploads, up)
	s.mu.Unlock()
	answer(w, res)
}

// transcribe saves the upload to a temporary file and has the engine
// transcribe it.
func (s *Server) transcribe(r *http.Request, file io.Reader, name string) (transcribe.Result, error) {
	dir, err := os.MkdirTemp("", "transcribetest-")
	if err != nil {
		return transcribe.Result{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "upload-"+name)
	f, err := os.Create(path)
	if err != nil {
		return transcribe.Result{}, err
	}
	_, err = io.Copy(f, file)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return transcribe.Result{}, err
	}
	return s.Engine.Transcribe(r.Context(), path, nil)
}

// answer writes a result as OpenAI's verbose_json.
func answer(w http.ResponseWriter, res transcribe.Result) {
	type segment struct {
		ID    int     `json:"id"`
		Start float64 `json:"start"`
		End   float64 `json:"end"`
		Text  string  `json:"text"`
	}
	body := struct {
		Task     string    `json:"task"`
		Language string    `json:"language"`
		Duration float64   `json:"duration"`
		Text     string    `json:"text"`
		Segments []segment `json:"segments"`
	}{Task: "transcribe", Language: "english", Duration: res.Duration.Seconds(), Text: res.Text(), Segments: []segment{}}
	for i, sg := range res.Segments {
		body.Segments = append(body.Segments, segment{ID: i, Start: sg.Start.Seconds(), End: sg.End.Seconds(), Text: " " + sg.Text})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

// fail writes an error in OpenAI's shape.
func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
}
