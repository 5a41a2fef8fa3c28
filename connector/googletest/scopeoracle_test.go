package googletest

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/internal/discoverydoc"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// wildcard matches a path parameter, whatever its name.
var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// shape drops the parameter names of a pattern, so that
// "GET /v1/people/{personId}" and "GET /v1/people/{peopleId}" compare equal.
func shape(pattern string) string { return wildcard.ReplaceAllString(pattern, "{}") }

// TestScopeOracleAgreesWithDiscovery holds the hand-written oracle against
// the discovery documents: a difference is either a slip in the oracle or a
// change of Google's, and must be looked at, never copied over.
func TestScopeOracleAgreesWithDiscovery(t *testing.T) {
	t.Parallel()
	for _, m := range scopeOracle {
		t.Run(m.ID, func(t *testing.T) {
			t.Parallel()
			doc, methods, err := discoverydoc.Methods(m.API)
			if err != nil {
				t.Fatal(err)
			}
			d, ok := methods[m.ID]
			if !ok {
				t.Fatalf("%s revision %s has no method %s", m.API, doc.Revision, m.ID)
			}
			path := d.FlatPath
			if path == "" {
				path = d.Path
			}
			if want := shape(d.HTTPMethod + " /" + doc.ServicePath + path); shape(m.Pattern) != want {
				t.Errorf("pattern %q, discovery has %q", m.Pattern, want)
			}
			got := disagreement{onlyDiscovery: missingFrom(d.Scopes, m.Scopes), onlyOracle: missingFrom(m.Scopes, d.Scopes)}
			known := knownDisagreements[m.ID]
			got.why = known.why
			if diff := cmp.Diff(known, got, cmp.AllowUnexported(disagreement{})); diff != "" {
				t.Errorf("scopes of %s: oracle vs discovery revision %s differ otherwise than recorded (-recorded +now):\n%s",
					m.ID, doc.Revision, diff)
			} else if len(got.onlyDiscovery)+len(got.onlyOracle) > 0 {
				t.Logf("known disagreement on %s: only discovery %v, only oracle %v: %s", m.ID, got.onlyDiscovery, got.onlyOracle, known.why)
			}
		})
	}
}

// disagreement is how the oracle's scopes of a method differ from the
// discovery document's.
type disagreement struct {
	onlyDiscovery, onlyOracle []string
	why                       string
}

// knownDisagreements are the differences found and looked at; any other
// difference, or a recorded one that changes, fails the test.
var knownDisagreements = map[string]disagreement{
	"calendar.channels.stop": {
		onlyDiscovery: []string{auth + "calendar.settings"},
		onlyOracle:    []string{calendarCalendars, calendarCalendarsRO},
		why: "the reference page lists no scopes; discovery names calendar.settings, which the Calendar " +
			"scopes page does not list, and leaves out calendar.calendars(.readonly), which calendars.get accepts",
	},
}

// missingFrom returns the members of a absent from b, sorted, nil for none.
func missingFrom(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// TestScopeOracleCoversEveryRoute checks that the oracle has exactly one
// entry for every method the fake APIs route, and none for others.
func TestScopeOracleCoversEveryRoute(t *testing.T) {
	t.Parallel()
	api := fakeapi.New(workspace.New("example.test", "C01"), fakeapi.Options{})
	defer api.Close()
	var routed, oracle []string
	for _, p := range api.Patterns() {
		routed = append(routed, shape(p))
	}
	ids := map[string]bool{}
	for _, m := range scopeOracle {
		oracle = append(oracle, shape(m.Pattern))
		if ids[m.ID] {
			t.Errorf("oracle lists %s twice", m.ID)
		}
		ids[m.ID] = true
		if api, _, _ := strings.Cut(m.ID, "."); api != m.API {
			t.Errorf("%s is filed under API %q", m.ID, m.API)
		}
	}
	if diff := cmp.Diff(sortedStrings(routed), sortedStrings(oracle)); diff != "" {
		t.Errorf("routed methods vs oracle (-routed +oracle):\n%s", diff)
	}
}

func sortedStrings(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
