package downline

import (
	"context"
	"strings"
	"time"
)

// The staff roles besides RoleAdmin (the owner or administrator, who may do
// everything). RoleDistributor and RoleSystem are declared with Actor.
const (
	// RoleFinance records orders and refunds and reads everything money.
	RoleFinance Role = "finance"
	// RoleCompliance reads everything, including the audit log.
	RoleCompliance Role = "compliance"
	// RoleSupport reads records to help participants; it changes nothing.
	RoleSupport Role = "support"
)

// IsValid reports whether r is a role a user account may hold. RoleSystem
// is reserved for the program itself.
func (r Role) IsValid() bool {
	switch r {
	case RoleAdmin, RoleFinance, RoleCompliance, RoleSupport, RoleDistributor:
		return true
	}
	return false
}

// IsStaff reports whether r is one of the vendor's roles rather than a
// participant's.
func (r Role) IsStaff() bool {
	return r == RoleAdmin || r == RoleFinance || r == RoleCompliance || r == RoleSupport || r == RoleSystem
}

// UserID identifies a User.
type UserID int64

// User is an account that can sign in: a member of the vendor's staff or a
// distributor in its back office.
type User struct {
	ID    UserID
	Email string // unique, compared case-insensitively (stored lower-case)
	Name  string
	Role  Role
	// DistributorID is the distributor a RoleDistributor user acts as; zero
	// for staff.
	DistributorID DistributorID
	// PasswordHash is an encoded password hash (PHC string format); empty
	// when the account cannot sign in with a password.
	PasswordHash string
	Disabled     bool
	// FailedSignIns counts consecutive failed sign-ins; LockedUntil is the
	// end of a lockout after too many (zero when not locked).
	FailedSignIns int
	LockedUntil   time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks u and returns a CodeInvalid *Error naming the user and
// the first bad field.
func (u *User) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "user %q: %s %s", u.Email, field, why)
	}
	switch {
	case !isEmail(u.Email):
		return bad("email", "is not an email address")
	case u.Email != strings.ToLower(u.Email):
		return bad("email", "must be lower-case")
	case len(u.Name) > 200:
		return bad("name", "must be at most 200 characters")
	case !u.Role.IsValid():
		return bad("role", "must be admin, finance, compliance, support or distributor")
	case u.Role == RoleDistributor && u.DistributorID == 0:
		return bad("distributor", "is required for a distributor account")
	case u.Role != RoleDistributor && u.DistributorID != 0:
		return bad("distributor", "must be empty for a staff account")
	case u.FailedSignIns < 0:
		return bad("failed sign-ins", "must not be negative")
	}
	return nil
}

// Actor returns the actor u acts as.
func (u *User) Actor() *Actor {
	name := u.Name
	if name == "" {
		name = u.Email
	}
	return &Actor{UserID: int64(u.ID), Name: name, Role: u.Role, DistributorID: u.DistributorID}
}

// IsLocked reports whether u may not sign in at now because of a lockout.
func (u *User) IsLocked(now time.Time) bool {
	return !u.LockedUntil.IsZero() && now.Before(u.LockedUntil)
}

// SignInPolicy decides throttling and lockout of password sign-in.
type SignInPolicy struct {
	// MaxFailures is the number of consecutive failures that locks an
	// account.
	MaxFailures int
	// LockFor is how long a lockout lasts.
	LockFor time.Duration
	// Every and Burst throttle sign-in, password reset and enrolment
	// attempts per IP address: a burst of Burst, then one per Every.
	Every time.Duration
	Burst int
}

// DefaultSignInPolicy locks an account for 15 minutes after 5 consecutive
// failures, and allows an IP address 5 attempts, then one every 6 seconds.
func DefaultSignInPolicy() SignInPolicy {
	return SignInPolicy{MaxFailures: 5, LockFor: 15 * time.Minute, Every: 6 * time.Second, Burst: 5}
}

// AfterFailure returns the failure count and lockout end of an account
// after one more failed sign-in at now. Reaching MaxFailures locks the
// account and restarts the count.
func (p SignInPolicy) AfterFailure(u *User, now time.Time) (failures int, lockedUntil time.Time) {
	failures = u.FailedSignIns + 1
	if failures >= p.MaxFailures {
		return 0, now.Add(p.LockFor)
	}
	return failures, u.LockedUntil
}

// UserFilter selects users; nil fields match everything.
type UserFilter struct {
	ID            *UserID
	Email         *string
	Role          *Role
	DistributorID *DistributorID

	// AfterID is a keyset cursor; results are ordered by ID. Limit 0 means
	// no limit.
	AfterID UserID
	Limit   int
}

// UserUpdate holds the fields of a user that may change.
type UserUpdate struct {
	Name          *string
	Role          *Role
	Disabled      *bool
	PasswordHash  *string
	FailedSignIns *int
	LockedUntil   *time.Time
}

// UserService stores user accounts.
type UserService interface {
	// FindUserByID returns one user. Returns CodeNotFound.
	FindUserByID(ctx context.Context, id UserID) (*User, error)

	// FindUserByEmail returns the user with the email, compared
	// case-insensitively. Returns CodeNotFound.
	FindUserByEmail(ctx context.Context, email string) (*User, error)

	// FindUsers returns the users matching filter, ordered by ID, and the
	// total number of matches ignoring Limit.
	FindUsers(ctx context.Context, filter UserFilter) ([]*User, int, error)

	// CreateUser stores u, lower-casing its email and filling its ID and
	// timestamps. Returns CodeInvalid for a bad user or an unknown
	// distributor and CodeConflict when the email is taken.
	CreateUser(ctx context.Context, u *User) error

	// UpdateUser changes the given fields and returns the result. Returns
	// CodeNotFound and CodeInvalid.
	UpdateUser(ctx context.Context, id UserID, upd UserUpdate) (*User, error)
}

// Session is a signed-in browser. The session id itself is a random secret
// held only in the browser's cookie; the store keeps its SHA-256 hash, so
// that a copy of the database cannot be used to sign in.
type Session struct {
	// Hash is the hex SHA-256 of the session id.
	Hash      string
	UserID    UserID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionService stores sessions.
type SessionService interface {
	// CreateSession stores s and sets its CreatedAt. Returns CodeConflict
	// when the hash exists.
	CreateSession(ctx context.Context, s *Session) error

	// FindSession returns the unexpired session with the hash. Returns
	// CodeNotFound for an unknown or expired session.
	FindSession(ctx context.Context, hash string) (*Session, error)

	// DeleteSession removes the session with the hash; removing an unknown
	// session is not an error.
	DeleteSession(ctx context.Context, hash string) error

	// DeleteUserSessions removes every session of the user, for example
	// after a password change.
	DeleteUserSessions(ctx context.Context, id UserID) error
}

// Scope limits what an API token may do on top of its user's role.
type Scope string

// The scopes.
const (
	ScopeRead  Scope = "read"  // safe methods: GET
	ScopeWrite Scope = "write" // every state-changing request
)

// IsValid reports whether s is one of the scopes.
func (s Scope) IsValid() bool { return s == ScopeRead || s == ScopeWrite }

// APITokenID identifies an APIToken.
type APITokenID int64

// APIToken lets a program act as a user through the API with
// "Authorization: Bearer <token>". The token is shown once on creation;
// the store keeps its SHA-256 hash and a short prefix to recognise it.
type APIToken struct {
	ID     APITokenID
	UserID UserID
	Name   string
	// Prefix is the first characters of the token, safe to show in lists.
	Prefix string
	// Hash is the hex SHA-256 of the whole token.
	Hash      string
	Scopes    []Scope
	ExpiresAt time.Time
	// RevokedAt is when the token was revoked; zero while it is valid.
	RevokedAt time.Time
	CreatedAt time.Time
}

// Validate checks t and returns a CodeInvalid *Error naming the token and
// the first bad field.
func (t *APIToken) Validate() error {
	bad := func(field, why string) error {
		return Errorf(CodeInvalid, "API token %q: %s %s", t.Name, field, why)
	}
	switch {
	case strings.TrimSpace(t.Name) == "" || len(t.Name) > 100:
		return bad("name", "must be 1 to 100 characters")
	case t.UserID == 0:
		return bad("user", "is required")
	case len(t.Hash) != 64:
		return bad("hash", "must be a hex SHA-256")
	case len(t.Scopes) == 0:
		return bad("scopes", "must not be empty")
	case t.ExpiresAt.IsZero():
		return bad("expires at", "is required")
	}
	for _, s := range t.Scopes {
		if !s.IsValid() {
			return bad("scopes", "must be read or write")
		}
	}
	return nil
}

// HasScope reports whether t carries scope s.
func (t *APIToken) HasScope(s Scope) bool {
	for _, x := range t.Scopes {
		if x == s {
			return true
		}
	}
	return false
}

// IsUsable reports whether t is neither revoked nor expired at now.
func (t *APIToken) IsUsable(now time.Time) bool {
	return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt)
}

// APITokenService stores API tokens.
type APITokenService interface {
	// CreateAPIToken stores t and fills its ID and CreatedAt. Returns
	// CodeInvalid and CodeConflict (the hash exists).
	CreateAPIToken(ctx context.Context, t *APIToken) error

	// FindAPITokenByHash returns the token with the hash, usable or not.
	// Returns CodeNotFound.
	FindAPITokenByHash(ctx context.Context, hash string) (*APIToken, error)

	// FindAPITokens returns the tokens of a user, ordered by ID.
	FindAPITokens(ctx context.Context, user UserID) ([]*APIToken, error)

	// RevokeAPIToken revokes a token of the user; revoking it again is a
	// no-op. Returns CodeNotFound when the user has no such token.
	RevokeAPIToken(ctx context.Context, user UserID, id APITokenID) error
}

// PasswordReset is a single-use, expiring permission to set a user's
// password. The token goes to the user's email; the store keeps its hash.
type PasswordReset struct {
	Hash      string
	UserID    UserID
	ExpiresAt time.Time
	CreatedAt time.Time
}

// PasswordResetService stores password reset tokens.
type PasswordResetService interface {
	// CreatePasswordReset stores r and sets its CreatedAt.
	CreatePasswordReset(ctx context.Context, r *PasswordReset) error

	// UsePasswordReset marks the reset with the hash used and returns its
	// user, in one transaction so that a token works once. Returns
	// CodeInvalid for an unknown, used or expired token.
	UsePasswordReset(ctx context.Context, hash string) (UserID, error)
}
