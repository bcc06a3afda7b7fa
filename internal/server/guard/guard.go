// Package guard holds the request checks of the dev server, as Vite's dev server makes them: the Host
// header (DNS rebinding), CORS, server.fs (which files may be served), request URL hygiene (encoded
// separators, traversal), server.proxy, and the WebSocket token.
//
// Each check is a small function or an http.Handler middleware; the server composes them in Vite's
// order: host check, CORS, proxy, then the file checks inside the serving middlewares.
package guard

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
)

// Error is a refused request: Status is the HTTP status to answer with (400 or 403) and Kind one of
// the Err* values below (errors.Is works on it).
type Error struct {
	Status int
	Kind   error
	Msg    string
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

var (
	// ErrBadURL: the request URL is malformed (invalid percent-encoding, NUL, "#", not a path): 400.
	ErrBadURL = errors.New("malformed request URL")
	// ErrForbiddenURL: the request URL tries to escape the root or to smuggle a separator: 403.
	ErrForbiddenURL = errors.New("forbidden request URL")
	// ErrOutsideAllow: the file is outside server.fs.allow: 403.
	ErrOutsideAllow = errors.New("outside of the server.fs.allow list")
	// ErrDenied: the file matches server.fs.deny: 403.
	ErrDenied = errors.New("denied by server.fs.deny")
)

// Status returns the HTTP status for an error of this package (500 for others).
func Status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return http.StatusInternalServerError
}

// WSTokenValid checks the ?token= of a WebSocket upgrade against the server's token (Vite 6.0.9+), in
// constant time. An empty token never matches.
func WSTokenValid(r *http.Request, token string) bool {
	got := r.URL.Query().Get("token")
	if got == "" || token == "" {
		return false
	}
	// Hashing first makes the comparison independent of the lengths too.
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
