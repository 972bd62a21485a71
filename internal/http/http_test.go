package http_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/downline/downline"
	dlhttp "github.com/downline/downline/internal/http"
	"github.com/downline/downline/internal/sqlstore"
	"github.com/downline/downline/internal/sqlstore/sqlstoretest"
)

var ctx = context.Background()

// fixture is a programme with a small tree, customers, orders and one user
// with an API token per role, served by a real server on a real SQLite
// store.
//
//	R (root, the default sponsor)
//	├── A   the distributor user acts as A
//	│   └── A1     A's frontline (level 1)
//	│       └── A2 A's level 2
//	└── B   A's sibling
type fixture struct {
	db     *sqlstore.DB
	srv    *dlhttp.Server
	ts     *httptest.Server
	tokens map[downline.Role]string
	dist   map[string]*downline.Distributor
	cust   map[string]*downline.Customer
	order  map[string]*downline.Order
	resets map[string]string // email → last reset token sent
}

// testPassword is cheap argon2id, so that tests stay fast; production uses
// DefaultPasswordParams.
var testPassword = dlhttp.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// newFixture builds the fixture; opts adjust the server before it starts.
func newFixture(t *testing.T, opts ...func(*dlhttp.Server)) *fixture {
	t.Helper()
	db := sqlstoretest.OpenSQLite(t)
	f := &fixture{db: db, tokens: map[downline.Role]string{}, dist: map[string]*downline.Distributor{},
		cust: map[string]*downline.Customer{}, order: map[string]*downline.Order{}, resets: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateProgramme(ctx, &downline.Programme{Name: "Test", Currency: "EUR", PeriodLength: downline.PeriodMonthly,
		TimeZone: "UTC", DefaultSponsorRef: "R"}))
	must(db.CreateProduct(ctx, &downline.Product{ExternalID: "SKU-1", Name: "Seat", Kind: downline.KindSubscription,
		RetailPrice: 10000, CV: 8000, QV: 8000, Commissionable: true}))
	must(db.CreateProduct(ctx, &downline.Product{ExternalID: "KIT", Name: "Starter kit", Kind: downline.KindTool, RetailPrice: 4900}))
	joined := sqlstoretest.Now.AddDate(0, -2, 0)
	for _, d := range [][2]string{{"R", ""}, {"A", "R"}, {"A1", "A"}, {"A2", "A1"}, {"B", "R"}} {
		x := &downline.Distributor{ExternalID: d[0], SponsorRef: d[1], JoinedAt: joined, Country: "DE",
			Email: d[0] + "@example.com", DisplayName: "Name of " + d[0], AgreementVersion: "v1"}
		must(db.CreateDistributor(ctx, x))
		f.dist[d[0]] = x
	}
	for _, c := range []string{"A", "A1", "B"} {
		x := &downline.Customer{ExternalID: "C-" + c, Name: "Customer of " + c, DistributorRef: c, Attribution: downline.AttributionCode}
		must(db.CreateCustomer(ctx, x))
		f.cust[c] = x
		o := &downline.Order{ExternalID: "O-" + c, CustomerRef: "C-" + c, Purpose: downline.PurposeCustomerDirect,
			Currency: "EUR", PaidAt: sqlstoretest.Now.Add(-time.Hour), Lines: []*downline.OrderLine{{ProductRef: "SKU-1", Quantity: 2, UnitPrice: 10000}}}
		must(db.CreateOrder(ctx, o))
		f.order[c] = o
	}
	for _, role := range downline.Roles() {
		u := &downline.User{Email: string(role) + "@vendor.example", Name: string(role), Role: role}
		if role == downline.RoleDistributor {
			u.DistributorID = f.dist["A"].ID
		}
		must(db.CreateUser(ctx, u))
		tok := "dlt_test_" + string(role)
		must(db.CreateAPIToken(ctx, &downline.APIToken{UserID: u.ID, Name: "test", Prefix: tok[:10], Hash: sha(tok),
			Scopes: []downline.Scope{downline.ScopeRead, downline.ScopeWrite}, ExpiresAt: sqlstoretest.Now.Add(time.Hour)}))
		f.tokens[role] = tok
	}
	f.srv = &dlhttp.Server{
		Programme: db, Products: db, Distributors: db, Customers: db, Orders: db, Refunds: db, Genealogy: db,
		Users: db, Sessions: db, Tokens: db, Resets: db, Enrolments: db, Audit: db, Idempotency: db,
		Runs: db, Payouts: db, Verifications: db, Risk: db, SelfDealing: db,
		Now: func() time.Time { return sqlstoretest.Now }, Rand: rand.Reader, Password: testPassword,
		PseudonymKey: []byte("test pseudonym key"), AgreementVersion: "v1", RateLimit: 1e6, RateBurst: 1e6,
		SignIn: downline.SignInPolicy{MaxFailures: 3, LockFor: time.Minute, Every: time.Second, Burst: 20},
		SendPasswordReset: func(_ context.Context, u *downline.User, token string) error {
			f.resets[u.Email] = token
			return nil
		},
	}
	for _, o := range opts {
		o(f.srv)
	}
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// response is one answer: status, headers and body.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends a request with the role's token ("" for none) and extra
// headers as pairs.
func (f *fixture) do(t *testing.T, role downline.Role, method, path, body string, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, f.ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}
