package main

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"testing"

	"github.com/scopetrail/scopetrail/connector/revoke"
)

// TestEveryFeatureStoreIsPurged builds the features as the app does and
// checks that every store among them that can purge a user's data is in
// the list revocation purges: a feature store added to the app but not to
// features.purgers fails here, while connector/revoke's coverage test
// fails for a table that no store purges.
func TestEveryFeatureStoreIsPurged(t *testing.T) {
	demoEnv(t, "")
	ctx := context.Background()
	cfg, k, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDatabase(ctx, cfg.Database.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	oauth, bases := googleSettings(cfg, "http://127.0.0.1:1/auth/callback")
	oauth.ClientID, oauth.ClientSecret = demoClientID, "unused"
	o := appOptions{db: db, keys: k, oauth: oauth, bases: bases, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		baseURL: "http://127.0.0.1:1", mail: cfg.Mail, spoolDir: t.TempDir(), transcribe: cfg.Transcribe}
	c, err := newCore(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFeatures(o, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, p := range f.purgers() {
		listed = append(listed, p.PurgeName())
	}
	found := 0
	features := reflect.ValueOf(f).Elem()
	for i := range features.NumField() {
		feature := features.Field(i).Elem()
		for j := range feature.NumField() {
			v := feature.Field(j)
			if v.Kind() != reflect.Pointer || v.IsNil() {
				continue
			}
			p, ok := reflect.NewAt(v.Type(), v.Addr().UnsafePointer()).Elem().Interface().(revoke.Purger)
			if !ok {
				continue
			}
			found++
			if !slices.Contains(listed, p.PurgeName()) {
				t.Errorf("%s.%s (%s) purges a user's data but is not in features.purgers %v",
					features.Type().Field(i).Name, feature.Type().Field(j).Name, p.PurgeName(), listed)
			}
		}
	}
	if found != len(listed) {
		t.Errorf("found %d purging stores among the features, purgers lists %d: %v", found, len(listed), listed)
	}
}
