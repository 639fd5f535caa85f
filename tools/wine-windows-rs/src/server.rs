//! winrs_exit.dll as an in-process COM server, with the `windows` crate only: a class factory
//! for [`WinrsExit`](crate::winrs::WinrsExit), `DllGetClassObject`, `DllCanUnloadNow`, and
//! `DllRegisterServer`/`DllUnregisterServer` for `regsvr32` (HKCR keys, `ThreadingModel=Both`,
//! ProgID [`PROGID`]).

use std::ffi::c_void;
use std::sync::atomic::Ordering;

use windows::Win32::Foundation::{
    CLASS_E_CLASSNOTAVAILABLE, CLASS_E_NOAGGREGATION, E_FAIL, E_POINTER, ERROR_FILE_NOT_FOUND,
    HMODULE, S_FALSE, S_OK,
};
use windows::Win32::System::Com::{IClassFactory, IClassFactory_Impl};
use windows::Win32::System::LibraryLoader::{
    GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
    GetModuleFileNameW, GetModuleHandleExW,
};
use windows::Win32::System::Registry::{
    HKEY_CLASSES_ROOT, REG_SZ, RegDeleteTreeW, RegSetKeyValueW,
};
use windows_core::{BOOL, GUID, HRESULT, HSTRING, IUnknown, Interface, PCWSTR, Ref, implement};

use crate::winrs::{LIVE, WinrsExit};

/// CLSID of the sample exit module (made up for these tests).
pub const CLSID_WINRS_EXIT: GUID = GUID::from_u128(0x3089a64c_2482_4185_8ad8_9a63a1fbbb7b);

/// Its ProgID, for `CreateObject`.
pub const PROGID: &str = "IdlgenSample.WinrsExit";

const DESCRIPTION: &str = "idlgen winrs sample exit module";

#[implement(IClassFactory)]
struct Factory;

impl IClassFactory_Impl for Factory_Impl {
    fn CreateInstance(
        &self,
        punkouter: Ref<IUnknown>,
        riid: *const GUID,
        ppvobject: *mut *mut c_void,
    ) -> windows_core::Result<()> {
        if ppvobject.is_null() || riid.is_null() {
            return Err(E_POINTER.into());
        }
        // SAFETY: non-null, and writable by CreateInstance's contract.
        unsafe { *ppvobject = std::ptr::null_mut() };
        if !punkouter.is_null() {
            return Err(CLASS_E_NOAGGREGATION.into());
        }
        let unknown: IUnknown = WinrsExit::new().into();
        // SAFETY: riid and ppvobject are valid (checked above, caller contract).
        unsafe { unknown.query(riid, ppvobject) }.ok()
    }

    fn LockServer(&self, flock: BOOL) -> windows_core::Result<()> {
        LIVE.fetch_add(if flock.as_bool() { 1 } else { -1 }, Ordering::SeqCst);
        Ok(())
    }
}

/// The class object of [`CLSID_WINRS_EXIT`].
///
/// # Safety
/// The pointers follow `DllGetClassObject`'s contract (valid or null).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn DllGetClassObject(
    rclsid: *const GUID,
    riid: *const GUID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    if ppv.is_null() || rclsid.is_null() || riid.is_null() {
        return E_POINTER;
    }
    // SAFETY: ppv is non-null and writable (caller contract).
    unsafe { *ppv = std::ptr::null_mut() };
    // SAFETY: rclsid is non-null and points to a GUID (caller contract).
    if unsafe { *rclsid } != CLSID_WINRS_EXIT {
        return CLASS_E_CLASSNOTAVAILABLE;
    }
    let factory: IClassFactory = Factory.into();
    // SAFETY: riid and ppv are valid (checked above, caller contract).
    unsafe { factory.query(riid, ppv) }
}

/// `S_OK` when no object is alive and no lock is held.
#[unsafe(no_mangle)]
pub extern "system" fn DllCanUnloadNow() -> HRESULT {
    if LIVE.load(Ordering::SeqCst) == 0 {
        S_OK
    } else {
        S_FALSE
    }
}

/// Sets a REG_SZ value under HKEY_CLASSES_ROOT (`name` `None`: the key's default value).
fn set(key: &str, name: Option<&str>, value: &str) -> windows_core::Result<()> {
    let data: Vec<u16> = value.encode_utf16().chain(Some(0)).collect();
    let bytes = u32::try_from(data.len() * 2).map_err(|_| windows_core::Error::from(E_FAIL))?;
    let name = name.map(HSTRING::from);
    let name = name.as_ref().map_or(PCWSTR::null(), |n| PCWSTR(n.as_ptr()));
    // SAFETY: every string is NUL-terminated and outlives the call; `bytes` is data's size.
    unsafe {
        RegSetKeyValueW(
            HKEY_CLASSES_ROOT,
            &HSTRING::from(key),
            name,
            REG_SZ.0,
            Some(data.as_ptr().cast()),
            bytes,
        )
    }
    .ok()
}

/// This DLL's path (the module holding this function).
fn module_path() -> windows_core::Result<String> {
    let mut module = HMODULE::default();
    // SAFETY: with FROM_ADDRESS the "name" is an address inside the module (this function's
    // code); UNCHANGED_REFCOUNT takes no reference to release; `module` is writable.
    unsafe {
        GetModuleHandleExW(
            GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
            PCWSTR(module_path as *const u16),
            &mut module,
        )?
    };
    let mut buf = [0u16; 1024];
    // SAFETY: a module handle of this process and a writable buffer.
    let n = unsafe { GetModuleFileNameW(Some(module), &mut buf) } as usize;
    if n == 0 || n >= buf.len() {
        return Err(E_FAIL.into());
    }
    Ok(String::from_utf16_lossy(&buf[..n]))
}

fn clsid_key() -> String {
    format!("CLSID\\{{{CLSID_WINRS_EXIT:?}}}")
}

/// `regsvr32 winrs_exit.dll`: the CLSID (InprocServer32 with `ThreadingModel=Both`, ProgID) and
/// the ProgID's keys.
#[unsafe(no_mangle)]
pub extern "system" fn DllRegisterServer() -> HRESULT {
    let register = || -> windows_core::Result<()> {
        let clsid = clsid_key();
        let server = format!("{clsid}\\InprocServer32");
        set(&clsid, None, DESCRIPTION)?;
        set(&server, None, &module_path()?)?;
        set(&server, Some("ThreadingModel"), "Both")?;
        set(&format!("{clsid}\\ProgID"), None, PROGID)?;
        set(PROGID, None, DESCRIPTION)?;
        set(
            &format!("{PROGID}\\CLSID"),
            None,
            &format!("{{{CLSID_WINRS_EXIT:?}}}"),
        )?;
        Ok(())
    };
    match register() {
        Ok(()) => S_OK,
        Err(e) => {
            // Leave nothing half-written; the first error is what regsvr32 reports.
            let _ = DllUnregisterServer();
            e.code()
        }
    }
}

/// `regsvr32 /u winrs_exit.dll`: removes what [`DllRegisterServer`] wrote; keys already gone are
/// no error.
#[unsafe(no_mangle)]
pub extern "system" fn DllUnregisterServer() -> HRESULT {
    let mut hr = S_OK;
    for key in [clsid_key(), PROGID.to_owned()] {
        // SAFETY: a predefined key and a NUL-terminated subkey name that outlives the call.
        let e = unsafe { RegDeleteTreeW(HKEY_CLASSES_ROOT, &HSTRING::from(key)) };
        if e.0 != 0 && e != ERROR_FILE_NOT_FOUND {
            hr = e.to_hresult();
        }
    }
    hr
}
