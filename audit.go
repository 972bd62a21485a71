package downline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// AuditEntry records one state-changing action. Entries form a hash chain:
// each Hash covers the entry's fields and the previous entry's Hash, so
// that editing, removing or reordering any entry breaks every later hash.
// The log is append-only (RP-04).
type AuditEntry struct {
	// Seq numbers the entries from 1 without gaps; the store sets it.
	Seq int64
	// At is when the action happened; the store sets it.
	At time.Time

	ActorUserID int64
	ActorName   string
	ActorRole   Role
	// Action names what was done, as "noun.verb", e.g. "order.create".
	Action string
	// TargetType and TargetID name the record acted on, e.g. "order", "17".
	TargetType string
	TargetID   string
	// BeforeDigest and AfterDigest are AuditDigest of the record before and
	// after the action; empty when there was none (create, delete).
	BeforeDigest string
	AfterDigest  string

	// PrevHash is the Hash of the entry before (GenesisHash for the first);
	// Hash is ComputeHash. The store sets both.
	PrevHash string
	Hash     string
}

// GenesisHash is the PrevHash of the first audit entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditDigest returns the hex SHA-256 of a record's canonical encoding
// (for example its API JSON), or "" for nil.
func AuditDigest(b []byte) string {
	if b == nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ComputeHash returns the hex SHA-256 over e's fields and PrevHash. Each
// field is length-prefixed, so no two different entries encode the same.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		strconv.FormatInt(e.ActorUserID, 10), e.ActorName, string(e.ActorRole), e.Action,
		e.TargetType, e.TargetID, e.BeforeDigest, e.AfterDigest, e.PrevHash,
	} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditChain checks entries one by one, in Seq order, against the chain.
// The zero value expects the first entry.
type AuditChain struct {
	prev string
	seq  int64
}

// Next checks that e follows the entries checked before and returns a
// CodeConflict *Error naming the entry and what is wrong otherwise.
func (c *AuditChain) Next(e *AuditEntry) error {
	prev := c.prev
	if c.seq == 0 {
		prev = GenesisHash
	}
	switch {
	case e.Seq != c.seq+1:
		return Errorf(CodeConflict, "audit entry %d: follows entry %d; a sequence number is missing or repeated", e.Seq, c.seq)
	case e.PrevHash != prev:
		return Errorf(CodeConflict, "audit entry %d: previous hash does not match entry %d", e.Seq, c.seq)
	case e.Hash != e.ComputeHash():
		return Errorf(CodeConflict, "audit entry %d: hash does not match its content", e.Seq)
	}
	c.prev, c.seq = e.Hash, e.Seq
	return nil
}

// Len returns the number of entries checked.
func (c *AuditChain) Len() int64 { return c.seq }

// AuditFilter selects audit entries; nil fields match everything.
type AuditFilter struct {
	ActorUserID *int64
	Action      *string
	TargetType  *string
	TargetID    *string
	// Since and Until bound At: Since <= At < Until.
	Since *time.Time
	Until *time.Time

	// AfterSeq is a keyset cursor; results are ordered by Seq. Limit 0
	// means no limit.
	AfterSeq int64
	Limit    int
}

// AuditService stores the audit log.
type AuditService interface {
	// AppendAudit stores e at the end of the chain, setting Seq, At,
	// PrevHash and Hash. Concurrent appends are serialised so that the
	// chain never forks. Returns CodeInvalid when Action is empty.
	AppendAudit(ctx context.Context, e *AuditEntry) error

	// FindAuditEntries returns the entries matching filter, ordered by Seq,
	// and the total number of matches ignoring Limit.
	FindAuditEntries(ctx context.Context, filter AuditFilter) ([]*AuditEntry, int, error)

	// WalkAudit calls fn for every entry in Seq order. fn must not call
	// back into the store. Returns fn's error unchanged.
	WalkAudit(ctx context.Context, fn func(*AuditEntry) error) error
}
