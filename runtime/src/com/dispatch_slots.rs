//! `IDispatch` vtable slots for objects implemented in Rust, shared by every generated vtable:
//! the ones that need no knowledge of the members, and `GetIDsOfNames` over a [`DispidTable`].

use core::ffi::c_void;

use crate::{
    DISP_E_BADINDEX, DISP_E_UNKNOWNINTERFACE, DISP_E_UNKNOWNNAME, DISPID_UNKNOWN, DISPPARAMS,
    DispidTable, E_INVALIDARG, E_NOTIMPL, E_POINTER, EXCEPINFO, GUID, HRESULT, IID_NULL, S_OK,
    VARIANT,
};

/// The `IDispatch::GetTypeInfoCount` slot for objects without type information:
/// `*pctinfo = 0`; `E_POINTER` when `pctinfo` is null.
///
/// # Safety
/// `pctinfo` is null or writable.
pub unsafe extern "system" fn dispatch_get_type_info_count(
    _this: *mut c_void,
    pctinfo: *mut u32,
) -> HRESULT {
    if pctinfo.is_null() {
        return E_POINTER;
    }
    // SAFETY: non-null and writable (caller contract).
    unsafe { pctinfo.write(0) };
    S_OK
}

/// The `IDispatch::GetTypeInfo` slot for objects without type information: `*pptinfo = null`
/// and `DISP_E_BADINDEX`; `E_POINTER` when `pptinfo` is null.
///
/// # Safety
/// `pptinfo` is null or writable.
pub unsafe extern "system" fn dispatch_get_type_info(
    _this: *mut c_void,
    _itinfo: u32,
    _lcid: u32,
    pptinfo: *mut *mut c_void,
) -> HRESULT {
    if pptinfo.is_null() {
        return E_POINTER;
    }
    // SAFETY: non-null and writable (caller contract).
    unsafe { pptinfo.write(core::ptr::null_mut()) };
    DISP_E_BADINDEX
}

/// An `IDispatch::Invoke` slot that answers `E_NOTIMPL`, for vtables generated before the
/// Invoke shim exists. Writes nothing.
///
/// # Safety
/// None beyond the `Invoke` contract; no pointer is dereferenced.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn dispatch_invoke_not_implemented(
    _this: *mut c_void,
    _dispidmember: i32,
    _riid: *const GUID,
    _lcid: u32,
    _wflags: u16,
    _pdispparams: *const DISPPARAMS,
    _pvarresult: *mut VARIANT,
    _pexcepinfo: *mut EXCEPINFO,
    _puargerr: *mut u32,
) -> HRESULT {
    E_NOTIMPL
}

/// `IDispatch::GetIDsOfNames` answered from `table` (spec/idispatch.md G1-G6):
///
/// - `riid`, `names`, `ids` or any `names[i]` null: `E_POINTER` (nothing written);
/// - `count == 0`: `E_INVALIDARG`;
/// - `*riid != IID_NULL`: `DISP_E_UNKNOWNINTERFACE`;
/// - `names[0]` is looked up case-insensitively ([`crate::__codegen::fold_name`]'s rule; the LCID has no
///   effect) in `O(log n)` without allocating; every following name is a parameter of that
///   member, whose id is its 0-based position in the declaration (G2). Each unknown name gets
///   `DISPID_UNKNOWN` in its slot, known slots are still filled, and the result is then
///   `DISP_E_UNKNOWNNAME`.
///
/// # Safety
/// Non-null pointers follow the `GetIDsOfNames` contract: `names` holds `count` pointers to
/// NUL-terminated UTF-16 strings, `ids` has room for `count` DISPIDs, `riid` is readable.
pub unsafe fn dispatch_get_ids_of_names(
    table: &DispidTable,
    _this: *mut c_void,
    riid: *const GUID,
    names: *const *const u16,
    count: u32,
    _lcid: u32,
    ids: *mut i32,
) -> HRESULT {
    if riid.is_null() || names.is_null() || ids.is_null() {
        return E_POINTER;
    }
    if count == 0 {
        return E_INVALIDARG;
    }
    // SAFETY: names holds `count` pointers (caller contract).
    let names = unsafe { core::slice::from_raw_parts(names, count as usize) };
    if names.iter().any(|n| n.is_null()) {
        return E_POINTER;
    }
    // SAFETY: riid is non-null and readable (caller contract).
    if unsafe { *riid } != IID_NULL {
        return DISP_E_UNKNOWNINTERFACE;
    }
    // SAFETY: ids has room for `count` DISPIDs (caller contract).
    let ids = unsafe { core::slice::from_raw_parts_mut(ids, count as usize) };
    let mut result = S_OK;
    // SAFETY: names[0] is non-null (checked) and NUL-terminated (caller contract).
    let member = table.lookup_member_wide(unsafe { wide_str(names[0]) });
    for (i, (&name, id)) in names.iter().zip(ids.iter_mut()).enumerate() {
        let found = match (i, member) {
            (0, m) => m.map(|m| m.dispid),
            // G2: a parameter's id is its 0-based position.
            // SAFETY: a non-null name is NUL-terminated (caller contract).
            (_, Some(m)) => m
                .param_position_wide(unsafe { wide_str(name) })
                .and_then(|p| i32::try_from(p).ok()),
            (_, None) => None,
        };
        *id = found.unwrap_or_else(|| {
            result = DISP_E_UNKNOWNNAME;
            DISPID_UNKNOWN
        });
    }
    result
}

/// The units of a NUL-terminated UTF-16 string, without the terminator.
///
/// # Safety
/// `p` is non-null and NUL-terminated, valid for the returned lifetime.
unsafe fn wide_str<'a>(p: *const u16) -> &'a [u16] {
    let mut len = 0;
    // SAFETY: every unit up to and including the terminator is readable (caller contract).
    while unsafe { *p.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: the `len` units before the terminator are readable.
    unsafe { core::slice::from_raw_parts(p, len) }
}
