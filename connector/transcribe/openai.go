package transcribe

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/retry"
)

// EngineOpenAI names the engine that speaks OpenAI's transcription API.
const EngineOpenAI = "openai"

// Defaults of the OpenAI-compatible engine.
const (
	// DefaultMaxUpload is OpenAI's upload limit.
	DefaultMaxUpload = 25 << 20
	// DefaultModel is OpenAI's Whisper model.
	DefaultModel = "whisper-1"
	// uploadBitrate is the bit rate of the compact audio uploaded: MP3,
	// mono, 16 kHz, enough for speech.
	uploadBitrate = 32000
	// pieceOverlap is how much two consecutive pieces share, so that no
	// word is lost at a cut.
	pieceOverlap = 4 * time.Second
)

// OpenAI is the engine that sends audio to a server speaking OpenAI's
// POST /v1/audio/transcriptions (multipart, response_format=verbose_json).
// The recording's audio track is re-encoded to compact MP3 (mono, 16 kHz,
// 32 kbit/s) and, when that is larger than MaxUpload, sent in pieces that
// overlap by a few seconds; segment times are stitched back. Rate limits and
// server errors are retried with backoff, honouring Retry-After.
type OpenAI struct {
	// URL is the server's base URL, such as https://api.openai.com.
	URL string
	// Key is the API key, sent as a bearer token; "" sends none.
	Key string
	// Model is the model asked for; "" means DefaultModel.
	Model string
	// MaxUpload is the largest file the server takes; 0 means
	// DefaultMaxUpload.
	MaxUpload int64
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// Retry is the policy for each upload; the zero value means
	// retry.Default.
	Retry retry.Policy
	// Timeout bounds one Transcribe; 0 means none.
	Timeout time.Duration
	// TempDir receives the encoded pieces; "" means os.TempDir.
	TempDir string
}

// Name returns "openai".
func (o *OpenAI) Name() string { return EngineOpenAI }

// Host returns the server's host name (with its port, if any).
func (o *OpenAI) Host() string {
	u, err := url.Parse(o.URL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Transcribe encodes the file's audio and uploads it, in pieces when it is
// larger than MaxUpload.
func (o *OpenAI) Transcribe(ctx context.Context, path string, progress Progress) (Result, error) {
	ctx, cancel := withTimeout(ctx, o.Timeout)
	defer cancel()
	m, err := Probe(ctx, path)
	if err != nil {
		return Result{}, err
	}
	res, err := o.transcribe(ctx, path, m.Duration, progress)
	if ctx.Err() != nil {
		return res, ctxError(ctx, "transcribing")
	}
	return res, err
}

func (o *OpenAI) transcribe(ctx context.Context, path string, total time.Duration, progress Progress) (Result, error) {
	dir, err := os.MkdirTemp(o.TempDir, "transcribe-")
	if err != nil {
		return Result{}, fmt.Errorf("transcribing: %w", err)
	}
	defer os.RemoveAll(dir)
	pieces, err := planPieces(total, o.maxUpload())
	if err != nil {
		return Result{}, err
	}
	var res Result
	var parts [][]Segment
	for i, pc := range pieces {
		file := filepath.Join(dir, fmt.Sprintf("piece-%03d.mp3", i))
		if err := encodePiece(ctx, path, file, pc); err != nil {
			return res, err
		}
		size, segs, err := o.upload(ctx, file)
		os.Remove(file)
		res.BytesSent += size
		if err != nil {
			return res, err
		}
		for j := range segs {
			segs[j].Start += pc.start
			segs[j].End += pc.start
		}
		parts = append(parts, segs)
		if progress != nil {
			progress(min(pc.start+pc.length, total), total)
		}
	}
	res.Segments, res.Duration = stitch(pieces, parts), total
	return res, nil
}

func (o *OpenAI) maxUpload() int64 {
	if o.MaxUpload > 0 {
		return o.MaxUpload
	}
	return DefaultMaxUpload
}

// upload sends one file, retrying transient failures, and returns its size
// and the segments of the answer.
func (o *OpenAI) upload(ctx context.Context, file string) (int64, []Segment, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return 0, nil, fmt.Errorf("uploading audio: %w", err)
	}
	if fi.Size() > o.maxUpload() {
		return 0, nil, fmt.Errorf("uploading audio: the encoded piece is %d bytes, over the upload limit of %d: %w",
			fi.Size(), o.maxUpload(), ErrEngine)
	}
	p := o.Retry
	if p.MaxAttempts == 0 {
		p = retry.Default
	}
	var segs []Segment
	var sent int64
	err = retry.Do(ctx, p, func(ctx context.Context) error {
		sent += fi.Size()
		var err error
		segs, err = o.post(ctx, file)
		return err
	})
	return sent, segs, err
}

// post sends one multipart request and reads its verbose_json answer.
func (o *OpenAI) post(ctx context.Context, file string) ([]Segment, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() { pw.CloseWithError(writeForm(mw, f, o.model())) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(o.URL, "/")+"/v1/audio/transcriptions", pr)
	if err != nil {
		pr.Close()
		return nil, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if o.Key != "" {
		req.Header.Set("Authorization", "Bearer "+o.Key)
	}
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	pr.Close()
	if err != nil {
		return nil, fmt.Errorf("sending audio to %s: %w", o.Host(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer of %s: %w", o.Host(), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, newAPIError(resp, body)
	}
	if len(body) > maxAnswer {
		return nil, fmt.Errorf("the answer of %s is larger than %d bytes: %w", o.Host(), maxAnswer, ErrEngine)
	}
	return parseVerboseJSON(body)
}

func (o *OpenAI) model() string {
	if o.Model != "" {
		return o.Model
	}
	return DefaultModel
}

// writeForm writes the multipart form: the audio file, the model and the
// response format.
func writeForm(mw *multipart.Writer, f *os.File, model string) error {
	for _, kv := range [][2]string{{"model", model}, {"response_format", "verbose_json"}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filepath.Base(f.Name())))
	h.Set("Content-Type", "audio/mpeg")
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		return err
	}
	return mw.Close()
}
