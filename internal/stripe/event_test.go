package stripe_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/downline/downline/internal/stripe"
)

func sortedStrings(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func TestDecodeEventEnvelope(t *testing.T) {
	body := eventBody(t, "evt_42", stripe.TypeCustomerCreated, fixture(t, "customer"))
	e, err := stripe.DecodeEvent(body)
	if err != nil {
		t.Fatal(err)
	}
	got := *e
	got.Object = nil
	want := stripe.Event{ID: "evt_42", Type: "customer.created", Created: time.Unix(1234567890, 0).UTC(),
		APIVersion: "2022-11-15", ObjectType: "customer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeEvent diff (-want +got):\n%s", diff)
	}
	c, err := stripe.DecodeCustomer(e)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "cus_NZbFQAsc0ptasX" {
		t.Errorf("DecodeCustomer().ID = %q, want cus_NZbFQAsc0ptasX", c.ID)
	}
}

func TestDecodeEventErrors(t *testing.T) {
	tests := []struct {
		name, body, wantSub string
	}{
		{"not json", `{`, "decode event"},
		{"no id", `{"type":"x","data":{"object":{"object":"customer"}}}`, "field id is missing"},
		{"not an event", `{"id":"x","object":"customer","type":"x","data":{"object":{"object":"customer"}}}`, `field object is "customer"`},
		{"no type", `{"id":"evt_1","data":{"object":{"object":"customer"}}}`, "field type is missing"},
		{"no data", `{"id":"evt_1","type":"x"}`, "field data.object is missing"},
		{"null object", `{"id":"evt_1","type":"x","data":{"object":null}}`, "field data.object is missing"},
		{"no discriminator", `{"id":"evt_1","type":"x","data":{"object":{"id":"cus_1"}}}`, "data.object.object is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stripe.DecodeEvent([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantSub) {
				t.Errorf("DecodeEvent(%s) = %v, want error containing %q", tt.body, err, tt.wantSub)
			}
		})
	}
}

func TestIDAcceptsStringObjectAndNull(t *testing.T) {
	var v struct{ A, B, C stripe.ID }
	if err := json.Unmarshal([]byte(`{"A":"cus_1","B":{"id":"cus_2","object":"customer"},"C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "cus_1" || v.B != "cus_2" || v.C != "" {
		t.Errorf("IDs = %q %q %q, want cus_1 cus_2 \"\"", v.A, v.B, v.C)
	}
	if err := json.Unmarshal([]byte(`{"A":12}`), &v); err == nil {
		t.Error("ID accepted a number")
	}
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"id":"evt_1","object":"event","type":"invoice.paid","created":1,"data":{"object":{"object":"invoice","id":"in_1","customer":"cus_1","currency":"usd","lines":{"data":[{"id":"il_1","amount":5,"quantity":1,"price":{"id":"price_1"}}]}}}}`))
	f.Add([]byte(`{"id":"evt_2","type":"charge.refunded","data":{"object":{"object":"charge","id":"ch_1","invoice":{"id":"in_1"},"currency":"usd","amount_refunded":3,"refunds":{"data":[{"id":"re_1","amount":3}]}}}}`))
	f.Add([]byte(`{"id":"evt_3","type":"checkout.session.completed","data":{"object":{"object":"checkout.session","client_reference_id":"A","customer":null}}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	m := stripe.Mapping{Lookup: stripe.MapLookup{Products: map[string]string{"price_1": "p"}, Customers: map[string]bool{"cus_1": true}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := stripe.DecodeEvent(body)
		if err != nil {
			return
		}
		if e.ID == "" || e.Type == "" || e.ObjectType == "" {
			t.Fatalf("DecodeEvent accepted an incomplete envelope: %+v", e)
		}
		if len(stripe.Intents(e, m)) == 0 {
			t.Fatalf("Intents(%s) is empty", e.Type)
		}
	})
}
