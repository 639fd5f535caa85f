//! `FastCall`, the fast path of generated `Invoke` shims: which calls it takes (and which it
//! leaves to the general path), and that what it passes and stores is what the general path
//! would (the shim-level comparison of both paths is in the crate's
//! tests/dispatch_conformance.rs and tests/certif_e2e.rs).

use idlgen_runtime::*;
// The support code generated vtables call, which these tests call as generated code does.
use idlgen_runtime::__codegen::*;

fn params(args: &mut [Variant], named: &mut [i32]) -> DISPPARAMS {
    DISPPARAMS {
        rgvarg: if args.is_empty() {
            core::ptr::null_mut()
        } else {
            args.as_mut_ptr().cast()
        },
        rgdispidNamedArgs: if named.is_empty() {
            core::ptr::null_mut()
        } else {
            named.as_mut_ptr()
        },
        cArgs: args.len() as u32,
        cNamedArgs: named.len() as u32,
    }
}

/// `FastCall::new` over `p` with IID_NULL, LCID 0x409 and `result`: whether it takes the
/// call, and (when it does) the shape `args`/`put_args` see for 2 arguments.
fn shape(p: *const DISPPARAMS, result: &mut Variant) -> Option<(bool, bool)> {
    // SAFETY: `p` is null or valid; `result` is writable and holds a VT_I4 (nothing to free).
    let fast = unsafe {
        FastCall::new(
            "Test",
            &IID_NULL,
            0x409,
            p,
            result.as_mut_ptr(),
            core::ptr::null_mut(),
        )
    }?;
    assert_eq!(fast.lcid(), 0x409);
    Some((fast.args::<2>().is_some(), fast.put_args::<2>().is_some()))
}

#[test]
fn fast_call_takes_only_the_common_shape() {
    let mut result = Variant::from(5);
    let mut args = [Variant::from(1), Variant::from(2)];
    // Positional arguments: `args` for their exact count only.
    let p = params(&mut args, &mut []);
    assert_eq!(shape(&p, &mut result), Some((true, false)));
    // *pVarResult is VT_EMPTY from there on, as on the general path.
    assert_eq!(result.vt(), VT_EMPTY);
    // A put: only DISPID_PROPERTYPUT named.
    let p = params(&mut args, &mut [DISPID_PROPERTYPUT]);
    assert_eq!(shape(&p, &mut result), Some((false, true)));
    // Everything else is the general path's.
    result = Variant::from(5);
    let declined = [
        params(&mut args, &mut [0]),
        params(&mut args, &mut [DISPID_PROPERTYPUT, 0]),
        params(&mut [], &mut [DISPID_PROPERTYPUT]),
        DISPPARAMS {
            rgvarg: core::ptr::null_mut(),
            ..params(&mut args, &mut [])
        },
        DISPPARAMS {
            rgdispidNamedArgs: core::ptr::null_mut(),
            ..params(&mut args, &mut [DISPID_PROPERTYPUT])
        },
    ];
    for p in &declined {
        assert_eq!(shape(p, &mut result), None, "{p:?}");
    }
    assert_eq!(shape(core::ptr::null(), &mut result), None);
    let p = params(&mut args, &mut []);
    for riid in [core::ptr::null(), &IDispatch::IID as *const GUID] {
        // SAFETY: valid or null pointers.
        let fast = unsafe {
            FastCall::new(
                "Test",
                riid,
                0,
                &p,
                result.as_mut_ptr(),
                core::ptr::null_mut(),
            )
        };
        assert!(fast.is_none());
    }
    // Declined calls leave *pVarResult alone (the general path sets it).
    assert_eq!(i32::try_from(&result).ok(), Some(5));
}

#[test]
fn fast_call_reads_only_exact_by_value_arguments() {
    let mut args = [Variant::new()];
    let p = params(&mut args, &mut []);
    // SAFETY: valid pointers.
    let fast = unsafe {
        FastCall::new(
            "Test",
            &IID_NULL,
            0,
            &p,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    }
    .expect("the common shape");
    let raw = |v: &Variant| *v.as_raw();
    let i4 = raw(&Variant::from(-7));
    assert_eq!(fast.value::<i32>(&i4, VT_I4), Some(-7));
    assert_eq!(fast.value::<i32>(&i4, VT_INT), None);
    assert_eq!(fast.value::<i16>(&i4, VT_I2), None);
    // SCODE parameters take numbers (coerced to VT_I4): never read in place.
    let mut error = VARIANT::new();
    error.vt = VT_ERROR;
    assert_eq!(fast.value::<i32>(&error, VT_ERROR), None);
    let r8 = raw(&Variant::from(2.5));
    assert_eq!(fast.value::<f64>(&r8, VT_R8), Some(2.5));
    let t = raw(&Variant::from(true));
    assert_eq!(fast.value::<bool>(&t, VT_BOOL), Some(true));
    assert_eq!(fast.value::<bool>(&i4, VT_BOOL), None);
    // Strings, VARIANTs, interfaces...: not through `value`.
    assert!(fast.value::<BStr>(&i4, VT_BSTR).is_none());
    let mut n = 3i32;
    let mut by_ref = VARIANT::new();
    by_ref.vt = VT_BYREF | VT_I4;
    by_ref.data.byref = (&mut n as *mut i32).cast();
    assert_eq!(fast.value::<i32>(&by_ref, VT_I4), None);

    let s = Variant::from("text");
    let bstr = raw(&s);
    assert_eq!(
        fast.bstr(&bstr).map(|b| b.to_string_lossy()).as_deref(),
        Some("text")
    );
    assert!(fast.bstr(&i4).is_none());
    // VARIANT parameters: any by-value argument, but not the missing marker of an optional one.
    assert!(fast.variant(&i4, false).is_some());
    assert!(fast.variant(&by_ref, false).is_none());
    let missing = raw(&Variant::missing());
    assert!(fast.variant(&missing, true).is_none());
    assert!(fast.variant(&missing, false).is_some());
}

/// The bytes `DispValue::store` writes are those of `into_variant`'s VARIANT.
fn stored_bytes<T: DispValue>(value: T, vt: VARTYPE) -> [u8; size_of::<VARIANT>()] {
    let mut out = [VARIANT::new()];
    // Garbage first: every byte must be written.
    // SAFETY: writing bytes into a plain VARIANT buffer.
    unsafe { core::ptr::write_bytes(out.as_mut_ptr(), 0xA5, 1) };
    // SAFETY: a writable VARIANT.
    unsafe { value.store(vt, out.as_mut_ptr()) };
    // SAFETY: a VARIANT is plain bytes.
    unsafe { core::mem::transmute(out) }
}

fn variant_bytes(v: VARIANT) -> [u8; size_of::<VARIANT>()] {
    // SAFETY: a VARIANT built on VARIANT::new has every byte initialized.
    unsafe { core::mem::transmute(v) }
}

#[test]
fn fast_call_stores_results_as_into_variant_makes_them() {
    macro_rules! check {
        ($($v:expr => [$($vt:expr),*]);* $(;)?) => {$($(
            assert_eq!(
                stored_bytes($v, $vt),
                variant_bytes($v.into_variant($vt).into_raw()),
                "{:?} as {}", $v, $vt
            );
        )*)*};
    }
    check! {
        -7i32 => [VT_I4, VT_INT, VT_ERROR, VT_UI4, VT_EMPTY];
        0xFFFF_FFFEu32 => [VT_UI4, VT_UINT, VT_I4, VT_EMPTY];
        -2i16 => [VT_I2, VT_UI2, VT_EMPTY];
        65534u16 => [VT_UI2, VT_I2];
        -3i8 => [VT_I1, VT_UI1];
        250u8 => [VT_UI1, VT_I1];
        i64::MIN => [VT_I8, VT_CY, VT_UI8];
        u64::MAX => [VT_UI8, VT_I8];
        1.5f32 => [VT_R4, VT_EMPTY];
        -0.25f64 => [VT_R8, VT_DATE];
        true => [VT_BOOL];
        false => [VT_BOOL];
    }
    // A BSTR: the same string both ways (the VARIANT takes it; freed once at the end).
    let raw = BStr::from("text").into_variant(VT_BSTR).into_raw();
    // SAFETY: raw holds a BSTR, taken back once here.
    let s = unsafe { BStr::from_raw(raw.data.bstrVal) };
    let p = s.as_raw();
    assert_eq!(stored_bytes(s, VT_BSTR), variant_bytes(raw));
    // SAFETY: the string, owned once more.
    drop(unsafe { BStr::from_raw(p) });
    // A VARIANT result: stored as it is.
    let v = Variant::from("v");
    let copy = v.try_clone().expect("copy");
    let mut out = Variant::new();
    // SAFETY: `out` holds VT_EMPTY.
    unsafe { DispValue::store(copy, VT_VARIANT, out.as_mut_ptr()) };
    assert_eq!(format!("{out:?}"), format!("{v:?}"));
}

#[test]
fn fast_call_finish_reports_as_the_general_path() {
    let run = |f: &dyn Fn() -> Result<i32>| {
        let mut result = Variant::from(1);
        let mut excep = EXCEPINFO::default();
        let p = DISPPARAMS::default();
        // SAFETY: valid pointers for the call.
        let fast =
            unsafe { FastCall::new("Test", &IID_NULL, 0, &p, result.as_mut_ptr(), &mut excep) }
                .expect("the common shape");
        assert!(fast.args::<0>().is_some());
        let hr = fast.finish(VT_I4, f);
        // SAFETY: the callee gave these strings to the caller.
        let (source, description) = unsafe {
            (
                BStr::from_raw(excep.bstrSource).to_string_lossy(),
                BStr::from_raw(excep.bstrDescription).to_string_lossy(),
            )
        };
        (
            hr,
            format!("{result:?}"),
            HRESULT(excep.scode),
            source,
            description,
        )
    };
    let ok = run(&|| Ok(7));
    assert_eq!(
        (ok.0, ok.1.as_str()),
        (S_OK, "Variant { vt: VT_I4, value: 7 }")
    );
    // R2: a success code is S_OK without a result.
    let s_false = run(&|| Err(Error::from(S_FALSE)));
    assert_eq!(
        (s_false.0, s_false.1.as_str(), s_false.2),
        (S_OK, "Variant { vt: VT_EMPTY }", HRESULT(0))
    );
    // R3: DISP_E_EXCEPTION, the error in the EXCEPINFO.
    let failed = run(&|| Err(Error::new(E_ACCESSDENIED, "no")));
    assert_eq!(
        failed,
        (
            DISP_E_EXCEPTION,
            "Variant { vt: VT_EMPTY }".to_string(),
            E_ACCESSDENIED,
            "Test".to_string(),
            "no".to_string()
        )
    );
    // R5: a panic stops here.
    let panicked = run(&|| panic!("on purpose"));
    assert_eq!((panicked.0, panicked.2), (DISP_E_EXCEPTION, E_UNEXPECTED));
    assert!(panicked.4.contains("on purpose"), "{panicked:?}");
}
