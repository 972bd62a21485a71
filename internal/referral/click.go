// Package referral serves referral links (GET /r/{code} and
// /r/{code}/{campaign}): it records each click, flags bot-like, repeated and
// burst clicks without discarding them, sets a first-party attribution
// cookie and redirects to the programme's landing page. Clicks are written
// in batches by a background writer so that storage never slows a redirect.
//
// Wiring (cmd/downline): *sqlstore.DB implements Codes directly; ClickSink
// needs a three-line adapter converting []Click to []sqlstore.Click (same
// fields). Create the Recorder, pass it to NewHandler, mount the handler at
// GET /r/{code} and GET /r/{code}/{campaign}, and on shutdown call
// Recorder.Close after the HTTP server has stopped.
package referral

import (
	"context"
	"strings"
	"time"
)

// Click is one recorded visit of a referral link. It holds no raw personal
// data: the IP address and user agent are kept only as keyed hashes, which
// still let repeated clicks from one address be recognised.
type Click struct {
	At            time.Time
	Code          string // the referral code, as validated
	Campaign      string // optional campaign segment of the link
	IPHash        string // hex HMAC-SHA256 of the client IP under the secret salt
	UserAgentHash string // hex HMAC-SHA256 of the User-Agent under the same salt
	Referrer      string // the Referer header, truncated to MaxReferrerLen
	Bot           bool   // the user agent looks automated
	Repeat        bool   // same IP hash and code seen within the repeat window
	Burst         bool   // the code's click rate exceeds the burst threshold
}

// IsSuspect reports whether the click carries any fraud or quality flag.
func (c Click) IsSuspect() bool { return c.Bot || c.Repeat || c.Burst }

// MaxReferrerLen bounds the stored Referer header.
const MaxReferrerLen = 512

// ClickSink stores clicks. The store implements it.
type ClickSink interface {
	// RecordClicks stores a batch of clicks in one transaction: all or
	// none. On error the recorder retries the same batch later.
	RecordClicks(ctx context.Context, clicks []Click) error
}

// Codes validates referral codes. The store implements it.
type Codes interface {
	// IsActiveReferralCode reports whether code belongs to a distributor
	// who may currently be credited with new customers.
	IsActiveReferralCode(ctx context.Context, code string) (bool, error)
}

// botMarkers are substrings of user agents of crawlers, link previewers,
// monitors and HTTP libraries: clicks that are not a person choosing to
// follow the link.
var botMarkers = []string{
	"bot", "crawl", "spider", "slurp", "preview", "fetcher", "monitor", "headless",
	"curl/", "wget/", "python-requests", "python-urllib", "go-http-client", "java/",
	"okhttp", "libwww", "httpclient", "axios/", "node-fetch", "scrapy", "phantomjs",
	"facebookexternalhit", "whatsapp", "skypeuripreview", "lighthouse", "pingdom",
}

// IsBotUserAgent reports whether ua looks automated. An empty user agent
// counts as automated: browsers always send one.
func IsBotUserAgent(ua string) bool {
	ua = strings.ToLower(strings.TrimSpace(ua))
	if ua == "" {
		return true
	}
	for _, m := range botMarkers {
		if strings.Contains(ua, m) {
			return true
		}
	}
	return false
}
