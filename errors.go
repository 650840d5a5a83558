package yiwang

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the API: never rename one.
const (
	EINVALID      = "EINVALID"      // the input is wrong; Fields says where
	ENOTFOUND     = "ENOTFOUND"     // the thing does not exist (or the actor may not know it does)
	ECONFLICT     = "ECONFLICT"     // the thing exists already or changed meanwhile
	EFORBIDDEN    = "EFORBIDDEN"    // the actor is known but may not do this
	EUNAUTHORIZED = "EUNAUTHORIZED" // the actor must log in first
	ETOOMANY      = "ETOOMANY"      // too many attempts; try again later
	EUNAVAILABLE  = "EUNAVAILABLE"  // this installation lacks something the request needs (e.g. a font)
	EINTERNAL     = "EINTERNAL"     // our fault; details are logged, never shown
)

// Error is an error meant for the person or program that made the request.
// Message is plain Chinese; Fields maps form field names to their problem.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
}

// Errorf returns an *Error with the given code and a formatted Chinese message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error listing each bad field. It returns nil
// when fields is empty, so callers can collect problems and return the result.
func Invalid(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: fmt.Sprintf("请修改以下 %d 处问题", len(fields)), Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message meant for people, never an internal detail.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后再试。如果问题持续，请联系管理员。"
}

// ErrorFields returns the per-field problems of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
