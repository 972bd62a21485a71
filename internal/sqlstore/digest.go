package sqlstore

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// digester builds the content digest stored with every record that has an
// external id. Writing the same external id again compares digests: equal
// means a no-op, different a conflict. Fields are written in a fixed order
// with their lengths, so no two different contents share an encoding.
type digester struct{ b strings.Builder }

func (d *digester) str(s string) *digester {
	d.b.WriteString(strconv.Itoa(len(s)))
	d.b.WriteByte(':')
	d.b.WriteString(s)
	return d
}

func (d *digester) int(n int64) *digester {
	d.b.WriteString(strconv.FormatInt(n, 10))
	d.b.WriteByte(';')
	return d
}

func (d *digester) bool(v bool) *digester {
	if v {
		return d.int(1)
	}
	return d.int(0)
}

func (d *digester) time(t time.Time) *digester { return d.int(encodeTime(t)) }

func (d *digester) sum() string {
	h := sha256.Sum256([]byte(d.b.String()))
	return hex.EncodeToString(h[:])
}
