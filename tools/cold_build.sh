#!/usr/bin/env bash
# Cold build time of a downstream crate that uses tda-pinet with the given
# dependency options, e.g.
#   tools/cold_build.sh 'default-features = false'          # Rips only
#   tools/cold_build.sh ''                                   # the whole library
# A fresh crate and a fresh target directory in a temporary folder (crates
# already downloaded are not fetched again: compile time only), built in
# release mode; prints the wall time and removes the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
options=${1:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tda-cold-build.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/src"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "rips-user"
version = "0.1.0"
edition = "2021"

[dependencies]
tda-pinet = { path = "$root"${options:+, $options} }

[workspace]
TOML
cat > "$dir/src/main.rs" <<'RS'
use tda_pinet::ndarray::array;
use tda_pinet::prelude::*;

fn main() {
    let square = array![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    let dgms = Rips::builder().max_dim(1).build().unwrap().compute(square.view()).unwrap();
    println!("{}", dgms[1].len());
}
RS
cd "$dir"
start=$(date +%s%N)
CARGO_TARGET_DIR="$dir/target" cargo build --release --quiet
end=$(date +%s%N)
echo "cold release build with {${options:-defaults}}: $(( (end - start) / 1000000 )) ms (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
