#!/usr/bin/env bash
# Seeds the `parse` fuzz target's corpus (default fuzz/corpus/parse, which git ignores) with
# - Wine's IDL corpus (/usr/include/wine/wine/windows/*.idl, libwine-dev), when installed;
# - the Windows SDK's IDL: every .idl of its um/ and shared/ folders, and the C headers (.h)
#   they #include (followed through the headers' own #includes), found in um/, shared/ or winrt/.
#   The SDK is ../shared/winsdk/10.0.16299.0 from the project's root, or the Include/<version>
#   folder IDLGEN_SDK_INCLUDE names; without one it is skipped, and said so.
#
# The SDK's files are named sdk-<folder>-<name> (um/OAIdl.Idl -> sdk-um-OAIdl.Idl,
# shared/WTypes.Idl -> sdk-shared-WTypes.Idl), so that none replaces a Wine file of that name.
#
# Usage: fuzz/seed.sh [corpus-dir]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/fuzz/corpus/parse}
mkdir -p "$out"

wine=/usr/include/wine/wine/windows
if compgen -G "$wine/*.idl" >/dev/null; then
    cp "$wine"/*.idl "$out"/
    echo "Wine: $(ls "$wine"/*.idl | wc -l) .idl files"
else
    echo "SKIPPED Wine: $wine has no .idl files (apt-get install libwine-dev)"
fi

sdk=${IDLGEN_SDK_INCLUDE:-$root/../shared/winsdk/10.0.16299.0}
if [ ! -d "$sdk/um" ]; then
    echo "SKIPPED SDK: no Windows SDK at $sdk (set IDLGEN_SDK_INCLUDE to its Include/<version>)"
    exit 0
fi
sdk=$(cd "$sdk" && pwd)

# Copies one SDK file as sdk-<folder>-<name>.
seed() {
    local f=$1 folder
    folder=$(basename "$(dirname "$f")")
    cp "$f" "$out/sdk-$folder-$(basename "$f")"
}

# The .idl files of um/ and shared/, any letter case.
mapfile -t idl < <(find "$sdk/um" "$sdk/shared" -maxdepth 1 -type f -iname '*.idl' | sort)
for f in "${idl[@]}"; do
    seed "$f"
done

# The headers they #include (not cpp_quote("#include ...")), then the headers those include.
declare -A seen=()
todo=("${idl[@]}")
headers=0
while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}
    todo=("${todo[@]:1}")
    while IFS= read -r name; do
        name=${name##*[/\\]}
        key=${name,,}
        [[ $key == *.h ]] || continue
        [ -z "${seen[$key]:-}" ] || continue
        seen[$key]=1
        found=$(find "$sdk/um" "$sdk/shared" "$sdk/winrt" -maxdepth 1 -type f -iname "$name" \
            2>/dev/null | head -n 1)
        [ -n "$found" ] || continue
        seed "$found"
        headers=$((headers + 1))
        todo+=("$found")
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/p' "$f")
done

echo "SDK ($sdk): ${#idl[@]} .idl files of um/ and shared/, $headers headers they #include"
echo "$(ls "$out" | wc -l) seeds in $out"
