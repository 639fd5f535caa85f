#!/usr/bin/env bash
# Counts the public API of the idlgen crate from its rustdoc output.
#
#   tools/api-count.sh            # runs `cargo doc --no-deps -p idlgen`, then counts
#   tools/api-count.sh DOC_DIR    # counts an existing rustdoc output (e.g. target/doc/idlgen)
#
# Items by kind come from DOC_DIR/all.html (rustdoc's list of every public item); modules are
# the module pages; fields, variants and inherent methods (not trait implementations) are
# counted on each struct's and enum's page. Prints one `kind count` line each, and the total.
set -euo pipefail
cd "$(dirname "$0")/.."
doc="${1:-}"
if [ -z "$doc" ]; then
    cargo doc --no-deps -p idlgen -q
    doc="$(cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/doc/idlgen"
fi
[ -f "$doc/all.html" ] || { echo "no $doc/all.html: give rustdoc's output for idlgen" >&2; exit 2; }
python3 - "$doc" <<'PY'
import pathlib, re, sys
doc = pathlib.Path(sys.argv[1])
html = (doc / "all.html").read_text()
counts = {}
# Each kind is a heading followed by a list: <h3 id="structs">Structs</h3><ul class="all-items">...</ul>
for kind, body in re.findall(r'<h3 id="([a-z-]+)">[^<]*</h3>\s*<ul class="all-items">(.*?)</ul>', html, re.S):
    counts[kind] = len(re.findall(r"<li>", body))
counts["modules"] = 1 + sum(1 for p in doc.rglob("index.html") if p.parent != doc)
members = {"fields": 0, "variants": 0, "methods": 0}
for page in list(doc.rglob("struct.*.html")) + list(doc.rglob("enum.*.html")):
    text = page.read_text()
    own = text.split('id="trait-implementations"')[0]
    members["fields"] += len(set(re.findall(r'id="structfield\.([A-Za-z0-9_]+)"', own)))
    members["variants"] += len(set(re.findall(r'id="variant\.([A-Za-z0-9_]+)"', own)))
    members["methods"] += len(set(re.findall(r'id="method\.([A-Za-z0-9_]+)"', own)))
items = sum(counts.values())
for kind in sorted(counts):
    print(f"{kind:18} {counts[kind]}")
print(f"{'items (total)':18} {items}")
for kind, n in members.items():
    print(f"{kind:18} {n}")
print(f"{'all (total)':18} {items + sum(members.values())}")
PY
