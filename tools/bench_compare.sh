#!/usr/bin/env bash
# Times the single-thread rows of criterion benches at a base commit and at
# the working tree, alternating the two binaries (the box is noisy), and
# prints criterion's `time:` lines side by side.
#
#   tools/bench_compare.sh BASE [ROUNDS] [BENCH ...]
#
# BASE is built in a temporary git worktree with its own target directory
# (kept in $BASE_TARGET, default /tmp/tda-bench-base-target, so a second
# run reuses it). Defaults: 2 rounds; benches w1_sublevel w2_w5_vectorize
# w4_emph w6_w7_pinet (for W6 only the exact single-thread pipeline).
set -euo pipefail
base=${1:?usage: tools/bench_compare.sh BASE [ROUNDS] [BENCH ...]}
rounds=${2:-2}
shift $(($# < 2 ? $# : 2))
benches=("$@")
[ ${#benches[@]} -eq 0 ] && benches=(w1_sublevel w2_w5_vectorize w4_emph w6_w7_pinet)

root=$(cd "$(dirname "$0")/.." && pwd)
base_target=${BASE_TARGET:-/tmp/tda-bench-base-target}
base_tree=$(mktemp -d /tmp/tda-bench-base.XXXXXX)
trap 'git -C "$root" worktree remove --force "$base_tree"' EXIT
git -C "$root" worktree add --detach --force "$base_tree" "$base" >/dev/null

bench_args=()
for b in "${benches[@]}"; do bench_args+=(--bench "$b"); done
# "name /absolute/path" of each bench binary built in tree $1 with target
# directory $2 (cargo prints paths relative to the tree when they are in it).
build() {
    (cd "$1" && CARGO_TARGET_DIR=$2 cargo bench --no-run "${bench_args[@]}" 2>&1) |
        sed -n 's/.*Executable benches\/\([a-z0-9_]*\)\.rs (\(.*\))/\1 \2/p' |
        while read -r name path; do
            case $path in /*) echo "$name $path" ;; *) echo "$name $1/$path" ;; esac
        done
}
declare -A bin_base bin_new
while read -r name path; do bin_base[$name]=$path; done < <(build "$base_tree" "$base_target")
while read -r name path; do bin_new[$name]=$path; done < <(build "$root" "$root/target")

for round in $(seq "$rounds"); do
    for b in "${benches[@]}"; do
        filter=single_thread
        [ "$b" = w6_w7_pinet ] && filter=exact_pipeline_single_thread
        for side in base new; do
            if [ $side = base ]; then dir=$base_tree bin=${bin_base[$b]}; else dir=$root bin=${bin_new[$b]}; fi
            (cd "$dir" && "$bin" --bench "$filter" --warm-up-time 1 --measurement-time 4 --noplot 2>&1) |
                grep -E '^[A-Za-z0-9_./ -]+$|time: +\[[0-9]' | grep -v '^Benchmarking' |
                sed "s/^/$round $side $b: /"
        done
    done
done
