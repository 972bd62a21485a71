package http

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/attribution"
)

// The TX-11 acknowledgement page: someone at a customer other than the
// distributor follows the signed link (`downline holds link`), names
// themselves with an email address at the customer's domain, and so
// acknowledges that the distributor earns commission on the customer's
// orders. Possession of the link and an address at the customer's domain
// are the proof; the link expires. Public: no session, no CSRF token (the
// signed token in the path is the capability).

var ackPage = template.Must(template.New("ack").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Commission disclosure</title></head>
<body><main>
<h1>Commission disclosure</h1>
{{if .Message}}<p role="alert">{{.Message}}</p>{{end}}
{{if .Hold}}
<p>{{.Distributor}} receives commission from {{.Programme}} on the orders of {{.Customer}}.
Because {{.Distributor}} is connected to {{.Customer}} (the same organisation), those orders earn
nothing until someone else at {{.Customer}} acknowledges the relationship.</p>
{{if .Done}}<p>Acknowledged by {{.Hold.AckName}} ({{.Hold.AckEmail}}). Thank you.</p>
{{else}}<form method="post">
<p><label>Your name <input name="name" value="{{.Name}}" required></label></p>
<p><label>Your email at {{.Domain}} <input name="email" type="email" value="{{.Email}}" required></label></p>
<p><button type="submit">I acknowledge that {{.Distributor}} receives commission on our orders</button></p>
</form>{{end}}
{{end}}
</main></body></html>`))

type ackView struct {
	Message                                  string
	Hold                                     *downline.SelfDealingHoldView
	Distributor, Customer, Domain, Programme string
	Name, Email                              string
	Done                                     bool
}

// handleAck shows (GET) or records (POST) a TX-11 acknowledgement.
func (s *Server) handleAck(w http.ResponseWriter, r *http.Request) {
	if s.SelfDealing == nil || len(s.AckKey) < attribution.MinAckKeyLen {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	v := ackView{Programme: "the vendor"}
	if s.Programme != nil {
		if p, err := s.Programme.FindProgramme(ctx); err == nil {
			v.Programme = p.Name
		}
	}
	a, err := attribution.VerifyAckToken(s.AckKey, r.PathValue("token"), s.now())
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, attribution.ErrAckExpired) {
			status = http.StatusGone
			v.Message = "This link has expired. Ask for a new one."
		} else {
			v.Message = "This link is not valid."
		}
		writeAck(w, status, v)
		return
	}
	hs, _, err := s.SelfDealing.FindSelfDealingHolds(ctx, downline.SelfDealingHoldFilter{
		CustomerID: a.CustomerID, DistributorID: a.DistributorID, Limit: 1})
	if err != nil || len(hs) == 0 || hs[0].ID != a.HoldID {
		v.Message = "This link names no open relationship."
		writeAck(w, http.StatusNotFound, v)
		return
	}
	h := hs[0]
	cust, err := s.Customers.FindCustomerByID(ctx, h.CustomerID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	dist, err := s.Distributors.FindDistributorByID(ctx, h.DistributorID)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	v.Hold, v.Customer, v.Domain = h, cust.Name, cust.Domain
	v.Distributor = dist.DisplayName
	if v.Distributor == "" {
		v.Distributor = dist.ExternalID
	}
	v.Done = !h.AcknowledgedAt.IsZero()
	if r.Method != http.MethodPost || v.Done {
		writeAck(w, http.StatusOK, v)
		return
	}
	v.Name, v.Email = strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("email"))
	who := attribution.Acknowledger{Name: v.Name, Email: v.Email}
	if err := attribution.CheckAcknowledger(who, attribution.Organisation{Name: cust.Name, Domain: cust.Domain}, []string{dist.Email}); err != nil {
		v.Message = downline.ErrorMessage(err)
		writeAck(w, statusOf(downline.ErrorCode(err)), v)
		return
	}
	if err := s.SelfDealing.AcknowledgeSelfDealing(ctx, h.ID, v.Name, v.Email); err != nil {
		v.Message = downline.ErrorMessage(err)
		writeAck(w, statusOf(downline.ErrorCode(err)), v)
		return
	}
	h.AcknowledgedAt, h.AckName, h.AckEmail = s.now(), v.Name, v.Email
	v.Done = true
	writeAck(w, http.StatusOK, v)
}

func writeAck(w http.ResponseWriter, status int, v ackView) {
	var buf bytes.Buffer
	if err := ackPage.Execute(&buf, v); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
