package sepa

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// translit maps common Latin letters outside the SEPA character set to
// their closest letters inside it.
var translit = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A", 'Æ': "AE", 'Ç': "C",
	'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I",
	'Ð': "D", 'Ñ': "N", 'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ö': "O", 'Ø': "O",
	'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "U", 'Ý': "Y", 'Þ': "TH", 'ß': "ss",
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ð': "d", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'þ': "th", 'ÿ': "y",
	'Ą': "A", 'ą': "a", 'Ă': "A", 'ă': "a", 'Ć': "C", 'ć': "c", 'Č': "C", 'č': "c",
	'Ď': "D", 'ď': "d", 'Đ': "D", 'đ': "d", 'Ę': "E", 'ę': "e", 'Ě': "E", 'ě': "e",
	'Ğ': "G", 'ğ': "g", 'İ': "I", 'ı': "i", 'Ł': "L", 'ł': "l", 'Ń': "N", 'ń': "n",
	'Ň': "N", 'ň': "n", 'Ő': "O", 'ő': "o", 'Œ': "OE", 'œ': "oe", 'Ř': "R", 'ř': "r",
	'Ś': "S", 'ś': "s", 'Ş': "S", 'ş': "s", 'Ș': "S", 'ș': "s", 'Š': "S", 'š': "s",
	'Ț': "T", 'ț': "t", 'Ť': "T", 'ť': "t", 'Ů': "U", 'ů': "u", 'Ű': "U", 'ű': "u",
	'Ź': "Z", 'ź': "z", 'Ż': "Z", 'ż': "z", 'Ž': "Z", 'ž': "z", '&': "+",
}

// isSEPAChar reports whether c is in the SEPA basic Latin character set:
// a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
func isSEPAChar(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.ContainsRune("/-?:().,'+ ", c)
}

// Text restricts s to the SEPA character set: known accented letters are
// transliterated ("Müller" → "Muller", "Straße" → "Strasse"), any other
// character becomes a space, runs of spaces collapse, and the result is
// cut to max characters.
func Text(s string, max int) string {
	var b strings.Builder
	space := false
	for _, c := range s {
		out := string(c)
		if t, ok := translit[c]; ok {
			out = t
		} else if !isSEPAChar(c) {
			out = " "
		}
		if out == " " {
			if space || b.Len() == 0 {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteString(out)
	}
	r := strings.TrimRight(b.String(), " ")
	if utf8.RuneCountInString(r) > max {
		r = strings.TrimRight(r[:max], " ") // ASCII only at this point
	}
	return r
}

// Identifier derives a SEPA identifier (Max35Text, no spaces, SEPA
// characters only) from parts. When the joined parts fit, they are used
// as they are, so that a person can read them ("B7-42"); otherwise the
// identifier is "H" + the first 34 hex digits of their SHA-256, which is
// just as deterministic.
func Identifier(parts ...string) string {
	joined := strings.Join(parts, "-")
	ok := len(joined) > 0 && len(joined) <= 35 && !strings.HasPrefix(joined, "/") && !strings.Contains(joined, "//")
	for _, c := range joined {
		if c == ' ' || !isSEPAChar(c) {
			ok = false
		}
	}
	if ok {
		return joined
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "H" + hex.EncodeToString(sum[:])[:34]
}
