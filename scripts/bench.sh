#!/usr/bin/env bash
# Measures what a learner waits for. Not a test: prints figures for a note.
#
#   scripts/bench.sh            warm edit -> verdict for ex01, `kata list` / `kata next`
#   scripts/bench.sh --cold     also: fresh clone -> first `cargo kata next` screen
#
# Run it on a quiet machine; it reports the median of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'; }

cargo build --quiet -p kata
kata=target/debug/kata
file=exercises/ex01-spawn-and-join/src/lib.rs
backup=$(mktemp)
cp "$file" "$backup"
trap 'cp "$backup" "$file"; rm -f "$backup"' EXIT

# Warm the grade build once, on the reference and on the learner's file.
cp solutions/ex01-spawn-and-join/src/lib.rs "$file"
$kata check ex01 >/dev/null 2>&1 || true

echo "warm edit -> verdict, ex01 (one line changed, kata check ex01), $runs runs:"
for i in $(seq "$runs"); do
    echo "// edit $i" >> "$file"
    seconds $kata check ex01
done | median | sed 's/^/  median s: /'

echo "warm edit -> verdict through the alias (cargo kata check ex01):"
for i in $(seq "$runs"); do
    echo "// alias edit $i" >> "$file"
    seconds cargo kata check ex01
done | median | sed 's/^/  median s: /'

for verb in list next; do
    echo "kata $verb, nothing to build:"
    for _ in $(seq "$runs"); do seconds $kata $verb; done | median | sed 's/^/  median s: /'
    echo "cargo kata $verb, nothing to build:"
    for _ in $(seq "$runs"); do seconds cargo kata $verb; done | median | sed 's/^/  median s: /'
done

if [[ "${1:-}" == "--cold" ]]; then
    clone=$(mktemp -d)
    git clone --quiet . "$clone/kata"
    echo "fresh clone -> first cargo kata next (own target dir, registry cached):"
    (cd "$clone/kata" && seconds cargo kata next) | sed 's/^/  s: /'
    rm -rf "$clone"
fi
