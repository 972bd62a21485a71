package http

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"github.com/downline/downline"
	"github.com/downline/downline/compliance"
	"github.com/downline/downline/compplan"
)

// lintResult is the plan linter's answer for one text, as the editor
// shows it.
type lintResult struct {
	ParseError string
	Report     *compliance.LintReport
	Blocks     int
	Warns      int
}

// lintPlan parses and lints a plan's YAML.
func (s *Server) lintPlan(yaml string) lintResult {
	plan, err := compplan.ParsePlan(strings.NewReader(yaml))
	if err != nil {
		return lintResult{ParseError: err.Error()}
	}
	rep := compliance.Lint(plan, compliance.Terms{}, nil, s.params())
	res := lintResult{Report: &rep}
	for _, f := range rep.Findings {
		if f.Severity == compliance.LevelBlock {
			res.Blocks++
		} else {
			res.Warns++
		}
	}
	return res
}

// adminPlanPage is the plan editor with the stored versions.
type adminPlanPage struct {
	layout
	YAML       string
	ActiveFrom string
	Lint       lintResult
	Versions   []*downline.PlanVersion
	Current    *downline.PlanVersion
}

// handleWebPlanEdit shows the plan in force with its lint results and the
// versions the runs used.
func (s *Server) handleWebPlanEdit(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	p, err := s.planPage(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if p.Current != nil {
		p.YAML = p.Current.YAML
	}
	p.Lint = s.lintPlan(p.YAML)
	s.render(w, r, http.StatusOK, "admin_plan", p)
}

func (s *Server) planPage(r *http.Request) (*adminPlanPage, error) {
	ctx := r.Context()
	p := &adminPlanPage{layout: s.newLayout(r, "Plan", "plan")}
	prog, err := s.Programme.FindProgramme(ctx)
	if err != nil {
		return nil, err
	}
	per, err := prog.PeriodOf(s.now())
	if err != nil {
		return nil, err
	}
	p.ActiveFrom = per.Name
	if s.Runs == nil || s.Web.PlanVersion == nil {
		return p, nil
	}
	runs, err := s.Runs.FindRuns(ctx, "")
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, run := range runs {
		if !slices.Contains(ids, run.PlanVersionID) {
			ids = append(ids, run.PlanVersionID)
		}
	}
	for _, id := range ids {
		v, err := s.Web.PlanVersion(ctx, id)
		if err != nil {
			return nil, err
		}
		p.Versions = append(p.Versions, v)
	}
	if len(p.Versions) > 0 {
		p.Current = p.Versions[0]
	}
	return p, nil
}

// handleWebPlanLint answers the editor's script with the findings for the
// posted text, as an HTML fragment.
func (s *Server) handleWebPlanLint(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := pages["frag_lint"].ExecuteTemplate(&buf, "lint", s.lintPlan(r.PostFormValue("yaml"))); err != nil {
		s.webError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// handleWebPlanActivate stores the posted text as the plan version for
// periods from the chosen one on, unless the linter blocks it.
func (s *Server) handleWebPlanActivate(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if u.Role != downline.RoleAdmin {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Only admins may activate a plan."))
		return
	}
	p, err := s.planPage(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p.YAML, p.ActiveFrom = r.PostFormValue("yaml"), r.PostFormValue("active_from")
	p.Lint = s.lintPlan(p.YAML)
	if p.Lint.ParseError != "" || p.Lint.Blocks > 0 {
		p.Error = "The plan cannot be activated until the linter's blocking findings are fixed."
		s.render(w, r, http.StatusBadRequest, "admin_plan", p)
		return
	}
	v, err := s.Runs.ActivatePlan(r.Context(), p.YAML, p.ActiveFrom)
	if downline.ErrorCode(err) == downline.CodeInvalid {
		p.Error = downline.ErrorMessage(err)
		s.render(w, r, http.StatusBadRequest, "admin_plan", p)
		return
	}
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.audit(r, "plan.activate", "plan_version", idString(v.ID), nil, map[string]string{"hash": v.Hash, "active_from": v.ActiveFrom})
	redirect(w, r, "/admin/plan", "Plan "+v.PlanID+" "+v.Version+" applies from "+monthText(v.ActiveFrom)+".")
}
