#!/bin/sh
# Runs one fuzz target for a while: ./run.sh <target> [seconds] [extra libFuzzer flags]
# New inputs go to corpus-run/<target> (not committed); the committed seeds
# in corpus/<target> are read too. Crashes land in artifacts/<target>.
set -eu
cd "$(dirname "$0")"
t=$1
secs=${2:-300}
shift; [ $# -gt 0 ] && shift
case $t in
  ts_reader) dict=dicts/ts.dict ;;
  csv_reader) dict=dicts/csv.dict ;;
  npy_reader) dict=dicts/npy.dict ;;
  npz_diagrams) dict=dicts/npz.dict ;;
  json_diagrams) dict=dicts/json.dict ;;
  checkpoint_reader) dict=dicts/safetensors.dict ;;
  *) echo "unknown target $t" >&2; exit 2 ;;
esac
mkdir -p "corpus-run/$t"
exec cargo +nightly fuzz run -O "$t" "corpus-run/$t" "corpus/$t" -- \
  -max_total_time="$secs" -jobs=1 -workers=1 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -max_len=65536 -dict="$dict" -print_final_stats=1 "$@"
