//! The exit module driven as certsrv drives it, in one process: the module's class and a mock
//! CA's `CCertServerExit` registered in the process (under wine64 the same host finds the
//! registered DLLs through the registry instead), settings from a test source instead of HKLM.
//! Once through the vtables, once through `IDispatch` only: the same transcript, the same files.

use std::path::PathBuf;
use std::sync::Mutex;

use exit_module::certif::{ICertServerExit, ICertServerExit_Impl};
use exit_module::exit::{
    EXITEVENT_CERTDENIED, EXITEVENT_CERTISSUED, EXITEVENT_CERTPENDING, EXITEVENT_CERTREVOKED,
    ICertExit,
};
use exit_module::host::{self, Binding};
use idlgen_runtime::{
    ApartmentThreaded, BStr, ClassObject, CoClass, E_NOTIMPL, Error, GUID, HRESULT, IUnknown,
    Result, S_OK, Variant,
};
use windows_core::implement;

/// The certificate the mock CA issued for request 7 (context 7, RequestID 42).
const CERTIFICATE: &[u8] = &[0x30, 0x82, 0x01, 0x0a, 0x02, 0x01, 0x00];
const CERTSRV_E_PROPERTY_EMPTY: HRESULT = HRESULT(0x8009_4004_u32 as i32);

/// The tests share the process's class table, settings and object counts: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());
/// The output folder the settings source answers (None: the value is missing).
static OUTPUT: Mutex<Option<PathBuf>> = Mutex::new(None);

fn settings(key: &str, name: &str) -> Result<Option<Vec<String>>> {
    let modules = host::exit_modules_key("Test CA");
    Ok(match name {
        "Active" if key == modules => Some(vec![exit_module::PROG_ID.to_string()]),
        "OutputDirectory" if key == exit_module::settings_key("Test CA") => OUTPUT
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|p| vec![p.display().to_string()]),
        _ => None,
    })
}

/// certsrv's `CCertServerExit`, as the exit module creates it.
struct CCertServerExit;
impl CoClass for CCertServerExit {
    const CLSID: GUID = exit_module::CLSID_CCERT_SERVER_EXIT;
    const NAME: &'static str = "CCertServerExit";
}

/// The mock CA's view of two requests: 7 (issued, RequestID 42) and 8 (RequestID 43, no
/// requester name).
#[implement(ICertServerExit)]
struct MockServer {
    context: Mutex<i32>,
}

impl MockServer {
    fn context(&self) -> i32 {
        *self.context.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ICertServerExit_Impl for MockServer_Impl {
    fn set_context(&self, context: i32) -> Result<()> {
        *self.context.lock().unwrap_or_else(|p| p.into_inner()) = context;
        Ok(())
    }
    fn get_request_property(&self, name: &BStr, _: i32) -> Result<Variant> {
        match (self.context(), name.to_string().as_str()) {
            (7, "RequestID") => Ok(Variant::from(42)),
            (8, "RequestID") => Ok(Variant::from(43)),
            (7, "RequesterName") => Ok(Variant::from("CONTOSO\\alice")),
            _ => Err(Error::new(CERTSRV_E_PROPERTY_EMPTY, "no such property")),
        }
    }
    fn get_request_attribute(&self, _: &BStr) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_property(&self, name: &BStr, _: i32) -> Result<Variant> {
        match (self.context(), name.to_string().as_str()) {
            // certsrv gives binary properties as a BSTR holding the bytes.
            (7, "RawCertificate") => Ok(Variant::from(BStr::from_bytes(CERTIFICATE)?)),
            _ => Err(Error::new(CERTSRV_E_PROPERTY_EMPTY, "no such property")),
        }
    }
    fn get_certificate_extension(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_extension_flags(&self) -> Result<i32> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_extensions_setup(&self, _: i32) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_extensions(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_extensions_close(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes_setup(&self, _: i32) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes_close(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}

impl ClassObject for MockServer {
    type Class = CCertServerExit;
    type Threading = ApartmentThreaded;
    const PROG_ID: &'static str = "CertificateAuthority.ServerExit";
    fn new() -> Result<Self> {
        Ok(MockServer {
            context: Mutex::new(0),
        })
    }
    fn into_unknown(self) -> IUnknown {
        ICertServerExit::from(self).into()
    }
}

fn setup(output: Option<PathBuf>) -> std::sync::MutexGuard<'static, ()> {
    let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    exit_module::set_settings_source(settings);
    idlgen_runtime::ComClass::of::<MockServer>().register_in_process();
    exit_module::COM_CLASSES[0].register_in_process();
    *OUTPUT.lock().unwrap_or_else(|p| p.into_inner()) = output;
    serial
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idlgen-exit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const EVENTS: &[(i32, i32)] = &[
    (EXITEVENT_CERTISSUED, 7),
    (EXITEVENT_CERTPENDING, 8),
    (EXITEVENT_CERTDENIED, 8),
    (EXITEVENT_CERTREVOKED, 7),
];

fn expected(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

#[test]
fn the_host_drives_the_module_through_vtables_and_through_idispatch_alike() {
    let mut transcripts = Vec::new();
    for binding in [Binding::Vtable, Binding::LateBound] {
        let out = temp_dir(&format!("{binding:?}"));
        let _serial = setup(Some(out.clone()));
        let transcript = host::run("ca.contoso.test\\Test CA", EVENTS, binding)
            .unwrap_or_else(|e| panic!("{binding:?}: {e}"));
        assert_eq!(transcript, expected("host.log"), "{binding:?}");
        // One .cer per issued request, byte-equal to the CA's certificate.
        assert_eq!(
            std::fs::read(out.join("42.cer")).expect("42.cer"),
            CERTIFICATE,
            "{binding:?}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("exit.log")).expect("exit.log"),
            expected("exit.log"),
            "{binding:?}"
        );
        let files = std::fs::read_dir(&out).expect("output").count();
        assert_eq!(files, 2, "{binding:?}: 42.cer and exit.log only");
        // Every object released: the module can be unloaded.
        assert_eq!(exit_module::DllCanUnloadNow(), S_OK, "{binding:?}");
        let _ = std::fs::remove_dir_all(&out);
        transcripts.push(transcript);
    }
    assert_eq!(transcripts[0], transcripts[1]);
}

#[test]
fn a_missing_output_folder_is_a_described_error() {
    let _serial = setup(None);
    let module: ICertExit =
        idlgen_runtime::create_instance_by_prog_id(exit_module::PROG_ID).expect("registered");
    let e = module
        .initialize(&BStr::from("ca.contoso.test\\Test CA"))
        .expect_err("no OutputDirectory");
    assert_eq!(e.code(), exit_module::E_SETTING_MISSING);
    assert_eq!(
        e.message(),
        "IdlgenSample.Exit: the REG_SZ value OutputDirectory is missing under \
         HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Test CA\\ExitModules\\IdlgenSample.Exit"
    );
    // Notify before a successful Initialize is an error too, not a crash.
    assert_eq!(
        module.notify(EXITEVENT_CERTISSUED, 7).map_err(|e| e.code()),
        Err(idlgen_runtime::E_INVALIDARG)
    );
    drop(module);
    assert_eq!(exit_module::DllCanUnloadNow(), S_OK);
}
