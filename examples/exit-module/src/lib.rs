//! A certificate-services exit module in Rust: the COM class "IdlgenSample.Exit" that Active
//! Directory Certificate Services creates for each exit module listed as active, implementing
//! `ICertExit2` (with `ICertExit` and `ISupportErrorInfo`) on one object.
//!
//! - `Initialize("machine\CA name")` reads the output folder from the REG_SZ value
//!   `OutputDirectory` under
//!   `HKLM\SYSTEM\CurrentControlSet\Services\CertSvc\Configuration\<CA name>\ExitModules\IdlgenSample.Exit`
//!   and asks for the issued, denied, revoked and shutdown events. A missing value is an error
//!   the CA (or a script's `Err.Description`) reads through `IErrorInfo`.
//! - `Notify(EXITEVENT_CERTISSUED, context)` reads RequestID, RequesterName and the certificate
//!   (`RawCertificate`, binary) through `ICertServerExit` and writes `<folder>\<RequestID>.cer`;
//!   denied and revoked events append `<event> <RequestID> <RequesterName>` to
//!   `<folder>\exit.log`.
//! - `GetManageModule` returns the module's `ICertManageModule` object (Name, Description,
//!   Copyright, File Version, Product Version).
//!
//! The CA may call it through `IDispatch` too: the generated DISPID table answers.

/// ICertExit, ICertExit2, ICertManageModule and the module's coclasses (build.rs).
#[allow(dead_code, clippy::all)]
pub mod exit {
    include!(concat!(env!("OUT_DIR"), "/exit.rs"));
}

/// ICertServerExit, through which the module reads a request (build.rs).
#[allow(dead_code, clippy::all)]
pub mod certif {
    include!(concat!(env!("OUT_DIR"), "/certif.rs"));
}

pub mod host;
pub mod settings;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use certif::ICertServerExit;
use exit::{
    EXITEVENT_CERTDENIED, EXITEVENT_CERTISSUED, EXITEVENT_CERTREVOKED, EXITEVENT_SHUTDOWN,
    ICertExit, ICertExit_Impl, ICertExit2, ICertExit2_Impl, ICertManageModule,
    ICertManageModule_Impl,
};
use idlgen_runtime::{
    BStr, BothThreaded, ClassObject, E_INVALIDARG, E_NOTIMPL, Error, GUID, HRESULT,
    ISupportErrorInfo, ISupportErrorInfo_Impl, IUnknown, ModuleRef, Result, VT_ARRAY, VT_BSTR,
    VT_UI1, Variant,
};
use windows_core::implement;

pub use settings::{SettingsSource, set_settings_source};

/// The ProgID the CA finds the module by (the `Active` value of its `ExitModules` key).
pub const PROG_ID: &str = "IdlgenSample.Exit";

/// `CCertServerExit`: the CA's object an exit module reads requests through (certif.h).
pub const CLSID_CCERT_SERVER_EXIT: GUID = GUID::from_u128(0x4c4a5e40_732c_11d0_8816_00a0c903b83c);

/// certsrv.h's property types.
const PROPTYPE_LONG: i32 = 1;
const PROPTYPE_BINARY: i32 = 3;
const PROPTYPE_STRING: i32 = 4;

/// `HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)`: the registry value is missing.
pub const E_SETTING_MISSING: HRESULT = HRESULT(0x8007_0002_u32 as i32);

/// The module: ICertExit2 (and ICertExit), ISupportErrorInfo; IDispatch from the DISPID table.
/// Calls may come from any thread of the CA (ThreadingModel Both), so the state is behind a
/// mutex.
#[implement(ICertExit2, ISupportErrorInfo)]
pub struct ExitModule {
    output: Mutex<Option<PathBuf>>,
    _module: ModuleRef,
}

impl ExitModule {
    /// A module not yet initialised.
    pub fn new() -> ExitModule {
        ExitModule {
            output: Mutex::new(None),
            _module: ModuleRef::new(),
        }
    }

    fn output(&self) -> Result<PathBuf> {
        self.output
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| Error::new(E_INVALIDARG, "Notify before a successful Initialize"))
    }
}

impl Default for ExitModule {
    fn default() -> ExitModule {
        ExitModule::new()
    }
}

/// The key under HKLM that holds the module's settings for a CA.
pub fn settings_key(ca_name: &str) -> String {
    format!(
        "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\{ca_name}\\ExitModules\\{PROG_ID}"
    )
}

/// The CA name of a configuration string `machine\CA name`.
fn ca_name(config: &str) -> &str {
    config.split_once('\\').map_or(config, |(_, name)| name)
}

/// A request's string property, `None` when the CA has no value for it.
fn request_string(server: &ICertServerExit, name: &str) -> Result<Option<String>> {
    match server.get_request_property(&BStr::from(name), PROPTYPE_STRING) {
        Ok(v) => Ok(Some(String::try_from(&v).unwrap_or_default())),
        // CERTSRV_E_PROPERTY_EMPTY
        Err(e) if e.code() == HRESULT(0x8009_4004_u32 as i32) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The bytes of a binary property: the CA gives a BSTR holding them (`SysAllocStringByteLen`);
/// an array of bytes is taken too.
fn binary(value: &Variant) -> Result<Vec<u8>> {
    let raw = value.as_raw();
    if raw.vt == VT_BSTR {
        // SAFETY: vt says the member is a BSTR, owned by `value` for the borrow.
        let bstr = unsafe { BStr::from_raw_ref(&raw.data.bstrVal) };
        return Ok(bstr.as_bytes().to_vec());
    }
    if raw.vt == VT_ARRAY | VT_UI1 {
        return Vec::<u8>::try_from(value);
    }
    Err(Error::new(
        E_INVALIDARG,
        format!("RawCertificate is not binary (vt {})", raw.vt),
    ))
}

impl ICertExit_Impl for ExitModule_Impl {
    fn initialize(&self, str_config: &BStr) -> Result<i32> {
        let config = str_config.to_string();
        let key = settings_key(ca_name(&config));
        let folder = settings::read(&key, "OutputDirectory")?.ok_or_else(|| {
            Error::new(
                E_SETTING_MISSING,
                format!("{PROG_ID}: the REG_SZ value OutputDirectory is missing under HKLM\\{key}"),
            )
        })?;
        *self.output.lock().unwrap_or_else(|p| p.into_inner()) = Some(PathBuf::from(folder));
        Ok(
            EXITEVENT_CERTISSUED
                | EXITEVENT_CERTDENIED
                | EXITEVENT_CERTREVOKED
                | EXITEVENT_SHUTDOWN,
        )
    }

    fn notify(&self, exit_event: i32, context: i32) -> Result<()> {
        let event = match exit_event {
            EXITEVENT_CERTISSUED => "issued",
            EXITEVENT_CERTDENIED => "denied",
            EXITEVENT_CERTREVOKED => "revoked",
            // The shutdown (and any event not asked for) needs nothing done.
            _ => return Ok(()),
        };
        let folder = self.output()?;
        let server: ICertServerExit = idlgen_runtime::create_instance(&CLSID_CCERT_SERVER_EXIT)?;
        server.set_context(context)?;
        let id = server.get_request_property(&BStr::from("RequestID"), PROPTYPE_LONG)?;
        let id = i32::try_from(&id)?;
        if exit_event == EXITEVENT_CERTISSUED {
            let der =
                server.get_certificate_property(&BStr::from("RawCertificate"), PROPTYPE_BINARY)?;
            let path = folder.join(format!("{id}.cer"));
            std::fs::write(&path, binary(&der)?).map_err(|e| io_error(&path, e))?;
        } else {
            let requester = request_string(&server, "RequesterName")?.unwrap_or_else(|| "-".into());
            let path = folder.join("exit.log");
            let mut log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| io_error(&path, e))?;
            writeln!(log, "{event} {id} {requester}").map_err(|e| io_error(&path, e))?;
        }
        Ok(())
    }

    fn get_description(&self) -> Result<BStr> {
        Ok(BStr::from("idlgen sample exit module (Rust)"))
    }
}

impl ICertExit2_Impl for ExitModule_Impl {
    fn get_manage_module(&self) -> Result<ICertManageModule> {
        Ok(ManageModule::new().into())
    }
}

impl ISupportErrorInfo_Impl for ExitModule_Impl {
    fn interfaces_with_error_info(&self) -> &[GUID] {
        &[ICertExit::IID, ICertExit2::IID]
    }
}

fn io_error(path: &std::path::Path, e: std::io::Error) -> Error {
    let code = e
        .raw_os_error()
        .map_or(idlgen_runtime::E_FAIL, |c| HRESULT::from_win32(c as u32));
    Error::new(code, format!("{}: {e}", path.display()))
}

/// The module's ICertManageModule: its properties for the CA's snap-in.
#[implement(ICertManageModule, ISupportErrorInfo)]
pub struct ManageModule {
    _module: ModuleRef,
}

impl ManageModule {
    fn new() -> ManageModule {
        ManageModule {
            _module: ModuleRef::new(),
        }
    }
}

impl ICertManageModule_Impl for ManageModule_Impl {
    fn get_property(
        &self,
        _config: &BStr,
        _storage_location: &BStr,
        property_name: &BStr,
        _flags: i32,
    ) -> Result<Variant> {
        let name = property_name.to_string();
        let value = match name.as_str() {
            exit::wszCMM_PROP_NAME => "idlgen sample exit module",
            exit::wszCMM_PROP_DESCRIPTION => {
                "Writes issued certificates to files and logs denied and revoked requests"
            }
            exit::wszCMM_PROP_COPYRIGHT => "Copyright (c) the idlgen authors",
            exit::wszCMM_PROP_FILEVER | exit::wszCMM_PROP_PRODUCTVER => env!("CARGO_PKG_VERSION"),
            _ => {
                return Err(Error::new(
                    E_INVALIDARG,
                    format!("{PROG_ID} has no property {name}"),
                ));
            }
        };
        Ok(Variant::from(value))
    }

    fn set_property(
        &self,
        _config: &BStr,
        _storage_location: &BStr,
        property_name: &BStr,
        _flags: i32,
        _value: &Variant,
    ) -> Result<()> {
        Err(Error::new(
            E_NOTIMPL,
            format!("{PROG_ID}: property {property_name} is read-only"),
        ))
    }

    fn configure(&self, _config: &BStr, _storage_location: &BStr, _flags: i32) -> Result<()> {
        // Nothing to show: the settings are registry values.
        Ok(())
    }
}

impl ISupportErrorInfo_Impl for ManageModule_Impl {
    fn interfaces_with_error_info(&self) -> &[GUID] {
        &[ICertManageModule::IID]
    }
}

impl ClassObject for ExitModule {
    type Class = exit::IdlgenSampleExit;
    type Threading = BothThreaded;
    const PROG_ID: &'static str = PROG_ID;
    fn new() -> Result<Self> {
        Ok(ExitModule::new())
    }
    fn into_unknown(self) -> IUnknown {
        ICertExit2::from(self).into()
    }
}

idlgen_runtime::com_server!(ExitModule);
