package fakeapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strconv"
)

// errBadToken is returned for a page or sync token this API did not issue.
var errBadToken = errors.New("fakeapi: malformed or forged token")

// macSize is the length of the truncated HMAC that seals tokens.
const macSize = 12

// tokenCodec seals page and sync tokens with an HMAC so that clients can
// neither forge nor edit them: they are opaque, as Google's are.
type tokenCodec struct{ key []byte }

// seal encodes v as an opaque token.
func (c tokenCodec) seal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Tokens are small structs of strings and numbers.
		panic(fmt.Sprintf("fakeapi: encoding token: %v", err))
	}
	m := hmac.New(sha256.New, c.key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(b)[:len(b)+macSize])
}

// open decodes a token sealed by seal into v.
func (c tokenCodec) open(token string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) <= macSize {
		return errBadToken
	}
	b, mac := raw[:len(raw)-macSize], raw[len(raw)-macSize:]
	m := hmac.New(sha256.New, c.key)
	m.Write(b)
	if !hmac.Equal(m.Sum(nil)[:macSize], mac) {
		return errBadToken
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errBadToken
	}
	return nil
}

// cursor is the content of a page token: where the next page starts and the
// parameters of the call that produced it.
type cursor struct {
	// List names the list that issued the token, such as "people.list".
	List string `json:"l"`
	// Bind is the hash of the parameters the token is bound to.
	Bind uint64 `json:"b"`
	// Off is the offset of the next item.
	Off int `json:"o,omitempty"`
	// After is the sort key of the last item served (keyset paging).
	After string `json:"a,omitempty"`
	// Since is the lower sequence bound of an incremental sync (exclusive);
	// Incr marks an incremental sync.
	Since int64 `json:"s,omitempty"`
	Incr  bool  `json:"i,omitempty"`
	// Upto is the workspace sequence when the listing began: the next sync
	// token covers changes after it.
	Upto int64 `json:"u,omitempty"`
}

// systemParams are Google's standard query parameters, which never bind
// page tokens.
var systemParams = []string{"$.xgafv", "access_token", "alt", "callback", "fields", "key", "oauth_token",
	"prettyPrint", "quotaUser", "upload_protocol", "uploadType", "userIp", "pageToken"}

// bindParams hashes the values of the named parameters, in order.
func bindParams(q url.Values, names ...string) uint64 {
	h := fnv.New64a()
	for _, n := range names {
		vals := slices.Clone(q[n])
		slices.Sort(vals)
		h.Write([]byte(n))
		for _, v := range vals {
			var l [8]byte
			binary.LittleEndian.PutUint64(l[:], uint64(len(v)))
			h.Write(l[:])
			h.Write([]byte(v))
		}
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// bindAllExcept hashes every parameter of q except the system parameters
// and the named ones.
func bindAllExcept(q url.Values, except ...string) uint64 {
	var names []string
	for n := range q {
		if !slices.Contains(systemParams, n) && !slices.Contains(except, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return bindParams(q, names...)
}

// intParam parses an optional integer parameter; absent gives def.
func intParam(q url.Values, name string, def int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, invalidParam(name, fmt.Sprintf("Invalid value for %s: %q is not an integer.", name, s))
	}
	return n, nil
}

// boolParam parses an optional boolean parameter; absent gives false.
func boolParam(q url.Values, name string) (bool, error) {
	s := q.Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, invalidParam(name, fmt.Sprintf("Invalid value for %s: %q is not a boolean.", name, s))
	}
	return b, nil
}

// window returns the bounds [from, to) of a page of size n starting at off
// in a list of total items.
func window(off, n, total int) (from, to int) {
	from = min(max(off, 0), total)
	return from, min(from+n, total)
}
