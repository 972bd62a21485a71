// Package stripe verifies and decodes Stripe webhook deliveries and turns
// them into domain-neutral intents (new order, refund, attribution, …) that
// the caller applies to its store. It is written against Stripe's documented
// wire format, without the Stripe SDK, and decodes only the fields Downline
// uses.
//
// Wiring (cmd/downline): build a Verifier from the endpoint secrets, an
// Applier over *sqlstore.DB (it implements EventLog, PriceBook,
// ReferralMover and the domain services), and mount
// NewWebhookHandler(verifier, applier, log) at POST /webhooks/stripe.
// Applier.Replay re-processes a stored event after its needs-attention item
// was dealt with.
package stripe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Event types this package maps to intents. Every other type maps to an
// Ignored intent, so that the raw event is still kept and visible.
const (
	TypeInvoicePaid             = "invoice.paid"
	TypeChargeRefunded          = "charge.refunded"
	TypeCreditNoteCreated       = "credit_note.created"
	TypeCheckoutSessionComplete = "checkout.session.completed"
	TypeCustomerCreated         = "customer.created"
	TypeSubscriptionDeleted     = "customer.subscription.deleted"
)

// Event is the envelope of a webhook delivery. Object holds data.object
// undecoded; the Decode* functions turn it into the typed object its
// ObjectType names.
type Event struct {
	ID         string
	Type       string
	Created    time.Time
	Livemode   bool
	APIVersion string
	ObjectType string          // data.object.object, e.g. "invoice"
	Object     json.RawMessage // data.object, verbatim
}

// DecodeEvent parses a webhook body. It needs an id, a type and a
// data.object with an "object" discriminator; a payload without them is not
// an event and gets an error naming the missing field.
func DecodeEvent(payload []byte) (*Event, error) {
	var w struct {
		ID         string `json:"id"`
		Object     string `json:"object"`
		Type       string `json:"type"`
		Created    int64  `json:"created"`
		Livemode   bool   `json:"livemode"`
		APIVersion string `json:"api_version"`
		Data       struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(payload, &w); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	switch {
	case w.ID == "":
		return nil, errors.New("decode event: field id is missing")
	case w.Object != "" && w.Object != "event":
		return nil, fmt.Errorf("decode event %s: field object is %q, want \"event\"", w.ID, w.Object)
	case w.Type == "":
		return nil, fmt.Errorf("decode event %s: field type is missing", w.ID)
	case len(w.Data.Object) == 0 || bytes.Equal(w.Data.Object, []byte("null")):
		return nil, fmt.Errorf("decode event %s: field data.object is missing", w.ID)
	}
	var disc struct {
		Object string `json:"object"`
	}
	if err := json.Unmarshal(w.Data.Object, &disc); err != nil {
		return nil, fmt.Errorf("decode event %s: field data.object: %w", w.ID, err)
	}
	if disc.Object == "" {
		return nil, fmt.Errorf("decode event %s: field data.object.object is missing", w.ID)
	}
	return &Event{
		ID:         w.ID,
		Type:       w.Type,
		Created:    time.Unix(w.Created, 0).UTC(),
		Livemode:   w.Livemode,
		APIVersion: w.APIVersion,
		ObjectType: disc.Object,
		Object:     w.Data.Object,
	}, nil
}

// decodeObject decodes e.Object into dst after checking its discriminator.
func decodeObject(e *Event, want string, dst any) error {
	if e.ObjectType != want {
		return fmt.Errorf("event %s: data.object is a %q, want %q", e.ID, e.ObjectType, want)
	}
	if err := json.Unmarshal(e.Object, dst); err != nil {
		return fmt.Errorf("event %s: decode %s: %w", e.ID, want, err)
	}
	return nil
}

// ID is a reference to another Stripe object. On the wire it is either the
// object's id string, null, or the object itself when the request expanded
// it; ID accepts all three and keeps only the id.
type ID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*id = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	case len(b) > 0 && b[0] == '{':
		var o struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*id = ID(o.ID)
		return nil
	}
	return fmt.Errorf("stripe reference %.40q is neither an id, an object nor null", b)
}
