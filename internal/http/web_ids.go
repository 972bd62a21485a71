package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
)

// handleWebIncomeDisclosure renders the income disclosure statement of a
// calendar year (default: the year of the last close) from the closes of
// that year: every participant with an agreement in force, zero earners
// included.
func (s *Server) handleWebIncomeDisclosure(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	ctx := r.Context()
	if s.Runs == nil || s.Web.Standings == nil || s.Web.PlanVersion == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Commission runs are not configured."))
		return
	}
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	loc, err := prog.Location()
	if err != nil {
		s.webError(w, r, err)
		return
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		s.webError(w, r, err)
		return
	}
	closed := closedRuns(runs, 1000)
	if len(closed) == 0 {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "No period is closed yet."))
		return
	}
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if year == 0 {
		year, _ = strconv.Atoi(closed[len(closed)-1].Period[:4])
	}
	in := compliance.IDSInput{Year: year, Location: loc, Generator: "Downline back office",
		Contact: "the " + prog.Name + " compliance team", ActiveDefinition: "met the plan's activity rule in at least one closed period"}
	recs := map[downline.DistributorID]*compliance.IncomeRecord{}
	h := sha256.New()
	seen := map[int64]bool{}
	for _, run := range closed {
		if !strings.HasPrefix(run.Period, strconv.Itoa(year)+"-") {
			continue
		}
		h.Write([]byte(run.InputHash))
		if !seen[run.PlanVersionID] {
			seen[run.PlanVersionID] = true
			v, err := s.Web.PlanVersion(ctx, run.PlanVersionID)
			if err != nil {
				s.webError(w, r, err)
				return
			}
			in.PlanVersions = append(in.PlanVersions, v.PlanID+" "+v.Version)
		}
		all, err := s.Web.Standings(ctx, run.ID)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		for _, st := range all {
			rec := recs[st.DistributorID]
			if rec == nil {
				rec = &compliance.IncomeRecord{ID: idString(int64(st.DistributorID))}
				recs[st.DistributorID] = rec
			}
			rec.Gross += st.Total
			rec.Active = rec.Active || st.Active
		}
	}
	if len(in.PlanVersions) == 0 {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "No period of %d is closed.", year))
		return
	}
	in.DatasetHash = hex.EncodeToString(h.Sum(nil))
	for _, e := range companyTests(closed) {
		if strings.HasPrefix(e.Period, strconv.Itoa(year)+"-") {
			in.CompanyTests = append(in.CompanyTests, e)
		}
	}
	yearEnd := time.Date(year+1, time.January, 1, 0, 0, 0, 0, loc)
	err = s.eachDistributor(r, func(d *downline.Distributor) {
		if !d.JoinedAt.Before(yearEnd) {
			return
		}
		rec := recs[d.ID]
		if rec == nil {
			rec = &compliance.IncomeRecord{ID: idString(int64(d.ID))}
		}
		rec.EnrolledAt = d.JoinedAt
		in.Records = append(in.Records, *rec)
	})
	if err != nil {
		s.webError(w, r, err)
		return
	}
	ids, err := compliance.ComputeIDS(in)
	if err != nil {
		s.webError(w, r, downline.Errorf(downline.CodeInvalid, "The income disclosure for %d cannot be computed: %v", year, err))
		return
	}
	var buf bytes.Buffer
	if err := ids.WriteHTML(&buf); err != nil {
		s.webError(w, r, err)
		return
	}
	// The statement is a standalone document with its own inline style.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// eachDistributor calls fn for every distributor, in pages by id.
func (s *Server) eachDistributor(r *http.Request, fn func(*downline.Distributor)) error {
	f := downline.DistributorFilter{Limit: 5000}
	for {
		ds, _, err := s.Distributors.FindDistributors(r.Context(), f)
		if err != nil {
			return err
		}
		for _, d := range ds {
			fn(d)
		}
		if len(ds) < f.Limit {
			return nil
		}
		f.AfterID = ds[len(ds)-1].ID
	}
}
