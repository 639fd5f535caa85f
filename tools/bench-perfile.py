#!/usr/bin/env python3
"""Per-file times of idlgen beside widl, file by file (what tools/bench-widl.sh sums up).

    tools/bench-perfile.py [IDLGEN] [REPS]

For each of Wine's stand-alone IDL files (FILES: a list, one path per line; default: the
files `idlgen rust F -I $W -o X` generates from alone), the least of REPS runs (default 3) of
`idlgen rust F -I $W -o X`, `idlgen dump F -I $W` (the front end alone) and `widl -I $W -h -o X
F`, taking turns. Prints the median ratio of `rust` to widl, the files around the median and
the worst ratios, each with its three times and the size of its Rust: whether a file is bound
by the front end (rust close to dump) or by generation.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

W = os.environ.get("W", "/usr/include/wine/wine/windows")
WIDL = os.environ.get("WIDL", "/usr/bin/widl-stable")
here = os.path.dirname(os.path.abspath(__file__))
idlgen = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "target", "release", "idlgen")
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
tmp = tempfile.mkdtemp(prefix="idlgen-perfile.")
out_rs, out_h = os.path.join(tmp, "out.rs"), os.path.join(tmp, "out.h")

null = os.open(os.devnull, os.O_RDWR)
acts = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]


def run(argv):
    """Wall time of one run in ms, and whether it succeeded."""
    t = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=acts)
    _, status, _ = os.wait4(pid, 0)
    return (time.perf_counter_ns() - t) / 1e6, os.waitstatus_to_exitcode(status) == 0


if os.environ.get("FILES"):
    files = [l.strip() for l in open(os.environ["FILES"]) if l.strip()]
else:
    files = sorted(
        os.path.join(W, f)
        for f in os.listdir(W)
        if f.endswith(".idl") and run([idlgen, "rust", os.path.join(W, f), "-I", W, "-o", out_rs])[1]
    )

rows = []
for f in files:
    best = {}
    for _ in range(reps):
        for key, argv in (
            ("rust", [idlgen, "rust", f, "-I", W, "-o", out_rs]),
            ("dump", [idlgen, "dump", f, "-I", W]),
            ("widl", [WIDL, "-I", W, "-h", "-o", out_h, f]),
        ):
            best[key] = min(best.get(key, float("inf")), run(argv)[0])
    run([idlgen, "rust", f, "-I", W, "-o", out_rs])
    size = os.path.getsize(out_rs) if os.path.exists(out_rs) else 0
    rows.append((best["rust"] / best["widl"], os.path.basename(f), best["rust"], best["dump"], best["widl"], size))

rows.sort()
print(f"{len(rows)} files, least of {reps} runs; median rust/widl {statistics.median(r[0] for r in rows):.2f}")
line = "{:5.2f}  {:<28} rust {:6.1f} ms  dump {:6.1f} ms  widl {:6.1f} ms  Rust {:>9} bytes"
mid = len(rows) // 2
print("around the median:")
for r in rows[max(0, mid - 6) : mid + 6]:
    print(line.format(*r))
print("worst:")
for r in rows[-8:]:
    print(line.format(*r))
