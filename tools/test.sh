#!/usr/bin/env bash
# The README's test command: the Rust workspace's tests, then the Python
# package built into a fresh venv and its pytest suite (tools/test_python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace
tools/test_python.sh
