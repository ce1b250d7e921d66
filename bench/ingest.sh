#!/usr/bin/env bash
# Ingest benchmark, one command:   bench/ingest.sh [--quick]
#
# 1. An image delivery (fixtures, TIFF/JPEG/PNG pages with sidecars and PDFs),
#    ingested without OCR, with and without derivatives.
# 2. A --text-only delivery at archive scale (11,233 dossiers, ~1M pages;
#    --quick: 500 dossiers).
# Each next to a baseline over the same files in the same run: sha256sum +
# zstd -3 on both cores (xargs -P2). Prints pages/s, MB/s, the ratio to the
# baseline and peak RSS. Set BENCH_DIR to keep the deliveries between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
IMG_DOSSIERS=${IMG_DOSSIERS:-40}
TEXT_DOSSIERS=${TEXT_DOSSIERS:-11233}
[[ $QUICK == 1 ]] && { IMG_DOSSIERS=12; TEXT_DOSSIERS=500; }

cargo build --release -p arhiva-ingest --example ingest_bench >&2
BIN=$PWD/target/release/examples/ingest_bench
WORK=${BENCH_DIR:-$(mktemp -d /tmp/arhiva-bench.XXXXXX)}
mkdir -p "$WORK"
echo "work dir: $WORK ($(nproc) cores)" >&2

gen() { # name, args...
  local out="$WORK/$1"; shift
  [[ -f "$out/ground-truth.json" ]] || "$BIN" fixtures "$out" "$@" >&2
}

baseline() { # dir -> seconds
  local dir=$1 t0 t1
  sync
  t0=$(date +%s.%N)
  find "$dir" -type f ! -name ground-truth.json -print0 |
    xargs -0 -P2 -n 256 sh -c 'sha256sum "$@" >/dev/null && zstd -3 -q -c "$@" >/dev/null' _
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

ours() { # label dir extra-args... -> prints a line
  local label=$1 dir=$2; shift 2
  local data="$WORK/data-$label"
  rm -rf "$data"
  sync
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v "$BIN" ingest "$data" "$dir" "$@" \
    >"$WORK/$label.json" 2>"$WORK/$label.time"
  t1=$(date +%s.%N)
  local secs rss
  secs=$(echo "$t1 - $t0" | bc -l)
  rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$WORK/$label.time")
  python3 - "$WORK/$label.json" "$secs" "$rss" "$label" "$BASE" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
secs, rss, label, base = float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
mb = r["bytes_in"] / 1e6
print(f"{label:<22} {r['pages']:>8} pages {secs:8.1f} s {r['pages']/secs:9.0f} pages/s "
      f"{mb/secs:7.1f} MB/s  {secs/base:5.2f}x baseline  peak RSS {rss/1024:6.0f} MiB  "
      f"stored {r['bytes_stored']/1e6:.0f} of {mb:.0f} MB")
PY
}

gen images "$IMG_DOSSIERS" 1
BASE=$(baseline "$WORK/images")
SIZE=$(du -sm "$WORK/images" | cut -f1)
printf '%-22s %s MB in %.1f s (%.1f MB/s)\n' "baseline images" "$SIZE" "$BASE" "$(echo "$SIZE / $BASE" | bc -l)"
ours images-noderiv "$WORK/images" --no-derivatives
ours images "$WORK/images"

gen text "$TEXT_DOSSIERS" 2 --text-only
BASE=$(baseline "$WORK/text")
SIZE=$(du -sm "$WORK/text" | cut -f1)
printf '%-22s %s MB in %.1f s (%.1f MB/s)\n' "baseline text" "$SIZE" "$BASE" "$(echo "$SIZE / $BASE" | bc -l)"
ours text "$WORK/text" --no-derivatives
