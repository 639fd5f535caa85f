//! DispidTable: case-insensitive lookup (ASCII and beyond), UTF-16 lookup, lookup by id,
//! propget/propput pairs, table validation, and that lookups do not allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use idlgen_runtime::*;
// The support code generated vtables call, which these tests call as generated code does.
use idlgen_runtime::__codegen::*;

/// Counts the allocations of the current thread, to show lookups make none.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter is a const-initialised thread local,
// which never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (r, ALLOCATIONS.with(Cell::get) - before)
}

const fn member(
    name: &'static str,
    dispid: i32,
    kind: InvokeKind,
    slot: Option<u16>,
) -> DispMember {
    DispMember {
        name,
        dispid,
        kind,
        slot,
        ..DispMember::new("", 0, InvokeKind::Method, None)
    }
}

/// Members in declaration order, ids sorted by (dispid, index); no name index (lookups scan:
/// `indexed` is the table as the generator emits it).
const TABLE: DispidTable = DispidTable::new(
    &[
        member("Name", 0, InvokeKind::PropertyGet, Some(7)),
        member("Name", 0, InvokeKind::PropertyPut, Some(8)),
        member("Ärger", 0x60020001, InvokeKind::Method, Some(9)),
        member("Add", 3, InvokeKind::Method, None),
        member("İd", -4, InvokeKind::PropertyGet, None),
    ],
    &[4, 0, 1, 3, 2],
);

#[test]
fn keys_are_folded_with_fold_name() {
    assert_eq!(fold_name("Ärger"), "ärger");
    assert_eq!(fold_name("GetRequestProperty"), "getrequestproperty");
    // Unicode lowercase, which may expand: İ (U+0130) folds to "i\u{307}".
    assert_eq!(fold_name("İd"), "i\u{307}d");
    let mut keys: Vec<String> = TABLE.members().iter().map(|m| fold_name(m.name)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys, ["add", "i\u{307}d", "name", "ärger"]);
}

#[test]
fn lookup_ignores_letter_case() {
    for name in ["Name", "name", "NAME", "nAmE"] {
        assert_eq!(TABLE.lookup(name), Some(0), "{name}");
    }
    assert_eq!(TABLE.lookup("add"), Some(3));
    assert_eq!(TABLE.lookup("ADD"), Some(3));
}

#[test]
fn lookup_ignores_letter_case_beyond_ascii() {
    for name in ["Ärger", "äRGER", "ÄRGER", "ärger"] {
        assert_eq!(TABLE.lookup(name), Some(0x60020001), "{name}");
    }
    assert_eq!(TABLE.lookup("İD"), Some(-4));
    assert_eq!(TABLE.lookup("i\u{307}d"), Some(-4));
    // Folding is not transliteration.
    assert_eq!(TABLE.lookup("arger"), None);
    assert_eq!(TABLE.lookup("id"), None);
}

#[test]
fn lookup_of_unknown_names_fails() {
    for name in ["", "Nam", "Names", "xyz", "zzzzzz", "\u{10FFFF}"] {
        assert_eq!(TABLE.lookup(name), None, "{name:?}");
    }
    assert_eq!(
        TABLE.lookup_member("NAME").map(|m| m.kind),
        Some(InvokeKind::PropertyGet)
    );
}

#[test]
fn lookup_wide_matches_utf16_names() {
    let wide = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
    assert_eq!(TABLE.lookup_wide(&wide("ÄRGER")), Some(0x60020001));
    assert_eq!(TABLE.lookup_wide(&wide("name")), Some(0));
    assert_eq!(TABLE.lookup_wide(&wide("nope")), None);
    assert_eq!(TABLE.lookup_wide(&[]), None);
    // Unpaired surrogates never match.
    assert_eq!(
        TABLE.lookup_wide(&[u16::from(b'a'), u16::from(b'd'), 0xD800]),
        None
    );
    assert_eq!(TABLE.lookup_wide(&[0xDC00]), None);
}

#[test]
fn name_of_gives_the_first_member_with_the_id() {
    assert_eq!(TABLE.name_of(0), Some("Name"));
    assert_eq!(TABLE.name_of(0x60020001), Some("Ärger"));
    assert_eq!(TABLE.name_of(-4), Some("İd"));
    assert_eq!(TABLE.name_of(1), None);
}

#[test]
fn members_with_id_returns_a_propget_propput_pair() {
    let pair: Vec<InvokeKind> = TABLE.members_with_id(0).map(|m| m.kind).collect();
    assert_eq!(pair, [InvokeKind::PropertyGet, InvokeKind::PropertyPut]);
    assert!(TABLE.members_with_id(0).all(|m| m.name == "Name"));
    assert_eq!(TABLE.members_with_id(3).count(), 1);
    assert_eq!(TABLE.members_with_id(2).count(), 0);
    assert_eq!(TABLE.members_with_id(i32::MIN).count(), 0);
    assert_eq!(TABLE.members_with_id(i32::MAX).count(), 0);
    assert_eq!(TABLE.members().len(), 5);
    assert_eq!(TABLE.members()[2].slot, Some(9));
}

#[test]
fn lookups_do_not_allocate() {
    let wide: Vec<u16> = "ÄRGER".encode_utf16().collect();
    let (found, allocations) = allocations_during(|| {
        (
            TABLE.lookup("ÄRGER"),
            TABLE.lookup("İD"),
            TABLE.lookup("missing"),
            TABLE.lookup_wide(&wide),
            TABLE.name_of(0),
            TABLE.members_with_id(0).count(),
        )
    });
    assert_eq!(
        found,
        (
            Some(0x60020001),
            Some(-4),
            None,
            Some(0x60020001),
            Some("Name"),
            2
        )
    );
    assert_eq!(allocations, 0);
}

#[test]
fn invoke_kind_values_are_the_dispatch_flags() {
    assert_eq!(InvokeKind::Method.flags(), DISPATCH_METHOD);
    assert_eq!(InvokeKind::PropertyGet.flags(), DISPATCH_PROPERTYGET);
    assert_eq!(InvokeKind::PropertyPut.flags(), DISPATCH_PROPERTYPUT);
    assert_eq!(InvokeKind::PropertyPutRef.flags(), DISPATCH_PROPERTYPUTREF);
    assert!(InvokeKind::Method.matches(DISPATCH_METHOD | DISPATCH_PROPERTYGET));
    assert!(InvokeKind::PropertyGet.matches(DISPATCH_METHOD | DISPATCH_PROPERTYGET));
    assert!(!InvokeKind::PropertyPut.matches(DISPATCH_METHOD | DISPATCH_PROPERTYGET));
    let names: Vec<String> = [
        InvokeKind::Method,
        InvokeKind::PropertyGet,
        InvokeKind::PropertyPut,
        InvokeKind::PropertyPutRef,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(names, ["method", "propget", "propput", "propputref"]);
}

#[test]
fn debug_lists_the_members() {
    let text = format!("{TABLE:?}");
    assert!(text.starts_with("DispidTable { members: ["), "{text}");
    assert!(text.contains("\"Ärger\""), "{text}");
}

#[test]
fn an_empty_table_finds_nothing() {
    const EMPTY: DispidTable = DispidTable::new(&[], &[]);
    assert_eq!(EMPTY.lookup("x"), None);
    assert_eq!(EMPTY.name_of(0), None);
    assert_eq!(EMPTY.members_with_id(0).count(), 0);
    assert_eq!(EMPTY.with_name_index(&[]).lookup("x"), None);
}

static MEMBERS: [DispMember; 2] = [
    member("B", 2, InvokeKind::Method, None),
    member("A", 1, InvokeKind::Method, None),
];

#[test]
#[should_panic(expected = "members out of DISPID order need by_id")]
fn members_out_of_order_without_by_id_are_rejected() {
    DispidTable::new(&MEMBERS, &[]);
}

#[test]
#[should_panic(expected = "by_id must be sorted")]
fn unsorted_ids_are_rejected() {
    DispidTable::new(&MEMBERS, &[0, 1]);
}

#[test]
#[should_panic(expected = "out of range")]
fn indices_out_of_range_are_rejected() {
    DispidTable::new(&MEMBERS, &[1, 5]);
}

#[test]
fn members_in_dispid_order_need_no_by_id() {
    static SORTED: [DispMember; 3] = [
        member("A", -1, InvokeKind::Method, None),
        member("B", 2, InvokeKind::PropertyGet, None),
        member("B", 2, InvokeKind::PropertyPut, None),
    ];
    let t = DispidTable::new(&SORTED, &[]);
    assert_eq!(t.select(2, DISPATCH_PROPERTYPUT), Some(2));
    assert_eq!(t.select(2, DISPATCH_METHOD | DISPATCH_PROPERTYGET), Some(1));
    assert_eq!(t.select(-1, DISPATCH_METHOD), Some(0));
    assert_eq!(t.select(-1, DISPATCH_PROPERTYGET), None);
    assert_eq!(t.members_with_id(2).count(), 2);
    assert_eq!(t.name_of(-1), Some("A"));
    assert_eq!(t.name_of(0), None);
}

/// TABLE's member names, in order.
const NAMES: [&str; 5] = ["Name", "Name", "Ärger", "Add", "İd"];

/// TABLE as the generator emits it: with its hash index by name.
fn indexed() -> DispidTable {
    keep(TABLE.with_name_index(Box::leak(name_index_of(&NAMES).into_boxed_slice())))
}

/// Tables built at run time borrow leaked `'static` slices, as generated tables borrow
/// constants; keeping each table in a static keeps that memory reachable, so valgrind does not
/// count it as a leak.
fn keep(table: DispidTable) -> DispidTable {
    static KEPT: std::sync::Mutex<Vec<DispidTable>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut kept) = KEPT.lock() {
        kept.push(table);
    }
    table
}

#[test]
fn name_index_is_deterministic_and_half_empty() {
    let index = name_index_of(&NAMES);
    assert_eq!(index, name_index_of(&NAMES));
    // Four distinct names (folded): twice as many slots, a power of two.
    assert_eq!(index.len(), 8);
    // The first member of each name, as 1 + its position.
    let mut used: Vec<u16> = index.iter().copied().filter(|e| *e != 0).collect();
    used.sort();
    assert_eq!(used, [1, 3, 4, 5]);
    assert!(name_index_of::<&str>(&[]).is_empty());
    // FNV-1a's published test vectors.
    assert_eq!(name_hash(b""), 0x811c_9dc5);
    assert_eq!(name_hash(b"a"), 0xe40c_292c);
}

#[test]
fn the_compile_time_name_index_is_the_run_time_one() {
    use idlgen_runtime::dispid_table::{NO_SLOT, method, name_index, propget, propput};
    const ASCII: &[DispMember] = &[
        propget("Name", 0, 7, &[], VT_BSTR),
        propput("NAME", 0, 8, &[], VT_EMPTY),
        method("Add", 3, NO_SLOT, &[], VT_EMPTY),
        method("GetRequestProperty", 0x60020001, 9, &[], VT_VARIANT),
    ];
    const INDEX: [u16; 8] = name_index(ASCII);
    let names: Vec<&str> = ASCII.iter().map(|m| m.name).collect();
    assert_eq!(INDEX.as_slice(), name_index_of(&names));
    let t = DispidTable::new(ASCII, &[]).with_name_index(&INDEX);
    assert_eq!(t.lookup("name"), Some(0));
    assert_eq!(
        t.lookup_member("nAmE").map(|m| m.kind),
        Some(InvokeKind::PropertyGet)
    );
    assert_eq!(t.lookup("getrequestPROPERTY"), Some(0x60020001));
    assert_eq!(t.lookup("Ad"), None);
    assert_eq!(ASCII[2].slot, None);
    assert_eq!(ASCII[3].slot, Some(9));
}

#[test]
#[should_panic(expected = "beyond ASCII")]
fn the_compile_time_name_index_takes_ascii_names_only() {
    let _ = idlgen_runtime::dispid_table::name_index::<16>(TABLE.members());
}

#[test]
#[should_panic(expected = "too small")]
fn the_compile_time_name_index_needs_room() {
    static THREE: [DispMember; 3] = [
        member("A", 1, InvokeKind::Method, None),
        member("B", 2, InvokeKind::Method, None),
        member("C", 3, InvokeKind::Method, None),
    ];
    let _ = idlgen_runtime::dispid_table::name_index::<4>(&THREE);
}

#[test]
fn g6_indexed_lookup_answers_as_the_scan() {
    let t = indexed();
    let long = "x".repeat(300);
    let long_name = "Ärger".repeat(40);
    for name in [
        "name",
        "NAME",
        "nAmE",
        "ÄRGER",
        "ärger",
        "İd",
        "i\u{307}d",
        "ADD",
        "add",
        "Nam",
        "names",
        "",
        "Ärgern",
        &long,
        &long_name,
    ] {
        assert_eq!(t.lookup(name), TABLE.lookup(name), "{name:?}");
        let wide: Vec<u16> = name.encode_utf16().collect();
        assert_eq!(t.lookup_wide(&wide), TABLE.lookup_wide(&wide), "{name:?}");
    }
    assert_eq!(t.lookup("NAME"), Some(0));
    assert_eq!(
        t.lookup_wide(&"ÄRGER".encode_utf16().collect::<Vec<_>>()),
        Some(0x60020001)
    );
    // An unpaired surrogate matches nothing.
    assert_eq!(t.lookup_wide(&[0xD800, 0x61]), None);
    let (found, allocations) = allocations_during(|| {
        (
            t.lookup_wide(&[0x41, 0x44, 0x44]),
            t.lookup("İD"),
            t.lookup(&long),
        )
    });
    assert_eq!((found, allocations), ((Some(3), Some(-4), None), 0));
}

#[test]
fn g6_every_name_of_a_large_table_is_found_through_the_index() {
    let names: Vec<&'static str> = (0..2000)
        .map(|i| &*Box::leak(format!("Member{i}").into_boxed_str()))
        .collect();
    let members: Vec<DispMember> = names
        .iter()
        .enumerate()
        .map(|(i, n)| member(n, i as i32, InvokeKind::Method, None))
        .collect();
    let index = name_index_of(&names);
    let t = keep(
        DispidTable::new(Box::leak(members.into_boxed_slice()), &[])
            .with_name_index(Box::leak(index.into_boxed_slice())),
    );
    for (i, n) in names.iter().enumerate() {
        assert_eq!(t.lookup(&n.to_uppercase()), Some(i as i32));
    }
    assert_eq!(t.lookup("Member2000"), None);
}

#[test]
#[should_panic(expected = "must have entries")]
fn a_name_index_without_entries_is_rejected() {
    let _ = TABLE.with_name_index(&[0; 8]);
}

#[test]
#[should_panic(expected = "power of two")]
fn a_name_index_not_a_power_of_two_is_rejected() {
    let _ = TABLE.with_name_index(&[1, 0, 3]);
}

#[test]
#[should_panic(expected = "out of range")]
fn a_name_index_slot_out_of_range_is_rejected() {
    let _ = TABLE.with_name_index(&[6, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
#[should_panic(expected = "empty slots")]
fn a_full_name_index_is_rejected() {
    let _ = TABLE.with_name_index(&[1, 2, 3, 4, 1, 2, 3, 4]);
}

#[test]
fn ascii_names_compare_by_words_as_by_bytes() {
    // Names of every length around the eight-byte steps, each letter in either case, and the
    // characters next to `A`-`Z` and `a`-`z`, which must not fold.
    let names = [
        "A",
        "Z",
        "@",
        "[",
        "`",
        "{",
        "Ab",
        "AbCdEfGh",
        "AbCdEfGhI",
        "ABCDEFGHIJKLMNOPQ",
        "zz@@[[``{{",
        "GetRequestProperty",
        "0123456789_x",
    ];
    let members: Vec<DispMember> = names
        .iter()
        .enumerate()
        .map(|(i, n)| member(n, i as i32, InvokeKind::Method, None))
        .collect();
    let t = keep(
        DispidTable::new(Box::leak(members.into_boxed_slice()), &[])
            .with_name_index(Box::leak(name_index_of(&names).into_boxed_slice())),
    );
    for (i, n) in names.iter().enumerate() {
        let id = Some(i as i32);
        assert_eq!(t.lookup(n), id, "{n}");
        assert_eq!(t.lookup(&n.to_lowercase()), id, "{n}");
        assert_eq!(t.lookup(&n.to_uppercase()), id, "{n}");
    }
    for miss in [
        "a@",
        "zz@@{{``{{",
        "`",
        "@b",
        "getrequestpropertY_",
        "[",
        "{",
    ] {
        let found = t.lookup(miss);
        let expected = names
            .iter()
            .position(|n| fold_name(n) == fold_name(miss))
            .map(|i| i as i32);
        assert_eq!(found, expected, "{miss}");
    }
}
