package downline

import (
	"context"
	"time"
)

// IdempotentResponse is the stored answer to a write request sent with an
// Idempotency-Key header. A retry with the same key and the same body gets
// this answer again instead of acting twice; the same key with another
// body is refused.
type IdempotentResponse struct {
	// ActorUserID scopes keys: two users may use the same key.
	ActorUserID int64
	Key         string
	// RequestHash is the hex SHA-256 of the method, path and body.
	RequestHash string
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

// IdempotencyService stores responses by idempotency key.
type IdempotencyService interface {
	// FindIdempotentResponse returns the response stored for the user's
	// key. Returns CodeNotFound.
	FindIdempotentResponse(ctx context.Context, actorUserID int64, key string) (*IdempotentResponse, error)

	// SaveIdempotentResponse stores r and sets its CreatedAt. Returns
	// CodeConflict when the key is stored already.
	SaveIdempotentResponse(ctx context.Context, r *IdempotentResponse) error
}
