package nacha

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/downline/downline"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sharedData returns the path of rel under ../shared/data, found by
// walking up from the package directory to the repository root, and
// skips the test when it is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "data", rel)
			if _, err := os.Stat(p); err != nil {
				t.Skipf("shared reference data %s is absent: %v", p, err)
			}
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found above the package directory")
		}
		dir = parent
	}
}

func readShared(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(sharedData(t, filepath.Join("nacha", name)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file                  string
		batches, entries      int
		addenda               int
		credit                int64
		firstName, firstTrace string
	}{
		// One PPD entry of 1,000,000.00 (100000000 cents) to RDFI 231380104.
		{"moov-ach-ppd-credit.ach", 1, 1, 0, 100000000, "Credit Account 1", "121042880000002"},
		// 4 batches × 3 entries of 1,000.00, each with one addenda.
		{"moov-ach-ppd-credit-4batches-addenda.ach", 4, 12, 12, 1200000, "Steven Tander", "121042880000001"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readShared(t, tt.file)
			f, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var entries, addenda int
			var credit int64
			for _, b := range f.Batches {
				for _, e := range b.Entries {
					entries++
					addenda += len(e.Addenda)
					credit += e.Amount
				}
			}
			if len(f.Batches) != tt.batches || entries != tt.entries || addenda != tt.addenda || credit != tt.credit {
				t.Errorf("Parse = %d batches, %d entries, %d addenda, %d credit; want %d, %d, %d, %d",
					len(f.Batches), entries, addenda, credit, tt.batches, tt.entries, tt.addenda, tt.credit)
			}
			e := f.Batches[0].Entries[0]
			if e.Name != tt.firstName || e.TraceNumber != tt.firstTrace || f.Batches[0].SEC != "PPD" {
				t.Errorf("first entry = %q trace %s, SEC %s; want %q trace %s, PPD", e.Name, e.TraceNumber, f.Batches[0].SEC, tt.firstName, tt.firstTrace)
			}
			// Writing the parsed file gives back the same bytes (the
			// writer always ends the last record with a newline).
			out, err := Marshal(f)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			want := strings.TrimSuffix(string(data), "\n") + "\n"
			if diff := cmp.Diff(want, string(out)); diff != "" {
				t.Errorf("round trip diff (-sample +written):\n%s", diff)
			}
		})
	}
}

// TestParseRejectsCorruption changes one field of a valid sample at a
// time and expects the parser to name the broken field.
func TestParseRejectsCorruption(t *testing.T) {
	t.Parallel()
	sample := string(readShared(t, "moov-ach-ppd-credit-4batches-addenda.ach"))
	lines := strings.Split(strings.TrimSuffix(sample, "\n"), "\n")
	edit := func(line, pos int, s string) string { // pos is 1-based
		ls := append([]string(nil), lines...)
		l := ls[line-1]
		ls[line-1] = l[:pos-1] + s + l[pos-1+len(s):]
		return strings.Join(ls, "\n") + "\n"
	}
	tests := []struct {
		name, data, want string
	}{
		{"short line", strings.Replace(sample, "Citadel ", "Citadel", 1), "line 1: 93 characters"},
		{"batch entry hash", edit(9, 11, "0069414031"), "control entry hash is 69414031, want 69414030"},
		{"batch credit total", edit(9, 33, "000000300001"), "control total credit is 300001, want 300000"},
		{"batch count", edit(9, 5, "000005"), "control entry/addenda count is 5, want 6"},
		{"file entry hash", edit(34, 22, "0277656121"), "file control entry hash is 277656121, want 277656120"},
		{"file block count", edit(34, 8, "000005"), "block count is 5, want 4"},
		{"file batch count", edit(34, 2, "000003"), "batch count is 3, want 4"},
		{"check digit", edit(3, 12, "5"), "check digit of 231380105 does not match"},
		{"amount not digits", edit(3, 30, "00001000x0"), "amount"},
		{"addenda indicator", edit(3, 79, "0"), "addenda record indicator 0 does not match 1 addenda"},
		{"addenda sequence", edit(4, 84, "0002"), "sequence 2 and entry sequence 1, want 1 and 1"},
		{"record order", edit(3, 1, "8"), "line 3"},
		{"padding", edit(40, 1, "8"), "want only lines of 9s"},
		{"record size", edit(1, 35, "095"), "record size"},
		{"service class", edit(2, 2, "225"), "control service class code is 200, want 225"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			if downline.ErrorCode(err) != downline.CodeInvalid || !strings.Contains(downline.ErrorMessage(err), tt.want) {
				t.Errorf("Parse error = %v, want CodeInvalid containing %q", err, tt.want)
			}
		})
	}
}

func testOriginator() Originator {
	return Originator{
		DestinationRouting: "031300012",
		DestinationName:    "Federal Reserve Bank",
		Origin:             "1234567890",
		OriginName:         "Acme Direct Inc",
		CompanyName:        "Acme Direct",
		CompanyID:          "1234567890",
		ODFI:               "121042882",
	}
}

func testCreditBatch() CreditBatch {
	return CreditBatch{
		SEC:           "PPD",
		Description:   "COMMISSION",
		CreatedAt:     time.Date(2026, 11, 28, 9, 5, 0, 0, time.UTC),
		EffectiveDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Payments: []Payment{
			{ID: "B7-42", Name: "José Müller", Routing: "231380104", Account: "987654321", Amount: 123456, Info: "Commission 2026-10"},
			{ID: "B7-07", Name: "Ann Lee", Routing: "031300012", Account: "11-22-33", Savings: true, Amount: 5},
			{ID: "B7-99", Name: "Bo Chan", Routing: "121042882", Account: "555", Amount: 100000},
		},
	}
}

func TestNewCreditFileGolden(t *testing.T) {
	t.Parallel()
	f, err := NewCreditFile(testOriginator(), testCreditBatch())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "credit.ach")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Marshal diff (-want +got):\n%s", diff)
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want 10 (1 + 1 + 3 entries + 1 addenda + 8 + 9 = 8 records, padded to one block)", len(lines))
	}
	for i, l := range lines {
		if len(l) != RecordLength {
			t.Errorf("line %d is %d characters, want 94", i+1, len(l))
		}
	}
	// Entries sorted by id: B7-07 (03130001), B7-42 (23138010),
	// B7-99 (12104288). Hash = 3130001 + 23138010 + 12104288 = 38372299.
	// Credits = 5 + 123456 + 100000 = 223461; records 6 and 7 = 4.
	wantControl := "8220000004" + "0038372299" + "000000000000" + "000000223461" + "1234567890"
	if !strings.HasPrefix(lines[6], wantControl) {
		t.Errorf("batch control = %q, want prefix %q", lines[6], wantControl)
	}
	wantFile := "9" + "000001" + "000001" + "00000004" + "0038372299" + "000000000000" + "000000223461"
	if !strings.HasPrefix(lines[7], wantFile) {
		t.Errorf("file control = %q, want prefix %q", lines[7], wantFile)
	}
	if !strings.Contains(lines[3], "Jose Mueller") || lines[2][1:3] != "32" {
		t.Errorf("entries = %q / %q; want transliterated name and savings code 32", lines[3], lines[2])
	}
	back, err := Parse(got)
	if err != nil {
		t.Fatalf("Parse(written) = %v", err)
	}
	if diff := cmp.Diff(f, back); diff != "" {
		t.Errorf("Parse(Marshal(f)) diff (-want +got):\n%s", diff)
	}
}

func TestNewCreditFileDeterministic(t *testing.T) {
	t.Parallel()
	a, _ := NewCreditFile(testOriginator(), testCreditBatch())
	cb := testCreditBatch()
	cb.Payments[0], cb.Payments[2] = cb.Payments[2], cb.Payments[0]
	b, _ := NewCreditFile(testOriginator(), cb)
	da, err1 := Marshal(a)
	db, err2 := Marshal(b)
	if err1 != nil || err2 != nil || !bytes.Equal(da, db) {
		t.Errorf("output depends on payment order (errors %v, %v)", err1, err2)
	}
}

func TestNewCreditFileInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Originator, *CreditBatch)
		want string
	}{
		{"bad routing", func(o *Originator, cb *CreditBatch) { cb.Payments[0].Routing = "231380105" }, "ACH payment B7-42: routing number"},
		{"zero amount", func(o *Originator, cb *CreditBatch) { cb.Payments[1].Amount = 0 }, "ACH payment B7-07: amount"},
		{"duplicate", func(o *Originator, cb *CreditBatch) { cb.Payments[1].ID = "B7-42" }, "B7-42 is used twice"},
		{"SEC", func(o *Originator, cb *CreditBatch) { cb.SEC = "WEB" }, "want PPD or CCD"},
		{"ODFI", func(o *Originator, cb *CreditBatch) { o.ODFI = "12104288" }, "ODFI routing number"},
		{"no payments", func(o *Originator, cb *CreditBatch) { cb.Payments = nil }, "no payments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, cb := testOriginator(), testCreditBatch()
			tt.edit(&o, &cb)
			_, err := NewCreditFile(o, cb)
			if downline.ErrorCode(err) != downline.CodeInvalid || !strings.Contains(downline.ErrorMessage(err), tt.want) {
				t.Errorf("NewCreditFile error = %v, want CodeInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestMarshalRejectsBadFields(t *testing.T) {
	t.Parallel()
	f, err := NewCreditFile(testOriginator(), testCreditBatch())
	if err != nil {
		t.Fatal(err)
	}
	f.Batches[0].Entries[1].Name = strings.Repeat("x", 23)
	if _, err := Marshal(f); !strings.Contains(downline.ErrorMessage(err), "batch 1 entry 2: individual name") {
		t.Errorf("Marshal(long name) error = %v, want it to name batch 1 entry 2: individual name", err)
	}
	f.Batches[0].Entries[1].Name = "ok"
	f.Batches[0].Entries[1].Amount = 10_000_000_000
	if _, err := Marshal(f); !strings.Contains(downline.ErrorMessage(err), "amount") {
		t.Errorf("Marshal(11-digit amount) error = %v, want it to name the amount", err)
	}
}

func TestValidRouting(t *testing.T) {
	t.Parallel()
	// 231380104: 2·3+3·7+1·1+3·3+8·7+0·1+1·3+0·7+4·1 = 100 → valid.
	for s, ok := range map[string]bool{"231380104": true, "031300012": true, "121042882": true, "231380105": false, "23138010": false, "23138010x": false} {
		if ValidRouting(s) != ok {
			t.Errorf("ValidRouting(%q) = %v, want %v", s, !ok, ok)
		}
	}
	if d, err := CheckDigit("23138010"); err != nil || d != '4' {
		t.Errorf("CheckDigit(23138010) = %q, %v; want '4'", d, err)
	}
}

// FuzzParse checks that the parser never panics and that whatever it
// accepts survives a write and a second parse unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"moov-ach-ppd-credit.ach", "moov-ach-ppd-credit-4batches-addenda.ach"} {
		if p := filepath.Join("..", "..", "..", "shared", "data", "nacha", name); fileExists(p) {
			data, _ := os.ReadFile(p)
			f.Add(data)
		}
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "credit.ach")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		out, err := Marshal(file)
		if err != nil {
			t.Fatalf("Marshal(Parse(data)) = %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(data))) = %v", err)
		}
		if diff := cmp.Diff(file, again); diff != "" {
			t.Fatalf("round trip changed the file (-first +second):\n%s", diff)
		}
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestCCDRoundTrip(t *testing.T) {
	t.Parallel()
	cb := testCreditBatch()
	cb.SEC = "CCD"
	f, err := NewCreditFile(testOriginator(), cb)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(CCD file) = %v", err)
	}
	if back.Batches[0].SEC != "CCD" || back.Batches[0].ServiceClass != CreditsOnly {
		t.Errorf("batch = %s/%d, want CCD/220", back.Batches[0].SEC, back.Batches[0].ServiceClass)
	}
	if diff := cmp.Diff(f, back); diff != "" {
		t.Errorf("round trip diff (-want +got):\n%s", diff)
	}
}
