//! SAFEARRAY vectors: creation, element types, feature flags, copy and destroy.

mod common;

use core::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Counted, ITest, ref_count, serial};
use idlgen_runtime::*;

/// The u32 oleaut32 keeps just before the header of a FADF_HAVEVARTYPE array.
fn hidden_vartype(psa: *const SAFEARRAY) -> u32 {
    // SAFETY: arrays with FADF_HAVEVARTYPE keep the VARTYPE in the 4 bytes before the header.
    unsafe { psa.cast::<u8>().sub(4).cast::<u32>().read() }
}

fn vartype(psa: *const SAFEARRAY) -> VARTYPE {
    let mut vt = 0;
    // SAFETY: psa is a live array; vt is writable.
    unsafe { assert_eq!(safe_array_get_vartype(psa, &mut vt), S_OK) };
    vt
}

fn copy(psa: *const SAFEARRAY) -> *mut SAFEARRAY {
    let mut out = core::ptr::null_mut();
    // SAFETY: psa is a live array; out is writable.
    unsafe { assert_eq!(safe_array_copy(psa, &mut out), S_OK) };
    assert!(!out.is_null());
    out
}

fn destroy(psa: *mut SAFEARRAY) {
    // SAFETY: psa is a live array, not used afterwards.
    unsafe { assert_eq!(safe_array_destroy(psa), S_OK) };
}

#[test]
fn ui1_vector_has_the_oleaut32_header() {
    let psa = safe_array_create_vector(VT_UI1, 0, 5);
    assert!(!psa.is_null());
    // SAFETY: a live vector.
    let header = unsafe { &*psa };
    assert_eq!(header.cDims, 1);
    assert_eq!(header.cbElements, 1);
    assert_eq!(header.cLocks, 0);
    assert_eq!(
        header.rgsabound[0],
        SAFEARRAYBOUND {
            cElements: 5,
            lLbound: 0
        }
    );
    assert_ne!(header.fFeatures & FADF_HAVEVARTYPE, 0);
    #[cfg(not(windows))]
    assert_eq!(header.fFeatures, FADF_HAVEVARTYPE | FADF_CREATEVECTOR);
    assert_eq!(hidden_vartype(psa), u32::from(VT_UI1));
    assert_eq!(vartype(psa), VT_UI1);
    // The data follows the header and starts zeroed.
    assert_eq!(
        header.pvData as usize,
        psa as usize + size_of::<SAFEARRAY>()
    );
    // SAFETY: a live vector of bytes.
    let bytes = unsafe { safe_array_as_slice::<u8>(psa) };
    assert_eq!(bytes, Some(&[0u8; 5][..]));
    // SAFETY: the wrong element size is refused, not read.
    assert_eq!(unsafe { safe_array_as_slice::<u16>(psa) }, None);
    destroy(psa);
}

#[test]
fn i4_vector_copies_values_and_bounds() {
    let psa = safe_array_create_vector(VT_I4, -3, 4);
    // SAFETY: a live vector of 4 i32s.
    unsafe {
        assert_eq!((*psa).cbElements, 4);
        let data = (*psa).pvData.cast::<i32>();
        for i in 0..4 {
            data.add(i).write(i as i32 * 10 - 5);
        }
    }
    let c = copy(psa);
    assert_ne!(c, psa);
    // SAFETY: both are live vectors of i32.
    unsafe {
        assert_eq!(
            (*c).rgsabound[0],
            SAFEARRAYBOUND {
                cElements: 4,
                lLbound: -3
            }
        );
        assert_eq!(safe_array_as_slice::<i32>(c), Some(&[-5, 5, 15, 25][..]));
        (*psa).pvData.cast::<i32>().write(99);
        assert_eq!(safe_array_as_slice::<i32>(c).unwrap()[0], -5);
    }
    assert_eq!(vartype(c), VT_I4);
    destroy(psa);
    destroy(c);
}

#[test]
fn bstr_vector_frees_its_strings_and_copies_them_deeply() {
    let psa = safe_array_create_vector(VT_BSTR, 0, 3);
    // SAFETY: a live vector.
    let features = unsafe { (*psa).fFeatures };
    assert_ne!(features & FADF_BSTR, 0);
    assert_ne!(features & FADF_HAVEVARTYPE, 0);
    assert_eq!(hidden_vartype(psa), u32::from(VT_BSTR));
    // SAFETY: a live vector of 3 null BSTRs; slots 0 and 2 receive owned strings.
    unsafe {
        let data = (*psa).pvData.cast::<BSTR>();
        assert!(data.read().is_null());
        data.write(BStr::from("zero").into_raw());
        data.add(2).write(BStr::from("two").into_raw());
    }
    let c = copy(psa);
    // SAFETY: both are live vectors of BSTRs.
    unsafe {
        let (a, b) = ((*psa).pvData.cast::<BSTR>(), (*c).pvData.cast::<BSTR>());
        assert_ne!(a.read(), b.read());
        assert_eq!(BStr::from_raw_ref(&*b), "zero");
        assert!(b.add(1).read().is_null());
        assert_eq!(BStr::from_raw_ref(&*b.add(2)), "two");
    }
    // Destroying frees every string (valgrind checks there is no leak or double free).
    destroy(psa);
    destroy(c);
}

#[test]
fn variant_vector_clears_its_elements() {
    let psa = safe_array_create_vector(VT_VARIANT, 1, 2);
    // SAFETY: a live vector.
    let header = unsafe { &*psa };
    assert_ne!(header.fFeatures & FADF_VARIANT, 0);
    assert_eq!(header.cbElements as usize, size_of::<VARIANT>());
    assert_eq!(vartype(psa), VT_VARIANT);
    // SAFETY: a live vector of 2 VT_EMPTY VARIANTs.
    unsafe {
        let data = header.pvData.cast::<VARIANT>();
        assert_eq!(data.read().vt, VT_EMPTY);
        data.write(Variant::from("first").into_raw());
        data.add(1).write(Variant::from(vec![1u8, 2, 3]).into_raw());
    }
    let c = copy(psa);
    destroy(psa);
    // SAFETY: c is a live vector of VARIANTs.
    let items = unsafe { safe_array_as_slice::<Variant>(c) }.unwrap();
    assert_eq!(String::try_from(&items[0]).unwrap(), "first");
    assert_eq!(items[1].as_bytes(), Some(&[1u8, 2, 3][..]));
    destroy(c);
}

#[test]
fn unknown_vector_keeps_the_iid_and_counts_references() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 1,
        drops: &DROPS,
    }
    .into_com();
    let psa = safe_array_create_vector(VT_UNKNOWN, 0, 2);
    // SAFETY: a live vector; the IID sits in the 16 bytes before the header.
    unsafe {
        assert_ne!((*psa).fFeatures & FADF_HAVEIID, 0);
        assert_ne!((*psa).fFeatures & FADF_UNKNOWN, 0);
        assert_eq!(
            psa.cast::<u8>().sub(16).cast::<GUID>().read(),
            IUnknown::IID
        );
        (*psa)
            .pvData
            .cast::<*mut c_void>()
            .write(i.clone().into_raw());
    }
    assert_eq!(vartype(psa), VT_UNKNOWN);
    assert_eq!(ref_count(&i), 2);
    let c = copy(psa);
    assert_eq!(ref_count(&i), 3);
    destroy(psa);
    destroy(c);
    assert_eq!(ref_count(&i), 1);
    drop(i);
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);

    let d = safe_array_create_vector(VT_DISPATCH, 0, 1);
    // SAFETY: a live vector.
    unsafe {
        assert_ne!((*d).fFeatures & FADF_DISPATCH, 0);
        assert_eq!(d.cast::<u8>().sub(16).cast::<GUID>().read(), IDispatch::IID);
    }
    assert_eq!(vartype(d), VT_DISPATCH);
    destroy(d);
}

#[test]
fn a_locked_array_is_not_destroyed() {
    let psa = safe_array_create_vector(VT_I4, 0, 1);
    // SAFETY: a live vector; the lock is taken and released by hand.
    unsafe {
        (*psa).cLocks = 1;
        assert_eq!(safe_array_destroy(psa), DISP_E_ARRAYISLOCKED);
        (*psa).cLocks = 0;
    }
    destroy(psa);
}

#[test]
fn unsupported_types_and_nulls_are_refused() {
    assert!(safe_array_create_vector(VT_EMPTY, 0, 1).is_null());
    assert!(safe_array_create_vector(VT_NULL, 0, 1).is_null());
    // SAFETY: null arrays are handled without dereferencing.
    unsafe {
        assert_eq!(safe_array_destroy(core::ptr::null_mut()), S_OK);
        assert_eq!(safe_array_as_slice::<u8>(core::ptr::null()), None);
        let mut vt = 0;
        assert_eq!(
            safe_array_get_vartype(core::ptr::null(), &mut vt),
            E_INVALIDARG
        );
    }
    let empty = safe_array_create_vector(VT_UI1, 0, 0);
    assert!(!empty.is_null());
    // SAFETY: a live empty vector.
    assert_eq!(unsafe { safe_array_as_slice::<u8>(empty) }, Some(&[][..]));
    let c = copy(empty);
    destroy(empty);
    destroy(c);
}

#[cfg(not(windows))]
#[test]
fn portable_destroy_leaves_arrays_it_did_not_make_alone() {
    let mut data = [1u8, 2, 3];
    let mut foreign = SAFEARRAY {
        cDims: 1,
        fFeatures: FADF_STATIC,
        cbElements: 1,
        cLocks: 0,
        pvData: data.as_mut_ptr().cast(),
        rgsabound: [SAFEARRAYBOUND {
            cElements: 3,
            lLbound: 0,
        }],
    };
    // SAFETY: a valid header over stack memory; destroy must refuse it.
    unsafe { assert_eq!(safe_array_destroy(&mut foreign), E_INVALIDARG) };
    // SAFETY: a valid header over `data`.
    let bytes = unsafe { safe_array_as_slice::<u8>(&foreign) };
    assert_eq!(bytes, Some(&[1u8, 2, 3][..]));
}
