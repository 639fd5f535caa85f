//! Variant: construction, conversions back, deep copies, clearing, Debug.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Counted, ITest, ref_count, serial};
use idlgen_runtime::*;

fn code<T: core::fmt::Debug>(r: Result<T>) -> HRESULT {
    r.unwrap_err().code()
}

#[test]
fn new_and_default_are_empty() {
    assert!(Variant::new().is_empty());
    assert_eq!(Variant::default().vt(), VT_EMPTY);
    assert_eq!(Variant::null().vt(), VT_NULL);
    let missing = Variant::missing();
    assert_eq!(missing.vt(), VT_ERROR);
    // SAFETY: vt == VT_ERROR names scode.
    let scode = unsafe { missing.as_raw().data.scode };
    assert_eq!(HRESULT(scode), DISP_E_PARAMNOTFOUND);
}

#[test]
fn integers_round_trip_with_their_vartypes() {
    let v = Variant::from(-5i32);
    assert_eq!(v.vt(), VT_I4);
    assert_eq!(i32::try_from(&v), Ok(-5));
    assert_eq!(i32::try_from(v), Ok(-5));

    let v = Variant::from(0xFFFF_FFFEu32);
    assert_eq!(v.vt(), VT_UI4);
    // VT_UI4 converts bit for bit.
    assert_eq!(i32::try_from(&v), Ok(-2));

    let v = Variant::from(-300i16);
    assert_eq!(v.vt(), VT_I2);
    assert_eq!(i32::try_from(&v), Ok(-300));

    let v = Variant::from(200u8);
    assert_eq!(v.vt(), VT_UI1);
    assert_eq!(i32::try_from(&v), Ok(200));

    let v = Variant::from(-7i8);
    assert_eq!(v.vt(), VT_I1);
    assert_eq!(i32::try_from(&v), Ok(-7));

    let v = Variant::from(65535u16);
    assert_eq!(v.vt(), VT_UI2);
    assert_eq!(i32::try_from(&v), Ok(65535));

    let v = Variant::from(i64::MIN);
    assert_eq!(v.vt(), VT_I8);
    // SAFETY: vt == VT_I8 names llVal.
    assert_eq!(unsafe { v.as_raw().data.llVal }, i64::MIN);
    assert_eq!(f64::try_from(&v), Ok(i64::MIN as f64));

    let v = Variant::from(u64::MAX);
    assert_eq!(v.vt(), VT_UI8);
    // SAFETY: vt == VT_UI8 names ullVal.
    assert_eq!(unsafe { v.as_raw().data.ullVal }, u64::MAX);
}

#[test]
fn i32_accepts_bool_and_empty_but_not_other_types() {
    assert_eq!(i32::try_from(&Variant::from(true)), Ok(-1));
    assert_eq!(i32::try_from(&Variant::from(false)), Ok(0));
    assert_eq!(i32::try_from(&Variant::new()), Ok(0));
    assert_eq!(
        code(i32::try_from(&Variant::from("12"))),
        DISP_E_TYPEMISMATCH
    );
    assert_eq!(
        code(i32::try_from(&Variant::from(1.5f64))),
        DISP_E_TYPEMISMATCH
    );
    assert_eq!(code(i32::try_from(&Variant::null())), DISP_E_TYPEMISMATCH);
    assert_eq!(
        code(i32::try_from(Variant::from(vec![1u8]))),
        DISP_E_TYPEMISMATCH
    );
    let message = i32::try_from(&Variant::from("x"))
        .unwrap_err()
        .message()
        .to_string();
    assert!(message.contains("VT_BSTR"), "{message}");
}

#[test]
fn floats_round_trip_and_widen() {
    let v = Variant::from(2.5f64);
    assert_eq!(v.vt(), VT_R8);
    assert_eq!(f64::try_from(&v), Ok(2.5));
    let v = Variant::from(0.25f32);
    assert_eq!(v.vt(), VT_R4);
    assert_eq!(f64::try_from(v), Ok(0.25));
    assert_eq!(f64::try_from(&Variant::from(-3i32)), Ok(-3.0));
    assert_eq!(f64::try_from(&Variant::from(7u8)), Ok(7.0));
    assert_eq!(f64::try_from(&Variant::from(u32::MAX)), Ok(4294967295.0));
    assert_eq!(f64::try_from(&Variant::from(true)), Ok(-1.0));
    assert_eq!(f64::try_from(&Variant::new()), Ok(0.0));
    assert_eq!(
        code(f64::try_from(&Variant::from("1"))),
        DISP_E_TYPEMISMATCH
    );
}

#[test]
fn bool_round_trips_as_variant_bool() {
    let t = Variant::from(true);
    assert_eq!(t.vt(), VT_BOOL);
    // SAFETY: vt == VT_BOOL names boolVal.
    assert_eq!(unsafe { t.as_raw().data.boolVal }, VARIANT_TRUE);
    let f = Variant::from(false);
    // SAFETY: vt == VT_BOOL names boolVal.
    let value = unsafe { f.as_raw().data.boolVal };
    assert_eq!(value, VARIANT_FALSE);
    assert_eq!(bool::try_from(&t), Ok(true));
    assert_eq!(bool::try_from(Variant::from(false)), Ok(false));
    assert_eq!(
        code(bool::try_from(&Variant::from(1i32))),
        DISP_E_TYPEMISMATCH
    );
}

#[test]
fn strings_round_trip_as_bstr() {
    let v = Variant::from("Größe ☃");
    assert_eq!(v.vt(), VT_BSTR);
    assert_eq!(String::try_from(&v).unwrap(), "Größe ☃");
    assert_eq!(BStr::try_from(&v).unwrap(), "Größe ☃");
    assert_eq!(v.as_bstr().unwrap(), "Größe ☃");

    let v = Variant::from(String::from("owned"));
    assert_eq!(String::try_from(v).unwrap(), "owned");

    let b = BStr::from("moved");
    let raw = b.as_raw();
    let v = Variant::from(b);
    // SAFETY: vt == VT_BSTR names bstrVal.
    assert_eq!(unsafe { v.as_raw().data.bstrVal }, raw);
    // The owned conversion moves the string out without copying.
    let back = BStr::try_from(v).unwrap();
    assert_eq!(back.as_raw(), raw);
    assert_eq!(back, "moved");
}

#[test]
fn empty_converts_to_an_empty_string() {
    let b = BStr::try_from(&Variant::new()).unwrap();
    assert!(b.is_empty());
    assert!(!b.as_raw().is_null());
    assert_eq!(String::try_from(Variant::new()).unwrap(), "");
    assert_eq!(
        code(String::try_from(&Variant::from(1i32))),
        DISP_E_TYPEMISMATCH
    );
    assert_eq!(
        code(BStr::try_from(Variant::from(1i32))),
        DISP_E_TYPEMISMATCH
    );
}

#[test]
fn bytes_round_trip_as_a_ui1_safearray() {
    let data = [0u8, 1, 2, 254, 255];
    let v = Variant::from(&data[..]);
    assert_eq!(v.vt(), VT_ARRAY | VT_UI1);
    // SAFETY: vt names parray, a live vector.
    let psa = unsafe { &*v.as_raw().data.parray };
    assert_eq!(psa.cDims, 1);
    assert_eq!(psa.cbElements, 1);
    assert_eq!(
        psa.rgsabound[0],
        SAFEARRAYBOUND {
            cElements: 5,
            lLbound: 0
        }
    );
    assert_eq!(v.as_bytes(), Some(&data[..]));
    assert_eq!(Vec::<u8>::try_from(&v).unwrap(), data);
    assert_eq!(
        Vec::<u8>::try_from(Variant::from(data.to_vec())).unwrap(),
        data
    );
    assert_eq!(Variant::from(Vec::<u8>::new()).as_bytes(), Some(&[][..]));
    assert_eq!(
        code(Vec::<u8>::try_from(&Variant::from("x"))),
        DISP_E_TYPEMISMATCH
    );
}

#[test]
fn decimal_round_trips() {
    let d = DECIMAL {
        wReserved: 0,
        scale: 2,
        sign: 0x80,
        Hi32: 1,
        Lo64: 12345,
    };
    let v = Variant::from(d);
    assert_eq!(v.vt(), VT_DECIMAL);
    assert_eq!(
        v.as_decimal(),
        Some(DECIMAL {
            wReserved: VT_DECIMAL,
            ..d
        })
    );
    assert_eq!(Variant::from(1i32).as_decimal(), None);
}

#[test]
fn clone_deep_copies_a_bstr() {
    let a = Variant::from("deep");
    let b = a.clone();
    // SAFETY: both are VT_BSTR.
    let (pa, pb) = unsafe { (a.as_raw().data.bstrVal, b.as_raw().data.bstrVal) };
    assert_ne!(pa, pb);
    drop(a);
    assert_eq!(String::try_from(&b).unwrap(), "deep");
}

#[test]
fn clone_deep_copies_a_byte_array() {
    let a = Variant::from(vec![9u8, 8, 7]);
    let b = a.clone();
    // SAFETY: both are VT_ARRAY|VT_UI1.
    let (pa, pb) = unsafe { (a.as_raw().data.parray, b.as_raw().data.parray) };
    assert_ne!(pa, pb);
    // SAFETY: pa and pb are distinct live vectors.
    unsafe { assert_ne!((*pa).pvData, (*pb).pvData) };
    drop(a);
    assert_eq!(b.as_bytes(), Some(&[9u8, 8, 7][..]));
}

#[test]
fn clone_deep_copies_an_array_of_variants() {
    let a = Variant::from(vec![
        Variant::from("one"),
        Variant::from(2i32),
        Variant::from(vec![3u8]),
    ]);
    assert_eq!(a.vt(), VT_ARRAY | VT_VARIANT);
    let b = a.try_clone().unwrap();
    drop(a);
    let items = b.as_variants().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(String::try_from(&items[0]).unwrap(), "one");
    assert_eq!(i32::try_from(&items[1]), Ok(2));
    assert_eq!(items[2].as_bytes(), Some(&[3u8][..]));
}

#[test]
fn interfaces_are_taken_released_and_add_refd() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let before = live_objects();
    let i: ITest = Counted {
        value: 1,
        drops: &DROPS,
    }
    .into_com();
    let v = Variant::from(i.cast::<IUnknown>().unwrap());
    assert_eq!(v.vt(), VT_UNKNOWN);
    assert_eq!(ref_count(&i), 2);
    let copy = v.clone();
    assert_eq!(ref_count(&i), 3);
    let unknown = IUnknown::try_from(&copy).unwrap();
    assert_eq!(unknown.as_raw(), i.as_raw());
    assert_eq!(ref_count(&i), 4);
    // The object does not implement IDispatch.
    assert_eq!(code(IDispatch::try_from(&v)), DISP_E_TYPEMISMATCH);
    drop((v, copy, unknown));
    assert_eq!(ref_count(&i), 1);
    drop(i);
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    assert_eq!(live_objects(), before);
    assert_eq!(
        code(IUnknown::try_from(&Variant::from(1i32))),
        DISP_E_TYPEMISMATCH
    );
}

#[test]
fn raw_round_trip_keeps_ownership_single() {
    let raw = Variant::from("raw").into_raw();
    assert_eq!(raw.vt, VT_BSTR);
    {
        // SAFETY: raw is valid and still owned by this test.
        let view = unsafe { Variant::from_raw_ref(&raw) };
        assert_eq!(String::try_from(view).unwrap(), "raw");
    }
    // SAFETY: raw is valid; ownership moves back exactly once.
    let back = unsafe { Variant::from_raw(raw) };
    assert_eq!(String::try_from(&back).unwrap(), "raw");
}

#[test]
fn out_pointer_receives_a_value_owned_by_the_variant() {
    let mut v = Variant::new();
    let p = v.as_mut_ptr();
    // SAFETY: p is a valid VT_EMPTY VARIANT; the written BSTR is owned by v afterwards.
    unsafe { p.write(Variant::from("written").into_raw()) };
    assert_eq!(String::try_from(&v).unwrap(), "written");
}

#[test]
fn variant_clear_frees_and_empties_and_byref_owns_nothing() {
    let mut owner = Variant::from("target");
    let mut raw = Variant::new().into_raw();
    raw.vt = VT_BYREF | VT_VARIANT;
    raw.data.pvarVal = owner.as_mut_ptr();
    // SAFETY: raw is a valid VT_BYREF VARIANT; clearing it must not touch `owner`.
    unsafe { assert_eq!(variant_clear(&mut raw), S_OK) };
    assert_eq!(raw.vt, VT_EMPTY);
    assert_eq!(String::try_from(&owner).unwrap(), "target");

    let mut s = Variant::from("freed").into_raw();
    // SAFETY: s owns its BSTR; cleared once.
    unsafe { assert_eq!(variant_clear(&mut s), S_OK) };
    assert_eq!(s.vt, VT_EMPTY);
    // SAFETY: null is rejected, not dereferenced.
    unsafe { assert_eq!(variant_clear(core::ptr::null_mut()), E_INVALIDARG) };
}

#[test]
fn variant_copy_copies_byref_as_the_pointer() {
    let mut target = 5i32;
    let mut raw = VARIANT::new();
    raw.vt = VT_BYREF | VT_I4;
    raw.data.plVal = &mut target;
    let mut copy = Variant::new();
    // SAFETY: both are valid VARIANTs.
    unsafe { assert_eq!(variant_copy(copy.as_mut_ptr(), &raw), S_OK) };
    assert_eq!(copy.vt(), VT_BYREF | VT_I4);
    // SAFETY: vt names plVal.
    assert_eq!(unsafe { copy.as_raw().data.plVal }, &mut target as *mut i32);
}

#[cfg(not(windows))]
#[test]
fn portable_copy_reports_what_it_cannot_do() {
    let mut raw = VARIANT::new();
    raw.vt = VT_RECORD;
    // SAFETY: a VT_RECORD with a null record info owns nothing.
    let record = unsafe { Variant::from_raw(raw) };
    assert_eq!(code(record.try_clone()), E_NOTIMPL);
    assert!(record.clone().is_empty());

    let mut bad = VARIANT::new();
    bad.vt = 0x0FFF;
    // SAFETY: an invalid vt owns nothing.
    let bad = unsafe { Variant::from_raw(bad) };
    assert_eq!(code(bad.try_clone()), DISP_E_BADVARTYPE);
}

#[test]
fn debug_shows_vt_and_value() {
    assert_eq!(
        format!("{:?}", Variant::from(5i32)),
        "Variant { vt: VT_I4, value: 5 }"
    );
    assert_eq!(
        format!("{:?}", Variant::from("hi")),
        r#"Variant { vt: VT_BSTR, value: "hi" }"#
    );
    assert_eq!(format!("{:?}", Variant::new()), "Variant { vt: VT_EMPTY }");
    assert_eq!(
        format!("{:?}", Variant::from(vec![1u8, 2])),
        "Variant { vt: VT_ARRAY|VT_UI1, value: [1, 2] }"
    );
    assert_eq!(
        format!("{:?}", Variant::missing()),
        "Variant { vt: VT_ERROR, value: 0x80020004 }"
    );
    assert_eq!(
        format!("{:?}", VARIANT::new()),
        "VARIANT { vt: VT_EMPTY, .. }"
    );
}
