package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMain runs the program in-process with args and no environment, and
// returns what it printed.
func runMain(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

// startServer runs `downline args...` in the background until the test
// ends and returns the base URL it listens on (it prints it first).
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	return startServerEnv(t, nil, args...)
}

// startServerEnv is startServer with environment variables.
func startServerEnv(t *testing.T, environ map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return environ[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("downline %s: %v", strings.Join(args, " "), err)
		}
	})
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			go io.Copy(io.Discard, pr)
			return addr
		}
	}
	t.Fatalf("downline %s exited before listening", strings.Join(args, " "))
	return ""
}

// client is a cookie-keeping HTTP client, as a browser would be.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Timeout: 10 * time.Second, Jar: jar}
}

func getJSON(t *testing.T, c *http.Client, url string, v any) int {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode
}

func TestUsage(t *testing.T) {
	t.Parallel()
	if _, _, err := runMain(t, "no-such-command"); exitCode(err, io.Discard) != 2 {
		t.Errorf("unknown command: exit %d, want 2", exitCode(err, io.Discard))
	}
	out, _, err := runMain(t, "version")
	if err != nil || !strings.HasPrefix(out, "downline ") {
		t.Errorf("version = %q, %v; want a line starting with \"downline \"", out, err)
	}
	for _, c := range commands() {
		out, _, err := runMain(t, c.name, "--help")
		if exitCode(err, io.Discard) != 0 || !strings.Contains(out, "Usage: downline "+c.name) {
			t.Errorf("%s --help: exit %d, output %q", c.name, exitCode(err, io.Discard), out)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	e := &env{getenv: func(k string) string {
		return map[string]string{"DOWNLINE_DB": "sqlite:/env.db", "DOWNLINE_LISTEN": "127.0.0.1:9999"}[k]
	}, stdout: io.Discard, stderr: io.Discard}
	cfg := DefaultConfig()
	fs := newFlagSet(e, "serve", "", "")
	configFlags(fs, e, &cfg, true)
	if err := parseFlags(fs, []string{"--db", "sqlite:/flag.db"}); err != nil {
		t.Fatal(err)
	}
	if cfg.DB != "sqlite:/flag.db" || cfg.Listen != "127.0.0.1:9999" || cfg.LogLevel != "info" {
		t.Errorf("config = %+v; want the flag's db, the environment's listen and the default log level", cfg)
	}
	if err := (Config{DB: "mysql://x", LogLevel: "info", LogFormat: "text"}).Validate(); err == nil {
		t.Error("Validate accepted a mysql URL")
	}
}

// TestDemoEndToEnd builds a small demo, then starts the real server on a
// random port against that database and reads it over HTTP.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runMain(t, "demo", "--data", dir, "--no-serve", "--distributors", "150")
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	if !strings.Contains(out, "Created the demo programme") || !strings.Contains(out, "150 distributors") {
		t.Errorf("demo output does not report what it created:\n%s", out)
	}
	out, _, err = runMain(t, "demo", "--data", dir, "--no-serve", "--distributors", "150")
	if err != nil || !strings.Contains(out, "Reusing the demo programme") {
		t.Errorf("second demo run: %v; want it to reuse the data:\n%s", err, out)
	}

	if !strings.Contains(out, "Commission runs (plan customer-first)") || !strings.Contains(out, " close ") {
		t.Errorf("demo output does not report its commission runs:\n%s", out)
	}
	// The compliance cases: a 2 % sample of every closed month with one
	// rejection after the close and one overdue case, and the risk flags.
	if !strings.Contains(out, "1 rejected") || !strings.Contains(out, "(1 overdue)") || !strings.Contains(out, "1 circular sponsorship") {
		t.Errorf("demo output does not report its verification cases and risk flags:\n%s", out)
	}

	base := startServerEnv(t, map[string]string{"DOWNLINE_STRIPE_WEBHOOK_SECRETS": "whsec_test_e2e"},
		"serve", "--db", "sqlite:"+filepath.Join(dir, "downline.db"), "--listen", "127.0.0.1:0")
	c := newClient(t)
	var health struct{ Status string }
	if code := getJSON(t, c, base+"/healthz", &health); code != 200 || health.Status != "ok" {
		t.Errorf("GET /healthz = %d %+v, want 200 ok", code, health)
	}
	var prob struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if code := getJSON(t, c, base+"/api/v1/distributors", &prob); code != 401 {
		t.Errorf("GET /api/v1/distributors without signing in = %d, want 401", code)
	}
	body := `{"email":"` + demoAdminEmail + `","password":"` + demoAdminPassword + `"}`
	resp, err := c.Post(base+"/api/v1/sessions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("sign in as the demo administrator: status %d", resp.StatusCode)
	}
	var ds struct {
		Items []struct {
			ID           int64  `json:"id"`
			ExternalID   string `json:"external_id"`
			ReferralCode string `json:"referral_code"`
		}
		Total      int    `json:"total"`
		NextCursor string `json:"next_cursor"`
	}
	if code := getJSON(t, c, base+"/api/v1/distributors?limit=10", &ds); code != 200 || ds.Total != 150 || len(ds.Items) != 10 || ds.NextCursor == "" {
		t.Errorf("GET /api/v1/distributors = %d, total %d, %d items, cursor %q; want 200, 150, 10, a cursor", code, ds.Total, len(ds.Items), ds.NextCursor)
	}
	var next struct {
		Items []struct {
			ID int64 `json:"id"`
		}
	}
	getJSON(t, c, base+"/api/v1/distributors?limit=10&cursor="+ds.NextCursor, &next)
	if len(next.Items) != 10 || len(ds.Items) == 0 || next.Items[0].ID <= ds.Items[len(ds.Items)-1].ID {
		t.Errorf("second page does not continue after the first: %+v", next.Items)
	}
	var orders struct {
		Total int `json:"total"`
	}
	if code := getJSON(t, c, base+"/api/v1/orders?limit=5", &orders); code != 200 || orders.Total == 0 {
		t.Errorf("GET /api/v1/orders = %d with total %d; want 200 and some orders", code, orders.Total)
	}
	// The referral link redirects to the landing page with the code.
	noFollow := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code := ds.Items[0].ReferralCode
	resp, err = noFollow.Get(base + "/r/" + code)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.Contains(loc, "ref="+code) {
		t.Errorf("GET /r/%s = %d to %q; want 302 to the landing page with ref=%s", code, resp.StatusCode, loc, code)
	}
	// A webhook with a bad signature is refused and stores nothing.
	req, _ := http.NewRequest("POST", base+"/webhooks/stripe", strings.NewReader(`{"id":"evt_1","type":"invoice.paid"}`))
	req.Header.Set("Stripe-Signature", "t=1,v1=00")
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST /webhooks/stripe with a bad signature = %d, want 400", resp.StatusCode)
	}
	if code := getJSON(t, c, base+"/api/v1/distributors/999999", &prob); code != 404 || prob.Status != 404 {
		t.Errorf("GET unknown distributor = %d %+v, want a 404 problem", code, prob)
	}
}
