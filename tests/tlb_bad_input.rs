//! Bad type libraries never panic, hang or allocate without bound: every truncation of
//! certcli.tlb, random byte flips, offsets and counts past the end, and reference cycles each
//! give an error that names a byte offset.

mod tlb_common;

use tlb_common::{assert_offset_error, byte_flips, load, root};

fn certcli() -> Vec<u8> {
    std::fs::read(root().join("fixtures/certif/certcli.tlb")).expect("fixture")
}

fn i32_at(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn put(b: &mut [u8], at: usize, v: i32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Where the segment directory starts, and segment `i`'s (offset, length).
fn segment(b: &[u8], i: usize) -> (usize, usize, usize) {
    let n = i32_at(b, 0x20) as usize;
    let extra = if i32_at(b, 0x14) & 0x100 != 0 { 4 } else { 0 };
    let dir = 0x54 + extra + n * 4 + i * 16;
    (dir, i32_at(b, dir) as usize, i32_at(b, dir + 4) as usize)
}

#[test]
fn every_truncation_is_an_error_with_an_offset() {
    let full = certcli();
    assert!(load(&full, "certcli.tlb").is_none(), "the fixture reads");
    let mut errors = 0;
    for len in 0..full.len() {
        let cut = &full[..len];
        match load(cut, &format!("certcli.tlb cut to {len} bytes")) {
            Some(e) => {
                assert!(e.contains("at byte offset"), "cut to {len}: {e}");
                errors += 1;
            }
            None => panic!("certcli.tlb cut to {len} bytes read without error"),
        }
    }
    println!("{errors} truncations of certcli.tlb, each an error with an offset");
}

#[test]
fn random_byte_flips_never_panic() {
    let (_, err) = byte_flips(&certcli(), 0x9e37_79b9_7f4a_7c15);
    assert!(err > 1000, "flips must reach the checks ({err} errors)");
}

#[test]
fn offsets_and_counts_past_the_end_are_errors() {
    let full = certcli();
    let len = full.len() as i32;
    let (dir, ti_off, _) = segment(&full, 0);
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    let mut case = |what: &str, f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = full.clone();
        f(&mut b);
        cases.push((what.to_string(), b));
    };
    case("type info count 0x7fffffff", &|b| put(b, 0x20, 0x7fff_ffff));
    case("type info count -1", &|b| put(b, 0x20, -1));
    for (i, name) in [
        "typeinfo",
        "impinfo",
        "impfiles",
        "reftab",
        "guidhash",
        "guidtab",
        "namehash",
        "nametab",
        "stringtab",
        "typdesc",
    ]
    .iter()
    .enumerate()
    {
        case(&format!("{name} segment offset past the end"), &|b| {
            put(b, dir + i * 16, len)
        });
        case(&format!("{name} segment length past the end"), &|b| {
            put(b, dir + i * 16 + 4, len)
        });
    }
    case("library name offset past its table", &|b| {
        put(b, 0x38, 0x7fff_0000)
    });
    case("member block offset past the end", &|b| {
        put(b, ti_off + 0x64 + 4, len + 8)
    });
    case("member count 0xffff", &|b| {
        put(b, ti_off + 0x18 + 0x64, 0xffff)
    });
    case("type info name offset past its table", &|b| {
        put(b, ti_off + 0x34, 0x0fff_fff0)
    });
    case("GUID offset past its table", &|b| {
        put(b, ti_off + 0x2c, 0x0fff_fff0)
    });
    case("base interface reference past the type infos", &|b| {
        put(b, ti_off + 0x64 + 0x54, 0x64 * 100)
    });
    let mut n = 0;
    for (what, bytes) in &cases {
        let e = assert_offset_error(bytes, what);
        println!("{what}: {e}");
        n += 1;
    }
    assert!(n >= 26);
}

#[test]
fn reference_cycles_are_errors() {
    let full = certcli();
    let (_, ti_off, _) = segment(&full, 0);
    // Type info 1 (ICertServerPolicy) derives from itself; then 1 and 3 from each other.
    let (kind1, kind3) = (
        i32_at(&full, ti_off + 0x64) & 0xf,
        i32_at(&full, ti_off + 3 * 0x64) & 0xf,
    );
    assert_eq!(
        (kind1, kind3),
        (4, 4),
        "type infos 1 and 3 are the dual interfaces"
    );
    let mut b = full.clone();
    put(&mut b, ti_off + 0x64 + 0x54, 0x64);
    let e = assert_offset_error(&b, "self-derived interface");
    assert!(
        e.contains("derives from itself") || e.contains("inherits from itself"),
        "{e}"
    );
    let mut b = full.clone();
    put(&mut b, ti_off + 0x64 + 0x54, 3 * 0x64);
    put(&mut b, ti_off + 3 * 0x64 + 0x54, 0x64);
    let e = assert_offset_error(&b, "two interfaces deriving from each other");
    assert!(e.contains("inherits from itself"), "{e}");
    // A typedesc that points at itself: VT_PTR to its own offset.
    let (_, td_off, td_len) = segment(&full, 9);
    assert!(td_len >= 8, "certcli.tlb has typedescs");
    let mut b = full.clone();
    b[td_off..td_off + 2].copy_from_slice(&26u16.to_le_bytes());
    put(&mut b, td_off + 4, 0);
    let e = assert_offset_error(&b, "a typedesc pointing at itself");
    assert!(e.contains("nests deeper"), "{e}");
    println!("cycles: {e}");
}

#[test]
fn sltg_and_unknown_formats_are_named() {
    let mut sltg = b"SLTG".to_vec();
    sltg.resize(64, 0);
    // Read as SLTG (tests/tlb_sltg.rs has the SLTG cases): a header of zeros counts no blocks.
    let e = assert_offset_error(&sltg, "an SLTG header");
    assert!(e.contains("block count 0"), "{e}");
    let e = assert_offset_error(b"not a type library", "text");
    assert!(e.contains("expected a type library"), "{e}");
}

#[test]
fn pe_offsets_and_counts_past_the_end_are_errors() {
    let full = std::fs::read(root().join("fixtures/certif/certcli_pe64.dll")).expect("fixture");
    assert!(
        load(&full, "certcli_pe64.dll").is_none(),
        "the fixture reads"
    );
    let pe = i32_at(&full, 0x3c) as usize;
    let (coff, opt) = (pe + 4, pe + 24);
    let res_dir = opt + 112 + 16;
    let len = full.len() as i32;
    let cases: Vec<(&str, usize, i32)> = vec![
        ("e_lfanew past the end", 0x3c, len + 100),
        ("e_lfanew negative", 0x3c, -1),
        ("section count 0xffff", coff, 0xffff_014c_u32 as i32),
        ("optional header size 0xffff", coff + 16, 0x0000_ffff),
        ("resource RVA past every section", res_dir, 0x7fff_0000),
        ("resource size 2 GB", res_dir + 4, 0x7fff_ffff),
    ];
    for (what, at, v) in cases {
        let mut b = full.clone();
        put(&mut b, at, v);
        let e = assert_offset_error(&b, what);
        println!("{what}: {e}");
    }
    // Every truncation inside the sections' data is an error too (what follows them, COFF
    // symbols here, is not needed).
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([full[at], full[at + 1]]));
    let table = opt + u16_at(coff + 16);
    let data_end = (0..u16_at(coff + 2))
        .map(|i| {
            let s = table + i * 40;
            i32_at(&full, s + 20) as usize + i32_at(&full, s + 16) as usize
        })
        .max()
        .expect("sections");
    for cut in (0..data_end).step_by(7) {
        assert_offset_error(
            &full[..cut],
            &format!("certcli_pe64.dll cut to {cut} bytes"),
        );
    }
}
