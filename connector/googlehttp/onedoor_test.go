package googlehttp_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// allowed are the packages that may handle Google tokens on the wire: the
// door itself and the fake Google, which issues and checks them.
var allowed = []string{"connector/googlehttp", "connector/googletest"}

// ownCredentials are the packages that send a credential of their own, never
// a Google token, to a host that is not Google's: the transcription engine's
// API key. They may set an Authorization header; every banned name still
// applies to them.
var ownCredentials = []string{"connector/transcribe"}

// banned are package-level names that build an HTTP client, transport or
// token source carrying a Google token, by import path.
var banned = map[string][]string{
	"golang.org/x/oauth2": {"NewClient", "Transport", "StaticTokenSource", "ReuseTokenSource", "ReuseTokenSourceWithExpiry"},
	"golang.org/x/oauth2/google": {"DefaultClient", "DefaultTokenSource", "FindDefaultCredentials", "CredentialsFromJSON",
		"CredentialsFromJSONWithParams", "JWTAccessTokenSourceFromJSON", "ComputeTokenSource"},
	"google.golang.org/api/option": {"WithTokenSource", "WithAPIKey", "WithCredentials", "WithCredentialsFile",
		"WithCredentialsJSON", "WithAuthCredentials", "WithAuthCredentialsFile", "WithAuthCredentialsJSON"},
	"google.golang.org/api/transport/http": {"NewClient", "NewTransport"},
}

// violations lists the ways a file could put a Google token on the wire
// outside the door: a banned name; a method that attaches a token
// (Token.SetAuthHeader) or makes a client or token source from a config and
// a token (Config.Client(ctx, tok), Config.TokenSource(ctx, tok)); or the
// string "Authorization" or a "Bearer " prefix, as set on a header, unless
// header is false.
func violations(fset *token.FileSet, f *ast.File, header bool) []string {
	names := map[string]string{} // local import name → path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndexByte(path, '/')+1:]
		if path == "google.golang.org/api/transport/http" {
			name = "http"
		}
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = path
	}
	var out []string
	report := func(n ast.Node, format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), fmt.Sprintf(format, args...)))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				for _, name := range banned[names[id.Name]] {
					if n.Sel.Name == name {
						report(n, "%s.%s builds a client or credentials outside the door", names[id.Name], name)
					}
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch {
				case sel.Sel.Name == "SetAuthHeader":
					report(n, "SetAuthHeader attaches a token outside the door")
				case (sel.Sel.Name == "Client" || sel.Sel.Name == "TokenSource") && len(n.Args) == 2:
					report(n, "%s(ctx, token) makes a token-carrying client outside the door", sel.Sel.Name)
				}
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING && header {
				s, _ := strconv.Unquote(n.Value)
				if strings.EqualFold(strings.TrimSpace(s), "Authorization") || strings.HasPrefix(strings.ToLower(s), "bearer ") {
					report(n, "%s: setting credentials on a request outside the door", n.Value)
				}
			}
		}
		return true
	})
	return out
}

// TestOneDoorToGoogle proves invariant 1: no code outside the door (and the
// fake) builds an HTTP client or a request that carries a Google token. It
// reads every non-test Go file of the module.
func TestOneDoorToGoogle(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			for _, a := range allowed {
				if rel == a {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		header := true
		for _, o := range ownCredentials {
			if strings.HasPrefix(rel, o+"/") {
				header = false
			}
		}
		for _, v := range violations(fset, f, header) {
			t.Errorf("%s", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("read only %d files under %s", files, root)
	}
}

// TestOneDoorChecker checks that the checker catches each way around the
// door, and passes the door's legitimate uses.
func TestOneDoorChecker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		bad       bool
		// own is true for a package with a credential of its own.
		own bool
	}{
		{"header set", `req.Header.Set("Authorization", "x")`, true, false},
		{"own credential's header", `req.Header.Set("Authorization", "Bearer "+key)`, false, true},
		{"own credential's package, Google's token", `c := oauth2.NewClient(ctx, ts)`, true, true},
		{"header map", `req.Header["authorization"] = v`, true, false},
		{"bearer prefix", `v := "Bearer " + tok`, true, false},
		{"oauth2 client", `c := oauth2.NewClient(ctx, ts)`, true, false},
		{"oauth2 transport", `t := &oauth2.Transport{Source: ts}`, true, false},
		{"renamed oauth2 import", `c := o2.NewClient(ctx, ts)`, true, false},
		{"static token source", `ts := oauth2.StaticTokenSource(tok)`, true, false},
		{"config client", `c := cfg.Client(ctx, tok)`, true, false},
		{"config token source", `ts := cfg.TokenSource(ctx, tok)`, true, false},
		{"set auth header", `tok.SetAuthHeader(req)`, true, false},
		{"token source option", `svc, _ := drive.NewService(ctx, option.WithTokenSource(ts))`, true, false},
		{"api key option", `svc, _ := drive.NewService(ctx, option.WithAPIKey(k))`, true, false},
		{"credentials option", `svc, _ := drive.NewService(ctx, option.WithCredentialsJSON(b))`, true, false},
		{"default client", `c, _ := google.DefaultClient(ctx)`, true, false},
		{"through the door", `svc, _ := drive.NewService(ctx, option.WithEndpoint(u), option.WithHTTPClient(door.Client(user)))`, false, false},
		{"code exchange", `tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v))`, false, false},
		{"oauth2 endpoint", `e := oauth2.Endpoint{AuthURL: a}`, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := `package p
import (
	"golang.org/x/oauth2"
	o2 "golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
)
var _, _, _, _ = oauth2.Endpoint{}, o2.Endpoint{}, google.Endpoint, option.WithEndpoint
func f() {
	` + tc.src + `
}`
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "p.go", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := violations(fset, f, !tc.own); (len(got) > 0) != tc.bad {
				t.Errorf("violations = %q, want bad = %v", got, tc.bad)
			}
		})
	}
}

// moduleRoot finds the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}
