//! In-process servers: `com_server!`, the class factory, `DllGetClassObject`,
//! `DllCanUnloadNow` (object and lock counts) and the registry entries of a registration.

mod common;

use core::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Counted, IID_ITEST, ITest, serial};
use idlgen_runtime::*;

const CLSID_TEST: GUID = GUID::from_u128(0x4c4a5e40_732c_11d0_8816_00a0c903b83c);
const CLSID_FREE: GUID = GUID::from_u128(0xaa000926_ffbe_11cf_8800_00a0c903b83c);
const CLSID_OTHER: GUID = GUID::from_u128(0x12345678_0000_0000_0000_000000000001);

static DROPS: AtomicUsize = AtomicUsize::new(0);

/// The coclasses, as idlgen generates them.
struct TestClass;
impl CoClass for TestClass {
    const CLSID: GUID = CLSID_TEST;
    const NAME: &'static str = "TestClass";
}
struct FreeClass;
impl CoClass for FreeClass {
    const CLSID: GUID = CLSID_FREE;
    const NAME: &'static str = "FreeClass";
}

/// The objects: an apartment-threaded one, and a `Send + Sync` one registered as Both.
struct TestObject(Counted);
impl ClassObject for TestObject {
    type Class = TestClass;
    type Threading = ApartmentThreaded;
    const PROG_ID: &'static str = "Idlgen.Test";
    fn new() -> Result<Self> {
        Ok(TestObject(Counted {
            value: 42,
            drops: &DROPS,
        }))
    }
    fn into_unknown(self) -> IUnknown {
        into_unknown(self.0.into_com::<ITest>())
    }
}

struct FreeObject(Counted);
impl ClassObject for FreeObject {
    type Class = FreeClass;
    type Threading = BothThreaded;
    const PROG_ID: &'static str = "Idlgen.Test.Free";
    fn new() -> Result<Self> {
        Ok(FreeObject(Counted {
            value: 7,
            drops: &DROPS,
        }))
    }
    fn into_unknown(self) -> IUnknown {
        into_unknown(self.0.into_com::<ITest>())
    }
}

idlgen_runtime::com_server!(TestObject, FreeObject);

/// `DllGetClassObject` through the exported function, as COM calls it.
fn class_object(clsid: &GUID, iid: &GUID) -> (HRESULT, *mut c_void) {
    let mut out = core::ptr::dangling_mut::<c_void>(); // not null, to see it is overwritten
    // SAFETY: valid GUIDs and out pointer.
    let hr = unsafe { DllGetClassObject(clsid, iid, &mut out) };
    (hr, out)
}

fn factory(clsid: &GUID) -> IClassFactory {
    let (hr, out) = class_object(clsid, &IClassFactory::IID);
    assert_eq!(hr, S_OK);
    assert!(!out.is_null());
    // SAFETY: a successful DllGetClassObject returns an IClassFactory with one reference.
    unsafe { IClassFactory::from_raw(out) }
}

#[test]
fn the_table_lists_each_class_with_its_threading_model() {
    assert_eq!(COM_CLASSES.len(), 2);
    assert_eq!(COM_CLASSES[0].clsid(), CLSID_TEST);
    assert_eq!(COM_CLASSES[0].prog_id(), "Idlgen.Test");
    assert_eq!(COM_CLASSES[0].threading_model(), ThreadingModel::Apartment);
    assert_eq!(COM_CLASSES[1].threading_model(), ThreadingModel::Both);
}

#[test]
fn dll_get_class_object_refuses_unknown_classes_and_bad_pointers() {
    let _serial = serial();
    assert_eq!(
        class_object(&CLSID_OTHER, &IClassFactory::IID),
        (CLASS_E_CLASSNOTAVAILABLE, core::ptr::null_mut())
    );
    // A factory is no ITest.
    assert_eq!(
        class_object(&CLSID_TEST, &IID_ITEST),
        (E_NOINTERFACE, core::ptr::null_mut())
    );
    // SAFETY: null pointers are what is being tested; nothing is written through them.
    let hr = unsafe { DllGetClassObject(&CLSID_TEST, &IClassFactory::IID, core::ptr::null_mut()) };
    assert_eq!(hr, E_POINTER);
    let mut out = core::ptr::dangling_mut::<c_void>();
    // SAFETY: as above; out is writable.
    let hr = unsafe { DllGetClassObject(core::ptr::null(), &IClassFactory::IID, &mut out) };
    assert_eq!((hr, out), (E_POINTER, core::ptr::null_mut()));
    assert_eq!(live_objects(), 0, "failed calls leave no object behind");
}

#[test]
fn the_factory_answers_iunknown_and_iclassfactory() {
    let _serial = serial();
    let (hr, out) = class_object(&CLSID_TEST, &IUnknown::IID);
    assert_eq!(hr, S_OK);
    // SAFETY: S_OK: an IUnknown with one reference.
    let unknown = unsafe { IUnknown::from_raw(out) };
    let factory: IClassFactory = unknown.cast().expect("QueryInterface(IClassFactory)");
    drop(unknown);
    let object: ITest = factory.create_instance().expect("CreateInstance(ITest)");
    assert_eq!(object.get_value(), Ok(42));
    drop((factory, object));
    assert_eq!(live_objects(), 0);
}

#[test]
fn create_instance_makes_objects_of_the_class_as_the_requested_interface() {
    let _serial = serial();
    let drops = DROPS.load(Ordering::SeqCst);
    let first = factory(&CLSID_TEST);
    let object: ITest = first.create_instance().expect("ITest");
    assert_eq!(object.get_value(), Ok(42));
    let unknown: IUnknown = first.create_instance().expect("IUnknown");
    let same: ITest = unknown.cast().expect("the object is an ITest");
    assert_eq!(same.get_value(), Ok(42));
    let other: ITest = factory(&CLSID_FREE).create_instance().expect("ITest");
    assert_eq!(other.get_value(), Ok(7));

    // An interface the object lacks: E_NOINTERFACE, *ppv null, and the object is destroyed.
    let before = live_objects();
    assert_eq!(
        first
            .create_instance::<IClassFactory>()
            .map_err(|e| e.code()),
        Err(E_NOINTERFACE)
    );
    assert_eq!(live_objects(), before);

    drop((object, unknown, same, other, first));
    assert_eq!(live_objects(), 0);
    assert_eq!(DROPS.load(Ordering::SeqCst), drops + 4);
}

#[test]
fn create_instance_refuses_aggregation() {
    let _serial = serial();
    let factory = factory(&CLSID_TEST);
    let outer = factory.as_raw(); // any non-null IUnknown
    let mut out = core::ptr::dangling_mut::<c_void>();
    // SAFETY: a live factory; valid pointers.
    let hr = unsafe {
        (factory.vtable().CreateInstance)(factory.as_raw(), outer, &IUnknown::IID, &mut out)
    };
    assert_eq!((hr, out), (CLASS_E_NOAGGREGATION, core::ptr::null_mut()));
    // SAFETY: a null ppv is what is being tested.
    let hr = unsafe {
        (factory.vtable().CreateInstance)(
            factory.as_raw(),
            core::ptr::null_mut(),
            &IUnknown::IID,
            core::ptr::null_mut(),
        )
    };
    assert_eq!(hr, E_POINTER);
    drop(factory);
    assert_eq!(live_objects(), 0);
}

#[test]
fn dll_can_unload_now_waits_for_objects_factories_and_locks() {
    let _serial = serial();
    assert_eq!(DllCanUnloadNow(), S_OK, "nothing alive");

    let factory = factory(&CLSID_TEST);
    assert_eq!(DllCanUnloadNow(), S_FALSE, "a factory is held");
    let object: ITest = factory.create_instance().expect("ITest");
    drop(factory);
    assert_eq!(DllCanUnloadNow(), S_FALSE, "an object is alive");
    drop(object);
    assert_eq!(DllCanUnloadNow(), S_OK, "every object released");

    // LockServer keeps the module loaded with no object alive, until balanced.
    let factory = idlgen_runtime::IClassFactory::new(&COM_CLASSES[0]);
    factory.lock_server(true).expect("lock");
    factory.lock_server(true).expect("lock again");
    drop(factory);
    assert_eq!(live_objects(), 0);
    assert_eq!(server_locks(), 2);
    assert_eq!(DllCanUnloadNow(), S_FALSE, "locked");
    let factory = IClassFactory::new(&COM_CLASSES[1]);
    factory.lock_server(false).expect("unlock");
    assert_eq!(DllCanUnloadNow(), S_FALSE, "still locked once");
    factory.lock_server(false).expect("unlock again");
    assert_eq!(
        factory.lock_server(false).map_err(|e| e.code()),
        Err(E_UNEXPECTED),
        "an unlock without a lock"
    );
    drop(factory);
    assert_eq!(server_locks(), 0);
    assert_eq!(DllCanUnloadNow(), S_OK);
}

#[test]
fn registration_writes_the_clsid_and_progid_keys() {
    let entries = registry_entries(&COM_CLASSES[0], r"C:\dlls\mock_ca.dll");
    let clsid = r"CLSID\{4C4A5E40-732C-11D0-8816-00A0C903B83C}";
    let rows: Vec<(String, Option<&str>, String)> = entries
        .into_iter()
        .map(|e| (e.key, e.name, e.data))
        .collect();
    let row = |k: &str, n: Option<&'static str>, d: &str| (k.to_string(), n, d.to_string());
    assert_eq!(
        rows,
        [
            row(clsid, None, "Idlgen.Test"),
            row(
                &format!(r"{clsid}\InprocServer32"),
                None,
                r"C:\dlls\mock_ca.dll"
            ),
            row(
                &format!(r"{clsid}\InprocServer32"),
                Some("ThreadingModel"),
                "Apartment"
            ),
            row(&format!(r"{clsid}\ProgID"), None, "Idlgen.Test"),
            row("Idlgen.Test", None, "Idlgen.Test"),
            row(
                r"Idlgen.Test\CLSID",
                None,
                "{4C4A5E40-732C-11D0-8816-00A0C903B83C}"
            ),
        ]
    );
    assert_eq!(
        registry_roots(&COM_CLASSES[1]),
        [
            r"CLSID\{AA000926-FFBE-11CF-8800-00A0C903B83C}".to_string(),
            "Idlgen.Test.Free".to_string()
        ]
    );
}

#[cfg(not(windows))]
#[test]
fn registration_needs_the_windows_registry() {
    assert_eq!(DllRegisterServer(), E_NOTIMPL);
    assert_eq!(DllUnregisterServer(), E_NOTIMPL);
}

/// Under wine64 (.ci/windows-target) this writes to the throwaway prefix's registry;
/// .ci/wine-server checks the keys themselves with `reg query`.
#[cfg(windows)]
#[test]
fn registration_round_trip_succeeds_on_windows() {
    assert_eq!(DllRegisterServer(), S_OK);
    assert_eq!(DllUnregisterServer(), S_OK);
    assert_eq!(
        DllUnregisterServer(),
        S_OK,
        "keys already gone are no error"
    );
}
