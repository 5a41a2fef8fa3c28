package retry

import "github.com/scopetrail/scopetrail/connector/googlehttp"

// Retryable reports whether err is a transient failure worth another
// attempt, as googlehttp.Classify decides: a rate limit (HTTP 429, or 403
// with a rate-limit reason), any 5xx, a broken or refused connection
// (including a body cut short, and a token refresh that failed on the
// connection), or a request that exceeded one of the door's timeouts
// (googlehttp.TimeoutError). It is false for nil, for the end of a context, for the
// door's refusals and for every other 4xx. An error that knows whether it is
// worth another attempt, by a method Retryable() bool in its chain (a
// transcription engine's answer, say), decides for itself, unless the
// context ended.
func Retryable(err error) bool {
	return googlehttp.Classify(err).Class.Retryable()
}
