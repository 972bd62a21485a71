package sepa

import (
	"fmt"
	"strings"
)

// ibanLengths holds the IBAN length of the countries of the SEPA scheme,
// from the SWIFT IBAN registry. An IBAN of another country is rejected:
// SEPA credit transfers reach only these.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
	"GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "VA": 22,
}

// NormalizeIBAN removes spaces and upper-cases s, the form in which an
// IBAN is validated and written ("de89 3704 ..." → "DE893704...").
func NormalizeIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ValidateIBAN checks a normalised IBAN: a SEPA country code, the
// country's length, alphanumeric characters and the ISO 13616 mod-97
// check (the number formed by moving the first four characters to the
// end and replacing letters by 10..35 leaves remainder 1).
func ValidateIBAN(iban string) error {
	if len(iban) < 5 {
		return fmt.Errorf("IBAN %q: too short", iban)
	}
	want, ok := ibanLengths[iban[:2]]
	if !ok {
		return fmt.Errorf("IBAN %q: country %q is not in the SEPA scheme", iban, iban[:2])
	}
	if len(iban) != want {
		return fmt.Errorf("IBAN %q: %d characters, want %d for %s", iban, len(iban), want, iban[:2])
	}
	if iban[2] < '0' || iban[2] > '9' || iban[3] < '0' || iban[3] > '9' {
		return fmt.Errorf("IBAN %q: check digits are not digits", iban)
	}
	rem := 0
	for _, c := range iban[4:] + iban[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return fmt.Errorf("IBAN %q: character %q is not A-Z or 0-9", iban, c)
		}
	}
	if rem != 1 {
		return fmt.Errorf("IBAN %q: check digits do not match (mod 97 = %d, want 1)", iban, rem)
	}
	return nil
}

// ValidateBIC checks a BIC (ISO 9362): 8 or 11 characters, four
// alphanumeric institution characters, a two-letter country code, two
// alphanumeric location characters and an optional three-character
// branch code.
func ValidateBIC(bic string) error {
	if len(bic) != 8 && len(bic) != 11 {
		return fmt.Errorf("BIC %q: %d characters, want 8 or 11", bic, len(bic))
	}
	for i := 0; i < len(bic); i++ {
		c := bic[i]
		letter := c >= 'A' && c <= 'Z'
		if i == 4 || i == 5 {
			if !letter {
				return fmt.Errorf("BIC %q: country code %q is not two letters", bic, bic[4:6])
			}
			continue
		}
		if !letter && (c < '0' || c > '9') {
			return fmt.Errorf("BIC %q: character %q is not A-Z or 0-9", bic, c)
		}
	}
	return nil
}
