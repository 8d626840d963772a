#!/usr/bin/env bash
# Does every verdict hold on a busy machine? Runs every reference solution
# and every known-wrong solution RUNS times (default 20) while two busy loops
# keep both cores loaded, and prints how often each got its intended
# verdict. Not part of the test suite (it takes a while); put its figures in
# a note.
#
#   scripts/noise.sh                 every exercise, 20 runs each
#   RUNS=5 scripts/noise.sh ex14     one exercise, 5 runs
#   LOAD=0 scripts/noise.sh          without the busy loops
#   WRONG=0 scripts/noise.sh         references only
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
root=$PWD

cargo build --quiet -p kata
kata=$root/target/debug/kata
scratch=$root/target/kata-noise/workbook
export CARGO_TARGET_DIR=$root/target/kata-noise/target
rm -rf "$scratch" && mkdir -p "$scratch"
tar --exclude=./target --exclude=./.git --exclude=./book/book --exclude='./.kata-*' -cf - . | tar -xf - -C "$scratch"
for stub in exercises/*/.stub.rs; do
    cp "$stub" "$scratch/${stub%/.stub.rs}/src/lib.rs"
done

if [[ "${LOAD:-1}" != 0 ]]; then
    for _ in 1 2; do (while :; do :; done) & done
    trap 'kill $(jobs -p) 2>/dev/null' EXIT
fi

# passed|failed for one run, from the JSON report; each report is kept in
# $reports/last.json, and copied aside when the verdict was not the intended
# one (see `keep`), so that a flake can be read afterwards.
reports=$root/target/kata-noise/reports
mkdir -p "$reports"
verdict() {
    (cd "$scratch" && NO_COLOR=1 "$kata" check "$@" --format json 2>/dev/null) > "$reports/last.json"
    grep -m1 '"passed"' "$reports/last.json" | grep -q true && echo passed || echo failed
}
keep() { cp "$reports/last.json" "$reports/$1-$(date +%s%N).json"; echo "    unexpected verdict: report kept in $reports/" >&2; }

slugs=$(ls exercises)
if [[ $# -gt 0 ]]; then
    slugs=$(for s in $slugs; do for want in "$@"; do if [[ $s == "$want"* ]]; then echo "$s"; fi; done; done)
fi

printf '%-34s %-36s %s\n' exercise case "intended verdicts"
for slug in $slugs; do
    # Warm the builds first so that the runs measure checks, not compiles.
    verdict "$slug" --solution >/dev/null
    ok=0
    for _ in $(seq "$runs"); do
        if [[ $(verdict "$slug" --solution) == passed ]]; then ok=$((ok + 1)); else keep "$slug-reference"; fi
    done
    printf '%-34s %-36s %d/%d passed\n' "$slug" reference "$ok" "$runs"
    for wrong in tests/wrong/"$slug"/*.rs; do
        [[ -e $wrong && "${WRONG:-1}" != 0 ]] || continue
        cp "$wrong" "$scratch/exercises/$slug/src/lib.rs"
        verdict "$slug" >/dev/null
        ok=0
        for _ in $(seq "$runs"); do
            if [[ $(verdict "$slug") == failed ]]; then ok=$((ok + 1)); else keep "$slug-$(basename "$wrong" .rs)"; fi
        done
        printf '%-34s %-36s %d/%d failed\n' "$slug" "$(basename "$wrong" .rs)" "$ok" "$runs"
    done
    cp "exercises/$slug/.stub.rs" "$scratch/exercises/$slug/src/lib.rs"
done
