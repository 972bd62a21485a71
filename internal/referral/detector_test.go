package referral_test

import (
	"testing"
	"time"

	"github.com/downline/downline/internal/referral"
)

func TestDetectorRepeat(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := referral.NewDetector(referral.DetectorConfig{RepeatWindow: 10 * time.Minute, BurstThreshold: 1000})
	steps := []struct {
		at         time.Duration
		code, ip   string
		wantRepeat bool
	}{
		{0, "ALICE", "ip1", false},
		{time.Minute, "ALICE", "ip1", true},      // 1 min after the last: repeat
		{time.Minute, "BOB", "ip1", false},       // other code
		{2 * time.Minute, "ALICE", "ip2", false}, // other IP
		// 11 min − 1 min = 10 min since ip1's last ALICE click: window over.
		{11 * time.Minute, "ALICE", "ip1", false},
		{20*time.Minute + 59*time.Second, "ALICE", "ip1", true}, // 9 min 59 s later
	}
	for i, s := range steps {
		gotRepeat, _ := d.Observe(t0.Add(s.at), s.code, s.ip)
		if gotRepeat != s.wantRepeat {
			t.Errorf("step %d: Observe(+%s, %s, %s) repeat = %t, want %t", i, s.at, s.code, s.ip, gotRepeat, s.wantRepeat)
		}
	}
}

func TestDetectorBurst(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // a whole minute: window start
	d := referral.NewDetector(referral.DetectorConfig{BurstWindow: time.Minute, BurstThreshold: 5})
	observe := func(at time.Duration, n int) (burst bool) {
		for i := range n {
			_, burst = d.Observe(t0.Add(at), "ALICE", string(rune('a'+i)))
		}
		return burst
	}
	// 5 clicks in the first minute: estimate 5, not above 5.
	if observe(10*time.Second, 5) {
		t.Fatal("5 clicks in a minute flagged as a burst; threshold is 5")
	}
	// 6th click: estimate 6 > 5.
	if !observe(20*time.Second, 1) {
		t.Fatal("6th click in a minute not flagged")
	}
	// At 12:01:30 the previous window (6 clicks) still overlaps by half:
	// estimate 6 × 30/60 + 1 = 4 → no burst.
	if observe(90*time.Second, 1) {
		t.Fatal("click at 12:01:30 flagged; estimate is 6×½+1 = 4")
	}
	// Two more at 12:01:30: 6 × ½ + 3 = 6 > 5 → burst.
	if !observe(90*time.Second, 2) {
		t.Fatal("clicks at 12:01:30 not flagged; estimate is 6×½+3 = 6")
	}
	// Other codes are unaffected.
	if _, burst := d.Observe(t0.Add(90*time.Second), "BOB", "x"); burst {
		t.Fatal("BOB flagged by ALICE's burst")
	}
	// Two minutes later both windows are stale: estimate 1.
	if observe(4*time.Minute, 1) {
		t.Fatal("click after a quiet window flagged")
	}
}

func TestDetectorBoundedMemory(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := referral.NewDetector(referral.DetectorConfig{MaxEntries: 3})
	for i := range 10 {
		d.Observe(t0, "C", string(rune('a'+i)))
	}
	// The memory was reset at the cap, so "a" is no longer remembered;
	// the most recent one still is.
	if rep, _ := d.Observe(t0, "C", "j"); !rep {
		t.Error("latest entry forgotten")
	}
}

func TestIsBotUserAgent(t *testing.T) {
	tests := []struct {
		ua   string
		want bool
	}{
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", false},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true},
		{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", true},
		{"curl/8.5.0", true},
		{"python-requests/2.31", true},
		{"Go-http-client/1.1", true},
		{"facebookexternalhit/1.1", true},
		{"", true},
	}
	for _, tt := range tests {
		if got := referral.IsBotUserAgent(tt.ua); got != tt.want {
			t.Errorf("IsBotUserAgent(%q) = %t, want %t", tt.ua, got, tt.want)
		}
	}
}
