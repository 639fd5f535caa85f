//! A late-bound client for the IDispatch tests: raw `GetIDsOfNames` / `Invoke` calls with
//! whatever arguments a script host (or a careless caller) passes, and what comes back.
#![allow(dead_code)]

use idlgen_runtime::{
    BStr, DISPPARAMS, EXCEPINFO, GUID, HRESULT, IDispatch, IID_NULL, Interface, VARIANT, Variant,
};

/// What one `Invoke` gave back.
#[derive(Debug)]
pub struct Outcome {
    pub hr: HRESULT,
    pub result: Variant,
    /// `*puArgErr` when the shim set it.
    pub arg_err: Option<u32>,
    pub excep: Option<Excep>,
}

/// The EXCEPINFO, when the shim filled it (its strings freed here).
#[derive(Debug, PartialEq)]
pub struct Excep {
    pub wcode: u16,
    pub scode: HRESULT,
    pub source: String,
    pub description: String,
}

const UNSET: u32 = 0xDEAD_BEEF;

/// `Invoke` with `rgvarg` exactly as given (reverse order is the caller's business here) and
/// the named DISPIDs.
pub fn invoke_raw(
    d: &IDispatch,
    dispid: i32,
    flags: u16,
    rgvarg: &mut [Variant],
    named: &mut [i32],
) -> Outcome {
    invoke_with(d, dispid, &IID_NULL, 0, flags, rgvarg, named)
}

/// As [`invoke_raw`] with a chosen IID and LCID.
pub fn invoke_with(
    d: &IDispatch,
    dispid: i32,
    riid: &GUID,
    lcid: u32,
    flags: u16,
    rgvarg: &mut [Variant],
    named: &mut [i32],
) -> Outcome {
    let mut params = DISPPARAMS {
        rgvarg: if rgvarg.is_empty() {
            core::ptr::null_mut()
        } else {
            rgvarg.as_mut_ptr().cast::<VARIANT>()
        },
        rgdispidNamedArgs: if named.is_empty() {
            core::ptr::null_mut()
        } else {
            named.as_mut_ptr()
        },
        cArgs: rgvarg.len() as u32,
        cNamedArgs: named.len() as u32,
    };
    let mut result = Variant::new();
    let mut excep = EXCEPINFO::default();
    let mut arg_err = UNSET;
    // SAFETY: a live IDispatch; every pointer is valid for the call (Variant is
    // repr(transparent) over VARIANT).
    let hr = unsafe {
        (d.vtable().Invoke)(
            d.as_raw(),
            dispid,
            riid,
            lcid,
            flags,
            &mut params,
            result.as_mut_ptr(),
            &mut excep,
            &mut arg_err,
        )
    };
    Outcome {
        hr,
        result,
        arg_err: (arg_err != UNSET).then_some(arg_err),
        excep: take_excep(excep),
    }
}

/// Takes the strings out of an EXCEPINFO (freeing them); `None` when nothing was filled.
pub fn take_excep(e: EXCEPINFO) -> Option<Excep> {
    // SAFETY: the callee gave the caller these BSTRs (or left them null).
    let (source, description, help) = unsafe {
        (
            BStr::from_raw(e.bstrSource),
            BStr::from_raw(e.bstrDescription),
            BStr::from_raw(e.bstrHelpFile),
        )
    };
    drop(help);
    if e.scode == 0 && e.wCode == 0 && source.as_raw().is_null() {
        return None;
    }
    Some(Excep {
        wcode: e.wCode,
        scode: HRESULT(e.scode),
        source: source.to_string_lossy(),
        description: description.to_string_lossy(),
    })
}

/// `Invoke` with positional arguments in declaration order (reversed into rgvarg here, as
/// A1 says a caller must).
pub fn invoke(d: &IDispatch, dispid: i32, flags: u16, args: Vec<Variant>) -> Outcome {
    let mut rgvarg: Vec<Variant> = args.into_iter().rev().collect();
    invoke_raw(d, dispid, flags, &mut rgvarg, &mut [])
}

/// `GetIDsOfNames` with IID_NULL and the given LCID: the HRESULT and every slot.
pub fn ids_of(d: &IDispatch, names: &[&str], lcid: u32) -> (HRESULT, Vec<i32>) {
    ids_with(d, &IID_NULL, names, lcid)
}

/// `GetIDsOfNames` with a chosen IID.
pub fn ids_with(d: &IDispatch, riid: &GUID, names: &[&str], lcid: u32) -> (HRESULT, Vec<i32>) {
    let wide: Vec<Vec<u16>> = names
        .iter()
        .map(|n| n.encode_utf16().chain(Some(0)).collect())
        .collect();
    let pointers: Vec<*const u16> = wide.iter().map(|w| w.as_ptr()).collect();
    let mut ids = vec![0x5555_5555; names.len()];
    // SAFETY: a live IDispatch; `pointers` holds names.len() NUL-terminated strings and `ids`
    // has room for as many DISPIDs.
    let hr = unsafe {
        (d.vtable().GetIDsOfNames)(
            d.as_raw(),
            riid,
            pointers.as_ptr(),
            names.len() as u32,
            lcid,
            ids.as_mut_ptr(),
        )
    };
    (hr, ids)
}

/// A by-reference VARIANT pointing at `target` (a value the caller owns).
pub fn byref<T>(vt: u16, target: &mut T) -> Variant {
    let mut raw = VARIANT::new();
    raw.vt = idlgen_runtime::VT_BYREF | vt;
    raw.data.byref = (target as *mut T).cast();
    // SAFETY: a VT_BYREF VARIANT owns nothing; `target` outlives its use in the tests.
    unsafe { Variant::from_raw(raw) }
}
