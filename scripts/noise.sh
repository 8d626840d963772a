#!/usr/bin/env bash
# Does every verdict hold on a busy machine? Runs every reference solution,
# every known-right, known-wrong and hostile file RUNS times (default 20)
# while busy loops keep both cores loaded, and prints how often each got its
# intended verdict: a reference or known-right solution must pass; a
# known-wrong solution must fail every check its header names
# (`//! expect-fail: <check>: <text>`), with that text; a hostile file must
# get the verdict its header says (refused, failed, a build that timed out,
# a pass). Not part of the test suite (it takes a while); put its figures in
# a note.
#
#   scripts/noise.sh                 every exercise, 20 runs each
#   RUNS=5 scripts/noise.sh ex14     one exercise, 5 runs
#   LOAD=0 scripts/noise.sh          without the busy loops (LOAD=n: n loops)
#   WRONG=0 scripts/noise.sh         no known-wrong files (RIGHT=0: no known-right,
#                                    REFERENCE=0: no reference, HOSTILE=0: no
#                                    hostile files)
#   SAMPLE=3 scripts/noise.sh        3 known-wrong and 3 known-right files an
#                                    exercise, picked by SEED (default: the
#                                    day), so that all of them get their turn
#   NAME=b LOAD=0 scripts/noise.sh   a second run beside a first one
#
# Known-wrong and hostile files are graded as CI grades them, by `kata dev
# check --repeat` (only the checks their header names); the references and
# known-right files by `kata check`, as a learner's would be. Needs `jq`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
loops=${LOAD:-2}
name=${NAME:-noise}
root=$PWD

cargo build --quiet -p kata
# A copy of its own: a rebuild of kata meanwhile must not pull the binary
# (and the build wrapper it is) from under the runs.
mkdir -p "$root/target/kata-$name"
cp "$root/target/debug/kata" "$root/target/kata-$name/kata"
kata=$root/target/kata-$name/kata
scratch=$root/target/kata-$name/workbook
export CARGO_TARGET_DIR=$root/target/kata-$name/target
rm -rf "$scratch" && mkdir -p "$scratch"
# Fresh modification times (-m): a target folder kept from an earlier run
# must not take these copies for older than what it built.
tar --exclude=./target --exclude=./.git --exclude=./book/book --exclude='./.kata-*' -cf - . | tar -xmf - -C "$scratch"
for stub in exercises/*/.stub.rs; do
    cp "$stub" "$scratch/${stub%/.stub.rs}/src/lib.rs"
done

if [[ $loops =~ ^[1-9] ]]; then
    for _ in $(seq "$loops"); do (while :; do :; done) & done
    trap 'kill $(jobs -p) 2>/dev/null' EXIT
fi
if ! command -v jq >/dev/null; then
    echo "jq not found: it reads the reports (apt-get install jq)" >&2
    exit 1
fi

# Each report is kept in $reports/last.json, and copied aside when the
# verdict was not the intended one, so that a flake can be read afterwards.
reports=$root/target/kata-$name/reports
mkdir -p "$reports"
check() {
    (cd "$scratch" && NO_COLOR=1 "$kata" check "$@" --format json 2>/dev/null) > "$reports/last.json" || true
}
passed() { grep -m1 '"passed"' "$reports/last.json" | grep -q true; }
# How many checks of the last report were inconclusive.
inconclusive() { grep -c '"status": "inconclusive"' "$reports/last.json" || true; }
keep() { cp "$reports/${2:-last}.json" "$reports/$1-$(date +%s%N).json"; echo "    $1: unexpected verdict, report kept in $reports/" >&2; }
now() { date +%s.%N; }
# "20/20 passed   2.4 s a run   (3 runs with a check inconclusive)"
line() {
    local slug=$1 case=$2 ok=$3 word=$4 start=$5 unsure=$6
    local each
    each=$(awk -v a="$start" -v b="$(now)" -v n="$runs" 'BEGIN { print (b - a) / n }')
    printf '%-32s %-28s %2d/%d %-6s %5.1f s a run' "$slug" "$case" "$ok" "$runs" "$word" "$each"
    if [[ $unsure -gt 0 ]]; then printf '   (%d with a check inconclusive)' "$unsure"; fi
    printf '\n'
}

# The fixtures of one kind for an exercise: all, or SAMPLE of them, picked
# the same way for the same SEED.
seed=${SEED:-$(date -u +%F)}
fixtures() {
    local files
    files=$(ls tests/"$1"/"$2"/*.rs 2>/dev/null || true)
    if [[ -n "${SAMPLE:-}" && -n "$files" ]]; then
        files=$(shuf -n "$SAMPLE" --random-source=<(yes "$seed$2") <<< "$files")
    fi
    echo "$files"
}

slugs=$(ls exercises)
if [[ $# -gt 0 ]]; then
    slugs=$(for s in $slugs; do for want in "$@"; do if [[ $s == "$want"* ]]; then echo "$s"; fi; done; done)
fi

echo "$(date -u +%FT%TZ) · $(nproc) cores · $loops busy loops · $runs runs a case${SAMPLE:+ · a sample of $SAMPLE fixtures of each kind (seed $seed)}"
printf '%-32s %-28s %s\n' exercise case "intended verdicts"
for slug in $slugs; do
    if [[ "${REFERENCE:-1}" != 0 ]]; then
        # Warm the builds first so that the runs measure checks, not compiles.
        check "$slug" --solution
        ok=0 unsure=0 start=$(now)
        for _ in $(seq "$runs"); do
            check "$slug" --solution
            if passed; then ok=$((ok + 1)); else keep "$slug-reference"; fi
            [[ $(inconclusive) -eq 0 ]] || unsure=$((unsure + 1))
        done
        line "$slug" reference "$ok" passed "$start" "$unsure"
    fi
    for right in $(fixtures right "$slug"); do
        [[ "${RIGHT:-1}" != 0 ]] || continue
        cp "$right" "$scratch/exercises/$slug/src/lib.rs"
        check "$slug"
        ok=0 unsure=0 start=$(now)
        for _ in $(seq "$runs"); do
            check "$slug"
            if passed; then ok=$((ok + 1)); else keep "$slug-$(basename "$right" .rs)"; fi
            [[ $(inconclusive) -eq 0 ]] || unsure=$((unsure + 1))
        done
        line "$slug" "right: $(basename "$right" .rs)" "$ok" passed "$start" "$unsure"
    done
    # The known-wrong and hostile files as CI grades them (`kata dev
    # check`): only the checks each header names run, and each must get the
    # verdict its header says, with its text. One process grades each kind,
    # RUNS times a file, after a first warm-up run.
    for kind in wrong hostile; do
        switch=${kind^^}
        [[ "${!switch:-1}" != 0 ]] || continue
        files=$(fixtures "$kind" "$slug")
        [[ -n "$files" ]] || continue
        only=()
        for file in $files; do only+=(--only "$file"); done
        # In the copy, so that edits to the tree meanwhile change nothing.
        dev() { (cd "$scratch" && "$kata" dev check "$slug" "${only[@]}" --repeat "$1" --format json --target-dir "$CARGO_TARGET_DIR/dev"); }
        dev 1 > /dev/null 2>&1 || true
        dev "$runs" > "$reports/$kind.json" 2>/dev/null || true
        word=failed
        [[ $kind == wrong ]] || word=as-said
        jq -r '.exercises[0].fixtures | group_by(.file)[] | "\(.[0].file) \(map(select(.problems == [])) | length) \(map(.seconds) | add)"' \
            "$reports/$kind.json" | while read -r file ok seconds; do
                [[ $ok -eq $runs ]] || keep "$slug-$(basename "$file" .rs)" "$kind"
                printf '%-32s %-28s %2d/%d %-6s %5.1f s a run\n' "$slug" "$(basename "$file" .rs)" "$ok" "$runs" "$word" \
                    "$(awk -v t="$seconds" -v n="$runs" 'BEGIN { print t / n }')"
            done
    done
    cp "exercises/$slug/.stub.rs" "$scratch/exercises/$slug/src/lib.rs"
done
