package http

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/downline/downline"
)

// closeJob is a period close running in the background, so that the
// operator sees its progress instead of a page that seems to hang.
type closeJob struct {
	mu       sync.Mutex
	period   string
	started  time.Time
	stage    string
	done     int
	total    int
	finished bool
	run      *downline.Run
	err      error
}

func (j *closeJob) progress(stage string, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stage, j.done, j.total = stage, done, total
}

func (j *closeJob) finish(run *downline.Run, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.finished, j.run, j.err = true, run, err
}

// closeState is a snapshot of a job for the page.
type closeState struct {
	Stage    string
	Done     int
	Total    int
	Percent  int
	Finished bool
	Run      *downline.Run
	Err      error
	Seconds  int
}

func (j *closeJob) state(now time.Time) closeState {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := closeState{Stage: j.stage, Done: j.done, Total: j.total, Finished: j.finished, Run: j.run, Err: j.err,
		Seconds: int(now.Sub(j.started) / time.Second)}
	if j.total > 0 {
		st.Percent = j.done * 100 / j.total
	}
	return st
}

// job returns the close job of a period, if one was started.
func (c *webCache) job(period string) *closeJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jobs[period]
}

// startJob registers a new job for the period unless one is running; it
// returns the job and whether it is new.
func (c *webCache) startJob(period string, now time.Time) (*closeJob, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if j := c.jobs[period]; j != nil {
		j.mu.Lock()
		running := !j.finished
		j.mu.Unlock()
		if running {
			return j, false
		}
	}
	j := &closeJob{period: period, started: now, stage: "starting"}
	c.jobs[period] = j
	return j, true
}

func (c *webCache) dropJob(period string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.jobs, period)
}

// handleWebPeriodClose starts closing the period after the operator typed
// its name, and sends the browser to the progress page.
func (s *Server) handleWebPeriodClose(w http.ResponseWriter, r *http.Request) {
	u, err := requireStaff(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	if u.Role != downline.RoleAdmin && u.Role != downline.RoleFinance {
		s.webError(w, r, downline.Errorf(downline.CodeForbidden, "Only admins and finance may run commissions."))
		return
	}
	name := r.PathValue("period")
	if r.PostFormValue("confirm") != name {
		s.webError(w, r, downline.Errorf(downline.CodeInvalid, "To close the period, type its name (%s) in the confirmation field.", name))
		return
	}
	if s.Runs == nil {
		s.webError(w, r, downline.Errorf(downline.CodeNotFound, "Commission runs are not configured."))
		return
	}
	job, isNew := s.cache().startJob(name, s.now())
	if isNew {
		// The close outlives the request: it keeps the actor for the
		// audit entry but not the request's cancellation.
		ctx := context.WithoutCancel(r.Context())
		r2 := r.WithContext(ctx)
		go func() {
			run, err := s.Runs.CloseRun(ctx, name, downline.RunOptions{HoldDays: -1, Progress: job.progress})
			if err == nil {
				s.audit(r2, "run.close", "run", idString(int64(run.ID)), nil, run)
			}
			job.finish(run, err)
		}()
	}
	http.Redirect(w, r, "/admin/periods/"+name+"/close", http.StatusSeeOther)
}

// adminClosePage shows a close's progress, refreshing itself.
type adminClosePage struct {
	layout
	Period string
	State  closeState
}

// handleWebPeriodCloseProgress shows how far the close has come; when it
// is done it forwards to the period with the result.
func (s *Server) handleWebPeriodCloseProgress(w http.ResponseWriter, r *http.Request) {
	if _, err := requireStaff(r); err != nil {
		s.webError(w, r, err)
		return
	}
	name := r.PathValue("period")
	job := s.cache().job(name)
	if job == nil {
		http.Redirect(w, r, "/admin/periods/"+name, http.StatusSeeOther)
		return
	}
	st := job.state(s.now())
	if st.Finished && st.Err == nil {
		s.cache().dropJob(name)
		redirect(w, r, "/admin/periods/"+name, monthText(name)+" is closed: "+moneyText(st.Run.Total, st.Run.Currency)+" posted to the ledger.")
		return
	}
	if st.Finished {
		s.cache().dropJob(name)
		s.webError(w, r, st.Err)
		return
	}
	p := adminClosePage{layout: s.newLayout(r, "Closing "+monthText(name), "periods"), Period: name, State: st}
	p.Refresh = 1
	s.render(w, r, http.StatusOK, "admin_close", p)
}
