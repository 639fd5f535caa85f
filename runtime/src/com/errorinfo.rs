//! Rich errors: `IErrorInfo`, `ISupportErrorInfo` and the thread's error info.
//!
//! A COM method reports more than an `HRESULT` by setting the thread's error info
//! (`SetErrorInfo`) before it returns; a caller that sees the failure, and learns from
//! `ISupportErrorInfo` that the interface reports errors so, reads it (`GetErrorInfo`).
//! VBScript's `Err.Description` and C++'s `_com_error` are this.
//!
//! Generated thunks do it for every `Err` an implementation returns ([`fail`]), and wrappers read
//! it back into the [`Error`]'s message ([`check`](crate::check)). On Windows the slot is
//! oleaut32's (`SetErrorInfo`/`GetErrorInfo`, shared with every other COM component of the
//! thread); elsewhere it is a thread-local with the same rules, so the same code and tests run
//! everywhere.

use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::com::{guard, identity_of};
use crate::{
    BSTR, BStr, E_POINTER, Error, GUID, HRESULT, IUnknown, IUnknown_Vtbl, Interface, S_FALSE, S_OK,
};

/// `IErrorInfo` (oaidl.idl): the description of an error.
#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IErrorInfo(IUnknown);

// SAFETY: a transparent IUnknown whose vtable starts with IErrorInfo_Vtbl.
unsafe impl Interface for IErrorInfo {
    type Vtable = IErrorInfo_Vtbl;
    const IID: GUID = GUID::from_u128(0x1cf2b120_547d_101b_8e65_08002b2bd119);
}

/// The `IErrorInfo` vtable.
#[repr(C)]
#[allow(non_snake_case, non_camel_case_types)]
pub struct IErrorInfo_Vtbl {
    /// Slots 0-2.
    pub base__: IUnknown_Vtbl,
    /// Slot 3: `HRESULT GetGUID(GUID*)`: the interface that defined the error.
    pub GetGUID: unsafe extern "system" fn(*mut c_void, *mut GUID) -> HRESULT,
    /// Slot 4: `HRESULT GetSource(BSTR*)`: the ProgID or name of the source.
    pub GetSource: unsafe extern "system" fn(*mut c_void, *mut BSTR) -> HRESULT,
    /// Slot 5: `HRESULT GetDescription(BSTR*)`.
    pub GetDescription: unsafe extern "system" fn(*mut c_void, *mut BSTR) -> HRESULT,
    /// Slot 6: `HRESULT GetHelpFile(BSTR*)`.
    pub GetHelpFile: unsafe extern "system" fn(*mut c_void, *mut BSTR) -> HRESULT,
    /// Slot 7: `HRESULT GetHelpContext(DWORD*)`.
    pub GetHelpContext: unsafe extern "system" fn(*mut c_void, *mut u32) -> HRESULT,
}

impl IErrorInfo {
    fn string(
        &self,
        slot: unsafe extern "system" fn(*mut c_void, *mut BSTR) -> HRESULT,
    ) -> crate::Result<BStr> {
        let mut out = BStr::new().into_raw();
        // SAFETY: a live IErrorInfo; `out` is a writable BSTR slot the callee fills.
        let hr = unsafe { slot(self.as_raw(), &mut out) };
        // SAFETY: whatever the callee wrote (or the null it started as) is ours to free.
        let value = unsafe { BStr::from_raw(out) };
        crate::check(hr).map(|()| value)
    }

    /// `GetDescription`.
    pub fn description(&self) -> crate::Result<BStr> {
        self.string(self.vtable().GetDescription)
    }

    /// `GetSource`.
    pub fn source(&self) -> crate::Result<BStr> {
        self.string(self.vtable().GetSource)
    }

    /// `GetGUID`.
    pub fn guid(&self) -> crate::Result<GUID> {
        let mut guid = GUID::zeroed();
        // SAFETY: a live IErrorInfo; `guid` is writable.
        crate::check(unsafe { (self.vtable().GetGUID)(self.as_raw(), &mut guid) })?;
        Ok(guid)
    }
}

/// `ISupportErrorInfo` (oaidl.idl): which of an object's interfaces set error info.
#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ISupportErrorInfo(IUnknown);

// SAFETY: a transparent IUnknown whose vtable starts with ISupportErrorInfo_Vtbl.
unsafe impl Interface for ISupportErrorInfo {
    type Vtable = ISupportErrorInfo_Vtbl;
    const IID: GUID = GUID::from_u128(0xdf0b3d60_548f_101b_8e65_08002b2bd119);
}

impl windows_core::RuntimeName for ISupportErrorInfo {}

crate::__interface_hierarchy!(ISupportErrorInfo, IUnknown);

/// The `ISupportErrorInfo` vtable.
#[repr(C)]
#[allow(non_snake_case, non_camel_case_types)]
pub struct ISupportErrorInfo_Vtbl {
    /// Slots 0-2.
    pub base__: IUnknown_Vtbl,
    /// Slot 3: `HRESULT InterfaceSupportsErrorInfo(REFIID)`: `S_OK` or `S_FALSE`.
    pub InterfaceSupportsErrorInfo: unsafe extern "system" fn(*mut c_void, *const GUID) -> HRESULT,
}

impl ISupportErrorInfo {
    /// `InterfaceSupportsErrorInfo`: whether calls on `iid` set the thread's error info.
    pub fn interface_supports_error_info(&self, iid: &GUID) -> bool {
        // SAFETY: a live ISupportErrorInfo; `iid` is readable.
        let hr = unsafe { (self.vtable().InterfaceSupportsErrorInfo)(self.as_raw(), iid) };
        hr == S_OK
    }
}

/// Implement this (on the `#[implement]` type's `_Impl`) to serve `ISupportErrorInfo`: list the
/// IIDs of the interfaces whose methods report errors through the thread's error info (every
/// idlgen-generated interface does).
#[allow(non_camel_case_types)]
pub trait ISupportErrorInfo_Impl {
    /// The interfaces that set error info.
    fn interfaces_with_error_info(&self) -> &[GUID];
}

impl ISupportErrorInfo_Vtbl {
    /// The vtable windows-rs's `#[implement(..., ISupportErrorInfo)]` builds.
    pub const fn new<
        Identity: ISupportErrorInfo_Impl + windows_core::IUnknownImpl,
        const OFFSET: isize,
    >() -> ISupportErrorInfo_Vtbl {
        unsafe extern "system" fn supports<
            Identity: ISupportErrorInfo_Impl,
            const OFFSET: isize,
        >(
            this: *mut c_void,
            iid: *const GUID,
        ) -> HRESULT {
            guard(|| {
                if iid.is_null() {
                    return E_POINTER;
                }
                // SAFETY: the vtable was built for this Identity and OFFSET; the caller holds a
                // reference; `iid` is non-null and readable (COM contract).
                let (imp, iid) = unsafe { (identity_of::<Identity, OFFSET>(this), &*iid) };
                if imp.interfaces_with_error_info().contains(iid) {
                    S_OK
                } else {
                    S_FALSE
                }
            })
        }
        ISupportErrorInfo_Vtbl {
            base__: IUnknown_Vtbl::new::<Identity, OFFSET>(),
            InterfaceSupportsErrorInfo: supports::<Identity, OFFSET>,
        }
    }

    /// windows-rs's `#[implement]` asks this which IIDs the vtable answers.
    pub fn matches(iid: &GUID) -> bool {
        *iid == <ISupportErrorInfo as Interface>::IID
    }
}

/// An error description: what [`fail`] puts in the thread's error info, where oleaut32's
/// `CreateErrorInfo` is not there to make one (every target but Windows).
///
/// Not a [`ComObject`](crate::ComObject): it does not count in `DllCanUnloadNow`, since the
/// thread's error slot may hold it long after every object a client asked for is gone. (On
/// Windows the description is oleaut32's object, so an unloaded DLL leaves no vtable behind.)
#[repr(C)]
struct ErrorDescription {
    vtable: &'static IErrorInfo_Vtbl,
    refs: AtomicU32,
    guid: GUID,
    source: BStr,
    description: BStr,
}

impl ErrorDescription {
    /// # Safety
    /// `this` is a live ErrorDescription (the only object with its vtable).
    unsafe fn of<'a>(this: *mut c_void) -> &'a ErrorDescription {
        // SAFETY: caller contract; the vtable pointer is the first field.
        unsafe { &*this.cast::<ErrorDescription>() }
    }
}

unsafe extern "system" fn info_query_interface(
    this: *mut c_void,
    iid: *const GUID,
    out: *mut *mut c_void,
) -> HRESULT {
    if out.is_null() || iid.is_null() {
        return E_POINTER;
    }
    // SAFETY: iid is readable, out writable (COM contract, checked non-null).
    let iid = unsafe { *iid };
    if iid == <IErrorInfo as Interface>::IID || iid == <IUnknown as Interface>::IID {
        // SAFETY: `this` is live (the caller holds a reference); out is writable.
        unsafe {
            ErrorDescription::of(this)
                .refs
                .fetch_add(1, Ordering::Relaxed);
            out.write(this);
        }
        S_OK
    } else {
        // SAFETY: out is writable.
        unsafe { out.write(core::ptr::null_mut()) };
        crate::E_NOINTERFACE
    }
}

unsafe extern "system" fn info_add_ref(this: *mut c_void) -> u32 {
    // SAFETY: the caller holds a reference.
    unsafe { ErrorDescription::of(this) }
        .refs
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_add(1)
}

unsafe extern "system" fn info_release(this: *mut c_void) -> u32 {
    // SAFETY: the caller gives up a reference it holds.
    let previous = unsafe { ErrorDescription::of(this) }
        .refs
        .fetch_sub(1, Ordering::Release);
    if previous != 1 {
        return previous.wrapping_sub(1);
    }
    core::sync::atomic::fence(Ordering::Acquire);
    // SAFETY: the last reference: the Box made by `error_info` is reclaimed once.
    drop(unsafe { Box::from_raw(this.cast::<ErrorDescription>()) });
    0
}

unsafe extern "system" fn info_guid(this: *mut c_void, out: *mut GUID) -> HRESULT {
    guard(|| {
        if out.is_null() {
            return E_POINTER;
        }
        // SAFETY: `this` is live for the call; `out` is non-null and writable.
        unsafe { out.write(ErrorDescription::of(this).guid) };
        S_OK
    })
}

/// Writes a copy of a string field to `out`.
fn info_string(
    this: *mut c_void,
    out: *mut BSTR,
    field: fn(&ErrorDescription) -> &BStr,
) -> HRESULT {
    guard(|| {
        if out.is_null() {
            return E_POINTER;
        }
        // SAFETY: `this` is live for the call.
        let value = field(unsafe { ErrorDescription::of(this) }).clone();
        // SAFETY: non-null and writable; the caller owns (and frees) the copy.
        unsafe { out.write(value.into_raw()) };
        S_OK
    })
}

unsafe extern "system" fn info_source(this: *mut c_void, out: *mut BSTR) -> HRESULT {
    info_string(this, out, |d| &d.source)
}

unsafe extern "system" fn info_description(this: *mut c_void, out: *mut BSTR) -> HRESULT {
    info_string(this, out, |d| &d.description)
}

unsafe extern "system" fn info_help_file(_this: *mut c_void, out: *mut BSTR) -> HRESULT {
    if out.is_null() {
        return E_POINTER;
    }
    // SAFETY: non-null and writable: no help file.
    unsafe { out.write(core::ptr::null_mut()) };
    S_OK
}

unsafe extern "system" fn info_help_context(_this: *mut c_void, out: *mut u32) -> HRESULT {
    if out.is_null() {
        return E_POINTER;
    }
    // SAFETY: non-null and writable.
    unsafe { out.write(0) };
    S_OK
}

static ERROR_DESCRIPTION_VTBL: IErrorInfo_Vtbl = IErrorInfo_Vtbl {
    base__: IUnknown_Vtbl {
        QueryInterface: info_query_interface,
        AddRef: info_add_ref,
        Release: info_release,
    },
    GetGUID: info_guid,
    GetSource: info_source,
    GetDescription: info_description,
    GetHelpFile: info_help_file,
    GetHelpContext: info_help_context,
};

/// The portable error description object.
fn own_error_info(iid: &GUID, source: &str, description: &str) -> IErrorInfo {
    let object = Box::new(ErrorDescription {
        vtable: &ERROR_DESCRIPTION_VTBL,
        refs: AtomicU32::new(1),
        guid: *iid,
        source: BStr::from(source),
        description: BStr::from(description),
    });
    // SAFETY: a new object whose first field is an IErrorInfo vtable, with one reference.
    unsafe { IErrorInfo::from_raw(Box::into_raw(object).cast::<c_void>()) }
}

/// A new error info object (oleaut32's `CreateErrorInfo`, filled in): `iid` is the interface
/// whose method failed, `source` names the component (a ProgID or the interface's name).
pub fn error_info(iid: &GUID, source: &str, description: &str) -> IErrorInfo {
    #[cfg(windows)]
    if let Some(info) = slot::create(iid, source, description) {
        return info;
    }
    own_error_info(iid, source, description)
}

#[cfg(windows)]
mod slot {
    use core::ffi::c_void;

    use super::IErrorInfo;
    use crate::{GUID, HRESULT, IUnknown_Vtbl, Interface, S_OK};

    #[link(name = "oleaut32")]
    unsafe extern "system" {
        pub fn SetErrorInfo(reserved: u32, perrinfo: *mut c_void) -> HRESULT;
        pub fn GetErrorInfo(reserved: u32, pperrinfo: *mut *mut c_void) -> HRESULT;
        fn CreateErrorInfo(pperrinfo: *mut *mut c_void) -> HRESULT;
    }

    /// `ICreateErrorInfo`'s vtable (oaidl.idl).
    #[repr(C)]
    #[allow(non_snake_case)]
    struct ICreateErrorInfoVtbl {
        base__: IUnknown_Vtbl,
        SetGUID: unsafe extern "system" fn(*mut c_void, *const GUID) -> HRESULT,
        SetSource: unsafe extern "system" fn(*mut c_void, *const u16) -> HRESULT,
        SetDescription: unsafe extern "system" fn(*mut c_void, *const u16) -> HRESULT,
    }

    /// oleaut32's error object, filled in; `None` if oleaut32 cannot make one.
    pub fn create(iid: &GUID, source: &str, description: &str) -> Option<IErrorInfo> {
        let wide = |s: &str| -> Vec<u16> { s.encode_utf16().chain(Some(0)).collect() };
        let (source, description) = (wide(source), wide(description));
        let mut raw: *mut c_void = core::ptr::null_mut();
        // SAFETY: a writable out pointer; on S_OK it holds an ICreateErrorInfo reference.
        if unsafe { CreateErrorInfo(&mut raw) } != S_OK || raw.is_null() {
            return None;
        }
        // SAFETY: `raw` is a live ICreateErrorInfo: its vtable starts as declared above; the
        // strings are NUL-terminated and outlive the calls, which copy them.
        unsafe {
            let vtbl = &**raw.cast::<*const ICreateErrorInfoVtbl>();
            let _ = (vtbl.SetGUID)(raw, iid);
            let _ = (vtbl.SetSource)(raw, source.as_ptr());
            let _ = (vtbl.SetDescription)(raw, description.as_ptr());
            let mut info: *mut c_void = core::ptr::null_mut();
            let hr = (vtbl.base__.QueryInterface)(raw, &IErrorInfo::IID, &mut info);
            (vtbl.base__.Release)(raw);
            (hr == S_OK && !info.is_null()).then(|| IErrorInfo::from_raw(info))
        }
    }
}

#[cfg(not(windows))]
thread_local! {
    /// The portable thread error info slot.
    static ERROR_INFO: core::cell::RefCell<Option<IErrorInfo>> = const { core::cell::RefCell::new(None) };
}

/// `SetErrorInfo`: makes `info` (or nothing) the thread's error info.
pub fn set_error_info(info: Option<&IErrorInfo>) {
    #[cfg(windows)]
    {
        let raw = info.map_or(core::ptr::null_mut(), Interface::as_raw);
        // SAFETY: `raw` is null or a live IErrorInfo, which SetErrorInfo AddRefs.
        let _ = unsafe { slot::SetErrorInfo(0, raw) };
    }
    #[cfg(not(windows))]
    ERROR_INFO.with(|slot| *slot.borrow_mut() = info.cloned());
}

/// `GetErrorInfo`: takes the thread's error info, leaving none.
pub fn take_error_info() -> Option<IErrorInfo> {
    #[cfg(windows)]
    {
        let mut raw: *mut c_void = core::ptr::null_mut();
        // SAFETY: `raw` is writable; on S_OK it holds a reference that becomes ours.
        let hr = unsafe { slot::GetErrorInfo(0, &mut raw) };
        // SAFETY: a non-null result of GetErrorInfo is an IErrorInfo with one reference for us.
        (hr == S_OK && !raw.is_null()).then(|| unsafe { IErrorInfo::from_raw(raw) })
    }
    #[cfg(not(windows))]
    ERROR_INFO.with(|slot| slot.borrow_mut().take())
}

/// What a generated thunk returns for an implementation's `Err`: sets the thread's error info
/// from the error's message (`iid` is the interface whose method failed, `source` its name),
/// then gives the code. Without a message the error info is cleared, so a caller does not read
/// an older error's text.
pub fn fail(error: Error, iid: &GUID, source: &str) -> HRESULT {
    if error.message().is_empty() {
        set_error_info(None);
    } else {
        set_error_info(Some(&error_info(iid, source, error.message())));
    }
    error.code()
}

/// What a generated thunk returns for an implementation's result: `S_OK`, or [`fail`]'s code
/// after it set the thread's error info.
pub fn report(outcome: crate::Result<()>, iid: &GUID, source: &str) -> HRESULT {
    match outcome {
        Ok(()) => S_OK,
        Err(e) => fail(e, iid, source),
    }
}
