package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/downline/downline"
)

// idempotencyHeader names the header of idempotent writes.
const idempotencyHeader = "Idempotency-Key"

// recorder buffers a response so that it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}
func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

// idempotent gives a write handler Idempotency-Key semantics: the first
// successful (2xx) response to a key is stored; the same key with the same
// method, path and body gets it again, marked Idempotent-Replayed; the
// same key with another request is 409. Failed requests (validation
// errors included) are not stored, so a corrected retry may reuse the key.
// Keys belong to the authenticated user.
//
// For most handlers the stored response is looked up before the handler
// runs. A handler that keeps the response in the transaction of its
// change (see idemInTx) runs first instead: that transaction refuses a
// key in use, and only a failed request looks the key up, to replay or
// refuse it as the lookup would have beforehand. A request that succeeds
// thus costs no lookup of its own.
func (s *Server) idempotent(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(idempotencyHeader)
		c := credentialFrom(r.Context())
		if key == "" || c == nil || s.Idempotency == nil {
			h(w, r)
			return
		}
		if len(key) > 200 {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "header %s: must be at most 200 characters", idempotencyHeader))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if ok := asMaxBytes(err, &tooBig); ok {
				s.writeError(w, r, errBodyTooLarge{limit: tooBig.Limit})
				return
			}
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "request body: could not be read"))
			return
		}
		sum := sha256.New()
		io.WriteString(sum, r.Method+"\n"+r.URL.Path+"\n")
		sum.Write(body)
		reqHash := hex.EncodeToString(sum.Sum(nil))
		actorID := int64(c.user.ID)
		inTx := s.idemInTx(r)
		if !inTx && s.replayStored(w, r, actorID, key, reqHash) {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		claim := &idemClaim{actorID: actorID, key: key, hash: reqHash}
		r = r.WithContext(context.WithValue(r.Context(), idemClaimKey{}, claim))
		rec := &recorder{header: w.Header()}
		h(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		ok := rec.status >= 200 && rec.status < 300
		if !ok && inTx && s.replayStored(w, r, actorID, key, reqHash) {
			return
		}
		if ok && !claim.kept {
			err := s.Idempotency.SaveIdempotentResponse(r.Context(), &downline.IdempotentResponse{ActorUserID: actorID,
				Key: key, RequestHash: reqHash, Status: rec.status, Body: rec.body.Bytes()})
			if err != nil && downline.ErrorCode(err) != downline.CodeConflict {
				s.logger().Error("save idempotent response", "err", err)
			}
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	}
}

// replayStored answers the request from the response stored for the
// user's key: that response, marked Idempotent-Replayed, for the same
// request (reqHash), 409 for another. It reports whether it answered: not
// when no response is stored.
func (s *Server) replayStored(w http.ResponseWriter, r *http.Request, actorID int64, key, reqHash string) bool {
	prev, err := s.Idempotency.FindIdempotentResponse(r.Context(), actorID, key)
	switch {
	case err == nil && prev.RequestHash == reqHash:
		w.Header().Del("Retry-After") // of a failed handler's answer, if any
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		w.Write(prev.Body)
	case err == nil:
		s.writeError(w, r, downline.Errorf(downline.CodeConflict, "Idempotency-Key %q was used for a different request.", key))
	case downline.ErrorCode(err) != downline.CodeNotFound:
		s.writeError(w, r, err)
	default:
		return false
	}
	return true
}

// idemInTx reports whether the request's handler keeps its idempotent
// response in the transaction of its change and so needs no lookup
// beforehand: POST /api/v1/orders over an OrderRecordService (see
// createOrderRecorded; the key check is keepIdempotentResponses's).
func (s *Server) idemInTx(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/api/v1/orders" && recordService(s.Orders) != nil
}

// idemClaim is the Idempotency-Key of a request that found no stored
// response. A handler that stores the response in the transaction of its
// change (see handleAPIOrderCreate) takes it with response and sets kept;
// otherwise idempotent stores the response after the handler.
type idemClaim struct {
	actorID   int64
	key, hash string
	kept      bool
}

type idemClaimKey struct{}

// idemClaimFrom returns the request's claim, or nil without a key.
func idemClaimFrom(ctx context.Context) *idemClaim {
	c, _ := ctx.Value(idemClaimKey{}).(*idemClaim)
	return c
}

// response returns the record of the answer to the claimed key; nil for a
// nil claim.
func (c *idemClaim) response(status int, body []byte) *downline.IdempotentResponse {
	if c == nil {
		return nil
	}
	return &downline.IdempotentResponse{ActorUserID: c.actorID, Key: c.key, RequestHash: c.hash, Status: status, Body: body}
}
