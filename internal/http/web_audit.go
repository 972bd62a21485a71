package http

import (
	"net/http"
	"strconv"

	"github.com/downline/downline"
)

// adminAuditPage shows the newest entries of the audit chain.
type adminAuditPage struct {
	layout
	Entries []*downline.AuditEntry
	Total   int
	Action  string
}

// auditShown bounds the entries listed.
const auditShown = 100

// handleWebAuditIndex lists the newest audit entries, optionally of one
// action.
func (s *Server) handleWebAuditIndex(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if !u.Actor().Can(downline.PermAuditRead, downline.RelNone) {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Your role may not read the audit log."))
		return
	}
	ctx := r.Context()
	p := adminAuditPage{layout: s.newLayout(r, "Audit log", "audit"), Action: r.URL.Query().Get("action")}
	f := downline.AuditFilter{Limit: 1}
	if p.Action != "" {
		f.Action = &p.Action
	}
	if _, p.Total, err = s.Audit.FindAuditEntries(ctx, f); err != nil {
		s.webError(w, r, err)
		return
	}
	// Seq numbers the whole chain without gaps, so the newest entries
	// follow seq total-auditShown; a filtered list is read whole.
	f.Limit = 0
	if p.Action == "" {
		f.AfterSeq, f.Limit = int64(max(p.Total-auditShown, 0)), auditShown
	}
	if p.Entries, _, err = s.Audit.FindAuditEntries(ctx, f); err != nil {
		s.webError(w, r, err)
		return
	}
	if len(p.Entries) > auditShown {
		p.Entries = p.Entries[len(p.Entries)-auditShown:]
	}
	reverse(p.Entries)
	s.render(w, r, http.StatusOK, "admin_audit", p)
}

// adminAttentionPage is the needs-attention queue.
type adminAttentionPage struct {
	layout
	Items []AttentionItem
	All   bool
}

// handleWebAttentionIndex lists the open items (all with ?all=1).
func (s *Server) handleWebAttentionIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	p := adminAttentionPage{layout: s.newLayout(r, "Needs attention", "attention")}
	p.All, _ = strconv.ParseBool(r.URL.Query().Get("all"))
	if s.Web.Attention != nil {
		var err error
		if p.Items, err = s.Web.Attention(r.Context(), !p.All); err != nil {
			s.webError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "admin_attention", p)
}
