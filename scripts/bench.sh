#!/usr/bin/env bash
# Measures what a learner waits for. Not a test: prints figures for a note.
#
#   scripts/bench.sh            warm edit -> verdict for ex01, ex04, ex24, each
#                               beside a baseline run in the same loop;
#                               `kata list` / `kata next`
#   scripts/bench.sh --cold     also: fresh clone -> first `cargo kata next` screen
#   EXERCISES="ex01 ex11" scripts/bench.sh    other exercises
#
# The baseline is the loop a rustlings learner waits for: `rustlings run NAME`
# in a rustlings workbook where NAME is solved (RUSTLINGS_DIR and
# RUSTLINGS_EXERCISE name them), or, without one, `cargo test -q` of a
# one-test crate as large as the exercise's file (rustlings builds and tests
# one such file). With rustlings on PATH (`cargo install --locked
# rustlings`) the workbook is made here. Runs alternate, kata then baseline,
# so both see the same machine; each figure is a median. Run it on a quiet
# machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
exercises=${EXERCISES:-ex01 ex04 ex24}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'; }

cargo build --quiet -p kata
kata=$PWD/target/debug/kata
scratch=$(mktemp -d)
restore=()
mkdir -p "$scratch/backup"
# Checking records passes: the learner's own progress comes back afterwards.
[[ -f .kata-progress ]] && cp .kata-progress "$scratch/progress"
cleanup() {
    for file in "${restore[@]}"; do cp "$scratch/backup/${file//\//_}" "$file"; done
    rm -f .kata-progress .kata-progress.lock
    [[ -f "$scratch/progress" ]] && cp "$scratch/progress" .kata-progress
    rm -rf "$scratch"
}
trap cleanup EXIT

# The baseline loop. With `rustlings` on PATH and no workbook named, one is
# made here (`rustlings init`) and its `vecs1` (one function and one test,
# no sleeps) solved, so the figure is rustlings' own loop on this machine.
if [[ -z "${RUSTLINGS_DIR:-}" ]] && command -v rustlings >/dev/null; then
    (cd "$scratch" && yes | rustlings init >/dev/null 2>&1) || true
    if [[ -f "$scratch/rustlings/exercises/05_vecs/vecs1.rs" ]]; then
        RUSTLINGS_DIR=$scratch/rustlings RUSTLINGS_EXERCISE=vecs1
        sed -i 's|^    // let v = ???;|    let v = vec![10, 20, 30, 40];|' "$RUSTLINGS_DIR/exercises/05_vecs/vecs1.rs"
        (cd "$RUSTLINGS_DIR" && rustlings run vecs1 >/dev/null 2>&1) || {
            echo "bench: rustlings run vecs1 failed after solving it; falling back" >&2
            unset RUSTLINGS_DIR RUSTLINGS_EXERCISE
        }
    fi
fi
if [[ -n "${RUSTLINGS_DIR:-}" ]]; then
    baseline_name="rustlings run ${RUSTLINGS_EXERCISE:?name a solved exercise}"
    baseline_file=$(find "$RUSTLINGS_DIR/exercises" -name "$RUSTLINGS_EXERCISE.rs" | head -1)
    baseline() { (cd "$RUSTLINGS_DIR" && rustlings run "$RUSTLINGS_EXERCISE"); }
else
    baseline_name="cargo test -q, a one-test crate"
    mkdir -p "$scratch/baseline/src"
    printf '[package]\nname = "baseline"\nversion = "0.1.0"\nedition = "2021"\n' > "$scratch/baseline/Cargo.toml"
    {
        echo 'pub fn double(x: u64) -> u64 { x * 2 }'
        # As many lines as an exercise's file, so rustc reads as much.
        for i in $(seq 120); do echo "// line $i of a learner's file, as long as an exercise's comments are"; done
        echo '#[cfg(test)] mod tests { #[test] fn doubles() { assert_eq!(super::double(21), 42); } }'
    } > "$scratch/baseline/src/lib.rs"
    (cd "$scratch/baseline" && cargo test -q >/dev/null 2>&1)
    baseline_file=$scratch/baseline/src/lib.rs
    baseline() { (cd "$scratch/baseline" && cargo test -q); }
fi

slug_of() { awk -v id="$1" '/^slug = / { s = $3; gsub(/"/, "", s); if (index(s, id "-") == 1) print s }' kata.toml; }

printf '%-6s %10s %10s %8s   (%s runs; baseline: %s)\n' exercise "kata s" "base s" ratio "$runs" "$baseline_name"
for id in $exercises; do
    slug=$(slug_of "$id")
    file=exercises/$slug/src/lib.rs
    cp "$file" "$scratch/backup/${file//\//_}"
    restore+=("$file")
    # Solved, and warm: the first check builds what the loop reuses.
    cp "solutions/$slug/src/lib.rs" "$file"
    $kata check "$id" >/dev/null 2>&1 || true
    : > "$scratch/kata"; : > "$scratch/base"
    for i in $(seq "$runs"); do
        echo "// edit $i" >> "$file"
        seconds $kata check "$id" >> "$scratch/kata"
        echo "// edit $i" >> "$baseline_file"
        seconds baseline >> "$scratch/base"
    done
    k=$(median < "$scratch/kata"); b=$(median < "$scratch/base")
    printf '%-6s %10s %10s %8s\n' "$id" "$k" "$b" "$(awk -v k="$k" -v b="$b" 'BEGIN { printf "%.2fx", k / b }')"
done
echo "warm edit -> verdict through the alias (cargo kata check ex01):"
file=exercises/ex01-spawn-and-join/src/lib.rs
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
    echo "fresh clone -> first byte on the terminal of cargo kata next (its progress bar):"
    (
        cd "$clone/kata" && cargo clean --quiet
        s=$(date +%s.%N)
        { cargo kata next 2>&1 || true; } | { head -c 1 >/dev/null; date +%s.%N > "$clone/first"; cat >/dev/null; }
        awk -v s="$s" -v e="$(cat "$clone/first")" 'BEGIN { printf "  s: %.3f\n", e - s }'
    )
    rm -rf "$clone"
fi
