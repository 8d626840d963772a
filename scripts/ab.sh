#!/usr/bin/env bash
# What a change costs the learner's loop: warm edit -> verdict of one
# exercise in two workbooks, A (say, a worktree of the commit before) and B
# (this one), alternating so both see the same machine. Prints each run and
# the medians. Not a test.
#
#   git worktree add /tmp/kata-before HEAD~1
#   A=/tmp/kata-before scripts/ab.sh                 ex01, 9 pairs
#   A=/tmp/kata-before EX=ex04 RUNS=11 scripts/ab.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
A=${A:?A names the other workbook, e.g. a git worktree of an older commit}
B=${B:-$PWD}
ex=${EX:-ex01}
slug=$(awk -v id="$ex" '/^slug = / { s = $3; gsub(/"/, "", s); if (index(s, id "-") == 1) print s }' "$B/kata.toml")
seconds() {
    local s e
    s=$(date +%s.%N)
    (cd "$1" && target/debug/kata check "$ex" >/dev/null 2>&1) || true
    e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for dir in "$A" "$B"; do
    cp "$dir/exercises/$slug/src/lib.rs" "$dir/exercises/$slug/src/lib.rs.ab-backup"
    [[ -f "$dir/.kata-progress" ]] && cp "$dir/.kata-progress" "$dir/.kata-progress.ab-backup"
    cp "$dir/solutions/$slug/src/lib.rs" "$dir/exercises/$slug/src/lib.rs"
    (cd "$dir" && cargo build --quiet -p kata && target/debug/kata check "$ex" >/dev/null 2>&1) || true
done
restore() {
    for dir in "$A" "$B"; do
        mv "$dir/exercises/$slug/src/lib.rs.ab-backup" "$dir/exercises/$slug/src/lib.rs"
        rm -f "$dir/.kata-progress" "$dir/.kata-progress.lock"
        [[ -f "$dir/.kata-progress.ab-backup" ]] && mv "$dir/.kata-progress.ab-backup" "$dir/.kata-progress"
    done
}
trap restore EXIT
a=(); b=()
for i in $(seq "$runs"); do
    echo "// edit $i" >> "$A/exercises/$slug/src/lib.rs"
    a+=("$(seconds "$A")")
    echo "// edit $i" >> "$B/exercises/$slug/src/lib.rs"
    b+=("$(seconds "$B")")
done
echo "A $A: ${a[*]}  median $(median "${a[@]}") s"
echo "B $B: ${b[*]}  median $(median "${b[@]}") s"
