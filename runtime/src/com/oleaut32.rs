//! The oleaut32 functions the runtime calls on Windows.

#[allow(unused_imports)]
use crate::automation::*;
use crate::{BSTR, HRESULT, SAFEARRAY, VARIANT, VARTYPE};

#[link(name = "oleaut32")]
unsafe extern "system" {
    pub fn SysAllocStringLen(str: *const u16, len: u32) -> BSTR;
    pub fn SysAllocStringByteLen(psz: *const u8, len: u32) -> BSTR;
    pub fn SysFreeString(bstr: BSTR);
    pub fn SysStringLen(bstr: BSTR) -> u32;
    pub fn SysStringByteLen(bstr: BSTR) -> u32;
    pub fn VariantClear(pvarg: *mut VARIANT) -> HRESULT;
    pub fn VariantCopy(pvargdest: *mut VARIANT, pvargsrc: *const VARIANT) -> HRESULT;
    pub fn SafeArrayCreateVector(vt: VARTYPE, lbound: i32, celements: u32) -> *mut SAFEARRAY;
    pub fn SafeArrayDestroy(psa: *mut SAFEARRAY) -> HRESULT;
    pub fn SafeArrayCopy(psa: *const SAFEARRAY, ppsaout: *mut *mut SAFEARRAY) -> HRESULT;
    pub fn SafeArrayGetVartype(psa: *const SAFEARRAY, pvt: *mut VARTYPE) -> HRESULT;
    pub fn VariantChangeType(
        pvargdest: *mut VARIANT,
        pvarsrc: *const VARIANT,
        wflags: u16,
        vt: VARTYPE,
    ) -> HRESULT;
}
