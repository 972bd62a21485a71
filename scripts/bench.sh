#!/usr/bin/env bash
# Long benchmarks of the commission engine (issue 3 §6, issue 4 §9), run on
# demand, never in CI: they take minutes and several GB of memory.
#
#   scripts/bench.sh            # everything below
#   scripts/bench.sh quick      # 1M distributors / 10M orders only, plus the SQL ratio at 100k
#   scripts/bench.sh engine     # the engine sizes only (no SQL reference)
#   scripts/bench.sh sql        # the SQL reference ratio at 100k/1M and 1M/10M only
#
# What it runs, each printing per-phase times, ns per distributor and per
# order, peak memory (VmHWM) and the result hash:
#   1. unilevel plan, 1M / 10M, GOMAXPROCS 1 and 2: the hashes must match.
#   2. unilevel plan, 10M / 100M, GOMAXPROCS 2 and 1: the hashes must match.
#   3. hybrid plan (binary with carry, matching), 10M / 100M, GOMAXPROCS 2 and 1.
#   4. --sqlref on 100k / 1M and 1M / 10M: SQL reference (SQLite) vs the engine
#      on the same plan subset, with the ratio and an agreement check.
# Targets: compute ≤ 0.3 s at 1M/10M, ≤ 2 s and ≤ 3 GB at 10M/100M, SQL
# ratio ≥ 100× at 1M. The machine is shared: run it on a quiet machine, and
# read "fastest of N" figures (--runs) rather than single runs.
#
# Environment: RUNS (default 3) repeats the compute phases; SEED (default 1);
# SHAPE (default pa); BENCH_OUT (default artifacts/bench) keeps each report.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
runs=${RUNS:-3}
seed=${SEED:-1}
shape=${SHAPE:-pa}
out=${BENCH_OUT:-artifacts/bench}
mkdir -p "$out"
bin=$(mktemp -d)/downline
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/downline

# bench NAME ARGS...: run one benchmark, keep its report, print it.
bench() {
	local name=$1
	shift
	echo "==> downline bench $*" >&2
	if "$bin" bench --help >/dev/null 2>&1; then
		"$bin" bench "$@" | tee "$out/$name.txt"
	else
		# Before the bench subcommand is registered, run it through its test.
		DOWNLINE_BENCH_ARGS="$*" go test -count=1 -timeout 2h -run '^TestBenchFromEnv$' -v ./cmd/downline |
			sed -n 's/^        //p' | tee "$out/$name.txt"
	fi
}

hash_of() { awk '$1 == "hash" && length($2) == 64 { print $2 }' "$out/$1.txt"; }

same_hash() {
	local a b
	a=$(hash_of "$1")
	b=$(hash_of "$2")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		echo "FAIL: hash $1 = $a, $2 = $b" >&2
		return 1
	fi
	echo "ok: $1 and $2 have the same hash $a" >&2
}

sizes() { # sizes PLAN DISTRIBUTORS ORDERS TAG
	bench "$4-p2" --plan "$1" --distributors "$2" --orders "$3" --seed "$seed" --shape "$shape" --runs "$runs" --gomaxprocs 2
	bench "$4-p1" --plan "$1" --distributors "$2" --orders "$3" --seed "$seed" --shape "$shape" --runs 1 --gomaxprocs 1
	same_hash "$4-p2" "$4-p1"
}

case $mode in
quick)
	sizes unilevel 1000000 10000000 unilevel-1m
	bench sql-100k --distributors 100000 --orders 1000000 --seed "$seed" --shape "$shape" --sqlref
	;;
engine | all)
	sizes unilevel 1000000 10000000 unilevel-1m
	sizes unilevel 10000000 100000000 unilevel-10m
	sizes hybrid 10000000 100000000 hybrid-10m
	;;&
sql | all)
	bench sql-100k --distributors 100000 --orders 1000000 --seed "$seed" --shape "$shape" --sqlref
	bench sql-1m --distributors 1000000 --orders 10000000 --seed "$seed" --shape "$shape" --sqlref
	;;
engine) ;;
*)
	echo "usage: scripts/bench.sh [all|quick|engine|sql]" >&2
	exit 2
	;;
esac
echo "reports in $out/" >&2
