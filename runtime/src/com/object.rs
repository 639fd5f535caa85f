//! Implementing COM interfaces in Rust: the heap object behind an interface pointer, the
//! `IUnknown` slots for it, and the helpers generated vtable thunks use.

use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{
    E_NOINTERFACE, E_POINTER, E_UNEXPECTED, GUID, HRESULT, IUnknown_Vtbl, Interface, Result, S_OK,
};

/// How many [`ModuleRef`]s exist.
static MODULE_REFS: AtomicUsize = AtomicUsize::new(0);

/// Keeps an in-process server loaded while it lives: an object made by windows-rs's
/// `#[implement]` (which the runtime does not count, unlike [`ComObject`]s) holds one as a
/// field, so `DllCanUnloadNow` answers `S_FALSE` until the object is destroyed.
#[derive(Debug)]
pub struct ModuleRef(());

impl ModuleRef {
    /// One more reference to the module.
    pub fn new() -> ModuleRef {
        MODULE_REFS.fetch_add(1, Ordering::AcqRel);
        ModuleRef(())
    }
}

impl Default for ModuleRef {
    fn default() -> ModuleRef {
        ModuleRef::new()
    }
}

impl Drop for ModuleRef {
    fn drop(&mut self) {
        MODULE_REFS.fetch_sub(1, Ordering::AcqRel);
    }
}

/// How many [`ModuleRef`]s are alive.
pub fn module_refs() -> usize {
    MODULE_REFS.load(Ordering::Acquire)
}

/// Where a [`ComObject`]'s value is, in pointers from its interface pointer.
pub const COM_OBJECT_VALUE_OFFSET: isize = 4;

/// How many `ComObject`s exist in the process right now.
static LIVE_OBJECTS: AtomicUsize = AtomicUsize::new(0);

/// The heap object behind an interface pointer made from a Rust value. The interface pointer
/// points at `vtable` (the first field), so `*(ptr as *const *const Vtbl)` is the vtable.
///
/// One object answers `QueryInterface` for every IID in `iids` with the same pointer (one
/// vtable chain: the interface and its bases).
///
/// `value` sits [`COM_OBJECT_VALUE_OFFSET`] pointers after the interface pointer, on 32- and
/// 64-bit targets alike: generated vtables find the implementation the way windows-rs's
/// `#[implement]` vtables do, at a fixed pointer offset from `this` (`IFoo_Vtbl::with_root::<T,
/// { COM_OBJECT_VALUE_OFFSET }>`).
#[repr(C)]
pub struct ComObject<T> {
    vtable: *const c_void,
    refs: AtomicU32,
    iids: &'static [GUID],
    value: T,
}

impl<T: 'static> ComObject<T> {
    /// Boxes `value` with a reference count of 1 and returns the interface pointer (which owns
    /// that reference).
    ///
    /// `vtable` is the interface's vtable built for `T` (a promoted `'static` const whose first
    /// slots are `__codegen::object_unknown_vtbl::<T>()`); `iids` lists
    /// every IID `QueryInterface` answers: the interface and each base, `IUnknown` included.
    pub fn create<V>(value: T, vtable: &'static V, iids: &'static [GUID]) -> *mut c_void {
        const {
            assert!(
                core::mem::offset_of!(ComObject<T>, value)
                    == COM_OBJECT_VALUE_OFFSET as usize * size_of::<*const c_void>(),
                "ComObject: a type aligned beyond 4 pointers cannot be a COM object; box it"
            )
        };
        let object = Box::new(ComObject {
            vtable: (vtable as *const V).cast::<c_void>(),
            refs: AtomicU32::new(1),
            iids,
            value,
        });
        LIVE_OBJECTS.fetch_add(1, Ordering::Relaxed);
        Box::into_raw(object).cast::<c_void>()
    }

    /// The Rust value behind an interface pointer.
    ///
    /// # Safety
    /// `this` was returned by [`ComObject::create`] for this `T` (or obtained from such a
    /// pointer through `QueryInterface`) and the object stays alive for `'a`.
    pub unsafe fn value<'a>(this: *mut c_void) -> &'a T {
        // SAFETY: `this` is the address of a live ComObject<T> (caller contract).
        unsafe { &(*this.cast::<ComObject<T>>()).value }
    }

    /// The current reference count (for tests and diagnostics).
    ///
    /// # Safety
    /// As for [`ComObject::value`].
    pub unsafe fn ref_count(this: *mut c_void) -> u32 {
        // SAFETY: `this` is the address of a live ComObject<T> (caller contract).
        unsafe { (*this.cast::<ComObject<T>>()).refs.load(Ordering::Relaxed) }
    }
}

/// How many objects made with [`ComObject::create`] are alive in this process (created and not
/// yet destroyed); for tests and `DllCanUnloadNow`.
pub fn live_objects() -> usize {
    LIVE_OBJECTS.load(Ordering::Acquire)
}

unsafe extern "system" fn object_query_interface<T: 'static>(
    this: *mut c_void,
    iid: *const GUID,
    interface: *mut *mut c_void,
) -> HRESULT {
    if interface.is_null() {
        return E_POINTER;
    }
    // SAFETY: interface is non-null and, per the COM contract, writable.
    unsafe { interface.write(core::ptr::null_mut()) };
    if iid.is_null() {
        return E_POINTER;
    }
    // SAFETY: `this` is a live ComObject<T> (the vtable is only installed on those) and iid is
    // a readable GUID (COM contract).
    let (object, iid) = unsafe { (&*this.cast::<ComObject<T>>(), &*iid) };
    if !object.iids.contains(iid) {
        return E_NOINTERFACE;
    }
    object.refs.fetch_add(1, Ordering::Relaxed);
    // SAFETY: interface is writable (checked above).
    unsafe { interface.write(this) };
    S_OK
}

unsafe extern "system" fn object_add_ref<T: 'static>(this: *mut c_void) -> u32 {
    // SAFETY: `this` is a live ComObject<T> (the caller holds a reference).
    let object = unsafe { &*this.cast::<ComObject<T>>() };
    object.refs.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
}

unsafe extern "system" fn object_release<T: 'static>(this: *mut c_void) -> u32 {
    // SAFETY: `this` is a live ComObject<T> (the caller gives up a reference it holds).
    let object = unsafe { &*this.cast::<ComObject<T>>() };
    let previous = object.refs.fetch_sub(1, Ordering::Release);
    if previous != 1 {
        return previous.wrapping_sub(1);
    }
    // Synchronise with every earlier Release before destroying (as Arc does).
    core::sync::atomic::fence(Ordering::Acquire);
    // SAFETY: the count reached zero, so this was the last reference: the Box made by
    // `create` is reclaimed exactly once.
    let object = unsafe { Box::from_raw(this.cast::<ComObject<T>>()) };
    // A panicking Drop must not unwind across the FFI boundary; the memory is freed either way.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(object)));
    LIVE_OBJECTS.fetch_sub(1, Ordering::Release);
    0
}

/// The `IUnknown` slots of an object made by [`ComObject::create`] for `T`: `QueryInterface`
/// answers the object's IIDs (AddRef and `S_OK`), else `E_NOINTERFACE` with `*ppv = null`, and
/// `E_POINTER` for a null `ppv`; `AddRef`/`Release` return the new count and `Release` destroys
/// the object (dropping `T`) at zero.
pub const fn object_unknown_vtbl<T: 'static>() -> IUnknown_Vtbl {
    IUnknown_Vtbl {
        QueryInterface: object_query_interface::<T>,
        AddRef: object_add_ref::<T>,
        Release: object_release::<T>,
    }
}

/// The implementation behind the interface pointer `this` of a vtable built for
/// `<Identity, OFFSET>`: `Identity` starts `OFFSET` pointers from `this`. windows-rs's
/// `#[implement]` objects put it before their interface pointers (negative offsets);
/// [`ComObject`] after ([`COM_OBJECT_VALUE_OFFSET`]).
///
/// # Safety
/// `this` is an interface pointer of a live object whose vtable was built for this `Identity`
/// and `OFFSET`, and the object stays alive for `'a`.
#[inline(always)]
pub unsafe fn identity_of<'a, Identity, const OFFSET: isize>(this: *mut c_void) -> &'a Identity {
    // SAFETY: by the caller's contract, `Identity` lives `OFFSET` pointers from `this`.
    unsafe {
        &*(this as *const *const c_void)
            .offset(OFFSET)
            .cast::<Identity>()
    }
}

/// Runs one vtable thunk body, catching panics so that none crosses the FFI boundary: a panic
/// gives `E_UNEXPECTED` (the panic hook still reports it).
pub fn guard(f: impl FnOnce() -> HRESULT) -> HRESULT {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(E_UNEXPECTED)
}

/// The `HRESULT` for an implementation's result: `S_OK` for `Ok`, the error's code for `Err`,
/// dropping the message. Generated thunks also set the thread's error info from the message
/// (so that [`check`](crate::check) gives it back to the caller).
pub fn hresult_of(r: Result<()>) -> HRESULT {
    match r {
        Ok(()) => S_OK,
        Err(e) => e.code(),
    }
}

/// Builds an interface from a Rust implementation. Generated code implements it for each
/// interface type: `impl<T: IFoo_Impl + 'static> FromImpl<T> for IFoo`.
pub trait FromImpl<T>: Interface {
    /// Moves `value` into a new COM object and returns its interface pointer.
    fn from_impl(value: T) -> Self;
}

/// `value.into_com()`: the interface `I` implemented by `value`.
pub trait IntoCom: Sized {
    /// Moves `self` into a new COM object exposing `I`.
    fn into_com<I: FromImpl<Self>>(self) -> I {
        I::from_impl(self)
    }
}

impl<T> IntoCom for T {}
