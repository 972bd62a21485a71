package http

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/downline/downline"
)

//go:embed html/*.html
var htmlFiles embed.FS

//go:embed assets
var assetFiles embed.FS

// WebServices are what the back office needs beyond the services of the
// JSON API (it also uses Server.Runs and Server.Payouts). cmd/downline
// sets them; a nil field hides or empties the pages that need it.
type WebServices struct {
	Volumes downline.VolumeService

	// Attention lists the items of the needs-attention queue (open ones
	// only when openOnly), newest first.
	Attention func(ctx context.Context, openOnly bool) ([]AttentionItem, error)

	// Standings returns the figures of the given distributors in a run
	// (one per distributor found, in any order).
	Standings func(ctx context.Context, run downline.RunID, ids ...downline.DistributorID) ([]Standing, error)
	// PlanVersion returns a stored plan version by its id.
	PlanVersion func(ctx context.Context, id int64) (*downline.PlanVersion, error)
	// Statement renders a distributor's commission statement of a closed
	// period as PDF.
	Statement func(ctx context.Context, id downline.DistributorID, period string) ([]byte, error)
	// ExportPayout renders a payout batch as the bank file of its method;
	// it returns the file name, the media type and the content.
	ExportPayout func(ctx context.Context, b *downline.PayoutBatch) (name, mediaType string, body []byte, err error)
	// RegisterDeal registers a pending deal of a distributor with an
	// organisation, identified by its web domain.
	RegisterDeal func(ctx context.Context, owner downline.DistributorID, organisation, domain string) (*Deal, error)
	// FindDeals lists a distributor's deals, newest first.
	FindDeals func(ctx context.Context, owner downline.DistributorID) ([]*Deal, error)

	cacheOnce sync.Once
	cache     *webCache
}

// Standing is one distributor's figures in a commission run: the
// volumes, activity and rank the engine computed and the total earned.
type Standing struct {
	DistributorID       downline.DistributorID
	CuV, PCV, PV, GV    int64
	Active              bool
	PaidRank, TitleRank string
	Total               int64
}

// AttentionItem is one entry of the needs-attention queue: something an
// operator must look at, such as a payment the billing webhook could not
// match.
type AttentionItem struct {
	ID         int64
	Source     string
	Ref        string
	Reason     string
	CreatedAt  time.Time
	ResolvedAt time.Time
	Resolution string
}

// Deal is a distributor's registration of a prospective customer
// organisation: once approved, the organisation's purchases are credited
// to the distributor until it expires.
type Deal struct {
	ID           int64
	Organisation string
	Domain       string
	Status       string // pending, approved or rejected
	RegisteredAt time.Time
	ExpiresAt    time.Time // zero unless approved
}

// pages holds every page template, parsed once from the embedded files:
// each is the layout plus one page file.
var pages = mustParsePages()

func mustParsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"money": moneyText, "count": countText, "pct": pctText, "month": monthText,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		},
		"day": func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"sub": func(a, b int64) int64 { return a - b },
		"orderAmount": func(o *downline.Order) int64 {
			var sum int64
			for _, l := range o.Lines {
				sum += l.Amount()
			}
			return sum
		},
	}
	names, err := fs.Glob(htmlFiles, "html/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "html/"), ".html")
		if base == "layout" {
			continue
		}
		if strings.HasPrefix(base, "frag_") {
			// A fragment stands alone, for answers to scripts.
			out[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(htmlFiles, n))
			continue
		}
		t := template.Must(template.New(base).Funcs(funcs).ParseFS(htmlFiles, "html/layout.html", "html/frag_*.html", n))
		out[base] = t
	}
	return out
}

// layout is what every page's layout shows; each page struct embeds it.
type layout struct {
	Title     string
	Section   string // the active navigation entry
	User      *downline.User
	Staff     bool
	CSRF      string
	Programme string
	Flash     string
	Error     string
	// Refresh, when positive, reloads the page after that many seconds
	// (progress pages).
	Refresh int
}

// newLayout fills the layout of a signed-in page.
func (s *Server) newLayout(r *http.Request, title, section string) layout {
	l := layout{Title: title, Section: section, Flash: r.URL.Query().Get("flash")}
	if c := credentialFrom(r.Context()); c != nil {
		l.User, l.Staff = c.user, c.user.Role.IsStaff()
		if c.sessionID != "" {
			l.CSRF = csrfToken(c.sessionID)
		}
	}
	if s.Programme != nil {
		if p, err := s.Programme.FindProgramme(r.Context()); err == nil {
			l.Programme = p.Name
		}
	}
	return l
}

// render executes page name with data and writes it with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := pages[name]
	if !ok {
		s.webError(w, r, fmt.Errorf("render: no page %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.webError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the page of an error.
type errorPage struct {
	layout
	Status  int
	Message string
}

// webError answers a back-office request that failed: to the sign-in page
// without a session, otherwise with an error page whose text is safe to
// show.
func (s *Server) webError(w http.ResponseWriter, r *http.Request, err error) {
	code := downline.ErrorCode(err)
	if code == downline.CodeUnauthorized && credentialFrom(r.Context()) == nil {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := statusOf(code)
	msg := downline.ErrorMessage(err)
	if code == downline.CodeInternal {
		s.logger().Error("http internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "Something went wrong on our side. Please try again."
	}
	p := errorPage{layout: s.newLayout(r, http.StatusText(status), ""), Status: status, Message: msg}
	t := pages["error"]
	var buf bytes.Buffer
	if t == nil || t.ExecuteTemplate(&buf, "layout", p) != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// redirect ends a successful form post (Post/Redirect/Get), with an
// optional flash message shown by the next page.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// signedIn returns the request's user, or CodeUnauthorized.
func signedIn(r *http.Request) (*downline.User, error) {
	c := credentialFrom(r.Context())
	if c == nil {
		return nil, downline.Errorf(downline.CodeUnauthorized, "Please sign in.")
	}
	return c.user, nil
}

// requireStaff returns the signed-in staff user, or an error for anyone
// else.
func requireStaff(r *http.Request) (*downline.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, err
	}
	if !u.Role.IsStaff() {
		return nil, downline.Errorf(downline.CodeForbidden, "This page is for the programme's staff.")
	}
	return u, nil
}

// requireDistributor returns the signed-in distributor user, or an error
// for anyone else.
func requireDistributor(r *http.Request) (*downline.User, error) {
	u, err := signedIn(r)
	if err != nil {
		return nil, err
	}
	if u.Role != downline.RoleDistributor {
		return nil, downline.Errorf(downline.CodeForbidden, "This page is for distributors.")
	}
	return u, nil
}

// handleWebHome sends a visitor to the sign-in page, staff to the console
// and distributors to their dashboard.
func (s *Server) handleWebHome(w http.ResponseWriter, r *http.Request) {
	u, err := signedIn(r)
	switch {
	case err != nil:
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	case u.Role.IsStaff():
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
	}
}

// handleWebAsset serves the embedded CSS and JS.
func (s *Server) handleWebAsset() http.Handler {
	sub, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/assets/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// moneyText renders minor units with the currency's symbol or code and
// thousands separators: "$12,345.67", "€0.50", "CHF 3.00".
func moneyText(amount int64, currency string) string {
	s := downline.NewMoney(amount, currency).FormatMajor()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = group(whole)
	if frac != "" {
		whole += "." + frac
	}
	sym := map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}[currency]
	if sym == "" {
		sym = currency + " "
	}
	if neg {
		return "−" + sym + whole
	}
	return sym + whole
}

// group inserts thousands separators into a string of digits.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// countText renders an integer with thousands separators.
func countText(n int) string {
	if n < 0 {
		return "−" + group(strconv.Itoa(-n))
	}
	return group(strconv.Itoa(n))
}

// pctText renders num/den as a percentage with one decimal, rounded half
// away from zero, computed in integers; "—" when den is zero.
func pctText(num, den int64) string {
	if den == 0 {
		return "—"
	}
	permille, err := downline.MulDiv(num, 1000, den)
	if err != nil {
		return "—"
	}
	sign := ""
	if permille < 0 {
		sign, permille = "−", -permille
	}
	return fmt.Sprintf("%s%d.%d%%", sign, permille/10, permille%10)
}

// monthText renders a period name "2026-03" as "Mar 2026".
func monthText(period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return t.Format("Jan 2006")
}
