package downline_test

import (
	"testing"
	"time"

	"github.com/downline/downline"
)

// chain builds n linked entries the way the store does.
func chain(n int) []*downline.AuditEntry {
	var out []*downline.AuditEntry
	prev := downline.GenesisHash
	for i := 1; i <= n; i++ {
		e := &downline.AuditEntry{Seq: int64(i), At: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC),
			ActorUserID: 1, ActorName: "ada", ActorRole: downline.RoleAdmin, Action: "order.create",
			TargetType: "order", TargetID: "7", AfterDigest: downline.AuditDigest([]byte("{}")), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestAuditChain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  func(es []*downline.AuditEntry) []*downline.AuditEntry
		wantBad int64 // Seq of the entry that fails; 0 when the chain holds
	}{
		{"intact", func(es []*downline.AuditEntry) []*downline.AuditEntry { return es }, 0},
		{"edited target", func(es []*downline.AuditEntry) []*downline.AuditEntry { es[1].TargetID = "8"; return es }, 2},
		{"rehashed edit breaks the next link", func(es []*downline.AuditEntry) []*downline.AuditEntry {
			es[1].TargetID = "8"
			es[1].Hash = es[1].ComputeHash()
			return es
		}, 3},
		{"removed entry", func(es []*downline.AuditEntry) []*downline.AuditEntry { return append(es[:1], es[2:]...) }, 3},
		{"swapped entries", func(es []*downline.AuditEntry) []*downline.AuditEntry { es[1], es[2] = es[2], es[1]; return es }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c downline.AuditChain
			var bad int64
			for _, e := range tt.tamper(chain(4)) {
				if err := c.Next(e); err != nil {
					if downline.ErrorCode(err) != downline.CodeConflict {
						t.Errorf("Next(%d) code = %s, want conflict", e.Seq, downline.ErrorCode(err))
					}
					bad = e.Seq
					break
				}
			}
			if bad != tt.wantBad {
				t.Errorf("first bad entry = %d, want %d", bad, tt.wantBad)
			}
		})
	}
}

func TestAuditHashCoversEveryField(t *testing.T) {
	t.Parallel()
	base := chain(1)[0]
	edits := map[string]func(e *downline.AuditEntry){
		"seq": func(e *downline.AuditEntry) { e.Seq++ }, "at": func(e *downline.AuditEntry) { e.At = e.At.Add(time.Microsecond) },
		"actor": func(e *downline.AuditEntry) { e.ActorUserID++ }, "name": func(e *downline.AuditEntry) { e.ActorName += "x" },
		"role": func(e *downline.AuditEntry) { e.ActorRole = downline.RoleFinance }, "action": func(e *downline.AuditEntry) { e.Action += "x" },
		"type": func(e *downline.AuditEntry) { e.TargetType += "x" }, "id": func(e *downline.AuditEntry) { e.TargetID += "x" },
		"before": func(e *downline.AuditEntry) { e.BeforeDigest = "a" }, "after": func(e *downline.AuditEntry) { e.AfterDigest = "" },
		"prev": func(e *downline.AuditEntry) { e.PrevHash = "b" },
		// Length prefixes: moving a character between fields changes the hash.
		"shift": func(e *downline.AuditEntry) { e.TargetType, e.TargetID = "orde", "r7" },
	}
	for name, edit := range edits {
		e := *base
		edit(&e)
		if e.ComputeHash() == base.Hash {
			t.Errorf("editing %s keeps the hash", name)
		}
	}
}
