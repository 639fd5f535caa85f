//! `IUnknown`, its vtable and the [`Interface`] trait: windows-core's own, so that every
//! interface idlgen generates is a windows-rs interface (`cast`, `CoCreateInstance::<_, I>`,
//! `#[implement]`), plus the few helpers generated code needs beside them.

use core::ffi::c_void;

pub use windows_core::{IUnknown, IUnknown_Vtbl, Interface};

/// The same pointer as `&IUnknown`: every interface type is `#[repr(transparent)]` over
/// `IUnknown` (directly or through its base interfaces).
pub fn as_unknown<I: Interface>(interface: &I) -> &IUnknown {
    const { assert!(size_of::<I>() == size_of::<*mut c_void>()) };
    // SAFETY: an `Interface` is a transparent owning interface pointer (windows-core's trait
    // contract, and the size is checked above); every COM vtable starts with IUnknown's, so the
    // same pointer viewed as `IUnknown` is valid for the borrow.
    unsafe { &*(interface as *const I).cast::<IUnknown>() }
}

/// The interface a call of the `(REFIID, void**)` shape gave (`CoCreateInstance`,
/// `IClassFactory::CreateInstance`): `Err` for a failure code (with the thread's error info, see
/// [`check`](crate::check)), and for a success that wrote a null pointer (`what` names the call).
///
/// # Safety
/// On success `out` is null or an `I` carrying one reference, which the result takes.
pub(crate) unsafe fn interface_out<I: Interface>(
    hr: crate::HRESULT,
    out: *mut c_void,
    what: &str,
) -> crate::Result<I> {
    crate::check(hr)?;
    if out.is_null() {
        return Err(crate::Error::new(
            crate::E_POINTER,
            format!("{what} succeeded with a null pointer"),
        ));
    }
    // SAFETY: a non-null `I` with one reference for us (caller contract).
    Ok(unsafe { I::from_raw(out) })
}

/// Converts between two Rust types for one COM interface (the same IID), such as an idlgen
/// binding and the `windows` crate's type for the same interface, without a call: the pointer
/// and its reference move over. A different IID is a compile-time error.
pub fn same_interface<From: Interface, To: Interface>(value: From) -> To {
    const {
        assert!(
            From::IID.to_u128() == To::IID.to_u128(),
            "same_interface: the two types are different COM interfaces"
        )
    };
    // SAFETY: both are owning pointers to the same interface (same IID, so the same vtable
    // layout by COM's rules); the reference is handed over, not duplicated.
    unsafe { To::from_raw(value.into_raw()) }
}

/// Borrows `value` as another Rust type for the same COM interface (see [`same_interface`]).
pub fn same_interface_ref<From: Interface, To: Interface>(value: &From) -> &To {
    const {
        assert!(
            From::IID.to_u128() == To::IID.to_u128(),
            "same_interface_ref: the two types are different COM interfaces"
        )
    };
    const { assert!(size_of::<From>() == size_of::<To>()) };
    // SAFETY: both types are transparent interface pointers for the same IID; a shared borrow
    // neither adds nor releases a reference.
    unsafe { &*(value as *const From).cast::<To>() }
}

/// Conversions from an interface type to its bases, as windows-rs's own bindings have them:
/// `From<IFoo>` and `From<&IFoo>` for each base, and windows-core's `CanInto`, which lets
/// windows-rs functions taking `impl Param<IBase>` accept `&IFoo` without a `QueryInterface`.
/// Generated code calls it as `__codegen::interface_hierarchy!` (a `#[macro_export]` macro is
/// always at the crate root, hence the name); the interface's vtable must extend each base's.
/// It names the runtime as `$crate`, so it works through a renamed or re-exported runtime.
#[doc(hidden)]
#[macro_export]
macro_rules! __interface_hierarchy {
    ($child:ident, $($base:ty),+) => {
        $(
            impl $crate::windows_core::imp::CanInto<$base> for $child {}
            impl ::core::convert::From<$child> for $base {
                fn from(value: $child) -> $base {
                    // SAFETY: both are transparent owning pointers, and the child's vtable
                    // extends the base's (the macro's contract).
                    unsafe {
                        <$base as $crate::Interface>::from_raw($crate::Interface::into_raw(value))
                    }
                }
            }
            impl<'a> ::core::convert::From<&'a $child> for &'a $base {
                fn from(value: &'a $child) -> &'a $base {
                    // SAFETY: as above; a shared borrow neither adds nor releases a reference.
                    unsafe { &*(value as *const $child).cast::<$base>() }
                }
            }
        )+
    };
}
