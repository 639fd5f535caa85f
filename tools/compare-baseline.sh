#!/usr/bin/env bash
# Regenerates a baseline's Rust outputs with this build and compares every file by md5.
#
#   tools/compare-baseline.sh BASELINE [OUT]
#
# BASELINE holds wine_rs/NAME.rs (`idlgen rust $W/NAME.idl -I $W -o ...` for the files listed
# in BASELINE/standalone.txt), sdk_rs/NAME.rs (`idlgen rust $S/{um,shared}/NAME.idl --sdk $S`)
# or either. Also runs `idlgen rust DIR -o OUT` over the Wine files (symlinked into one
# directory) and compares those too: the batch path must give the same bytes as one file at a
# time. Prints one line per set ("wine_rs: 0 differ of 232") and the differing names; exits 1
# if any differ. Environment: IDLGEN (default target/release/idlgen), W (Wine's IDL), S (the
# SDK's Include/<version>), JOBS (parallel processes, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
B="${1:?usage: tools/compare-baseline.sh BASELINE [OUT]}"
B="$(cd "$B" && pwd)"
IDLGEN="${IDLGEN:-$PWD/target/release/idlgen}"
W="${W:-/usr/include/wine/wine/windows}"
S="${S:-$(ls -d /work/shared/winsdk/10.* 2>/dev/null | head -n1)}"
JOBS="${JOBS:-2}"
OUT="${2:-$(mktemp -d /tmp/idlgen-compare.XXXXXX)}"
[ -n "${2:-}" ] || trap 'rm -rf "$OUT"' EXIT
rm -rf "$OUT/wine_rs" "$OUT/sdk_rs" "$OUT/wine_dir" "$OUT/wine_in"
mkdir -p "$OUT/wine_rs" "$OUT/sdk_rs" "$OUT/wine_dir" "$OUT/wine_in"
export IDLGEN W S OUT
status=0

# md5 of every file of set $1 (baseline) against directory $2; prints the differing names.
compare() {
  local name=$1 dir=$2 base n diff
  base=$(cd "$B/$name" && md5sum -- * | sort -k2)
  n=$(printf '%s\n' "$base" | wc -l)
  diff=$(diff <(printf '%s\n' "$base") <(cd "$dir" && md5sum -- * 2>/dev/null | sort -k2) | grep '^>' | awk '{print $3}' || true)
  missing=$(diff <(cd "$B/$name" && ls) <(cd "$dir" && ls) | grep '^<' | awk '{print $2}' || true)
  local count
  count=$(printf '%s\n%s\n' "$diff" "$missing" | grep -c . || true)
  echo "$(basename "$dir"): $count differ of $n"
  printf '%s\n%s\n' "$diff" "$missing" | grep . | sort -u | head -n 20 | sed 's/^/    /' || true
  [ "$count" -eq 0 ] || status=1
}

if [ -d "$B/wine_rs" ]; then
  LIST="$B/standalone.txt"
  [ -f "$LIST" ] || LIST=<(ls "$B/wine_rs" | sed "s|\.rs$|.idl|; s|^|$W/|")
  # shellcheck disable=SC2016
  xargs -P "$JOBS" -I{} sh -c 'n=$(basename "$1" .idl); "$IDLGEN" rust "$1" -I "$W" -o "$OUT/wine_rs/$n.rs" 2>/dev/null || true' sh {} <"$LIST"
  compare wine_rs "$OUT/wine_rs"
  while read -r f; do ln -s "$f" "$OUT/wine_in/$(basename "$f")"; done <"$LIST"
  "$IDLGEN" rust "$OUT/wine_in" -I "$W" -o "$OUT/wine_dir" || echo "idlgen rust DIR failed"
  compare wine_rs "$OUT/wine_dir"
fi
if [ -d "$B/sdk_rs" ] && [ -n "$S" ]; then
  # shellcheck disable=SC2016
  ls "$B/sdk_rs" | sed 's/\.rs$//' | xargs -P "$JOBS" -I{} sh -c 'f=$(ls "$S/um/$1.idl" "$S/shared/$1.idl" 2>/dev/null | head -n1); "$IDLGEN" rust "$f" --sdk "$S" -o "$OUT/sdk_rs/$1.rs" 2>/dev/null || true' sh {}
  compare sdk_rs "$OUT/sdk_rs"
fi
exit $status
