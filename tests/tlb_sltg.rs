//! The SLTG twins (written by tools/sltg-twin in the layout of widl's write_sltg.c; the
//! commands are in fixtures/certif/TLB_COMMANDS.md): certcli_sltg.tlb, of certcli.idl, and
//! sltg_cover_sltg.tlb, of sltg_cover.idl (an enum, a local base interface, property pairs,
//! optional, lcid and retval parameters, user-defined and interface-pointer types, a coclass
//! with two interfaces):
//! - certcli_sltg.tlb's dump equals the dump of the MSFT file of the same library for the same
//!   platform (certcli_win32.tlb), byte for byte; each twin's dump agrees with its IDL's as every
//!   type library does (tests/tlb_common/mod.rs lists what a type library does not carry);
//! - the raw views of each twin and its MSFT file (widl --win32) agree member by member (a unit
//!   test of the type-library front end: src/tlb/sltg/view_tests.rs);
//! - `idlgen rust` of each gives its IDL's bindings; the CLI reads them;
//! - bad SLTG input never panics, hangs or allocates without bound: every truncation, random
//!   byte flips, offsets and counts past the end, and cycles each give an error with an offset.
//!
//! oleaut32's reading of the twins is in tests/tlb_oleaut32.rs.

mod common;
mod tlb_common;

use tlb_common::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures/certif").join(name)).expect("fixture")
}

#[test]
fn sltg_twin_dump_equals_the_msft_dump() {
    let sltg =
        tlb_model(&root().join("fixtures/certif/certcli_sltg.tlb"), &[]).expect("SLTG loads");
    let msft =
        tlb_model(&root().join("fixtures/certif/certcli_win32.tlb"), &[]).expect("MSFT loads");
    let (a, b) = (dump_json(&sltg), dump_json(&msft));
    assert_eq!(a["libraries"], b["libraries"]);
    // The library's own types (the dump lists the base set's too, the same for both).
    let own = |d: &serde_json::Value| -> Vec<serde_json::Value> {
        let names = d["libraries"][0]["types"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        d["types"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| names.contains(&t["name"]))
            .cloned()
            .collect()
    };
    assert_eq!(a["types"], b["types"], "the whole dump");
    let (ta, tb) = (own(&a), own(&b));
    assert_eq!(ta.len(), tb.len(), "type count");
    for (x, y) in ta.iter().zip(&tb) {
        assert_eq!(x, y, "type {} differs", y["name"]);
    }
    let methods: usize = ta
        .iter()
        .filter_map(|t| t["methods"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!((ta.len(), methods), (4, 12 + 14));
    println!(
        "certcli_sltg.tlb: {} types, {methods} methods, dump equal to certcli_win32.tlb's",
        ta.len()
    );
}

#[test]
fn sltg_twin_dump_agrees_with_the_idl() {
    let mut m = idl_model(&root().join("fixtures/certif/certcli.idl"), &[]).expect("IDL loads");
    m.include_imported_user_files();
    let (idl, sp) = (dump_json(&m), Spellings::of(&m));
    let model = tlb_model(&root().join("fixtures/certif/certcli_sltg.tlb"), &[]).expect("loads");
    let tlb = dump_json(&model);
    let (compared, mut diffs) = compare(&idl, &tlb, &[], &sp);
    diffs.extend(compare_libraries(&idl, &tlb));
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    assert_eq!(compared, 4);
    // The library's own help strings, which an SLTG file keeps in its word tree.
    for (name, help) in [
        ("CCertServerPolicy", "CertServerPolicy Class"),
        ("ICertServerExit", "ICertServerExit Interface"),
    ] {
        let t = tlb["types"]
            .as_array()
            .and_then(|a| a.iter().find(|t| t["name"] == name))
            .expect("type");
        assert_eq!(t["helpstring"], help);
    }
    println!("certcli_sltg.tlb: {compared} types agree with certcli.idl");
}

#[test]
fn sltg_cover_dump_agrees_with_the_idl() {
    let certif = root().join("fixtures/certif");
    let mut m = idl_model(&certif.join("sltg_cover.idl"), &[]).expect("IDL loads");
    m.include_imported_user_files();
    let (idl, sp) = (dump_json(&m), Spellings::of(&m));
    let mut kinds = Vec::new();
    for file in ["sltg_cover_sltg.tlb", "sltg_cover_win32.tlb"] {
        let model = tlb_model(&certif.join(file), &[]).expect("loads");
        let tlb = dump_json(&model);
        let (compared, mut diffs) = compare(&idl, &tlb, &[], &sp);
        diffs.extend(compare_libraries(&idl, &tlb));
        assert!(diffs.is_empty(), "{file}:\n{}", diffs.join("\n"));
        assert_eq!(compared, 4, "{file}");
        kinds = tlb["types"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| {
                tlb["libraries"][0]["types"]
                    .as_array()
                    .is_some_and(|l| l.contains(&t["name"]))
            })
            .map(|t| format!("{} {}", t["kind"], t["name"]))
            .collect();
        println!("{file}: {compared} types agree with sltg_cover.idl");
    }
    assert_eq!(
        kinds,
        [
            "\"enum\" \"Shade\"",
            "\"interface\" \"ICoverBase\"",
            "\"interface\" \"ICoverMore\"",
            "\"coclass\" \"Cover\""
        ]
    );
}

#[test]
fn sltg_twins_rust_agrees_with_the_idl() {
    let certif = root().join("fixtures/certif");
    for (idl, tlb) in [
        ("certcli.idl", "certcli_sltg.tlb"),
        ("sltg_cover.idl", "sltg_cover_sltg.tlb"),
    ] {
        let n = assert_rust_agrees(&certif.join(idl), &certif.join(tlb));
        println!("{tlb}: {n} generated items agree with {idl}'s");
    }
}

#[test]
fn the_cli_dumps_the_sltg_twin() {
    let (code, out, err) = common::idlgen(&["dump", "fixtures/certif/certcli_sltg.tlb"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["libraries"][0]["name"], "CERTCLIENTLib");
    assert_eq!(v["types"].as_array().map(Vec::len), Some(4));
}

// ---------------------------------------------------------------------------------------------
// Bad input.

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Where things are in the twin (its block chain is in file order, as write_sltg.c writes it).
struct Layout {
    /// Each type info block's start and length; then the library block's.
    blocks: Vec<(usize, usize)>,
    lib: usize,
    /// Each directory entry's start, and where its `more_bytes` word is.
    entries: Vec<(usize, usize)>,
    /// The name-table offset word and the name table.
    nt_word: usize,
    nt: usize,
}

fn layout(b: &[u8]) -> Layout {
    let n = u16_at(b, 4) - 1;
    let mut pos = 0x24 + n * 8 + u16_at(b, 8) + 9;
    let mut blocks = Vec::new();
    for i in 0..n {
        let len = u32_at(b, 0x24 + i * 8);
        assert_eq!(
            u16_at(b, 0x24 + i * 8 + 6),
            if i + 1 == n { 0 } else { i + 2 }
        );
        blocks.push((pos, len));
        pos += len;
    }
    let lib = blocks.last().expect("library block").0;
    let mut p = lib + 8;
    p += 2 + u16_at(b, p);
    p += 2;
    p += 34 + 0x40;
    let mut entries = Vec::new();
    for _ in 0..n - 1 {
        let start = p;
        p += 2;
        p += 2 + u16_at(b, p);
        p += 2 + u16_at(b, p);
        p += 4;
        entries.push((start, p));
        p += 2 + u16_at(b, p);
        p += 24;
    }
    let nt_word = p + 2;
    Layout {
        blocks,
        lib,
        entries,
        nt_word,
        nt: lib + u32_at(b, nt_word),
    }
}

/// Type info `i`: its block start, its member data start, and the tail's start.
fn members(b: &[u8], l: &Layout, i: usize) -> (usize, usize, usize) {
    let start = l.blocks[i].0;
    let elem = start + u32_at(b, start + 0x0a);
    let data = elem + 9;
    (start, data, data + u32_at(b, elem + 5))
}

/// Replaces `old` by `new` inside type info `i`'s reference table, fixing the block's length
/// and member-header offset (everything after moves with it; nothing outside counts from it).
fn replace_ref(b: &[u8], l: &Layout, i: usize, old: &str, new: &str) -> Vec<u8> {
    let (start, len) = l.blocks[i];
    let block = &b[start..start + len];
    let mut needle = (old.len() as u16).to_le_bytes().to_vec();
    needle.extend_from_slice(old.as_bytes());
    let at = start
        + block
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap_or_else(|| panic!("{old} in type info {i}"));
    let mut repl = (new.len() as u16).to_le_bytes().to_vec();
    repl.extend_from_slice(new.as_bytes());
    let grow = repl.len() - needle.len();
    let mut out = b[..at].to_vec();
    out.extend_from_slice(&repl);
    out.extend_from_slice(&b[at + needle.len()..]);
    put32(&mut out, 0x24 + i * 8, (len + grow) as u32);
    let elem = u32_at(&out, start + 0x0a);
    put32(&mut out, start + 0x0a, (elem + grow) as u32);
    out
}

/// The reference string of type info `i`'s base interface (`*\R...`).
fn base_ref(b: &[u8], l: &Layout, i: usize) -> String {
    let (start, len) = l.blocks[i];
    let block = &b[start..start + len];
    let at = block
        .windows(3)
        .position(|w| w == b"*\\R")
        .expect("a reference");
    let n = u16_at(block, at - 2);
    String::from_utf8_lossy(&block[at..at + n]).into_owned()
}

#[test]
fn every_sltg_truncation_is_an_error_with_an_offset() {
    let full = fixture("certcli_sltg.tlb");
    assert!(
        load(&full, "certcli_sltg.tlb").is_none(),
        "the fixture reads"
    );
    for len in 0..full.len() {
        let e = load(&full[..len], &format!("cut to {len}"))
            .unwrap_or_else(|| panic!("certcli_sltg.tlb cut to {len} bytes read without error"));
        assert!(e.contains("at byte offset"), "cut to {len}: {e}");
    }
    // A byte too many is an error as well: the trailer ends the file.
    let mut longer = full.clone();
    longer.push(0);
    assert_offset_error(&longer, "one byte more");
    println!(
        "{} truncations of certcli_sltg.tlb, each an error with an offset",
        full.len()
    );
}

#[test]
fn random_sltg_byte_flips_never_panic() {
    let (_, err) = byte_flips(&fixture("certcli_sltg.tlb"), 0x2545_f491_4f6c_dd1d);
    assert!(err > 1000, "flips must reach the checks ({err} errors)");
}

/// A value written over the twin: 1, 2 or 4 bytes at an offset.
#[derive(Clone, Copy)]
enum Put {
    B(u8),
    W(u16),
    D(u32),
}

#[test]
fn sltg_offsets_and_counts_past_the_end_are_errors() {
    use Put::*;
    let full = fixture("certcli_sltg.tlb");
    let l = layout(&full);
    let (ti1, data1, tail1) = members(&full, &l, 1);
    let (_, data0, _) = members(&full, &l, 0);
    let last = l.blocks.len() - 1;
    let f1 = data1 + 0x16; // ICertServerPolicy's first function, after its base's record
    let big = 0x7fff_ffff;
    let cases: Vec<(&str, usize, Put)> = vec![
        ("block count 0xffff", 4, W(0xffff)),
        ("block count 1", 4, W(1)),
        ("block count 0", 4, W(0)),
        ("first block 0", 10, W(0)),
        ("first block 0x7fff", 10, W(0x7fff)),
        ("index size 0xffff", 8, W(0xffff)),
        ("index size 0", 8, W(0)),
        ("block 0 length past the end", 0x24, D(big)),
        ("library block length past the end", 0x24 + last * 8, D(big)),
        ("block next past the entries", 0x24 + 6, W(0x7fff)),
        ("library name offset 0xfff0", l.lib + 4, W(0xfff0)),
        ("library help string length 0xfffe", l.lib + 8, W(0xfffe)),
        ("name table offset past the end", l.nt_word, D(big)),
        ("name table size past the end", l.nt + 0x20c, D(big)),
        ("help-string tree size past the end", l.nt_word + 6, D(big)),
        ("a type's help bits past the end", l.entries[1].1, W(0xfff0)),
        ("member header offset past the end", ti1 + 0x0a, D(big)),
        (
            "reference table offset past the members",
            ti1 + 2,
            D(0x7000),
        ),
        ("member data size past the end", data1 - 4, D(big)),
        ("function count 0xffff", tail1, W(0xffff)),
        ("functions offset past the block", tail1 + 8, W(0x7ff0)),
        (
            "first function's arguments past the block",
            f1 + 0x0e,
            W(0x7ff0),
        ),
        ("first function's name offset 0xfff0", f1 + 4, W(0xfff0)),
        ("first function's magic 0x00", f1, B(0)),
        ("first function's next past the block", f1 + 2, W(0x7ff0)),
        ("type kind 0x55", ti1 + 0x1d, B(0x55)),
        ("type info magic 0", ti1, W(0)),
        (
            "reference count 0x7ffffff8",
            ti1 + 0x22 + 0x44,
            D(0x7fff_fff8),
        ),
        ("coclass's reference 7 of 1", data0 + 0x0a, W(7)),
        ("the \"TYPELIB\" trailer", full.len() - 36, B(b'X')),
    ];
    for (what, at, v) in &cases {
        let mut b = full.clone();
        match *v {
            B(x) => b[*at] = x,
            W(x) => put16(&mut b, *at, x),
            D(x) => put32(&mut b, *at, x),
        }
        let e = assert_offset_error(&b, what);
        println!("{what}: {e}");
    }
    assert_eq!(cases.len(), 30);
}

#[test]
fn sltg_cycles_are_errors() {
    let full = fixture("certcli_sltg.tlb");
    let l = layout(&full);
    // Block chain: entry 1 leads back to itself.
    let mut b = full.clone();
    put16(&mut b, 0x24 + 6, 1);
    let e = assert_offset_error(&b, "a block chain that loops");
    assert!(e.contains("returns to block"), "{e}");
    // Functions: the first function's `next` is itself.
    let (_, data1, tail1) = members(&full, &l, 1);
    let funcs_off = u16_at(&full, tail1 + 8);
    let mut b = full.clone();
    put16(&mut b, data1 + funcs_off + 2, funcs_off as u16);
    let e = assert_offset_error(&b, "a function list that loops");
    assert!(e.contains("loops"), "{e}");
    // Implemented interfaces: the coclass's record points at itself.
    let (_, data0, _) = members(&full, &l, 0);
    let mut b = full.clone();
    put16(&mut b, data0 + 2, 0);
    let e = assert_offset_error(&b, "an implemented-interface chain that loops");
    assert!(e.contains("loops"), "{e}");
    // Types: a return type of 40 nested pointers, written over the later functions (which the
    // reader then does not visit: the count is cut to one).
    let f = data1 + funcs_off;
    let mut b = full.clone();
    put16(&mut b, tail1, 1);
    b[f + 0x11] &= !0x80;
    let deep = funcs_off + 0x40;
    put16(&mut b, f + 0x12, deep as u16);
    for k in 0..40 {
        put16(&mut b, data1 + deep + 2 * k, 26);
    }
    let e = assert_offset_error(&b, "40 nested pointers");
    assert!(e.contains("nests deeper"), "{e}");
    // Interfaces: type info 1 (ICertServerPolicy) derives from itself; then 1 and 3 from each
    // other.
    let base = base_ref(&full, &l, 1);
    assert!(
        base.starts_with("*\\R") && !base.contains("ffff"),
        "{base}: stdole's IDispatch"
    );
    let b = replace_ref(&full, &l, 1, &base, "*\\Rffff*#1");
    let e = assert_offset_error(&b, "a self-derived interface");
    assert!(
        e.contains("derives from itself") || e.contains("inherits from itself"),
        "{e}"
    );
    let b = replace_ref(&full, &l, 1, &base, "*\\Rffff*#3");
    let l2 = layout(&b);
    let b = replace_ref(&b, &l2, 3, &base, "*\\Rffff*#1");
    let e = assert_offset_error(&b, "two interfaces deriving from each other");
    assert!(e.contains("inherits from itself"), "{e}");
    println!("cycles: {e}");
}
