package nacha

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Originator describes the company sending the payments and its bank.
type Originator struct {
	DestinationRouting string // 9-digit routing number of the bank or ACH operator receiving the file
	DestinationName    string
	Origin             string // immediate origin: 9-digit routing or 10-character company id
	OriginName         string
	CompanyName        string // shown on the receiver's statement (16 characters)
	CompanyID          string // 10 characters, usually "1" + EIN
	ODFI               string // 9-digit routing number of the originating bank
}

// Payment is one ACH credit to a distributor's bank account.
type Payment struct {
	ID      string // payout item id; unique in the batch; written as the individual id
	Name    string
	Routing string // 9-digit routing number with check digit
	Account string
	Savings bool  // credit a savings account (32) instead of checking (22)
	Amount  int64 // cents, positive
	Info    string
}

// CreditBatch describes a credit-only payout batch.
type CreditBatch struct {
	SEC           string    // "PPD" for people, "CCD" for businesses
	Description   string    // entry description, e.g. "COMMISSION"
	CreatedAt     time.Time // file creation time (injected)
	EffectiveDate time.Time // requested settlement date
	IDModifier    string    // "A" for the first file of the day; default "A"
	Payments      []Payment
}

// NewCreditFile builds a file with one credit-only batch (service class
// 220) paying each payment, sorted by ID. Trace numbers are the ODFI's 8
// digits and the 1-based position of the payment. A non-empty Info
// becomes a type 05 addenda. Text is restricted to printable ASCII and
// cut to the field width (see Text). It fails with a downline.CodeInvalid
// error naming the payment and field.
func NewCreditFile(o Originator, cb CreditBatch) (*File, error) {
	if !ValidRouting(o.DestinationRouting) {
		return nil, invalid("ACH originator: destination routing number %q is not valid.", o.DestinationRouting)
	}
	if !ValidRouting(o.ODFI) {
		return nil, invalid("ACH originator: ODFI routing number %q is not valid.", o.ODFI)
	}
	if cb.SEC != "PPD" && cb.SEC != "CCD" {
		return nil, invalid("ACH batch: standard entry class %q; want PPD or CCD.", cb.SEC)
	}
	if len(cb.Payments) == 0 {
		return nil, invalid("ACH batch has no payments.")
	}
	if len(cb.Payments) > 9_999_999 {
		return nil, invalid("ACH batch has %d payments; at most 9999999 fit the trace number.", len(cb.Payments))
	}
	mod := cb.IDModifier
	if mod == "" {
		mod = "A"
	}
	odfi := o.ODFI[:8]
	ps := slices.Clone(cb.Payments)
	slices.SortFunc(ps, func(a, b Payment) int { return cmp.Compare(a.ID, b.ID) })
	b := Batch{
		ServiceClass:     CreditsOnly,
		CompanyName:      Text(o.CompanyName, 16),
		CompanyID:        Text(o.CompanyID, 10),
		SEC:              cb.SEC,
		EntryDescription: Text(cb.Description, 10),
		EffectiveDate:    cb.EffectiveDate.Format("060102"),
		OriginatorStatus: "1",
		ODFI:             odfi,
		Number:           1,
	}
	for i, p := range ps {
		switch {
		case p.ID == "":
			return nil, invalid("ACH payment %d has no id.", i+1)
		case i > 0 && ps[i-1].ID == p.ID:
			return nil, invalid("ACH payment id %s is used twice.", p.ID)
		case p.Amount <= 0 || p.Amount > 9_999_999_999:
			return nil, invalid("ACH payment %s: amount %d cents is outside 1 to 9999999999.", p.ID, p.Amount)
		case !ValidRouting(p.Routing):
			return nil, invalid("ACH payment %s: routing number %q is not 9 digits with a matching check digit.", p.ID, p.Routing)
		case Text(p.Account, 17) == "" || len(p.Account) > 17:
			return nil, invalid("ACH payment %s: account number %q is empty or longer than 17 characters.", p.ID, p.Account)
		case len(p.ID) > 15:
			return nil, invalid("ACH payment %s: id is longer than 15 characters.", p.ID)
		}
		code := CheckingCredit
		if p.Savings {
			code = SavingsCredit
		}
		e := Entry{
			TransactionCode: code,
			RDFI:            p.Routing,
			Account:         Text(p.Account, 17),
			Amount:          p.Amount,
			IndividualID:    p.ID,
			Name:            Text(p.Name, 22),
			TraceNumber:     fmt.Sprintf("%s%07d", odfi, i+1),
		}
		if info := Text(p.Info, 80); info != "" {
			e.Addenda = []Addenda{{TypeCode: "05", PaymentInfo: info, Sequence: 1, EntrySequence: i + 1}}
		}
		b.Entries = append(b.Entries, e)
	}
	origin := o.Origin
	if origin == "" {
		origin = o.ODFI
	}
	return &File{
		Header: FileHeader{
			PriorityCode:         "01",
			ImmediateDestination: o.DestinationRouting,
			ImmediateOrigin:      origin,
			CreationDate:         cb.CreatedAt.Format("060102"),
			CreationTime:         cb.CreatedAt.Format("1504"),
			IDModifier:           mod,
			DestinationName:      Text(o.DestinationName, 23),
			OriginName:           Text(o.OriginName, 23),
		},
		Batches: []Batch{b},
	}, nil
}

// translit maps common accented Latin letters to ASCII.
var translit = strings.NewReplacer(
	"Ä", "AE", "Ö", "OE", "Ü", "UE", "ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss",
	"Á", "A", "À", "A", "Â", "A", "Ã", "A", "Å", "A", "á", "a", "à", "a", "â", "a", "ã", "a", "å", "a",
	"É", "E", "È", "E", "Ê", "E", "Ë", "E", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"Í", "I", "Ì", "I", "Î", "I", "Ï", "I", "í", "i", "ì", "i", "î", "i", "ï", "i",
	"Ó", "O", "Ò", "O", "Ô", "O", "Õ", "O", "Ø", "O", "ó", "o", "ò", "o", "ô", "o", "õ", "o", "ø", "o",
	"Ú", "U", "Ù", "U", "Û", "U", "ú", "u", "ù", "u", "û", "u",
	"Ç", "C", "ç", "c", "Ñ", "N", "ñ", "n", "Ý", "Y", "ý", "y", "ÿ", "y",
)

// Text restricts s to printable ASCII for a field of width n: common
// accented letters are transliterated ("José Müller" → "Jose Mueller"),
// other characters become spaces, and the result is trimmed and cut to n
// characters.
func Text(s string, n int) string {
	s = translit.Replace(s)
	b := []byte(strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return ' '
		}
		return r
	}, s))
	out := strings.TrimSpace(string(b))
	if len(out) > n {
		out = strings.TrimSpace(out[:n])
	}
	return out
}
