package http

import (
	"net/http"

	"github.com/downline/downline"
)

// handleHealth answers 200 when the store answers and 503 otherwise.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if s.Ping != nil {
		if err := s.Ping(r.Context()); err != nil {
			s.logger().Error("health check", "err", err)
			w.Header().Set("Content-Type", "application/json")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleAPIProgrammeGet(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermProgrammeRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.Programme == nil {
		s.writeError(w, r, downline.Errorf(downline.CodeNotFound, "No programme service."))
		return
	}
	p, err := s.Programme.FindProgramme(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, programmeJSON{
		Name: p.Name, Currency: p.Currency, PeriodLength: string(p.PeriodLength),
		TimeZone: p.TimeZone, LandingURL: p.LandingURL,
	})
}

type programmeJSON struct {
	Name         string `json:"name"`
	Currency     string `json:"currency"`
	PeriodLength string `json:"period_length"`
	TimeZone     string `json:"time_zone"`
	LandingURL   string `json:"landing_url,omitempty"`
}
