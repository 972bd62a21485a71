package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, &out, &errb
}

func TestGenWritesIdenticalFiles(t *testing.T) {
	t.Parallel()
	var files [2][2][]byte
	for k := range files {
		dir := filepath.Join(t.TempDir(), "prog")
		e, out, _ := testEnv()
		args := []string{"--shape", "binary-spill", "--distributors", "500", "--orders", "3000", "--seed", "4", "--period", "2026-10", "--out", dir}
		if err := runGen(context.Background(), e, args); err != nil {
			t.Fatalf("runGen(%q): %v", args, err)
		}
		if !strings.Contains(out.String(), "wrote 500 distributors") || !strings.Contains(out.String(), "3000 orders") {
			t.Errorf("runGen printed %q", out.String())
		}
		for j, name := range []string{"distributors.csv", "orders.csv"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			files[k][j] = b
		}
	}
	if !bytes.Equal(files[0][0], files[1][0]) || !bytes.Equal(files[0][1], files[1][1]) {
		t.Errorf("two runs with the same flags wrote different files")
	}
	header, _, _ := bytes.Cut(files[0][0], []byte("\n"))
	if got, want := string(header), "id,sponsor_id,joined_at,status,placement_parent_id,placement_side"; got != want {
		t.Errorf("distributors.csv header = %q, want %q", got, want)
	}
	if n := bytes.Count(files[0][1], []byte("\n")); n != 3001 {
		t.Errorf("orders.csv has %d lines, want 3001", n)
	}
}

func TestGenBadUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--distributors", "10"},
		{"--shape", "ring", "--out", dir},
		{"--distributors", "0", "--out", dir},
		{"--active-share", "2", "--out", dir},
		{"--period", "October", "--out", dir},
		{"--out", dir, "extra"},
		{"--no-such-flag"},
	} {
		e, _, _ := testEnv()
		err := runGen(context.Background(), e, args)
		if code := exitCode(err, io.Discard); code != 2 {
			t.Errorf("runGen(%q) = %v (exit %d), want exit 2", args, err, code)
		}
	}
}
