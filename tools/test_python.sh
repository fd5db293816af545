#!/usr/bin/env bash
# Builds the Python package `tda_pinet` (crates/tda-python) into a fresh
# venv, as a user's `pip install ./crates/tda-python` does, with the
# reference libraries its suite compares against, and runs the suite.
# Needs python3 (>= 3.9) with venv and pip, and network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
venv=$(mktemp -d "${TMPDIR:-/tmp}/tda-pinet-venv.XXXXXX")
trap 'rm -rf "$venv"' EXIT
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "./crates/tda-python[test]"
cd crates/tda-python
"$venv/bin/python" -m pytest tests -q
