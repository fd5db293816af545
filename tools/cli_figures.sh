#!/usr/bin/env bash
# Draws the README's figures of the `tda` command from the bundled data:
# docs/figures/cli_basicmotions.png (the diagrams of series 0's three
# accelerometer channels) and docs/figures/cli_basicmotions_pis.png (their
# persistence images over births [-4, 1] and persistences [0, 3]).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tda-cli
tda="${CARGO_TARGET_DIR:-target}/release/tda"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ts=data/basicmotions/BasicMotions_TRAIN.ts
"$tda" diagram "$ts" -o "$work/bm.npz"
"$tda" plot "$work/bm.npz" --item 0 --item 1 --item 2 \
    --legend "accelerometer x" --legend "accelerometer y" --legend "accelerometer z" \
    --title "BasicMotions TRAIN series 0: sublevel H0" -o docs/figures/cli_basicmotions.png
"$tda" image "$work/bm.npz" --sigma 0.1 --resolution 40 40 \
    --birth-range -4 1 --pers-range 0 3 --range-out "$work/ranges.npy" -o "$work/pis.npy"
"$tda" plot "$work/pis.npy" --ranges "$work/ranges.npy" --item 0 --item 1 --item 2 \
    --legend "accelerometer x" --legend "accelerometer y" --legend "accelerometer z" \
    --title "BasicMotions TRAIN series 0: persistence images (sigma 0.1)" \
    -o docs/figures/cli_basicmotions_pis.png
echo "wrote docs/figures/cli_basicmotions.png and docs/figures/cli_basicmotions_pis.png"
