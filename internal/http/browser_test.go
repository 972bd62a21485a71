package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium for one test and returns a tab
// context, or skips the test when Chromium is missing (failing instead
// when DOWNLINE_TEST_BROWSER_REQUIRED=1, as CI sets).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("DOWNLINE_TEST_CHROMIUM")
	if path == "" {
		for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		}
	}
	if path == "" {
		if os.Getenv("DOWNLINE_TEST_BROWSER_REQUIRED") == "1" {
			t.Fatal("DOWNLINE_TEST_BROWSER_REQUIRED=1 but no Chromium found (apt-get install chromium)")
		}
		t.Skip("Chromium not found: install Debian's chromium to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// artifacts returns the directory for screenshots: $DOWNLINE_TEST_ARTIFACTS
// or a temporary directory, printed so that a person can look.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DOWNLINE_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "downline-browser-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// page drives one tab against the fixture's server.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
}

// do runs actions with a deadline, failing the test on error.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fail(what, err)
	}
}

// fail saves a screenshot and the page's text, then fails the test.
func (p *page) fail(what string, err error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(p.dir, "failed.png"), png, 0o644)
	}
	if len(body) > 2000 {
		body = body[:2000]
	}
	p.t.Fatalf("%s: %v\npage: %s", what, err, body)
}

// text returns the visible text of the first element matching sel.
func (p *page) text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval evaluates a JavaScript expression (awaiting a promise) in the page.
func evalIn[T any](p *page, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shot saves a full-page PNG screenshot under name.
func (p *page) shot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(p.dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
}

// open navigates to path and waits for sel.
func (p *page) open(path, sel string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// signIn fills and submits the sign-in form and waits for sel.
func (p *page) signIn(email, sel string) {
	p.t.Helper()
	p.do("sign in as "+email,
		chromedp.Navigate(p.base+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	)
	p.fill("form", map[string]string{"email": email, "password": webPassword})
	p.do("after sign-in", chromedp.WaitVisible(chromedp.CSS(sel)))
}

// count returns how many elements match sel.
func (p *page) count(sel string) int {
	p.t.Helper()
	return evalIn[int](p, fmt.Sprintf("document.querySelectorAll(%q).length", sel))
}

// fill sets the named fields of the form matching sel and submits it
// through its submit button, as a person would.
func (p *page) fill(sel string, fields map[string]string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const f = document.querySelector(%q); const v = %s;
		for (const k in v) { f.elements[k].value = v[k]; }
		f.requestSubmit(f.querySelector("button[type=submit]")); return true; })()`, sel, mustJSON(p.t, fields))
	evalIn[bool](p, js)
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	return string(b)
}

// wantContains fails unless got contains want, ignoring case (badges
// are capitalised by CSS).
func wantContains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

// TestBrowser walks both roles' main flows in headless Chromium against
// the real server on a small demo programme.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	f := newWebFixture(t, 300)
	dir := artifacts(t)
	ctx := browser(t)

	// One tab for both roles: Chromium renders only the active tab, so
	// screenshots of a second tab would never finish.
	t.Run("admin", func(t *testing.T) {
		p := &page{t: t, ctx: ctx, base: f.srv.URL, dir: dir}
		p.open("/admin", "#email")
		p.shot("signin")
		p.signIn(adminEmail, "#kpi-sales")
		wantContains(t, "sales", p.text("#kpi-sales"), "$")
		wantContains(t, "payout ratio", p.text("#kpi-ratio"), "%")
		p.shot("admin-overview")
		adminFlows(t, p, f)
		p.do("sign out", chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.CSS("#email")))
		wantContains(t, "after sign-out", p.text(".flash"), "signed out")
	})
	t.Run("distributor", func(t *testing.T) {
		p := &page{t: t, ctx: ctx, base: f.srv.URL, dir: dir}
		p.signIn(distributorEmail, "#kpi-cuv")
		wantContains(t, "CuV", p.text("#kpi-cuv"), "$")
		wantContains(t, "paid rank", p.text("#paid-rank"), "")
		p.shot("portal-dashboard")
		portalFlows(t, p, f)
	})
}

// adminFlows walks the console: close the last period, create a payout
// batch, export it and mark an item paid.
func adminFlows(t *testing.T, p *page, f *webFixture) {
	last := f.periods[len(f.periods)-1]
	p.open("/admin/periods", "#period-"+last)
	wantContains(t, "period row", p.text("#period-"+last), "previewed")
	p.shot("admin-periods")

	p.open("/admin/periods/"+last, "#close")
	p.shot("admin-period-close")
	evalIn[bool](p, "window.confirm = () => true, true")
	p.fill("#close form", map[string]string{"confirm": last})
	p.do("close the period", chromedp.WaitVisible(chromedp.CSS(".flash")))
	wantContains(t, "after close", p.text(".flash"), "is closed")
	if p.count("#close") != 0 {
		t.Errorf("the close form is still shown after the close")
	}

	p.open("/admin/payouts", "#method")
	p.shot("admin-payouts")
	p.fill("form[action='/admin/payouts']", map[string]string{"method": "paypal", "minimum": "1.00"})
	p.do("create a batch", chromedp.WaitVisible(chromedp.CSS("#batch-amount")))
	wantContains(t, "after create", p.text(".flash"), "created")
	if n := p.text("#batch-sent"); n == "0" {
		t.Errorf("the batch has no payments")
	}
	csv := evalIn[string](p, `fetch(document.querySelector("#export").href).then(r => r.text())`)
	if rows := strings.Count(csv, "\n"); rows == 0 || !strings.Contains(csv, "@pay.example") {
		t.Errorf("export = %q, want PayPal rows with the payees' emails", csv[:min(len(csv), 200)])
	}
	p.shot("admin-payout-batch")
	evalIn[bool](p, `document.querySelector("button[value=paid]").click(), true`)
	p.do("mark paid", chromedp.WaitVisible(chromedp.CSS(".flash")))
	wantContains(t, "after mark", p.text(".flash"), "marked paid")

	p.open("/admin/distributors?q="+f.me.ExternalID, "#distributors")
	wantContains(t, "search result", p.text("#distributors"), f.me.DisplayName)
	p.open(fmt.Sprintf("/admin/distributors/%d", f.me.ID), "#sponsor")
	p.fill("form[action$='/move']", map[string]string{"sponsor": fmt.Sprint(f.other.ID)})
	p.do("preview a move", chromedp.WaitVisible(chromedp.CSS("#move-preview")))
	wantContains(t, "move preview", p.text("#move-preview"), f.other.DisplayName)
	p.shot("admin-distributor-move")
	p.fill("form[action$='/move']", nil)
	p.do("move", chromedp.WaitVisible(chromedp.CSS(".flash")))
	wantContains(t, "after move", p.text(".flash"), "moved under")
	wantContains(t, "upline after move", p.text("#upline"), f.other.DisplayName)

	for _, path := range []string{"/admin/orders", "/admin/products", "/admin/attention"} {
		p.open(path, "main .card")
	}
	p.open("/admin/compliance", "#kpis")
	wantContains(t, "compliance KPIs", p.text("#kpis"), "Customer share")
	p.shot("admin-compliance")
	p.open("/admin/risk-flags", "#risk-flags")
	wantContains(t, "risk flags", p.text("#risk-flags"), "circular_sponsorship")
	p.shot("admin-risk-flags")
	p.open("/admin/holds?status=", "#holds")
	wantContains(t, "self-dealing holds", p.text("#holds"), "TX-11")
	p.open("/admin/verifications", "#verifications")
	p.shot("admin-verifications")
	p.open("/admin/income-disclosure?year=2025", "table")
	p.shot("admin-income-disclosure")
	p.open("/admin/simulate?run=1&months=12&replications=3", "#sim")
	wantContains(t, "simulation", p.text("#sim"), "Payout ratio")
	p.shot("admin-simulate")

	p.open("/admin/plan", "#yaml")
	wantContains(t, "lint", p.text("#lint"), "blocking")
	evalIn[bool](p, `(() => { const t = document.querySelector("#yaml"); t.value = "plan: [broken"; t.dispatchEvent(new Event("input")); return true; })()`)
	p.do("live lint", chromedp.WaitVisible(chromedp.CSS("#lint .notice.error")))
	wantContains(t, "live lint", p.text("#lint"), "does not parse")
	p.shot("admin-plan-lint")
	p.open("/admin/audit", "#audit")
	wantContains(t, "audit log", p.text("#audit"), "distributor.move")
	p.shot("admin-audit")
}

// portalFlows walks the portal: register a deal and open a statement.
func portalFlows(t *testing.T, p *page, f *webFixture) {
	p.open("/portal/deals", "#organisation")
	p.fill("form[action='/portal/deals']", map[string]string{"organisation": "Acme Analytics GmbH", "domain": "https://www.acme-analytics.example/"})
	p.do("register a deal", chromedp.WaitVisible(chromedp.CSS("#deals")))
	wantContains(t, "deals table", p.text("#deals"), "acme-analytics.example")
	wantContains(t, "deals table", p.text("#deals"), "pending")
	p.shot("portal-deals")

	p.open("/portal/statements", "#statements")
	p.shot("portal-statements")
	head := evalIn[string](p, `fetch(document.querySelector("#statements a").href).then(r => r.headers.get("content-type") + " " + r.status)`)
	if head != "application/pdf 200" {
		t.Errorf("statement = %q, want application/pdf 200", head)
	}
	p.do("open a statement", chromedp.Navigate(p.base+"/portal/statements/"+f.periods[0]+".pdf"))

	p.open("/portal/team", "#team-tree")
	if n := p.count("#team-tree > li"); n != f.frontline {
		t.Errorf("team tree shows %d frontline members, want %d", n, f.frontline)
	}
	if p.count("#team-tree .mono") == 0 {
		t.Errorf("team tree shows no pseudonyms below the frontline")
	}
	p.shot("portal-team")
	p.open("/portal/team?q=P-", "#matches")

	p.open("/portal/referral", "#qr")
	link := evalIn[string](p, `document.querySelector("#ref-link").value`)
	wantContains(t, "referral link", link, "/r/"+f.me.ReferralCode)
	if w := evalIn[int](p, `document.querySelector("#qr").naturalWidth`); w == 0 {
		t.Errorf("the QR code image did not load")
	}
	p.shot("portal-referral")
	p.open("/portal/payouts", "#available")
	p.shot("portal-payouts")
	p.open("/portal/profile", ".facts")

	// The same dashboard on a phone.
	p.do("phone viewport", chromedp.EmulateViewport(390, 844))
	p.open("/portal", "#kpi-cuv")
	if w := evalIn[int](p, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("on a phone the dashboard is %d px wide, want no horizontal scrolling", w)
	}
	p.shot("portal-dashboard-phone")
	p.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
}
