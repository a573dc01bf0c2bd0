// Package core holds Walros's domain: users and authentication, libraries, items and the rules that
// decide who may see what. It knows nothing of HTTP or SQL: facades call it, and store implements
// the persistence interfaces it declares.
package core

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors that every facade maps to its own wire format. Callers wrap them with context.
var (
	// ErrNotFound means the thing does not exist, or the caller may not know that it does.
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the caller is known but may not do this. Facades answer it like ErrNotFound.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict means the change clashes with existing state, such as a name already taken.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the request itself is wrong; see FieldError for what and why.
	ErrInvalid = errors.New("invalid")
	// ErrUnauthenticated means the credentials are missing, wrong, expired or revoked.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrThrottled means too many failed attempts; see ThrottledError for when to retry.
	ErrThrottled = errors.New("too many attempts")
)

// FieldError is an ErrInvalid that names the offending field. Its text is safe to show to clients.
type FieldError struct {
	Field  string
	Reason string
}

// Invalid returns a FieldError for field.
func Invalid(field, reason string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(reason, args...)}
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// ThrottledError is an ErrThrottled that says how long the caller should wait.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many attempts; retry in %s", e.RetryAfter.Round(time.Second))
}

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Clock tells the time; services take one so that tests can move it.
type Clock func() time.Time
