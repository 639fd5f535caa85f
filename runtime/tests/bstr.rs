//! BStr: allocation, ownership, views, conversions and comparisons.

use std::collections::HashSet;

use idlgen_runtime::*;

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[test]
fn from_str_round_trips_including_non_ascii() {
    for text in ["", "RequestID", "Ärger ☃ 𝄞", "a\0b"] {
        let b = BStr::from(text);
        assert_eq!(b.as_wide(), wide(text).as_slice());
        assert_eq!(b.len(), wide(text).len());
        assert_eq!(b.to_string_lossy(), text);
        assert_eq!(b.to_string(), text);
        assert_eq!(b, text);
        assert_eq!(b, *text);
        assert_eq!(BStr::from(text.to_string()), text);
        assert_eq!(BStr::from(&text.to_string()), text);
    }
}

#[test]
fn empty_slice_allocates_a_non_null_empty_string() {
    let b = BStr::from_wide(&[]);
    assert!(!b.as_raw().is_null());
    assert!(b.is_empty());
    assert_eq!(b, BStr::new());
    assert!(BStr::default().as_raw().is_null());
}

#[test]
fn clone_allocates_a_copy() {
    let a = BStr::from("copy me");
    let b = a.clone();
    assert_ne!(a.as_raw(), b.as_raw());
    assert_eq!(a, b);
    drop(a);
    assert_eq!(b, "copy me");
    assert!(BStr::new().clone().as_raw().is_null());
}

#[test]
fn into_raw_and_from_raw_transfer_ownership() {
    let raw = BStr::from("owned").into_raw();
    // SAFETY: raw is a live BSTR nobody else frees.
    let back = unsafe { BStr::from_raw(raw) };
    assert_eq!(back, "owned");
    assert_eq!(back.as_raw(), raw);
}

#[test]
fn from_raw_ref_views_without_owning() {
    let owner = BStr::from("borrowed");
    let raw: BSTR = owner.as_raw();
    {
        // SAFETY: raw stays alive while owner does.
        let view: &BStr = unsafe { BStr::from_raw_ref(&raw) };
        assert_eq!(view, "borrowed");
    }
    // The view freed nothing: owner is still readable (valgrind would flag a double free).
    assert_eq!(owner, "borrowed");
    let null: BSTR = core::ptr::null_mut();
    // SAFETY: null is the empty string.
    assert!(unsafe { BStr::from_raw_ref(&null) }.is_empty());
}

#[test]
fn lossy_conversion_replaces_unpaired_surrogates() {
    let b = BStr::from_wide(&[0x61, 0xD800, 0x62]);
    assert_eq!(b.to_string_lossy(), "a\u{FFFD}b");
    assert_eq!(format!("{b}"), "a\u{FFFD}b");
}

#[test]
fn debug_is_the_quoted_string() {
    assert_eq!(
        format!("{:?}", BStr::from("say \"hi\"\n")),
        r#""say \"hi\"\n""#
    );
    assert_eq!(format!("{:?}", BStr::new()), r#""""#);
}

#[test]
fn equality_and_hash_follow_the_contents() {
    let set: HashSet<BStr> = ["a", "b", "a"].into_iter().map(BStr::from).collect();
    assert_eq!(set.len(), 2);
    assert!(set.contains(&BStr::from("a")));
    // Null and allocated empty strings are equal and hash alike.
    let empties: HashSet<BStr> = [BStr::new(), BStr::from_wide(&[])].into_iter().collect();
    assert_eq!(empties.len(), 1);
    assert_ne!(BStr::from("a"), BStr::from("A"));
}

#[test]
fn sys_functions_follow_oleaut32_semantics() {
    let text = wide("abc");
    // SAFETY: text is readable for 3 units; every BSTR made here is freed once.
    unsafe {
        let p = sys_alloc_string_len(text.as_ptr(), 3);
        assert!(!p.is_null());
        assert_eq!(sys_string_len(p), 3);
        assert_eq!(sys_string_byte_len(p), 6);
        assert_eq!(core::slice::from_raw_parts(p, 4), &[97, 98, 99, 0]);
        sys_free_string(p);

        // A null source gives a zero-filled string of the requested length.
        let z = sys_alloc_string_len(core::ptr::null(), 2);
        assert_eq!(core::slice::from_raw_parts(z, 3), &[0, 0, 0]);
        sys_free_string(z);

        // Odd byte lengths keep their exact length and are terminated.
        let bytes = sys_alloc_string_byte_len(b"xyz".as_ptr(), 3);
        assert_eq!(sys_string_byte_len(bytes), 3);
        assert_eq!(sys_string_len(bytes), 1);
        assert_eq!(
            core::slice::from_raw_parts(bytes.cast::<u8>(), 5),
            b"xyz\0\0"
        );
        sys_free_string(bytes);
    }
}

#[test]
fn lengths_that_overflow_give_null_instead_of_panicking() {
    // SAFETY: a null source is allowed; nothing is allocated.
    unsafe {
        assert!(sys_alloc_string_len(core::ptr::null(), u32::MAX).is_null());
        assert!(sys_alloc_string_len(core::ptr::null(), 0x8000_0000).is_null());
    }
}

#[test]
fn out_pointer_receives_a_string_owned_by_the_bstr() {
    let mut out = BStr::new();
    let p = out.as_mut_ptr();
    // SAFETY: p points at a null BSTR; the written string is owned by `out` afterwards.
    unsafe { p.write(BStr::from("written").into_raw()) };
    assert_eq!(out, "written");
}
