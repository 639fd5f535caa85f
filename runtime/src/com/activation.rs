//! Client activation: COM's per-thread initialisation as a guard, and object creation by CLSID or
//! ProgID returning a typed interface.
//!
//! On Windows these are ole32's `CoInitializeEx`, `CoCreateInstance` and `CLSIDFromProgID`.
//! Classes registered in the process with [`register_class`] are found first on every target
//! (what `CoRegisterClassObject` does for a process); elsewhere they are the only classes, so a
//! Rust client and a Rust server meet in one test process anywhere.

use std::sync::Mutex;

use crate::{Error, GUID, HRESULT, IUnknown, Interface, Result};

/// How a thread joins COM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apartment {
    /// A single-threaded apartment (`COINIT_APARTMENTTHREADED`): what script hosts and UI
    /// threads use.
    SingleThreaded,
    /// The multi-threaded apartment (`COINIT_MULTITHREADED`).
    MultiThreaded,
}

/// COM initialised on this thread until dropped (`CoInitializeEx` ... `CoUninitialize`). Not
/// `Send`: it must be dropped on the thread that made it.
#[derive(Debug)]
pub struct ComInit {
    _thread_bound: core::marker::PhantomData<*const ()>,
}

#[cfg(windows)]
mod ole32 {
    use core::ffi::c_void;

    use crate::{GUID, HRESULT};

    #[link(name = "ole32")]
    unsafe extern "system" {
        pub fn CoInitializeEx(reserved: *const c_void, coinit: u32) -> HRESULT;
        pub fn CoUninitialize();
        pub fn CoCreateInstance(
            clsid: *const GUID,
            outer: *mut c_void,
            context: u32,
            iid: *const GUID,
            out: *mut *mut c_void,
        ) -> HRESULT;
        pub fn CLSIDFromProgID(prog_id: *const u16, clsid: *mut GUID) -> HRESULT;
    }
}

/// Initialises COM on this thread (`CoInitializeEx`); the guard uninitialises it. A thread
/// already initialised in the same apartment kind succeeds (`S_FALSE`), and needs the guard as
/// well; another kind fails with `RPC_E_CHANGED_MODE`. A no-op elsewhere than Windows.
pub fn com_init(apartment: Apartment) -> Result<ComInit> {
    #[cfg(windows)]
    {
        let coinit = match apartment {
            Apartment::SingleThreaded => 0x2,
            Apartment::MultiThreaded => 0x0,
        };
        // SAFETY: a plain call; the reserved pointer must be null.
        crate::check(unsafe { ole32::CoInitializeEx(core::ptr::null(), coinit) })?;
    }
    #[cfg(not(windows))]
    let _ = apartment;
    Ok(ComInit {
        _thread_bound: core::marker::PhantomData,
    })
}

impl Drop for ComInit {
    fn drop(&mut self) {
        // SAFETY: pairs the successful CoInitializeEx of `com_init`, on the same thread (the
        // guard is not Send).
        #[cfg(windows)]
        unsafe {
            ole32::CoUninitialize()
        };
    }
}

/// A class registered in the process.
#[derive(Clone, Copy)]
struct LocalClass {
    clsid: GUID,
    prog_id: &'static str,
    create: fn() -> Result<IUnknown>,
}

static LOCAL_CLASSES: Mutex<Vec<LocalClass>> = Mutex::new(Vec::new());

/// Registers a class in this process: [`create_instance`] and [`clsid_from_prog_id`] find it
/// before asking COM. A second registration of a CLSID replaces the first.
pub fn register_class(clsid: GUID, prog_id: &'static str, create: fn() -> Result<IUnknown>) {
    let mut classes = LOCAL_CLASSES.lock().unwrap_or_else(|p| p.into_inner());
    classes.retain(|c| c.clsid != clsid);
    classes.push(LocalClass {
        clsid,
        prog_id,
        create,
    });
}

/// Removes a class [`register_class`] registered.
pub fn unregister_class(clsid: &GUID) {
    let mut classes = LOCAL_CLASSES.lock().unwrap_or_else(|p| p.into_inner());
    classes.retain(|c| c.clsid != *clsid);
}

fn local_class(find: impl Fn(&LocalClass) -> bool) -> Option<LocalClass> {
    let classes = LOCAL_CLASSES.lock().unwrap_or_else(|p| p.into_inner());
    classes.iter().copied().find(|c| find(c))
}

/// A new object of class `clsid`, as interface `I` (`CoCreateInstance` with
/// `CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER`, after the process's own classes). A class
/// nobody registered is `REGDB_E_CLASSNOTREG`, on every target.
pub fn create_instance<I: Interface>(clsid: &GUID) -> Result<I> {
    if let Some(class) = local_class(|c| c.clsid == *clsid) {
        return (class.create)()?.cast::<I>().map_err(Error::from);
    }
    #[cfg(windows)]
    {
        let mut out: *mut core::ffi::c_void = core::ptr::null_mut();
        // SAFETY: valid GUIDs and a writable out pointer; no aggregation. A successful
        // CoCreateInstance gives one reference to I.
        unsafe {
            let hr =
                ole32::CoCreateInstance(clsid, core::ptr::null_mut(), 0x1 | 0x4, &I::IID, &mut out);
            crate::com::interface_out(hr, out, "CoCreateInstance")
        }
    }
    #[cfg(not(windows))]
    Err(Error::new(
        REGDB_E_CLASSNOTREG,
        format!(
            "no class {{{}}} is registered in this process",
            crate::guid_string(clsid)
        ),
    ))
}

/// The CLSID a ProgID names (`CLSIDFromProgID`, after the process's own classes).
pub fn clsid_from_prog_id(prog_id: &str) -> Result<GUID> {
    if let Some(class) = local_class(|c| c.prog_id.eq_ignore_ascii_case(prog_id)) {
        return Ok(class.clsid);
    }
    #[cfg(windows)]
    {
        let wide: Vec<u16> = prog_id.encode_utf16().chain(Some(0)).collect();
        let mut clsid = GUID::zeroed();
        // SAFETY: a NUL-terminated string and a writable GUID.
        crate::check(unsafe { ole32::CLSIDFromProgID(wide.as_ptr(), &mut clsid) })?;
        Ok(clsid)
    }
    #[cfg(not(windows))]
    Err(Error::new(
        REGDB_E_CLASSNOTREG,
        format!("no class with ProgID {prog_id} is registered in this process"),
    ))
}

/// A new object of the class a ProgID names, as interface `I`.
pub fn create_instance_by_prog_id<I: Interface>(prog_id: &str) -> Result<I> {
    create_instance(&clsid_from_prog_id(prog_id)?)
}

/// `REGDB_E_CLASSNOTREG`: the class is not registered.
pub const REGDB_E_CLASSNOTREG: HRESULT = HRESULT(0x8004_0154_u32 as i32);
