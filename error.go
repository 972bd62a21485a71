package downline

import (
	"errors"
	"fmt"
)

// Code classifies an error so that every layer can react to it the same
// way: the HTTP layer maps it to a status, the CLI to an exit status.
type Code string

// The closed set of error codes.
const (
	CodeInvalid      Code = "invalid"      // bad input; the message names the record and field
	CodeUnauthorized Code = "unauthorized" // no or bad credentials
	CodeForbidden    Code = "forbidden"    // authenticated, but not allowed
	CodeNotFound     Code = "not_found"    // no such record
	CodeConflict     Code = "conflict"     // clashes with existing state (idempotency, uniqueness, lifecycle)
	CodeInternal     Code = "internal"     // a bug or an infrastructure failure; details are logged, not shown
)

// Error is the only error type that crosses layers. Its Message is a
// sentence that is safe to show to the user who caused it.
type Error struct {
	Code    Code
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("downline error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain,
// CodeInternal for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, "Internal error." for any other non-nil error, and "" for nil.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
