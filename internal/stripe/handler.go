package stripe

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
)

// MaxPayloadBytes bounds a webhook body. Stripe's events are far smaller;
// the bound keeps an unauthenticated sender from making the server buffer
// arbitrary amounts before the signature is checked.
const MaxPayloadBytes = 1 << 20

// Receiver stores and applies verified events. It is implemented where the
// store and the intent mapping meet (cmd/downline wires it).
type Receiver interface {
	// ReceiveEvent keeps raw (the body exactly as signed) under e.ID and
	// applies the event's intents, once: a second delivery of the same
	// event id must change nothing and return nil. Any error makes the
	// handler answer 500, so that Stripe delivers the event again.
	ReceiveEvent(ctx context.Context, e *Event, raw []byte) error
}

// WebhookHandler serves POST /webhooks/stripe. The lead mounts it in
// internal/http's routes.
type WebhookHandler struct {
	verifier *Verifier
	receiver Receiver
	log      *slog.Logger
}

// NewWebhookHandler returns a handler that verifies each delivery with v
// and passes verified events to r. A nil logger discards logs.
func NewWebhookHandler(v *Verifier, r Receiver, log *slog.Logger) *WebhookHandler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &WebhookHandler{verifier: v, receiver: r, log: log}
}

// ServeHTTP answers 200 for an accepted (or duplicate) event, 400 when the
// signature or the envelope is bad (nothing is stored), 413 for an
// oversized body and 500 when the receiver fails.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// The signature covers the raw bytes, so read them before anything
	// could re-encode the body.
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPayloadBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if err := h.verifier.Verify(raw, r.Header.Get("Stripe-Signature")); err != nil {
		h.log.Warn("stripe webhook rejected", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "signature verification failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	ev, err := DecodeEvent(raw)
	if err != nil {
		h.log.Warn("stripe webhook undecodable", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.receiver.ReceiveEvent(r.Context(), ev, raw); err != nil {
		h.log.Error("stripe webhook not stored", "event", ev.ID, "type", ev.Type, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"received":true}`)
}
