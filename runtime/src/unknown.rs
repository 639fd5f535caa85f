//! `IUnknown`, its vtable, and the [`Interface`] trait every interface pointer type implements.

use core::ffi::c_void;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;

use crate::{E_POINTER, Error, GUID, HRESULT, Result};

/// The `IUnknown` vtable: the first three slots of every COM vtable.
#[repr(C)]
#[allow(non_snake_case, non_camel_case_types)]
pub struct IUnknown_Vtbl {
    /// Slot 0: `HRESULT QueryInterface(REFIID, void**)`.
    pub QueryInterface: unsafe extern "system" fn(
        this: *mut c_void,
        iid: *const GUID,
        interface: *mut *mut c_void,
    ) -> HRESULT,
    /// Slot 1: `ULONG AddRef()`.
    pub AddRef: unsafe extern "system" fn(this: *mut c_void) -> u32,
    /// Slot 2: `ULONG Release()`.
    pub Release: unsafe extern "system" fn(this: *mut c_void) -> u32,
}

/// A COM interface pointer type.
///
/// Generated interface types are `#[repr(transparent)] pub struct IFoo(IBase);` chains ending in
/// [`IUnknown`], so every implementor is a single non-null pointer to an object whose first
/// field points at a vtable starting with `Self::Vtbl`. The provided methods rely on that.
///
/// # Safety
/// Implementors must be `#[repr(transparent)]` over `IUnknown` (directly or through another
/// interface type), `Vtbl` must be the `#[repr(C)]` layout of the interface's vtable, and
/// `Clone`/`Drop` must be those of the `IUnknown` inside (AddRef/Release).
pub unsafe trait Interface: Sized + Clone {
    /// The vtable layout.
    type Vtbl;
    /// The interface identifier.
    const IID: GUID;

    /// The raw interface pointer (still owned by `self`).
    fn as_raw(&self) -> *mut c_void {
        const { assert!(size_of::<Self>() == size_of::<*mut c_void>()) };
        // SAFETY: Self is repr(transparent) over IUnknown, i.e. over one NonNull pointer (trait
        // contract; the size is checked above).
        unsafe { *(self as *const Self).cast::<*mut c_void>() }
    }

    /// Gives up ownership of the reference without calling `Release`.
    fn into_raw(self) -> *mut c_void {
        ManuallyDrop::new(self).as_raw()
    }

    /// Takes ownership of one reference.
    ///
    /// # Safety
    /// `raw` is a non-null pointer to this interface, carrying a reference the caller gives up.
    unsafe fn from_raw(raw: *mut c_void) -> Self {
        const { assert!(size_of::<Self>() == size_of::<*mut c_void>()) };
        debug_assert!(!raw.is_null());
        // SAFETY: Self is a transparent wrapper of a non-null pointer (trait contract); raw is
        // non-null and owns a reference (caller contract).
        unsafe { core::mem::transmute_copy::<*mut c_void, Self>(&raw) }
    }

    /// Views a borrowed interface pointer (e.g. an `[in]` parameter) as `&Self` without taking a
    /// reference; `None` when it is null.
    ///
    /// # Safety
    /// `*raw` is null or a pointer to this interface that stays valid for the returned lifetime.
    unsafe fn from_raw_borrowed(raw: &*mut c_void) -> Option<&Self> {
        const { assert!(size_of::<Self>() == size_of::<*mut c_void>()) };
        if raw.is_null() {
            None
        } else {
            // SAFETY: Self is a transparent wrapper of a non-null pointer; *raw is non-null and
            // valid (caller contract); a shared reference never releases.
            Some(unsafe { &*(raw as *const *mut c_void).cast::<Self>() })
        }
    }

    /// The vtable.
    fn vtable(&self) -> &Self::Vtbl {
        // SAFETY: a live interface pointer points at the object's vtable pointer, and the vtable
        // starts with Self::Vtbl (trait contract). Vtables outlive their objects.
        unsafe { &**(self.as_raw() as *const *const Self::Vtbl) }
    }

    /// `QueryInterface` for `I`: a new reference on success, the failure code otherwise.
    fn cast<I: Interface>(&self) -> Result<I> {
        let mut out: *mut c_void = core::ptr::null_mut();
        let unknown = self.as_unknown();
        // SAFETY: every vtable starts with IUnknown's; the arguments are valid pointers.
        let hr = unsafe { (unknown.vtable().QueryInterface)(self.as_raw(), &I::IID, &mut out) };
        hr.ok()?;
        if out.is_null() {
            return Err(Error::new(
                E_POINTER,
                "QueryInterface succeeded with a null pointer",
            ));
        }
        // SAFETY: a successful QueryInterface returns a non-null I with one reference for us.
        Ok(unsafe { I::from_raw(out) })
    }

    /// The same pointer as `&IUnknown`.
    fn as_unknown(&self) -> &IUnknown {
        const { assert!(size_of::<Self>() == size_of::<*mut c_void>()) };
        // SAFETY: Self is repr(transparent) over IUnknown (trait contract).
        unsafe { &*(self as *const Self).cast::<IUnknown>() }
    }
}

/// An owned `IUnknown` pointer: `Clone` calls `AddRef`, `Drop` calls `Release`; equality and
/// hashing are by pointer value.
#[repr(transparent)]
pub struct IUnknown(NonNull<c_void>);

// SAFETY: IUnknown is a transparent non-null pointer; IUnknown_Vtbl is its vtable; Clone and
// Drop below are AddRef and Release.
unsafe impl Interface for IUnknown {
    type Vtbl = IUnknown_Vtbl;
    const IID: GUID = GUID::from_u128(0x00000000_0000_0000_c000_000000000046);
}

impl Clone for IUnknown {
    fn clone(&self) -> IUnknown {
        // SAFETY: self holds a live reference, so AddRef through its vtable is valid.
        unsafe { (self.vtable().AddRef)(self.as_raw()) };
        IUnknown(self.0)
    }
}

impl Drop for IUnknown {
    fn drop(&mut self) {
        // SAFETY: self owns one reference, given back here exactly once.
        unsafe { (self.vtable().Release)(self.as_raw()) };
    }
}

impl PartialEq for IUnknown {
    /// Compares the interface pointers. COM identity (the same object reached through different
    /// interfaces) needs `a.cast::<IUnknown>()? == b.cast::<IUnknown>()?`.
    fn eq(&self, other: &IUnknown) -> bool {
        self.0 == other.0
    }
}

impl Eq for IUnknown {}

impl core::hash::Hash for IUnknown {
    /// Hashes the interface pointer, consistently with `PartialEq`.
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Debug for IUnknown {
    /// The pointer value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IUnknown").field(&self.0).finish()
    }
}
