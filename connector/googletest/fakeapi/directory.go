package fakeapi

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// directory indexes a snapshot of the workspace's people so that a page of
// the directory costs O(page) and not O(people log people).
type directory struct {
	// people is the workspace's shared snapshot, sorted by ID.
	people []workspace.Person
	// live holds the indexes of the people that are not tombstones.
	live []int
	// bySeq holds the indexes of every person, by change sequence.
	bySeq []int

	wordsOnce sync.Once
	// words holds the lower-case search words of people[live[i]].
	words [][]string
}

// directory returns the index of the current people, rebuilding it only
// when the workspace's snapshot of them changed.
func (a *API) directory() *directory {
	people := a.ws.People()
	a.dirMu.Lock()
	defer a.dirMu.Unlock()
	if d := a.dir; d != nil && len(d.people) == len(people) && (len(people) == 0 || &d.people[0] == &people[0]) {
		return d
	}
	d := &directory{people: people, live: make([]int, 0, len(people)), bySeq: make([]int, len(people))}
	for i := range people {
		if !people[i].Deleted {
			d.live = append(d.live, i)
		}
		d.bySeq[i] = i
	}
	slices.SortFunc(d.bySeq, func(x, y int) int { return cmp.Compare(people[x].Seq, people[y].Seq) })
	a.dir = d
	return d
}

// searchWords returns the search words of every live person, computing
// them on first use.
func (d *directory) searchWords() [][]string {
	d.wordsOnce.Do(func() {
		d.words = make([][]string, len(d.live))
		for k, i := range d.live {
			p := &d.people[i]
			local, _, _ := strings.Cut(p.Email, "@")
			text := strings.Join([]string{p.DisplayName, p.GivenName, p.FamilyName, p.Email, local}, " ")
			words := strings.FieldsFunc(strings.ToLower(text), unicode.IsSpace)
			slices.Sort(words)
			d.words[k] = slices.Compact(words)
		}
	})
	return d.words
}

// search returns the indexes into people of the live people matching
// query: every word of the query must be a prefix of one of their words.
func (d *directory) search(query string) []int {
	terms := strings.Fields(strings.ToLower(query))
	words := d.searchWords()
	var out []int
	for k, ws := range words {
		if matchesAll(ws, terms) {
			out = append(out, d.live[k])
		}
	}
	return out
}

// matchesAll reports whether every term prefixes one of the sorted words.
func matchesAll(words, terms []string) bool {
	for _, t := range terms {
		i, _ := slices.BinarySearch(words, t)
		if i == len(words) || !strings.HasPrefix(words[i], t) {
			return false
		}
	}
	return true
}
