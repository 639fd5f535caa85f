//! In-process COM servers: a DLL that serves classes implemented in Rust to any COM client
//! (`CoCreateInstance`, script hosts' `CreateObject`).
//!
//! - [`ComClass`]: one served class (CLSID, ProgID, threading model, constructor).
//! - [`dll_get_class_object`], [`dll_can_unload_now`], [`dll_register_server`] and
//!   [`dll_unregister_server`]: the bodies of the four `Dll*` exports over a table of classes;
//!   [`com_server!`](crate::com_server) writes the table and the exports in a few lines.
//! - [`IClassFactory`]: the class factory interface, as served (by `DllGetClassObject`) and as
//!   called (for tests and clients).
//!
//! Registration (`HKCR\CLSID\{clsid}\InprocServer32` and the ProgID keys) needs the Windows
//! registry; elsewhere [`dll_register_server`] answers `E_NOTIMPL`, and [`registry_entries`]
//! shows what would be written.

use core::ffi::c_void;
use core::ops::Deref;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::com::{fail, guard, interface_out, object_unknown_vtbl};
use crate::{
    CLASS_E_CLASSNOTAVAILABLE, CLASS_E_NOAGGREGATION, ComObject, E_POINTER, E_UNEXPECTED, GUID,
    HRESULT, IUnknown, IUnknown_Vtbl, Interface, Result, S_FALSE, S_OK, live_objects,
};

/// `IID_IClassFactory`.
pub const IID_ICLASSFACTORY: GUID = GUID::from_u128(0x00000001_0000_0000_c000_000000000046);

/// How many `LockServer(TRUE)` calls are not yet matched by `LockServer(FALSE)`.
static SERVER_LOCKS: AtomicUsize = AtomicUsize::new(0);

/// The `ThreadingModel` a class registers under `InprocServer32`: which threads COM lets call
/// its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThreadingModel {
    /// Only the single-threaded apartment that made an object calls it (COM marshals other
    /// threads' calls there): the object need not be `Send` or `Sync`.
    Apartment,
    /// Created in the caller's apartment, single- or multi-threaded: calls may come from any
    /// thread of the multi-threaded apartment at once.
    Both,
    /// Only the multi-threaded apartment: calls come from any of its threads at once.
    Free,
    /// The neutral apartment: calls come from any thread.
    Neutral,
}

impl ThreadingModel {
    /// The registry value (`"Apartment"`, `"Both"`, `"Free"`, `"Neutral"`).
    pub const fn registry_value(self) -> &'static str {
        match self {
            ThreadingModel::Apartment => "Apartment",
            ThreadingModel::Both => "Both",
            ThreadingModel::Free => "Free",
            ThreadingModel::Neutral => "Neutral",
        }
    }
}

/// A threading model as a type, so that a class's model decides at compile time what its objects
/// must be: [`ApartmentThreaded`], [`BothThreaded`], [`FreeThreaded`], [`NeutralThreaded`].
pub trait Threading {
    /// The model.
    const MODEL: ThreadingModel;
}

/// [`ThreadingModel::Apartment`] as a type.
#[derive(Debug)]
pub struct ApartmentThreaded;
/// [`ThreadingModel::Both`] as a type.
#[derive(Debug)]
pub struct BothThreaded;
/// [`ThreadingModel::Free`] as a type.
#[derive(Debug)]
pub struct FreeThreaded;
/// [`ThreadingModel::Neutral`] as a type.
#[derive(Debug)]
pub struct NeutralThreaded;

impl Threading for ApartmentThreaded {
    const MODEL: ThreadingModel = ThreadingModel::Apartment;
}
impl Threading for BothThreaded {
    const MODEL: ThreadingModel = ThreadingModel::Both;
}
impl Threading for FreeThreaded {
    const MODEL: ThreadingModel = ThreadingModel::Free;
}
impl Threading for NeutralThreaded {
    const MODEL: ThreadingModel = ThreadingModel::Neutral;
}

/// Objects of this type may be called as threading model `M` calls them: any type in an
/// apartment, only `Send + Sync` types from several threads (Both, Free, Neutral).
///
/// A `!Sync` object (one holding `Rc` or `RefCell`) cannot be registered as Both:
///
/// ```compile_fail
/// use idlgen_runtime::{BothThreaded, ClassObject, CoClass, GUID, IUnknown, Result};
/// struct Cls;
/// impl CoClass for Cls {
///     const CLSID: GUID = GUID::zeroed();
///     const NAME: &'static str = "Cls";
/// }
/// struct NotSync(std::cell::RefCell<u32>);
/// impl ClassObject for NotSync {
///     type Class = Cls;
///     type Threading = BothThreaded;
///     const PROG_ID: &'static str = "Test.NotSync";
///     fn new() -> Result<Self> { Ok(NotSync(Default::default())) }
///     fn into_unknown(self) -> IUnknown { unimplemented!() }
/// }
/// static CLASSES: &[idlgen_runtime::ComClass] = &[idlgen_runtime::ComClass::of::<NotSync>()];
/// ```
///
/// The same object registered as Apartment compiles:
///
/// ```
/// use idlgen_runtime::{ApartmentThreaded, ClassObject, CoClass, GUID, IUnknown, Result};
/// struct Cls;
/// impl CoClass for Cls {
///     const CLSID: GUID = GUID::zeroed();
///     const NAME: &'static str = "Cls";
/// }
/// struct NotSync(std::cell::RefCell<u32>);
/// impl ClassObject for NotSync {
///     type Class = Cls;
///     type Threading = ApartmentThreaded;
///     const PROG_ID: &'static str = "Test.NotSync";
///     fn new() -> Result<Self> { Ok(NotSync(Default::default())) }
///     fn into_unknown(self) -> IUnknown { unimplemented!() }
/// }
/// static CLASSES: &[idlgen_runtime::ComClass] = &[idlgen_runtime::ComClass::of::<NotSync>()];
/// ```
pub trait ThreadSafeFor<M: Threading> {}
impl<T> ThreadSafeFor<ApartmentThreaded> for T {}
impl<T: Send + Sync> ThreadSafeFor<BothThreaded> for T {}
impl<T: Send + Sync> ThreadSafeFor<FreeThreaded> for T {}
impl<T: Send + Sync> ThreadSafeFor<NeutralThreaded> for T {}

/// A coclass: the class identity idlgen generates for each IDL `coclass` (its CLSID and name).
pub trait CoClass {
    /// The class identifier.
    const CLSID: GUID;
    /// The IDL name.
    const NAME: &'static str;
}

/// A Rust type whose values are the objects of a coclass an in-process server serves.
/// [`com_server!`](crate::com_server) lists these types; [`ComClass::of`] requires the type to
/// be `Send + Sync` when its threading model lets several threads call it.
pub trait ClassObject: Sized + 'static {
    /// The coclass served (a type idlgen generated from the IDL's `coclass`).
    type Class: CoClass;
    /// The threading model registered: [`ApartmentThreaded`] unless the type is `Send + Sync`.
    type Threading: Threading;
    /// The ProgID (`"IdlgenSample.Exit"`) clients name the class by.
    const PROG_ID: &'static str;
    /// A new object's state; `Err` fails `CreateInstance` with its code (and error info).
    fn new() -> Result<Self>;
    /// The value as a COM object (`value.into_com::<IFoo>()`, or `IFoo::from(value)` for an
    /// `#[implement]` type), as `IUnknown`.
    fn into_unknown(self) -> IUnknown;
}

/// One class an in-process server serves: built by [`ComClass::of`] from a [`ClassObject`].
#[derive(Clone, Copy, Debug)]
pub struct ComClass {
    clsid: GUID,
    prog_id: &'static str,
    threading_model: ThreadingModel,
    create: fn() -> Result<IUnknown>,
}

fn create_object<T: ClassObject>() -> Result<IUnknown> {
    T::new().map(T::into_unknown)
}

impl ComClass {
    /// The class `T` serves. `T` must be `Send + Sync` if its threading model is Both, Free or
    /// Neutral (a compile-time error otherwise; see [`ThreadSafeFor`]).
    pub const fn of<T: ClassObject + ThreadSafeFor<T::Threading>>() -> ComClass {
        ComClass {
            clsid: <T::Class as CoClass>::CLSID,
            prog_id: T::PROG_ID,
            threading_model: <T::Threading as Threading>::MODEL,
            create: create_object::<T>,
        }
    }

    /// The class identifier clients ask for.
    pub const fn clsid(&self) -> GUID {
        self.clsid
    }

    /// The ProgID that `CreateObject` and `CLSIDFromProgID` resolve through the registry.
    pub const fn prog_id(&self) -> &'static str {
        self.prog_id
    }

    /// The `ThreadingModel` registered.
    pub const fn threading_model(&self) -> ThreadingModel {
        self.threading_model
    }

    /// A new object of the class.
    pub fn create(&self) -> Result<IUnknown> {
        (self.create)()
    }

    /// Registers the class in this process ([`crate::register_class`]), so that
    /// [`crate::create_instance`] makes its objects without the registry (tests, and hosts that
    /// link a server in).
    pub fn register_in_process(&self) {
        crate::register_class(self.clsid, self.prog_id, self.create);
    }
}

/// Any interface pointer as `IUnknown` (the same pointer and reference: every COM interface
/// starts with `IUnknown`'s slots).
pub fn into_unknown<I: Interface>(interface: I) -> IUnknown {
    // SAFETY: an interface pointer is non-null and its vtable starts with IUnknown's slots
    // (Interface contract); the reference `interface` owned moves into the IUnknown.
    unsafe { IUnknown::from_raw(interface.into_raw()) }
}

/// The `IClassFactory` vtable.
#[repr(C)]
#[allow(non_snake_case, non_camel_case_types)]
pub struct IClassFactory_Vtbl {
    /// Slots 0-2.
    pub base__: IUnknown_Vtbl,
    /// Slot 3: `HRESULT CreateInstance(IUnknown *outer, REFIID riid, void **ppv)`.
    pub CreateInstance: unsafe extern "system" fn(
        this: *mut c_void,
        outer: *mut c_void,
        riid: *const GUID,
        ppv: *mut *mut c_void,
    ) -> HRESULT,
    /// Slot 4: `HRESULT LockServer(BOOL lock)`.
    pub LockServer: unsafe extern "system" fn(this: *mut c_void, lock: i32) -> HRESULT,
}

/// An owned `IClassFactory` pointer.
#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IClassFactory(IUnknown);

// SAFETY: IClassFactory is repr(transparent) over IUnknown; IClassFactory_Vtbl is its vtable.
unsafe impl Interface for IClassFactory {
    type Vtable = IClassFactory_Vtbl;
    const IID: GUID = IID_ICLASSFACTORY;
}

impl Deref for IClassFactory {
    type Target = IUnknown;
    fn deref(&self) -> &IUnknown {
        &self.0
    }
}

impl IClassFactory {
    /// The class factory `DllGetClassObject` hands out for `class`.
    pub fn new(class: &'static ComClass) -> IClassFactory {
        const VTBL: IClassFactory_Vtbl = IClassFactory_Vtbl {
            base__: object_unknown_vtbl::<ClassFactory>(),
            CreateInstance: factory_create_instance,
            LockServer: factory_lock_server,
        };
        const IIDS: &[GUID] = &[IID_ICLASSFACTORY, <IUnknown as Interface>::IID];
        let raw = ComObject::create(ClassFactory { class }, &VTBL, IIDS);
        // SAFETY: `create` returns a non-null pointer carrying one reference, whose vtable is
        // an IClassFactory_Vtbl.
        unsafe { IClassFactory::from_raw(raw) }
    }

    /// `CreateInstance(NULL, I::IID)`: a new object of the class, as `I`.
    pub fn create_instance<I: Interface>(&self) -> Result<I> {
        let mut out: *mut c_void = core::ptr::null_mut();
        // SAFETY: self is a live IClassFactory; the IID and out pointer are valid.
        // SAFETY: self is a live IClassFactory; the IID and out pointer are valid; a successful
        // CreateInstance gives one reference to I.
        unsafe {
            let hr = (self.vtable().CreateInstance)(
                self.as_raw(),
                core::ptr::null_mut(),
                &I::IID,
                &mut out,
            );
            interface_out(hr, out, "CreateInstance")
        }
    }

    /// `LockServer(lock)`.
    pub fn lock_server(&self, lock: bool) -> Result<()> {
        // SAFETY: self is a live IClassFactory.
        crate::check(unsafe { (self.vtable().LockServer)(self.as_raw(), i32::from(lock)) })
    }
}

/// The object behind an [`IClassFactory`] made by [`IClassFactory::new`]. Like every
/// [`ComObject`], it counts in [`live_objects`] until its last `Release`.
struct ClassFactory {
    class: &'static ComClass,
}

unsafe extern "system" fn factory_create_instance(
    this: *mut c_void,
    outer: *mut c_void,
    riid: *const GUID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    guard(|| {
        if ppv.is_null() {
            return E_POINTER;
        }
        // SAFETY: ppv is non-null and, per the COM contract, writable.
        unsafe { ppv.write(core::ptr::null_mut()) };
        if !outer.is_null() {
            return CLASS_E_NOAGGREGATION;
        }
        if riid.is_null() {
            return E_POINTER;
        }
        // SAFETY: this vtable is only installed on ComObject<ClassFactory>, alive while the
        // caller holds its reference.
        let factory = unsafe { ComObject::<ClassFactory>::value(this) };
        let object = match factory.class.create() {
            Ok(object) => object,
            Err(e) => return fail(e, &IID_ICLASSFACTORY, factory.class.prog_id),
        };
        // SAFETY: object is a live IUnknown; riid is readable and ppv writable (COM contract).
        // The QueryInterface reference goes to the caller; `object`'s own is released on drop.
        unsafe { (object.vtable().QueryInterface)(object.as_raw(), riid, ppv) }
    })
}

unsafe extern "system" fn factory_lock_server(_this: *mut c_void, lock: i32) -> HRESULT {
    if lock != 0 {
        SERVER_LOCKS.fetch_add(1, Ordering::AcqRel);
        S_OK
    } else {
        match SERVER_LOCKS.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1)) {
            Ok(_) => S_OK,
            // An unlock without a lock: nothing to undo.
            Err(_) => E_UNEXPECTED,
        }
    }
}

/// How many `LockServer(TRUE)` calls are outstanding (for tests and diagnostics).
pub fn server_locks() -> usize {
    SERVER_LOCKS.load(Ordering::Acquire)
}

/// The body of `DllGetClassObject`: a class factory for the class `*clsid` of `classes`, as
/// `*iid` (normally `IID_IClassFactory`), in `*ppv`. `CLASS_E_CLASSNOTAVAILABLE` for a CLSID
/// not in the table; `*ppv` is null on every failure.
///
/// # Safety
/// `clsid` and `iid` are null or readable GUIDs; `ppv` is null or writable.
pub unsafe fn dll_get_class_object(
    classes: &'static [ComClass],
    clsid: *const GUID,
    iid: *const GUID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    guard(|| {
        if ppv.is_null() {
            return E_POINTER;
        }
        // SAFETY: ppv is non-null and writable (caller contract).
        unsafe { ppv.write(core::ptr::null_mut()) };
        if clsid.is_null() || iid.is_null() {
            return E_POINTER;
        }
        // SAFETY: clsid is non-null and readable (caller contract).
        let clsid = unsafe { *clsid };
        let Some(class) = classes.iter().find(|c| c.clsid == clsid) else {
            return CLASS_E_CLASSNOTAVAILABLE;
        };
        let factory = IClassFactory::new(class);
        // SAFETY: factory is live; iid is readable and ppv writable (caller contract).
        unsafe { (factory.vtable().base__.QueryInterface)(factory.as_raw(), iid, ppv) }
    })
}

/// The body of `DllCanUnloadNow`: `S_OK` when no object of this module is alive (idlgen's
/// objects and class factories, see [`live_objects`], and `#[implement]` objects holding a
/// [`ModuleRef`](crate::ModuleRef)) and no `LockServer(TRUE)` is outstanding, else `S_FALSE`.
pub fn dll_can_unload_now() -> HRESULT {
    if live_objects() == 0 && crate::module_refs() == 0 && server_locks() == 0 {
        S_OK
    } else {
        S_FALSE
    }
}

/// A registry value a server registration writes, under `HKEY_CLASSES_ROOT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryValue {
    /// The key, relative to `HKEY_CLASSES_ROOT` (`CLSID\{...}\InprocServer32`).
    pub key: String,
    /// The value's name; `None` for the key's default value.
    pub name: Option<&'static str>,
    /// The `REG_SZ` data.
    pub data: String,
}

/// The registry form of a CLSID: `{4C4A5E40-732C-11D0-8816-00A0C903B83C}`.
pub fn registry_guid(guid: &GUID) -> String {
    format!("{{{}}}", crate::guid_string(guid).to_ascii_uppercase())
}

/// What [`dll_register_server`] writes for `class` served by the DLL at `module_path`:
/// `HKCR\CLSID\{clsid}` (default: the ProgID), its `InprocServer32` (default: the path;
/// `ThreadingModel`) and `ProgID` (default: the ProgID), then `HKCR\<ProgID>` (default: the
/// ProgID) and `HKCR\<ProgID>\CLSID` (default: `{clsid}`).
pub fn registry_entries(class: &ComClass, module_path: &str) -> Vec<RegistryValue> {
    let clsid = registry_guid(&class.clsid);
    let key = format!("CLSID\\{clsid}");
    let value = |key: String, name: Option<&'static str>, data: &str| RegistryValue {
        key,
        name,
        data: data.to_string(),
    };
    vec![
        value(key.clone(), None, class.prog_id),
        value(format!("{key}\\InprocServer32"), None, module_path),
        value(
            format!("{key}\\InprocServer32"),
            Some("ThreadingModel"),
            class.threading_model.registry_value(),
        ),
        value(format!("{key}\\ProgID"), None, class.prog_id),
        value(class.prog_id.to_string(), None, class.prog_id),
        value(format!("{}\\CLSID", class.prog_id), None, &clsid),
    ]
}

/// The keys (with their subtrees) [`dll_unregister_server`] deletes for `class`:
/// `CLSID\{clsid}` and `<ProgID>`.
pub fn registry_roots(class: &ComClass) -> [String; 2] {
    [
        format!("CLSID\\{}", registry_guid(&class.clsid)),
        class.prog_id.to_string(),
    ]
}

/// The body of `DllRegisterServer`: writes [`registry_entries`] of every class, with the path
/// of the module this code is linked into. On failure, what was written is removed again and
/// the Win32 error comes back as an HRESULT. `E_NOTIMPL` where there is no Windows registry.
pub fn dll_register_server(classes: &[ComClass]) -> HRESULT {
    guard(|| {
        let result = registry::module_path().and_then(|path| {
            classes.iter().try_for_each(|class| {
                registry_entries(class, &path)
                    .iter()
                    .try_for_each(registry::set_value)
            })
        });
        match result {
            Ok(()) => S_OK,
            Err(e) => {
                let _ = dll_unregister_server(classes);
                e.code()
            }
        }
    })
}

/// The body of `DllUnregisterServer`: deletes [`registry_roots`] of every class (keys already
/// gone are not an error). `E_NOTIMPL` where there is no Windows registry.
pub fn dll_unregister_server(classes: &[ComClass]) -> HRESULT {
    guard(|| {
        let mut first_error = S_OK;
        for class in classes {
            for root in registry_roots(class) {
                if let Err(e) = registry::delete_tree(&root)
                    && first_error == S_OK
                {
                    first_error = e.code();
                }
            }
        }
        first_error
    })
}

#[cfg(windows)]
mod registry {
    //! The Windows registry and module path, through advapi32 and kernel32.

    use core::ffi::c_void;

    use super::RegistryValue;
    use crate::{E_FAIL, Error, HRESULT, Result};

    type Hkey = *mut c_void;

    /// `HKEY_CLASSES_ROOT`: `(HKEY)(ULONG_PTR)(LONG)0x80000000`, sign-extended.
    const HKEY_CLASSES_ROOT: Hkey = 0x8000_0000_u32 as i32 as isize as Hkey;
    const KEY_WRITE: u32 = 0x0002_0006;
    const REG_SZ: u32 = 1;
    const ERROR_SUCCESS: i32 = 0;
    const ERROR_FILE_NOT_FOUND: i32 = 2;
    const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
    const GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS: u32 = 0x4;
    const GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT: u32 = 0x2;

    #[link(name = "advapi32")]
    unsafe extern "system" {
        fn RegCreateKeyExW(
            hkey: Hkey,
            subkey: *const u16,
            reserved: u32,
            class: *const u16,
            options: u32,
            sam: u32,
            security: *const c_void,
            result: *mut Hkey,
            disposition: *mut u32,
        ) -> i32;
        fn RegSetValueExW(
            hkey: Hkey,
            name: *const u16,
            reserved: u32,
            kind: u32,
            data: *const u8,
            size: u32,
        ) -> i32;
        fn RegCloseKey(hkey: Hkey) -> i32;
        fn RegDeleteTreeW(hkey: Hkey, subkey: *const u16) -> i32;
    }

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetModuleHandleExW(flags: u32, name: *const u16, module: *mut *mut c_void) -> i32;
        fn GetModuleFileNameW(module: *mut c_void, filename: *mut u16, size: u32) -> u32;
        fn GetLastError() -> u32;
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(Some(0)).collect()
    }

    fn win32(code: i32, what: &str) -> Error {
        Error::new(
            HRESULT::from_win32(code as u32),
            format!("{what} failed ({code})"),
        )
    }

    /// The full path of the DLL (or executable) this function is linked into.
    pub fn module_path() -> Result<String> {
        let mut module: *mut c_void = core::ptr::null_mut();
        let address = module_path as fn() -> Result<String>;
        // SAFETY: with FLAG_FROM_ADDRESS, `name` is an address inside a loaded module (this
        // function's); `module` is a valid out pointer; UNCHANGED_REFCOUNT takes no reference.
        let ok = unsafe {
            GetModuleHandleExW(
                GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                    | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                address as *const u16,
                &mut module,
            )
        };
        if ok == 0 {
            // SAFETY: no preconditions.
            let code = unsafe { GetLastError() };
            return Err(win32(code as i32, "GetModuleHandleExW"));
        }
        let mut buffer = vec![0u16; 260];
        loop {
            let size = u32::try_from(buffer.len()).map_err(|_| Error::from(E_FAIL))?;
            // SAFETY: module is a loaded module's handle; buffer has `size` writable u16s.
            let len = unsafe { GetModuleFileNameW(module, buffer.as_mut_ptr(), size) };
            // SAFETY: no preconditions.
            let error = unsafe { GetLastError() };
            if len == 0 {
                return Err(win32(error as i32, "GetModuleFileNameW"));
            }
            if len < size && error != ERROR_INSUFFICIENT_BUFFER {
                return Ok(String::from_utf16_lossy(&buffer[..len as usize]));
            }
            if buffer.len() >= 32768 {
                return Err(win32(
                    ERROR_INSUFFICIENT_BUFFER as i32,
                    "GetModuleFileNameW",
                ));
            }
            buffer.resize(buffer.len() * 2, 0);
        }
    }

    /// Creates `HKCR\<key>` if needed and sets one `REG_SZ` value.
    pub fn set_value(value: &RegistryValue) -> Result<()> {
        let key = wide(&value.key);
        let mut hkey: Hkey = core::ptr::null_mut();
        // SAFETY: key is NUL-terminated; hkey is a valid out pointer; the optional pointers are
        // null.
        let status = unsafe {
            RegCreateKeyExW(
                HKEY_CLASSES_ROOT,
                key.as_ptr(),
                0,
                core::ptr::null(),
                0,
                KEY_WRITE,
                core::ptr::null(),
                &mut hkey,
                core::ptr::null_mut(),
            )
        };
        if status != ERROR_SUCCESS {
            return Err(win32(status, "RegCreateKeyExW"));
        }
        let name = value.name.map(wide);
        let data = wide(&value.data);
        let bytes = u32::try_from(data.len() * 2).map_err(|_| Error::from(E_FAIL))?;
        // SAFETY: hkey is open for writing; name is null (default value) or NUL-terminated;
        // data holds `bytes` bytes, the string with its terminating NUL as REG_SZ requires.
        let status = unsafe {
            RegSetValueExW(
                hkey,
                name.as_ref().map_or(core::ptr::null(), |n| n.as_ptr()),
                0,
                REG_SZ,
                data.as_ptr().cast::<u8>(),
                bytes,
            )
        };
        // SAFETY: hkey was opened above and is closed once.
        unsafe { RegCloseKey(hkey) };
        if status != ERROR_SUCCESS {
            return Err(win32(status, "RegSetValueExW"));
        }
        Ok(())
    }

    /// Deletes `HKCR\<key>` with its subkeys and values; a missing key is not an error.
    pub fn delete_tree(key: &str) -> Result<()> {
        let key = wide(key);
        // SAFETY: key is NUL-terminated; HKEY_CLASSES_ROOT is a predefined key.
        let status = unsafe { RegDeleteTreeW(HKEY_CLASSES_ROOT, key.as_ptr()) };
        match status {
            ERROR_SUCCESS | ERROR_FILE_NOT_FOUND => Ok(()),
            _ => Err(win32(status, "RegDeleteTreeW")),
        }
    }
}

#[cfg(not(windows))]
mod registry {
    //! No registry here: registration answers `E_NOTIMPL`.

    use super::RegistryValue;
    use crate::{E_NOTIMPL, Error, Result};

    fn unsupported() -> Error {
        Error::new(E_NOTIMPL, "COM registration needs the Windows registry")
    }

    pub fn module_path() -> Result<String> {
        Err(unsupported())
    }

    pub fn set_value(_: &RegistryValue) -> Result<()> {
        Err(unsupported())
    }

    pub fn delete_tree(_: &str) -> Result<()> {
        Err(unsupported())
    }
}

/// Makes the crate (a `cdylib`) an in-process COM server: a table of the classes it serves and
/// the four exports COM and `regsvr32` look for (`DllGetClassObject`, `DllCanUnloadNow`,
/// `DllRegisterServer`, `DllUnregisterServer`).
///
/// It lists the [`ClassObject`] types served, each bound to its generated coclass, ProgID and
/// threading model:
///
/// ```ignore
/// impl idlgen_runtime::ClassObject for MockCa {
///     type Class = certcli::CCertServerExit;
///     type Threading = idlgen_runtime::ApartmentThreaded;
///     const PROG_ID: &'static str = "CertificateAuthority.ServerExit";
///     fn new() -> idlgen_runtime::Result<Self> { Ok(MockCa::default()) }
///     fn into_unknown(self) -> idlgen_runtime::IUnknown {
///         self.into_com::<ICertServerExit>().into()
///     }
/// }
/// idlgen_runtime::com_server!(MockCa, MockPolicy);
/// ```
///
/// The table is the static `COM_CLASSES` at the call site.
#[macro_export]
macro_rules! com_server {
    ($($class:ty),+ $(,)?) => {
        /// The classes this module serves (`idlgen_runtime::com_server!`).
        pub static COM_CLASSES: &[$crate::ComClass] = &[$($crate::ComClass::of::<$class>()),+];

        /// `DllGetClassObject`: a class factory for one of [`COM_CLASSES`].
        ///
        /// # Safety
        /// `clsid` and `iid` are null or readable GUIDs; `ppv` is null or writable.
        #[unsafe(no_mangle)]
        #[allow(non_snake_case)]
        pub unsafe extern "system" fn DllGetClassObject(
            clsid: *const $crate::GUID,
            iid: *const $crate::GUID,
            ppv: *mut *mut ::core::ffi::c_void,
        ) -> $crate::HRESULT {
            // SAFETY: the caller's contract is dll_get_class_object's.
            unsafe { $crate::dll_get_class_object(COM_CLASSES, clsid, iid, ppv) }
        }

        /// `DllCanUnloadNow`: `S_OK` once every object is released and no lock is held.
        #[unsafe(no_mangle)]
        #[allow(non_snake_case)]
        pub extern "system" fn DllCanUnloadNow() -> $crate::HRESULT {
            $crate::dll_can_unload_now()
        }

        /// `DllRegisterServer`: writes the CLSID and ProgID keys of [`COM_CLASSES`].
        #[unsafe(no_mangle)]
        #[allow(non_snake_case)]
        pub extern "system" fn DllRegisterServer() -> $crate::HRESULT {
            $crate::dll_register_server(COM_CLASSES)
        }

        /// `DllUnregisterServer`: removes the CLSID and ProgID keys of [`COM_CLASSES`].
        #[unsafe(no_mangle)]
        #[allow(non_snake_case)]
        pub extern "system" fn DllUnregisterServer() -> $crate::HRESULT {
            $crate::dll_unregister_server(COM_CLASSES)
        }
    };
}
