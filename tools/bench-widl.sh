#!/usr/bin/env bash
# idlgen beside widl (Wine's IDL compiler) on this machine, in one run (issue 15's benchmark).
#
#   tools/bench-widl.sh [REPS]          # REPS: timed runs of each command per file (default 5)
#
# Measures, over Wine's stand-alone IDL files (those `idlgen rust F -I $W -o X` loads alone; the
# list is worked out first, with RUSTFMT=/bin/false so that it takes seconds):
#  (a) per file, one process per run: `idlgen rust F -I $W -o X`, `widl -I $W -h -o X F` and
#      `idlgen dump F -I $W` (the front end only), taking turns file by file and run by run so
#      that the machine's load falls on all three alike; each command's time for a file is the
#      least of its REPS runs. Prints the median over files of the per-file ratios to widl, and
#      the totals. CPU time (user + system) is given beside wall time: on a shared machine it
#      moves less.
#  (b) `idlgen rust DIR -o OUT -I $W` over a directory holding only those files (symlinks into
#      a temporary directory), and widl over the same files in a per-file loop, taking turns
#      REPS times, each run writing into a fresh output directory: wall time (the least and the
#      median of the REPS runs; the least, as in (a), is the one to compare), and peak resident
#      memory from /usr/bin/time -v (the largest of the runs; for the loop: its largest process).
#
# The generator formats its own output in process (issue 15): RUSTFMT changes nothing. Environment: IDLGEN (default: the
# workspace's target/release/idlgen, built if missing), WIDL (default: widl-stable, else widl),
# W (default: /usr/include/wine/wine/windows), FILES (a list of inputs, one per line, instead
# of working it out).
set -euo pipefail
cd "$(dirname "$0")/.."

REPS="${1:-5}"
W="${W:-/usr/include/wine/wine/windows}"
WIDL="${WIDL:-$(command -v widl-stable || command -v widl || true)}"
if [ -z "${IDLGEN:-}" ]; then
  IDLGEN="$PWD/target/release/idlgen"
  [ -x "$IDLGEN" ] || cargo build --release --quiet
fi
[ -d "$W" ] || { echo "no Wine IDL in $W (Debian: libwine-dev)" >&2; exit 2; }
[ -n "$WIDL" ] || { echo "no widl (Debian: wine64-tools)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "no /usr/bin/time (Debian: time)" >&2; exit 2; }

TMP="$(mktemp -d /tmp/idlgen-bench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

# The stand-alone files: those `idlgen rust` generates from alone.
if [ -n "${FILES:-}" ]; then
  cp "$FILES" "$TMP/files.txt"
else
  : >"$TMP/files.txt"
  for f in "$W"/*.idl; do
    if RUSTFMT=/bin/false "$IDLGEN" rust "$f" -I "$W" -o "$TMP/probe.rs" >/dev/null 2>&1; then
      echo "$f" >>"$TMP/files.txt"
    fi
  done
fi
n=$(wc -l <"$TMP/files.txt")
echo "idlgen: $IDLGEN ($("$IDLGEN" --version))"
echo "widl:   $WIDL ($("$WIDL" -V 2>&1 | head -n1))"
echo "RUSTFMT: ${RUSTFMT-(unset)}; $n stand-alone files of $W; $REPS runs each"
echo

# (a) Per file, interleaved. posix_spawn and wait4: little overhead, and the child's CPU time.
python3 - "$TMP" "$IDLGEN" "$WIDL" "$W" "$REPS" <<'EOF'
import os, statistics, sys, time
tmp, idlgen, widl, w, reps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
files = [l.strip() for l in open(os.path.join(tmp, "files.txt")) if l.strip()]
null = os.open(os.devnull, os.O_RDWR)
acts = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
env = dict(os.environ)
def run(argv):
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=acts)
    _, status, ru = os.wait4(pid, 0)
    wall = (time.perf_counter_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return wall, (ru.ru_utime + ru.ru_stime) * 1e3
cmds = {
    "rust": lambda f: [idlgen, "rust", f, "-I", w, "-o", os.path.join(tmp, "out.rs")],
    "widl": lambda f: [widl, "-I", w, "-h", "-o", os.path.join(tmp, "out.h"), f],
    "dump": lambda f: [idlgen, "dump", f, "-I", w],
}
best = {k: {f: (float("inf"), float("inf")) for f in files} for k in cmds}
for f in files:  # one untimed pass: the page cache holds every file read
    for k, c in cmds.items():
        run(c(f))
for r in range(reps):
    for f in files:
        for k, c in (cmds.items() if r % 2 == 0 else reversed(list(cmds.items()))):
            wall, cpu = run(c(f))
            b = best[k][f]
            best[k][f] = (min(b[0], wall), min(b[1], cpu))
def ratio(k, i):
    return statistics.median(best[k][f][i] / best["widl"][f][i] for f in files)
def total(k, i):
    return sum(best[k][f][i] for f in files)
print("(a) per file, least of %d runs, %d files" % (reps, len(files)))
print("%-34s %12s %12s %12s %12s" % ("", "wall total", "median/widl", "cpu total", "median/widl"))
for k, label in (("widl", "widl -h"), ("rust", "idlgen rust -o"), ("dump", "idlgen dump (front end)")):
    print("%-34s %10.0f ms %12.2f %10.0f ms %12.2f" % (label, total(k, 0), ratio(k, 0), total(k, 1), ratio(k, 1)))
med = statistics.median(best["widl"][f][0] for f in files)
print("median widl time per file: %.2f ms" % med)
EOF
echo

# (b) One process over the directory; widl file by file. Taking turns, each into a fresh
# output directory (a first run's cost of creating the files counts), REPS times.
mkdir -p "$TMP/in"
while read -r f; do ln -s "$f" "$TMP/in/$(basename "$f")"; done <"$TMP/files.txt"
peak_kb() { awk '/Maximum resident set size/ {print $NF}' "$1"; }
now_ns() { date +%s%N; }
: >"$TMP/dir.txt"
for r in $(seq 1 "$REPS"); do
  rm -rf "$TMP/out" "$TMP/widl" && mkdir -p "$TMP/out" "$TMP/widl"
  t0=$(now_ns)
  /usr/bin/time -v -o "$TMP/time-dir.txt" "$IDLGEN" rust "$TMP/in" -o "$TMP/out" -I "$W" >/dev/null
  t1=$(now_ns)
  /usr/bin/time -v -o "$TMP/time-widl.txt" sh -c '
    for f in "$1"/*.idl; do "$2" -I "$3" -h -o "$4/$(basename "$f" .idl).h" "$f" || exit 1; done
  ' sh "$TMP/in" "$WIDL" "$W" "$TMP/widl" >/dev/null 2>&1
  t2=$(now_ns)
  echo "$(((t1 - t0) / 1000)) $(((t2 - t1) / 1000)) $(peak_kb "$TMP/time-dir.txt") $(peak_kb "$TMP/time-widl.txt")" >>"$TMP/dir.txt"
done
echo "(b) the $n files in one directory, $REPS runs each (each into a fresh output directory)"
python3 - "$TMP/dir.txt" <<'EOF'
import statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
print("%-34s %12s %12s %12s   %s" % ("", "least", "median", "peak RSS", "every run"))
for k, label in ((0, "idlgen rust DIR -o OUT"), (1, "widl -h, one process per file")):
    walls = [r[k] / 1e6 for r in rows]
    print("%-34s %10.3f s %10.3f s %9.0f MB   %s" % (label, min(walls), statistics.median(walls),
          max(r[k + 2] for r in rows) / 1024, " ".join("%.3f" % w for w in walls)))
EOF
