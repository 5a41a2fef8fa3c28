package main

import (
	"context"
	"log/slog"
)

// quietLogger returns a logger that writes what it is told below Warn at
// Debug, for a library as chatty as River: its migrations, its client
// starting and stopping and its periodic job counts are for whoever debugs
// the jobs (LOG_LEVEL=debug), so that at LOG_LEVEL=info the demo's banner
// is the first thing a newcomer reads. Its warnings and errors keep their
// level.
func quietLogger(log *slog.Logger) *slog.Logger {
	return slog.New(quietHandler{log.Handler()})
}

// quietHandler is the slog.Handler of quietLogger.
type quietHandler struct{ slog.Handler }

// quieter is the level a record at level l is written at.
func quieter(l slog.Level) slog.Level {
	if l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

// Enabled reports whether the wrapped handler writes records at l's
// quieter level.
func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.Handler.Enabled(ctx, quieter(l))
}

// Handle writes r at its quieter level.
func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = quieter(r.Level)
	return h.Handler.Handle(ctx, r)
}

// WithAttrs returns a quiet handler with attrs.
func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup returns a quiet handler with the group name.
func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
