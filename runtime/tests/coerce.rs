//! VARIANT coercion, spec/idispatch.md rules C1-C4 (`change_type`, the portable
//! `VariantChangeType` that generated Invoke shims use on every target). On Windows the same
//! cases are checked against oleaut32's `VariantChangeType`.

use idlgen_runtime::*;

fn to(v: Variant, vt: VARTYPE) -> core::result::Result<Variant, HRESULT> {
    change_type(&v, vt)
}

fn i4(v: Variant) -> core::result::Result<i32, HRESULT> {
    to(v, VT_I4).map(|r| i32::try_from(&r).expect("VT_I4"))
}

fn text(v: Variant) -> core::result::Result<String, HRESULT> {
    to(v, VT_BSTR).map(|r| String::try_from(&r).expect("VT_BSTR"))
}

fn boolean(v: Variant) -> core::result::Result<bool, HRESULT> {
    to(v, VT_BOOL).map(|r| bool::try_from(&r).expect("VT_BOOL"))
}

fn cy(units: i64) -> Variant {
    let mut raw = VARIANT::new();
    raw.vt = VT_CY;
    raw.data.cyVal = units;
    // SAFETY: a plain value.
    unsafe { Variant::from_raw(raw) }
}

fn with_vt(vt: VARTYPE) -> Variant {
    let mut raw = VARIANT::new();
    raw.vt = vt;
    // SAFETY: a zeroed value of a type that owns nothing (or an invalid type).
    unsafe { Variant::from_raw(raw) }
}

#[test]
fn coerce_c1_to_i4() {
    assert_eq!(i4(Variant::from(-5i8)), Ok(-5));
    assert_eq!(i4(Variant::from(-300i16)), Ok(-300));
    assert_eq!(i4(Variant::from(200u8)), Ok(200));
    assert_eq!(i4(Variant::from(60000u16)), Ok(60000));
    assert_eq!(i4(Variant::from(true)), Ok(-1));
    assert_eq!(i4(Variant::from(false)), Ok(0));
    assert_eq!(i4(Variant::new()), Ok(0));
    assert_eq!(i4(Variant::from(0xFFFF_FFFFu32)), Ok(-1), "UI4 bit for bit");
    // Round half to even.
    for (x, r) in [
        (0.5, 0),
        (1.5, 2),
        (2.5, 2),
        (-1.5, -2),
        (-0.5, 0),
        (2.6, 3),
        (-2.4, -2),
    ] {
        assert_eq!(i4(Variant::from(x)), Ok(r), "{x}");
    }
    assert_eq!(i4(Variant::from(2.5f32)), Ok(2));
    assert_eq!(i4(cy(15_000)), Ok(2), "CY 1.5");
    assert_eq!(i4(cy(25_000)), Ok(2), "CY 2.5");
    assert_eq!(i4(Variant::from(2147483647.4)), Ok(i32::MAX));
    assert_eq!(i4(Variant::from(2147483648.0)), Err(DISP_E_OVERFLOW));
    assert_eq!(i4(Variant::from(-2147483649.0)), Err(DISP_E_OVERFLOW));
    assert_eq!(i4(Variant::from(f64::NAN)), Err(DISP_E_OVERFLOW));
    assert_eq!(i4(Variant::from(1i64 << 40)), Err(DISP_E_OVERFLOW));
    // Strings.
    assert_eq!(i4(Variant::from("42")), Ok(42));
    assert_eq!(i4(Variant::from("  -7 ")), Ok(-7));
    assert_eq!(i4(Variant::from("2.5")), Ok(2));
    assert_eq!(i4(Variant::from("3.5")), Ok(4));
    assert_eq!(i4(Variant::from("1e3")), Ok(1000));
    assert_eq!(i4(Variant::from("&HFF")), Ok(255));
    assert_eq!(i4(Variant::from("2147483648")), Err(DISP_E_OVERFLOW));
    assert_eq!(i4(Variant::from("Sunshine")), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(i4(Variant::from("")), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(
        i4(Variant::from(BStr::new())),
        Err(DISP_E_TYPEMISMATCH),
        "null BSTR"
    );
    // NULL, ERROR, UNKNOWN; invalid types.
    assert_eq!(i4(Variant::null()), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(i4(Variant::missing()), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(i4(with_vt(VT_UNKNOWN)), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(i4(with_vt(0x7F)), Err(DISP_E_BADVARTYPE));
    assert_eq!(i4(with_vt(15)), Err(DISP_E_BADVARTYPE));
    assert_eq!(
        to(Variant::from(1), 0x7F).map(|_| ()),
        Err(DISP_E_BADVARTYPE)
    );
    // Other integer targets.
    assert_eq!(
        to(Variant::from(300), VT_UI1).map(|_| ()),
        Err(DISP_E_OVERFLOW)
    );
    assert_eq!(
        to(Variant::from(-1), VT_UI4).map(|_| ()),
        Err(DISP_E_OVERFLOW)
    );
    assert_eq!(to(Variant::from(-1), VT_I2).map(|v| v.vt()), Ok(VT_I2));
}

#[test]
fn coerce_c1_byref_sources_are_read_through() {
    let mut x = 41i32;
    let mut raw = VARIANT::new();
    raw.vt = VT_BYREF | VT_I4;
    raw.data.plVal = &mut x;
    // SAFETY: a byref VARIANT owns nothing; x outlives it.
    let v = unsafe { Variant::from_raw(raw) };
    assert_eq!(text(v), Ok("41".into()));
}

#[test]
fn coerce_c2_to_bstr() {
    assert_eq!(text(Variant::from(-42)), Ok("-42".into()));
    assert_eq!(
        text(Variant::from(u64::MAX)),
        Ok("18446744073709551615".into())
    );
    assert_eq!(text(Variant::from(true)), Ok("-1".into()));
    assert_eq!(text(Variant::from(false)), Ok("0".into()));
    let empty = to(Variant::new(), VT_BSTR).expect("EMPTY to BSTR");
    assert!(
        !empty.as_bstr().expect("a BSTR").as_raw().is_null(),
        "non-null"
    );
    assert_eq!(text(Variant::new()), Ok(String::new()));
    assert_eq!(text(Variant::from(0.1)), Ok("0.1".into()));
    assert_eq!(
        text(Variant::from(1.0 / 3.0)),
        Ok("0.3333333333333333".into())
    );
    assert_eq!(text(Variant::from(2.5f32)), Ok("2.5".into()));
    assert_eq!(text(Variant::from(0.1f32)), Ok("0.1".into()));
    assert_eq!(text(cy(12_345_000)), Ok("1234.5".into()));
    assert_eq!(text(cy(-5)), Ok("-0.0005".into()));
    assert_eq!(text(with_vt(VT_UNKNOWN)), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(
        text(with_vt(VT_DISPATCH)),
        Err(DISP_E_TYPEMISMATCH),
        "null object"
    );
    assert_eq!(text(Variant::null()), Err(DISP_E_TYPEMISMATCH));
}

#[test]
fn coerce_c3_to_bool() {
    assert_eq!(boolean(Variant::from(0)), Ok(false));
    assert_eq!(boolean(Variant::from(5)), Ok(true));
    assert_eq!(boolean(Variant::from(-0.0)), Ok(false));
    assert_eq!(boolean(Variant::from(0.25)), Ok(true));
    assert_eq!(boolean(Variant::new()), Ok(false));
    assert_eq!(boolean(Variant::from("True")), Ok(true));
    assert_eq!(boolean(Variant::from("false")), Ok(false));
    assert_eq!(boolean(Variant::from("0")), Ok(false));
    assert_eq!(boolean(Variant::from("-1")), Ok(true));
    assert_eq!(boolean(Variant::from("maybe")), Err(DISP_E_TYPEMISMATCH));
    assert_eq!(boolean(Variant::null()), Err(DISP_E_TYPEMISMATCH));
    let t = to(Variant::from(3), VT_BOOL).expect("bool");
    // SAFETY: VT_BOOL names boolVal.
    assert_eq!(unsafe { t.as_raw().data.boolVal }, VARIANT_TRUE);
}

#[test]
fn coerce_c4_dispatch_default_value() {
    // An object without a DISPID_VALUE (its Invoke answers E_NOTIMPL): DISP_E_TYPEMISMATCH.
    // Objects with one are exercised through generated shims in tests/dispatch_conformance.rs.
    assert_eq!(i4(with_vt(VT_DISPATCH)), Err(DISP_E_TYPEMISMATCH));
    // Interface targets copy the reference.
    assert_eq!(
        to(with_vt(VT_DISPATCH), VT_UNKNOWN).map(|v| v.vt()),
        Ok(VT_UNKNOWN)
    );
}

#[test]
fn coerce_same_type_is_a_copy_and_arrays_do_not_convert() {
    let s = Variant::from("abc");
    let copy = change_type(&s, VT_BSTR).expect("copy");
    assert_eq!(String::try_from(&copy).ok().as_deref(), Some("abc"));
    let bytes = Variant::from(vec![1u8, 2]);
    assert_eq!(
        change_type(&bytes, VT_I4).map(|_| ()),
        Err(DISP_E_TYPEMISMATCH)
    );
    assert_eq!(
        change_type(&bytes, VT_ARRAY | VT_UI1).map(|v| v.as_bytes().map(<[u8]>::to_vec)),
        Ok(Some(vec![1, 2]))
    );
}

/// On Windows: the portable coercion agrees with oleaut32's VariantChangeType on the spec's
/// cases (Wine's oleaut32 when run under wine64).
#[cfg(windows)]
#[test]
fn coerce_portable_agrees_with_oleaut32() {
    let cases: Vec<(Variant, VARTYPE)> = vec![
        (Variant::from(-5i8), VT_I4),
        (Variant::from(-300i16), VT_I4),
        (Variant::from(true), VT_I4),
        (Variant::new(), VT_I4),
        (Variant::from(0xFFFF_FFFFu32), VT_I4),
        (Variant::from(0.5), VT_I4),
        (Variant::from(1.5), VT_I4),
        (Variant::from(2.5), VT_I4),
        (Variant::from(-1.5), VT_I4),
        (Variant::from(2147483648.0), VT_I4),
        (Variant::from("42"), VT_I4),
        (Variant::from("2147483648"), VT_I4),
        (Variant::from("Sunshine"), VT_I4),
        (Variant::null(), VT_I4),
        (Variant::missing(), VT_I4),
        (Variant::from(-42), VT_BSTR),
        (Variant::new(), VT_BSTR),
        (Variant::from(0.1), VT_BSTR),
        (Variant::from(0), VT_BOOL),
        (Variant::from(5), VT_BOOL),
        (Variant::from("True"), VT_BOOL),
    ];
    for (src, vt) in cases {
        let ours = change_type(&src, vt).map(|v| format!("{v:?}"));
        let mut dest = Variant::new();
        // SAFETY: valid VARIANTs.
        let hr = unsafe { variant_change_type(&mut dest, src.as_raw(), 0, vt) };
        let theirs = if hr.is_ok() {
            Ok(format!("{dest:?}"))
        } else {
            Err(hr)
        };
        assert_eq!(ours, theirs, "{src:?} to {}", vt_name(vt));
    }
}

/// Callers' VT_BYREF storage need not be aligned: Wine's VBScript passes its variables as
/// VT_BYREF | VT_VARIANT pointers at 4-byte-aligned addresses.
#[test]
fn byref_sources_at_unaligned_addresses() {
    #[repr(C, align(16))]
    struct Buffer([u8; 64]);
    let mut buffer = Buffer([0; 64]);
    let base = buffer.0.as_mut_ptr();

    let mut inner = VARIANT::new();
    inner.vt = VT_I4;
    inner.data.lVal = 1234;
    // SAFETY: offset 4 leaves room for a VARIANT (24 bytes) in the 64-byte buffer.
    let at4 = unsafe { base.add(4) };
    // SAFETY: at4 is valid for a VARIANT's bytes; the write assumes no alignment.
    unsafe { at4.cast::<VARIANT>().write_unaligned(inner) };
    let mut byref = VARIANT::new();
    byref.vt = VT_BYREF | VT_VARIANT;
    byref.data.byref = at4.cast();
    // SAFETY: a VT_BYREF VARIANT owns nothing.
    let v = unsafe { Variant::from_raw(byref) };
    assert_eq!(i4(v), Ok(1234));

    // SAFETY: offset 33 leaves room for 8 bytes.
    let at33 = unsafe { base.add(33) };
    // SAFETY: at33 is valid for 8 bytes; the write assumes no alignment.
    unsafe { at33.cast::<f64>().write_unaligned(2.5) };
    let mut byref = VARIANT::new();
    byref.vt = VT_BYREF | VT_R8;
    byref.data.byref = at33.cast();
    // SAFETY: a VT_BYREF VARIANT owns nothing.
    let v = unsafe { Variant::from_raw(byref) };
    assert_eq!(text(v), Ok("2.5".to_string()));
}
