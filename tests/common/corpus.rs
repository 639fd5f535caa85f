//! What the IDL corpus tests share: which files are fragments, #included by another file of
//! the corpus rather than compiled alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Fragment (lower-cased name) -> the corpus files that `#include "fragment.idl"` (or
/// `<fragment.idl>`) it.
pub fn fragments(files: &[PathBuf]) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = files.iter().map(|f| name_of(f).to_lowercase()).collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let text = std::fs::read(f).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        for line in text.lines() {
            let l = line.trim_start();
            let Some(rest) = l.strip_prefix('#') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix("include") else {
                continue;
            };
            let rest = rest.trim();
            // `#include "x.idl"` and `#include <x.idl>` (msxml.idl, strmif.idl) alike.
            let inner = match rest.chars().next() {
                Some('"') => rest[1..].split('"').next(),
                Some('<') => rest[1..].split('>').next(),
                _ => None,
            };
            let Some(inner) = inner else {
                continue;
            };
            let included = inner
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(inner)
                .to_lowercase();
            if included.ends_with(".idl") && names.contains(&included) {
                out.entry(included).or_default().insert(name_of(f));
            }
        }
    }
    out
}

/// Imported file (lower-cased name) -> the corpus files whose `import "x.idl";` names it.
pub fn importers(files: &[PathBuf]) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = files.iter().map(|f| name_of(f).to_lowercase()).collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let text = std::fs::read(f).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("import") else {
                continue;
            };
            if !rest.starts_with([' ', '\t', '"']) {
                continue;
            }
            // `import "a.idl", "b.idl";`: every quoted name up to the `;`.
            let list = rest.split(';').next().unwrap_or(rest);
            for (k, part) in list.split('"').enumerate() {
                if k % 2 == 0 {
                    continue;
                }
                let imported = part
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(part)
                    .to_lowercase();
                if names.contains(&imported) {
                    out.entry(imported).or_default().insert(name_of(f));
                }
            }
        }
    }
    out
}
