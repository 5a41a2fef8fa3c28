// Package discoverydoc reads the discovery documents of People v1,
// Calendar v3 and Drive v3 shipped in the google.golang.org/api module, for
// the tests that hold the fake Google to Google's own description of its
// APIs. It finds the module through the go command, so it is for tests only.
package discoverydoc

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// files are the discovery documents by API name, relative to the module.
var files = map[string]string{
	"people":   "people/v1/people-api.json",
	"calendar": "calendar/v3/calendar-api.json",
	"drive":    "drive/v3/drive-api.json",
}

// moduleDir asks the go command, once, where google.golang.org/api is.
var moduleDir = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/api").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m google.golang.org/api: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
})

// APIs returns the names of the APIs with a discovery document here.
func APIs() []string { return []string{"people", "calendar", "drive"} }

// Read returns the discovery document of api ("people", "calendar" or
// "drive").
func Read(api string) ([]byte, error) {
	file, ok := files[api]
	if !ok {
		return nil, fmt.Errorf("no discovery document for API %q", api)
	}
	dir, err := moduleDir()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, fmt.Errorf("reading the discovery document of %s: %w", api, err)
	}
	return b, nil
}

// Document is the part of a discovery document that describes where its
// methods are.
type Document struct {
	// Name is the API name, such as "calendar".
	Name string `json:"name"`
	// Revision is the document's revision, such as "20261030".
	Revision string `json:"revision"`
	// ServicePath is the base path of every method, such as "calendar/v3/".
	ServicePath string              `json:"servicePath"`
	Resources   map[string]resource `json:"resources"`
}

type resource struct {
	Methods   map[string]Method   `json:"methods"`
	Resources map[string]resource `json:"resources"`
}

// Method is one method of a discovery document.
type Method struct {
	// ID is the method id, such as "calendar.events.list".
	ID string `json:"id"`
	// HTTPMethod is the request method, such as "GET".
	HTTPMethod string `json:"httpMethod"`
	// Path and FlatPath are the path templates below the service path;
	// FlatPath, when set, has one {name} per segment.
	Path     string `json:"path"`
	FlatPath string `json:"flatPath"`
	// Scopes are the OAuth scopes, any one of which allows the method.
	Scopes []string `json:"scopes"`
	// Response names the response schema, nil for an empty response.
	Response *struct {
		Ref string `json:"$ref"`
	} `json:"response"`
}

// Methods reads the discovery document of api and returns it with its
// methods by id.
func Methods(api string) (Document, map[string]Method, error) {
	b, err := Read(api)
	if err != nil {
		return Document{}, nil, err
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return Document{}, nil, fmt.Errorf("decoding the discovery document of %s: %w", api, err)
	}
	out := make(map[string]Method)
	collect(d.Resources, out)
	return d, out, nil
}

func collect(rs map[string]resource, out map[string]Method) {
	for _, r := range rs {
		for _, m := range r.Methods {
			out[m.ID] = m
		}
		collect(r.Resources, out)
	}
}
