package invite_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/scopetrail/scopetrail/connector/invite"
)

// delivery is one message the test SMTP server received.
type delivery struct {
	From string
	To   []string
	Data string
	// User is who logged in, "" when nobody did; TLS whether the session
	// was encrypted.
	User string
	TLS  bool
}

// mailServer is a real SMTP server on a loopback port, which keeps what it
// receives.
type mailServer struct {
	host string
	port int
	// user and password, when user is set, are the only login accepted,
	// and required.
	user, password string

	mu         sync.Mutex
	deliveries []delivery
}

// startMailServer serves SMTP on a free loopback port until the test ends:
// in clear text with tlsMode none, with STARTTLS offered for starttls, and
// TLS from the first byte for tls. It returns the server and the TLS
// settings that trust it.
func startMailServer(t *testing.T, mode invite.TLSMode, user, password string) (*mailServer, *tls.Config) {
	t.Helper()
	ms := &mailServer{host: "127.0.0.1", user: user, password: password}
	srv := smtp.NewServer(ms)
	srv.Domain = "mail.example.test"
	srv.AllowInsecureAuth = mode == invite.TLSNone
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.port = ln.Addr().(*net.TCPAddr).Port
	serverTLS, clientTLS := selfSignedTLS(t)
	switch mode {
	case invite.TLSStartTLS:
		srv.TLSConfig = serverTLS
	case invite.TLSImplicit:
		ln = tls.NewListener(ln, serverTLS)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ms, clientTLS
}

// config returns an SMTPConfig that reaches the server.
func (ms *mailServer) config(mode invite.TLSMode, clientTLS *tls.Config) invite.SMTPConfig {
	return invite.SMTPConfig{Host: ms.host, Port: ms.port, Username: ms.user, Password: ms.password,
		From: "ScopeTrail <scopetrail@example.test>", TLS: mode, TLSConfig: clientTLS}
}

// received returns the deliveries so far.
func (ms *mailServer) received() []delivery {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]delivery(nil), ms.deliveries...)
}

// NewSession implements smtp.Backend.
func (ms *mailServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &mailSession{server: ms, tls: isTLS}, nil
}

// mailSession is one SMTP conversation.
type mailSession struct {
	server *mailServer
	tls    bool
	user   string
	from   string
	to     []string
}

var errLogin = errors.New("invalid login")

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != s.server.user || password != s.server.password {
			return errLogin
		}
		s.user = username
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	s.server.deliveries = append(s.server.deliveries, delivery{From: s.from, To: s.to, Data: string(b), User: s.user, TLS: s.tls})
	return nil
}

func (s *mailSession) Reset() { s.from, s.to = "", nil }

func (s *mailSession) Logout() error { return nil }

// selfSignedTLS returns server settings with a fresh certificate for
// 127.0.0.1 and client settings that trust only it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}
