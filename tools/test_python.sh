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
# Every reference library is installed above, so a skipped test means a
# broken install, not an optional extra: fail on it.
log="$venv/pytest.log"
"$venv/bin/python" -m pytest tests -q -rs 2>&1 | tee "$log"
if grep -q "skipped" "$log"; then
    echo "tools/test_python.sh: tests were skipped (see above)" >&2
    exit 1
fi
