package http

import (
	"errors"
	"net/http"

	"github.com/downline/downline"
)

var errPanic = errors.New("handler panic")

// statusOf maps an error code to its HTTP status.
func statusOf(code downline.Code) int {
	switch code {
	case downline.CodeInvalid:
		return http.StatusBadRequest
	case downline.CodeUnauthorized:
		return http.StatusUnauthorized
	case downline.CodeForbidden:
		return http.StatusForbidden
	case downline.CodeNotFound:
		return http.StatusNotFound
	case downline.CodeConflict:
		return http.StatusConflict
	default:
		return http.StatusInternalServerError
	}
}

// problem is an RFC 9457 problem details document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
}

// writeError handles err once: it logs internal errors with their detail
// and answers with a problem document whose detail is safe to show.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig errBodyTooLarge
	if errors.As(err, &tooBig) {
		s.writeProblem(w, r, http.StatusRequestEntityTooLarge,
			downline.Errorf("too_large", "The request body exceeds %d bytes.", tooBig.limit))
		return
	}
	if errors.Is(err, errHarvest) {
		w.Header().Set("Retry-After", "3600")
		s.writeProblem(w, r, http.StatusTooManyRequests, errHarvest)
		return
	}
	code := downline.ErrorCode(err)
	status := statusOf(code)
	if code == downline.CodeInternal {
		s.logger().Error("http internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.writeProblem(w, r, status, &downline.Error{Code: code, Message: downline.ErrorMessage(err)})
}

// writeProblem answers with a problem document of the given status.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, e *downline.Error) {
	p := problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: e.Message,
		Code:   string(e.Code),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	writeJSON(w, status, p)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, downline.Errorf(downline.CodeNotFound, "No route for %s %s.", r.Method, r.URL.Path))
}
