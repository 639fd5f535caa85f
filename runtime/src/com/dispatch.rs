//! `IDispatch`, its vtable, and the structures and constants of late-bound calls.

use core::ffi::c_void;
use core::ops::Deref;

use crate::{
    BSTR, E_INVALIDARG, Error, GUID, HRESULT, IID_NULL, IUnknown, IUnknown_Vtbl, Interface, Result,
    VARIANT, Variant,
};

/// A member identifier for `IDispatch`.
pub type DISPID = i32;
/// A locale identifier.
pub type LCID = u32;

/// The default member (`value`).
pub const DISPID_VALUE: DISPID = 0;
/// The id `GetIDsOfNames` gives an unknown name.
pub const DISPID_UNKNOWN: DISPID = -1;
/// The named argument that carries the new value of a property put.
pub const DISPID_PROPERTYPUT: DISPID = -3;
/// `_NewEnum`: the enumerator of a collection.
pub const DISPID_NEWENUM: DISPID = -4;
/// `Evaluate` (bracket syntax in some hosts).
pub const DISPID_EVALUATE: DISPID = -5;
/// A constructor (reserved).
pub const DISPID_CONSTRUCTOR: DISPID = -6;
/// A destructor (reserved).
pub const DISPID_DESTRUCTOR: DISPID = -7;
/// A collect (reserved).
pub const DISPID_COLLECT: DISPID = -8;
/// The `this` pointer, for JScript.
pub const DISPID_THIS: DISPID = -613;

/// The arguments of `IDispatch::Invoke`. Positional arguments are in reverse order; named ones
/// occupy `rgvarg[0..cNamedArgs]`, identified by `rgdispidNamedArgs`.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub struct DISPPARAMS {
    /// The arguments.
    pub rgvarg: *mut VARIANT,
    /// The DISPIDs of the named arguments.
    pub rgdispidNamedArgs: *mut i32,
    /// Number of arguments.
    pub cArgs: u32,
    /// Number of named arguments.
    pub cNamedArgs: u32,
}

impl Default for DISPPARAMS {
    /// No arguments.
    fn default() -> DISPPARAMS {
        DISPPARAMS {
            rgvarg: core::ptr::null_mut(),
            rgdispidNamedArgs: core::ptr::null_mut(),
            cArgs: 0,
            cNamedArgs: 0,
        }
    }
}

/// The exception information `IDispatch::Invoke` fills when it returns `DISP_E_EXCEPTION`. The
/// BSTRs belong to the caller, who frees them.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub struct EXCEPINFO {
    /// An error code (zero when `scode` is used).
    pub wCode: u16,
    /// Reserved.
    pub wReserved: u16,
    /// Where the error came from.
    pub bstrSource: BSTR,
    /// What went wrong.
    pub bstrDescription: BSTR,
    /// A help file path.
    pub bstrHelpFile: BSTR,
    /// A help context in that file.
    pub dwHelpContext: u32,
    /// Reserved.
    pub pvReserved: *mut c_void,
    /// Fills the structure later, when not null.
    pub pfnDeferredFillIn: Option<unsafe extern "system" fn(*mut EXCEPINFO) -> HRESULT>,
    /// The failure code (when `wCode` is zero).
    pub scode: i32,
}

impl Default for EXCEPINFO {
    /// All fields zero or null.
    fn default() -> EXCEPINFO {
        EXCEPINFO {
            wCode: 0,
            wReserved: 0,
            bstrSource: core::ptr::null_mut(),
            bstrDescription: core::ptr::null_mut(),
            bstrHelpFile: core::ptr::null_mut(),
            dwHelpContext: 0,
            pvReserved: core::ptr::null_mut(),
            pfnDeferredFillIn: None,
            scode: 0,
        }
    }
}

/// The `IDispatch` vtable.
#[repr(C)]
#[allow(non_snake_case, non_camel_case_types)]
pub struct IDispatch_Vtbl {
    /// Slots 0-2.
    pub base__: IUnknown_Vtbl,
    /// Slot 3: `HRESULT GetTypeInfoCount(UINT*)`.
    pub GetTypeInfoCount:
        unsafe extern "system" fn(this: *mut c_void, pctinfo: *mut u32) -> HRESULT,
    /// Slot 4: `HRESULT GetTypeInfo(UINT, LCID, ITypeInfo**)`.
    pub GetTypeInfo: unsafe extern "system" fn(
        this: *mut c_void,
        itinfo: u32,
        lcid: u32,
        pptinfo: *mut *mut c_void,
    ) -> HRESULT,
    /// Slot 5: `HRESULT GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*)`.
    pub GetIDsOfNames: unsafe extern "system" fn(
        this: *mut c_void,
        riid: *const GUID,
        rgsznames: *const *const u16,
        cnames: u32,
        lcid: u32,
        rgdispid: *mut i32,
    ) -> HRESULT,
    /// Slot 6: `HRESULT Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*)`.
    pub Invoke: unsafe extern "system" fn(
        this: *mut c_void,
        dispidmember: i32,
        riid: *const GUID,
        lcid: u32,
        wflags: u16,
        pdispparams: *const DISPPARAMS,
        pvarresult: *mut VARIANT,
        pexcepinfo: *mut EXCEPINFO,
        puargerr: *mut u32,
    ) -> HRESULT,
}

/// An owned `IDispatch` pointer.
#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IDispatch(IUnknown);

// SAFETY: IDispatch is repr(transparent) over IUnknown; IDispatch_Vtbl is its vtable.
unsafe impl Interface for IDispatch {
    type Vtable = IDispatch_Vtbl;
    const IID: GUID = GUID::from_u128(0x00020400_0000_0000_c000_000000000046);
}

impl Deref for IDispatch {
    type Target = IUnknown;
    fn deref(&self) -> &IUnknown {
        &self.0
    }
}

impl IDispatch {
    /// `GetTypeInfoCount`: 1 when the object provides type information, else 0.
    pub fn get_type_info_count(&self) -> Result<u32> {
        let mut count = 0u32;
        // SAFETY: self is a live IDispatch; count is a valid out pointer.
        crate::check(unsafe { (self.vtable().GetTypeInfoCount)(self.as_raw(), &mut count) })?;
        Ok(count)
    }

    /// `GetIDsOfNames` with `IID_NULL` and LCID 0: the member's DISPID followed by the ids of
    /// the named parameters. An unknown name gives `Err` with `DISP_E_UNKNOWNNAME`.
    pub fn get_ids_of_names(&self, names: &[&str]) -> Result<Vec<i32>> {
        let count =
            u32::try_from(names.len()).map_err(|_| Error::new(E_INVALIDARG, "too many names"))?;
        let wide: Vec<Vec<u16>> = names
            .iter()
            .map(|n| n.encode_utf16().chain(Some(0)).collect())
            .collect();
        let pointers: Vec<*const u16> = wide.iter().map(|w| w.as_ptr()).collect();
        let mut ids = vec![crate::DISPID_UNKNOWN; names.len()];
        // SAFETY: self is a live IDispatch; `pointers` holds `count` NUL-terminated strings and
        // `ids` has room for `count` DISPIDs; all outlive the call.
        crate::check(unsafe {
            (self.vtable().GetIDsOfNames)(
                self.as_raw(),
                &IID_NULL,
                pointers.as_ptr(),
                count,
                0,
                ids.as_mut_ptr(),
            )
        })?;
        Ok(ids)
    }

    /// `Invoke` with `IID_NULL` and LCID 0. `result`, when given, is cleared first (so a value
    /// it held is freed, not leaked) and receives the result.
    ///
    /// # Safety
    /// `params` must describe valid arguments (`rgvarg` valid for `cArgs` VARIANTs,
    /// `rgdispidNamedArgs` for `cNamedArgs` ids). The strings the callee puts in `excepinfo`
    /// belong to the caller.
    pub unsafe fn invoke(
        &self,
        dispid: i32,
        flags: u16,
        params: &mut DISPPARAMS,
        result: Option<&mut Variant>,
        excepinfo: Option<&mut EXCEPINFO>,
        arg_err: Option<&mut u32>,
    ) -> HRESULT {
        let result = match result {
            Some(r) => {
                *r = Variant::new();
                r.as_mut_ptr()
            }
            None => core::ptr::null_mut(),
        };
        let excepinfo = excepinfo.map_or(core::ptr::null_mut(), |e| e as *mut EXCEPINFO);
        let arg_err = arg_err.map_or(core::ptr::null_mut(), |a| a as *mut u32);
        // SAFETY: self is a live IDispatch; the pointers are null or valid for the call;
        // `params` is valid (caller contract).
        unsafe {
            (self.vtable().Invoke)(
                self.as_raw(),
                dispid,
                &IID_NULL,
                0,
                flags,
                params,
                result,
                excepinfo,
                arg_err,
            )
        }
    }
}
