// Package tokens keeps users' Google OAuth tokens sealed at rest.
//
// Each token is sealed with AES-256-GCM under the newest key of a Keyring,
// with a random nonce and additional data that names the user and the key
// ("scopetrail-token-v1|" + user id + "|" + key id). A sealed token copied
// into another user's row, or relabelled with another key id, does not
// open. Older keys stay in the keyring to open what they sealed until
// Store.Rotate has re-sealed every row under the newest key.
//
// No token value appears in an error or a log line of this package.
package tokens

import (
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// Errors returned by the package.
var (
	// ErrNotFound means no token is stored for the user. It wraps
	// googlehttp.ErrNoToken, which is what the door's TokenStore promises.
	ErrNotFound = fmt.Errorf("tokens: no token stored: %w", googlehttp.ErrNoToken)
	// ErrUnknownKey means a token was sealed under a key id that is not in
	// the keyring.
	ErrUnknownKey = errors.New("tokens: sealed under a key that is not in the keyring")
	// ErrOpen means a sealed token failed authentication: the wrong key,
	// another user's row, or tampering.
	ErrOpen = errors.New("tokens: sealed token does not open")
)
