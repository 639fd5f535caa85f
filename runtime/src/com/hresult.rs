//! `HRESULT` (windows-core's type) and the well-known codes.

#[allow(unused_imports)]
use crate::automation::*;
use crate::{Error, Result};

pub use windows_core::HRESULT;

/// `Ok(())` for a success code, otherwise `Err` with this crate's [`Error`]: the code, and the
/// description of the thread's error info when the callee set one (which this takes, as
/// `GetErrorInfo` does). Unlike `windows_core::Error`'s, the message is kept on every target.
pub fn check(hr: HRESULT) -> Result<()> {
    if hr.is_ok() {
        return Ok(());
    }
    let message = crate::take_error_info()
        .and_then(|info| info.description().ok())
        .map(|d| d.to_string())
        .unwrap_or_default();
    Err(Error::new(hr, message))
}

const fn hr(code: u32) -> HRESULT {
    HRESULT(code as i32)
}

/// Success.
pub const S_OK: HRESULT = hr(0);
/// Success, answering "no" or "nothing done".
pub const S_FALSE: HRESULT = hr(1);
/// Not implemented.
pub const E_NOTIMPL: HRESULT = hr(0x8000_4001);
/// The object does not implement the requested interface.
pub const E_NOINTERFACE: HRESULT = hr(0x8000_4002);
/// A required pointer was null.
pub const E_POINTER: HRESULT = hr(0x8000_4003);
/// The operation was aborted.
pub const E_ABORT: HRESULT = hr(0x8000_4004);
/// Unspecified failure.
pub const E_FAIL: HRESULT = hr(0x8000_4005);
/// Catastrophic failure (also what a caught panic becomes).
pub const E_UNEXPECTED: HRESULT = hr(0x8000_FFFF);
/// Access denied.
pub const E_ACCESSDENIED: HRESULT = hr(0x8007_0005);
/// Out of memory.
pub const E_OUTOFMEMORY: HRESULT = hr(0x8007_000E);
/// An argument was invalid.
pub const E_INVALIDARG: HRESULT = hr(0x8007_0057);
/// The class does not support aggregation.
pub const CLASS_E_NOAGGREGATION: HRESULT = hr(0x8004_0110);
/// The class factory cannot supply the requested class.
pub const CLASS_E_CLASSNOTAVAILABLE: HRESULT = hr(0x8004_0111);

/// `IDispatch`: an interface identifier other than `IID_NULL` was passed.
pub const DISP_E_UNKNOWNINTERFACE: HRESULT = hr(0x8002_0001);
/// `IDispatch`: no member with this DISPID and invoke kind.
pub const DISP_E_MEMBERNOTFOUND: HRESULT = hr(0x8002_0003);
/// `IDispatch`: a named argument matches no parameter.
pub const DISP_E_PARAMNOTFOUND: HRESULT = hr(0x8002_0004);
/// `IDispatch`: an argument could not be coerced to the parameter's type.
pub const DISP_E_TYPEMISMATCH: HRESULT = hr(0x8002_0005);
/// `IDispatch`: a name is not known.
pub const DISP_E_UNKNOWNNAME: HRESULT = hr(0x8002_0006);
/// `IDispatch`: the member does not accept named arguments.
pub const DISP_E_NONAMEDARGS: HRESULT = hr(0x8002_0007);
/// `IDispatch`: the VARTYPE is unknown or invalid.
pub const DISP_E_BADVARTYPE: HRESULT = hr(0x8002_0008);
/// `IDispatch`: the member raised an exception (see the EXCEPINFO).
pub const DISP_E_EXCEPTION: HRESULT = hr(0x8002_0009);
/// `IDispatch`: a value does not fit the target type.
pub const DISP_E_OVERFLOW: HRESULT = hr(0x8002_000A);
/// `IDispatch`: an index is out of range.
pub const DISP_E_BADINDEX: HRESULT = hr(0x8002_000B);
/// `IDispatch`: the locale is not known.
pub const DISP_E_UNKNOWNLCID: HRESULT = hr(0x8002_000C);
/// A SAFEARRAY is locked and cannot be destroyed or resized.
pub const DISP_E_ARRAYISLOCKED: HRESULT = hr(0x8002_000D);
/// `IDispatch`: wrong number of arguments.
pub const DISP_E_BADPARAMCOUNT: HRESULT = hr(0x8002_000E);
/// `IDispatch`: a required argument is missing.
pub const DISP_E_PARAMNOTOPTIONAL: HRESULT = hr(0x8002_000F);
/// `IDispatch`: the property is not a collection and takes no index.
pub const DISP_E_NOTACOLLECTION: HRESULT = hr(0x8002_0011);
