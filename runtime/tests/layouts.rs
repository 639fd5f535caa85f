//! Sizes and offsets of the ABI types ("Layouts" in spec/idispatch.md).
//!
//! `*_on_x86_64` tests state the x86_64 numbers literally; the other tests derive the same
//! layout from the pointer size, so they also hold on 32-bit targets.

use core::mem::{align_of, offset_of, size_of};

use idlgen_runtime::*;

const P: usize = size_of::<*mut u8>();

fn align_up(offset: usize, align: usize) -> usize {
    offset.div_ceil(align) * align
}

#[cfg(target_pointer_width = "64")]
#[test]
fn variant_layout_on_x86_64() {
    assert_eq!(size_of::<VARIANT>(), 24);
    assert_eq!(align_of::<VARIANT>(), 8);
    assert_eq!(offset_of!(VARIANT, vt), 0);
    assert_eq!(offset_of!(VARIANT, wReserved1), 2);
    assert_eq!(offset_of!(VARIANT, wReserved2), 4);
    assert_eq!(offset_of!(VARIANT, wReserved3), 6);
    assert_eq!(offset_of!(VARIANT, data), 8);
    assert_eq!(offset_of!(VARIANT, data) + offset_of!(BRECORD, pvRecord), 8);
    assert_eq!(
        offset_of!(VARIANT, data) + offset_of!(BRECORD, pRecInfo),
        16
    );
}

#[test]
fn variant_layout_derived_from_pointer_size() {
    let union_size = (2 * P).max(8);
    let align = align_of::<u64>().max(P);
    assert_eq!(size_of::<VARIANT_0>(), union_size);
    assert_eq!(align_of::<VARIANT>(), align);
    assert_eq!(size_of::<VARIANT>(), align_up(8 + union_size, align));
    assert_eq!(offset_of!(VARIANT, vt), 0);
    assert_eq!(offset_of!(VARIANT, wReserved1), 2);
    assert_eq!(offset_of!(VARIANT, wReserved2), 4);
    assert_eq!(offset_of!(VARIANT, wReserved3), 6);
    assert_eq!(offset_of!(VARIANT, data), 8);
    assert_eq!(offset_of!(BRECORD, pvRecord), 0);
    assert_eq!(offset_of!(BRECORD, pRecInfo), P);
    // The owning wrapper is the raw VARIANT.
    assert_eq!(size_of::<Variant>(), size_of::<VARIANT>());
    assert_eq!(align_of::<Variant>(), align_of::<VARIANT>());
}

#[test]
fn decimal_overlays_bytes_0_to_15() {
    assert_eq!(size_of::<DECIMAL>(), 16);
    assert_eq!(offset_of!(DECIMAL, wReserved), 0);
    assert_eq!(offset_of!(DECIMAL, scale), 2);
    assert_eq!(offset_of!(DECIMAL, sign), 3);
    assert_eq!(offset_of!(DECIMAL, Hi32), 4);
    assert_eq!(offset_of!(DECIMAL, Lo64), 8);

    let d = DECIMAL {
        wReserved: 0,
        scale: 4,
        sign: 0x80,
        Hi32: 0x1122_3344,
        Lo64: 0x5566_7788_99aa_bbcc,
    };
    let mut v = VARIANT::new();
    v.set_decimal(d);
    // wReserved sits on vt, which says VT_DECIMAL.
    assert_eq!(v.vt, VT_DECIMAL);
    // scale and sign are the bytes of wReserved1; Hi32 spans wReserved2/3; Lo64 is at 8.
    assert_eq!(v.wReserved1.to_le_bytes(), [4, 0x80]);
    assert_eq!(
        u32::from(v.wReserved2) | u32::from(v.wReserved3) << 16,
        0x1122_3344
    );
    // SAFETY: bytes 8..16 were written by set_decimal.
    assert_eq!(unsafe { v.data.ullVal }, 0x5566_7788_99aa_bbcc);
    // SAFETY: all 16 bytes were written by set_decimal.
    let back = unsafe { v.decimal() };
    assert_eq!(
        back,
        DECIMAL {
            wReserved: VT_DECIMAL,
            ..d
        }
    );
}

#[cfg(target_pointer_width = "64")]
#[test]
fn dispparams_layout_on_x86_64() {
    assert_eq!(size_of::<DISPPARAMS>(), 24);
    assert_eq!(offset_of!(DISPPARAMS, rgvarg), 0);
    assert_eq!(offset_of!(DISPPARAMS, rgdispidNamedArgs), 8);
    assert_eq!(offset_of!(DISPPARAMS, cArgs), 16);
    assert_eq!(offset_of!(DISPPARAMS, cNamedArgs), 20);
}

#[test]
fn dispparams_layout_derived_from_pointer_size() {
    assert_eq!(offset_of!(DISPPARAMS, rgvarg), 0);
    assert_eq!(offset_of!(DISPPARAMS, rgdispidNamedArgs), P);
    assert_eq!(offset_of!(DISPPARAMS, cArgs), 2 * P);
    assert_eq!(offset_of!(DISPPARAMS, cNamedArgs), 2 * P + 4);
    assert_eq!(size_of::<DISPPARAMS>(), align_up(2 * P + 8, P));
}

#[cfg(target_pointer_width = "64")]
#[test]
fn excepinfo_layout_on_x86_64() {
    assert_eq!(size_of::<EXCEPINFO>(), 64);
    assert_eq!(offset_of!(EXCEPINFO, wCode), 0);
    assert_eq!(offset_of!(EXCEPINFO, wReserved), 2);
    assert_eq!(offset_of!(EXCEPINFO, bstrSource), 8);
    assert_eq!(offset_of!(EXCEPINFO, bstrDescription), 16);
    assert_eq!(offset_of!(EXCEPINFO, bstrHelpFile), 24);
    assert_eq!(offset_of!(EXCEPINFO, dwHelpContext), 32);
    assert_eq!(offset_of!(EXCEPINFO, pvReserved), 40);
    assert_eq!(offset_of!(EXCEPINFO, pfnDeferredFillIn), 48);
    assert_eq!(offset_of!(EXCEPINFO, scode), 56);
}

#[test]
fn excepinfo_layout_derived_from_pointer_size() {
    let source = align_up(4, P);
    let help_context = source + 3 * P;
    let reserved = align_up(help_context + 4, P);
    let scode = reserved + 2 * P;
    assert_eq!(offset_of!(EXCEPINFO, wCode), 0);
    assert_eq!(offset_of!(EXCEPINFO, wReserved), 2);
    assert_eq!(offset_of!(EXCEPINFO, bstrSource), source);
    assert_eq!(offset_of!(EXCEPINFO, bstrDescription), source + P);
    assert_eq!(offset_of!(EXCEPINFO, bstrHelpFile), source + 2 * P);
    assert_eq!(offset_of!(EXCEPINFO, dwHelpContext), help_context);
    assert_eq!(offset_of!(EXCEPINFO, pvReserved), reserved);
    assert_eq!(offset_of!(EXCEPINFO, pfnDeferredFillIn), reserved + P);
    assert_eq!(offset_of!(EXCEPINFO, scode), scode);
    assert_eq!(size_of::<EXCEPINFO>(), align_up(scode + 4, P));
}

#[test]
fn guid_layout() {
    assert_eq!(size_of::<GUID>(), 16);
    assert_eq!(align_of::<GUID>(), 4);
    assert_eq!(offset_of!(GUID, data1), 0);
    assert_eq!(offset_of!(GUID, data2), 4);
    assert_eq!(offset_of!(GUID, data3), 6);
    assert_eq!(offset_of!(GUID, data4), 8);
}

#[test]
fn vtables_are_arrays_of_pointers() {
    assert_eq!(size_of::<IUnknown_Vtbl>(), 3 * P);
    assert_eq!(offset_of!(IUnknown_Vtbl, QueryInterface), 0);
    assert_eq!(offset_of!(IUnknown_Vtbl, AddRef), P);
    assert_eq!(offset_of!(IUnknown_Vtbl, Release), 2 * P);
    assert_eq!(size_of::<IDispatch_Vtbl>(), 7 * P);
    assert_eq!(offset_of!(IDispatch_Vtbl, base__), 0);
    assert_eq!(offset_of!(IDispatch_Vtbl, GetTypeInfoCount), 3 * P);
    assert_eq!(offset_of!(IDispatch_Vtbl, GetTypeInfo), 4 * P);
    assert_eq!(offset_of!(IDispatch_Vtbl, GetIDsOfNames), 5 * P);
    assert_eq!(offset_of!(IDispatch_Vtbl, Invoke), 6 * P);
}

#[test]
fn interface_pointers_and_handles_are_one_pointer() {
    assert_eq!(size_of::<IUnknown>(), P);
    assert_eq!(size_of::<IDispatch>(), P);
    assert_eq!(size_of::<Option<IUnknown>>(), P);
    assert_eq!(size_of::<BStr>(), P);
    assert_eq!(size_of::<HRESULT>(), 4);
}

#[cfg(target_pointer_width = "64")]
#[test]
fn safearray_layout_on_x86_64() {
    assert_eq!(size_of::<SAFEARRAYBOUND>(), 8);
    assert_eq!(size_of::<SAFEARRAY>(), 32);
    assert_eq!(offset_of!(SAFEARRAY, cDims), 0);
    assert_eq!(offset_of!(SAFEARRAY, fFeatures), 2);
    assert_eq!(offset_of!(SAFEARRAY, cbElements), 4);
    assert_eq!(offset_of!(SAFEARRAY, cLocks), 8);
    assert_eq!(offset_of!(SAFEARRAY, pvData), 16);
    assert_eq!(offset_of!(SAFEARRAY, rgsabound), 24);
}

#[test]
fn safearray_layout_derived_from_pointer_size() {
    assert_eq!(offset_of!(SAFEARRAYBOUND, cElements), 0);
    assert_eq!(offset_of!(SAFEARRAYBOUND, lLbound), 4);
    assert_eq!(offset_of!(SAFEARRAY, cDims), 0);
    assert_eq!(offset_of!(SAFEARRAY, fFeatures), 2);
    assert_eq!(offset_of!(SAFEARRAY, cbElements), 4);
    assert_eq!(offset_of!(SAFEARRAY, cLocks), 8);
    let data = align_up(12, P);
    assert_eq!(offset_of!(SAFEARRAY, pvData), data);
    assert_eq!(offset_of!(SAFEARRAY, rgsabound), data + P);
    assert_eq!(size_of::<SAFEARRAY>(), align_up(data + P + 8, P));
}

#[test]
fn bstr_prefix_is_the_byte_length_and_a_terminator_follows() {
    let s = BStr::from_wide(&[u16::from(b'a'), 0, u16::from(b'b')]);
    let p = s.as_raw();
    assert!(!p.is_null());
    // SAFETY: a live BSTR has its u32 byte length just before the data and a terminator after.
    let (prefix, terminator) =
        unsafe { (p.cast::<u8>().sub(4).cast::<u32>().read(), p.add(3).read()) };
    assert_eq!(prefix, 6);
    assert_eq!(terminator, 0);
    // Embedded NULs are part of the string.
    assert_eq!(s.len(), 3);
    assert_eq!(s.as_wide(), &[97, 0, 98]);
    // SAFETY: p is live.
    unsafe {
        assert_eq!(sys_string_len(p), 3);
        assert_eq!(sys_string_byte_len(p), 6);
    }
}

#[test]
fn null_bstr_is_the_empty_string() {
    let s = BStr::new();
    assert!(s.as_raw().is_null());
    assert_eq!(s.len(), 0);
    assert!(s.is_empty());
    assert_eq!(s.as_wide(), &[] as &[u16]);
    assert_eq!(s, "");
    // SAFETY: null is a valid BSTR for these functions.
    unsafe {
        assert_eq!(sys_string_len(core::ptr::null_mut()), 0);
        assert_eq!(sys_string_byte_len(core::ptr::null_mut()), 0);
        sys_free_string(core::ptr::null_mut());
    }
}
