package http

import (
	"sync"

	"github.com/downline/downline"
)

// webCache keeps figures derived from closed runs, which never change:
// the overview and the compliance page would otherwise stream a whole
// period's volumes and standings on every view.
type webCache struct {
	mu      sync.Mutex
	totals  map[downline.RunID]volumeTotals
	reports map[downline.RunID]*complianceFigures
	jobs    map[string]*closeJob // by period
}

// maxCachedRuns bounds each map; a closed period is rarely looked up
// after the next few closes, so the whole map is dropped when full.
const maxCachedRuns = 36

// cache returns the server's cache, creating it on first use.
func (s *Server) cache() *webCache {
	s.Web.cacheOnce.Do(func() {
		s.Web.cache = &webCache{totals: map[downline.RunID]volumeTotals{}, reports: map[downline.RunID]*complianceFigures{},
			jobs: map[string]*closeJob{}}
	})
	return s.Web.cache
}

func (c *webCache) getTotals(id downline.RunID) (volumeTotals, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.totals[id]
	return t, ok
}

func (c *webCache) putTotals(id downline.RunID, t volumeTotals) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.totals) >= maxCachedRuns {
		clear(c.totals)
	}
	c.totals[id] = t
}

func (c *webCache) getReport(id downline.RunID) (*complianceFigures, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.reports[id]
	return r, ok
}

func (c *webCache) putReport(id downline.RunID, r *complianceFigures) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reports) >= maxCachedRuns {
		clear(c.reports)
	}
	c.reports[id] = r
}
