package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

// audit appends an entry for a state-changing action of the request's
// actor. before and after are the record's API representations (nil when
// absent); the log keeps only their SHA-256 digests.
func (s *Server) audit(r *http.Request, action, targetType, targetID string, before, after any) error {
	return s.auditAs(r, downline.ActorFromContext(r.Context()), action, targetType, targetID, before, after)
}

// auditAs is audit for an explicit actor (sign-in, enrolment); a nil actor
// is recorded as anonymous.
func (s *Server) auditAs(r *http.Request, a *downline.Actor, action, targetType, targetID string, before, after any) error {
	e := s.auditEntry(r, a, action, targetType, targetID, before, after)
	if e == nil {
		return nil
	}
	if err := s.Audit.AppendAudit(r.Context(), e); err != nil {
		s.logger().Error("audit append", "action", action, "target", targetType+" "+targetID, "err", err)
		return err
	}
	return nil
}

// auditEntry returns the entry auditAs appends, or nil when the server
// keeps no audit log.
func (s *Server) auditEntry(r *http.Request, a *downline.Actor, action, targetType, targetID string, before, after any) *downline.AuditEntry {
	if s.Audit == nil {
		return nil
	}
	e := &downline.AuditEntry{Action: action, TargetType: targetType, TargetID: targetID,
		BeforeDigest: digestOf(before), AfterDigest: digestOf(after)}
	if a != nil {
		e.ActorUserID, e.ActorName, e.ActorRole = a.UserID, a.Name, a.Role
	} else {
		e.ActorName = "anonymous " + clientIP(r)
	}
	return e
}

func digestOf(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return downline.AuditDigest(b)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

type auditJSON struct {
	Seq          int64     `json:"seq"`
	At           time.Time `json:"at"`
	ActorUserID  int64     `json:"actor_user_id"`
	ActorName    string    `json:"actor_name"`
	ActorRole    string    `json:"actor_role"`
	Action       string    `json:"action"`
	TargetType   string    `json:"target_type"`
	TargetID     string    `json:"target_id"`
	BeforeDigest string    `json:"before_digest,omitempty"`
	AfterDigest  string    `json:"after_digest,omitempty"`
	PrevHash     string    `json:"prev_hash"`
	Hash         string    `json:"hash"`
}

// handleAPIAuditList lists audit entries by sequence number. Filters:
// actor_user_id, action, target_type, target_id, since, until (RFC 3339).
func (s *Server) handleAPIAuditList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermAuditRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.AuditFilter{AfterSeq: after, Limit: limit}
	q := r.URL.Query()
	if v := q.Get("actor_user_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter actor_user_id: must be an integer"))
			return
		}
		f.ActorUserID = &n
	}
	for name, dst := range map[string]**string{"action": &f.Action, "target_type": &f.TargetType, "target_id": &f.TargetID} {
		if v := q.Get(name); v != "" {
			*dst = &v
		}
	}
	for name, dst := range map[string]**time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter %s: must be an RFC 3339 time", name))
				return
			}
			*dst = &t
		}
	}
	es, total, err := s.Audit.FindAuditEntries(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[auditJSON]{Items: make([]auditJSON, 0, len(es)), Total: total}
	for _, e := range es {
		out.Items = append(out.Items, auditJSON{Seq: e.Seq, At: e.At.UTC(), ActorUserID: e.ActorUserID,
			ActorName: e.ActorName, ActorRole: string(e.ActorRole), Action: e.Action, TargetType: e.TargetType,
			TargetID: e.TargetID, BeforeDigest: e.BeforeDigest, AfterDigest: e.AfterDigest, PrevHash: e.PrevHash, Hash: e.Hash})
	}
	if len(es) == limit {
		out.NextCursor = idString(es[len(es)-1].Seq)
	}
	writeJSON(w, http.StatusOK, out)
}
