//! Passing values between idlgen's types and windows-rs's, for generated code that calls a
//! windows-rs implementation (the `IDispatch` that idlgen generates for an `#[implement]`
//! object implementing the `windows` crate's own interfaces).
//!
//! The two crates type one ABI value differently: Win32 metadata gives many `LONG`s an enum
//! newtype (`CERT_EXIT_EVENT_MASK(u32)`), `BSTR` is `windows_core::BSTR` there and [`BStr`]
//! here, a VARIANT is the `windows` crate's `VARIANT` there and [`Variant`] here. Generated code
//! knows each value's ABI type from the IDL and lets the compiler infer the other side; these
//! functions move the bits, checking at compile time that the sizes agree.
//!
//! [`BStr`]: crate::BStr
//! [`Variant`]: crate::Variant

use core::mem::ManuallyDrop;

use crate::com::DispFailure;
use crate::{Error, HRESULT, VARIANT_FALSE, VARIANT_TRUE};

/// The same bits as another type of the same size: an ABI value (integer, pointer, owning
/// BSTR/VARIANT/interface pointer) as the other crate types it. Ownership moves with it.
///
/// # Safety
/// `To` must be the same ABI value as `From` (the same C type in the IDL); for owning types,
/// both must own it the same way (both free a BSTR with `SysFreeString`, ...).
#[inline(always)]
pub unsafe fn abi_cast<From, To>(value: From) -> To {
    const {
        assert!(
            size_of::<From>() == size_of::<To>(),
            "abi_cast: sizes differ"
        )
    };
    let value = ManuallyDrop::new(value);
    // SAFETY: the sizes agree (checked above) and the bits are the same ABI value (caller
    // contract); `value` is not dropped, so ownership moves to the result.
    unsafe { core::mem::transmute_copy::<ManuallyDrop<From>, To>(&value) }
}

/// A borrowed ABI value viewed as the other crate's type of the same value (`&BStr` as
/// `&windows_core::BSTR`, `&Variant` as `&windows::Win32::System::Variant::VARIANT`).
///
/// # Safety
/// As [`abi_cast`]; the borrow neither frees nor duplicates the value.
#[inline(always)]
pub unsafe fn abi_ref<From, To>(value: &From) -> &To {
    const {
        assert!(
            size_of::<From>() == size_of::<To>(),
            "abi_ref: sizes differ"
        )
    };
    // SAFETY: same size and the same ABI value (caller contract); a shared borrow.
    unsafe { &*(value as *const From).cast::<To>() }
}

/// A `VARIANT_BOOL` (`-1` true, `0` false) for `value`.
pub const fn variant_bool(value: bool) -> i16 {
    if value { VARIANT_TRUE } else { VARIANT_FALSE }
}

/// `Ok(())` for a success code, otherwise `windows_core::Error` with it: what a windows-rs
/// `_Impl` method returns for an `HRESULT` a shim computed. `Invoke`'s codes pass unchanged
/// (windows-core turns `Err` back into its code).
pub fn windows_result(hr: HRESULT) -> windows_core::Result<()> {
    if hr.is_ok() {
        Ok(())
    } else {
        Err(windows_core::Error::from_hresult(hr))
    }
}

/// A windows-rs implementation's error, as `Invoke` reports it (`DISP_E_EXCEPTION` with its
/// code and message in the EXCEPINFO).
impl From<windows_core::Error> for DispFailure {
    fn from(e: windows_core::Error) -> DispFailure {
        DispFailure::Call(Error::from(e))
    }
}
