// Command gendiscovery writes ScopeTrail's method table from the discovery
// documents shipped in google.golang.org/api (see package discovery).
package main

import (
	"flag"
	"log"
	"os"

	"github.com/scopetrail/scopetrail/scopes/internal/discovery"
)

func main() {
	out := flag.String("o", "methods_gen.go", "output file")
	flag.Parse()
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

func run(out string) error {
	dir, err := discovery.ModuleDir("google.golang.org/api")
	if err != nil {
		return err
	}
	src, err := discovery.Generate(dir)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
