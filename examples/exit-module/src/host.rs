//! A certification authority's side of exit modules, as certsrv drives them, for tests: read the
//! ProgIDs of the active modules from the REG_MULTI_SZ value `Active` under
//! `HKLM\...\CertSvc\Configuration\<CA name>\ExitModules`, create each by ProgID, `Initialize`
//! it with `machine\CA name`, `Notify` it of each event it asked for, read its
//! `ICertManageModule` properties, `Notify` the shutdown, release it.
//!
//! [`run`] does it through the vtables (as certsrv does) or through `IDispatch` alone (as a
//! script host would); both write the same transcript.

use std::fmt::Write;

use idlgen_runtime::{
    BStr, DISPATCH_METHOD, DISPPARAMS, EXCEPINFO, Error, IDispatch, Interface, Result, S_OK,
    Variant,
};

use crate::exit::{
    EXITEVENT_SHUTDOWN, ICertExit, ICertExit2, wszCMM_PROP_COPYRIGHT, wszCMM_PROP_DESCRIPTION,
    wszCMM_PROP_FILEVER, wszCMM_PROP_NAME, wszCMM_PROP_PRODUCTVER,
};

/// How the host calls the modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Through ICertExit/ICertExit2/ICertManageModule's vtables.
    Vtable,
    /// Through `IDispatch::GetIDsOfNames` and `Invoke` only.
    LateBound,
}

const PROPERTIES: [&str; 5] = [
    wszCMM_PROP_NAME,
    wszCMM_PROP_DESCRIPTION,
    wszCMM_PROP_COPYRIGHT,
    wszCMM_PROP_FILEVER,
    wszCMM_PROP_PRODUCTVER,
];

/// The key holding the CA's exit-module list.
pub fn exit_modules_key(ca_name: &str) -> String {
    format!("SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\{ca_name}\\ExitModules")
}

/// Drives every active exit module of `config` (`machine\CA name`) through `events` (each an
/// `EXITEVENT_*` and the request's context), and returns the transcript.
pub fn run(config: &str, events: &[(i32, i32)], binding: Binding) -> Result<String> {
    let ca_name = config.split_once('\\').map_or(config, |(_, n)| n);
    let active =
        crate::settings::read_multi(&exit_modules_key(ca_name), "Active")?.unwrap_or_default();
    let mut log = String::new();
    for prog_id in active {
        let module: Box<dyn Module> = match binding {
            Binding::Vtable => Box::new(Early(idlgen_runtime::create_instance_by_prog_id::<
                ICertExit,
            >(&prog_id)?)),
            Binding::LateBound => Box::new(Late(idlgen_runtime::create_instance_by_prog_id::<
                IDispatch,
            >(&prog_id)?)),
        };
        let _ = writeln!(log, "{prog_id}: {}", module.description()?);
        let mask = module.initialize(config)?;
        let _ = writeln!(log, "{prog_id}: Initialize -> {mask:#x}");
        for &(event, context) in events {
            if mask & event == 0 {
                continue;
            }
            match module.notify(event, context) {
                Ok(()) => {
                    let _ = writeln!(log, "{prog_id}: Notify({event:#x}, {context})");
                }
                Err(e) => {
                    let _ = writeln!(log, "{prog_id}: Notify({event:#x}, {context}) failed: {e}");
                }
            }
        }
        for (name, value) in module.manage_properties(config)? {
            let _ = writeln!(log, "{prog_id}: {name} = {value}");
        }
        module.notify(EXITEVENT_SHUTDOWN, 0)?;
        let _ = writeln!(log, "{prog_id}: Notify(shutdown)");
    }
    Ok(log)
}

/// What the host asks of a module, either way.
trait Module {
    fn description(&self) -> Result<String>;
    fn initialize(&self, config: &str) -> Result<i32>;
    fn notify(&self, event: i32, context: i32) -> Result<()>;
    fn manage_properties(&self, config: &str) -> Result<Vec<(&'static str, String)>>;
}

struct Early(ICertExit);

impl Module for Early {
    fn description(&self) -> Result<String> {
        Ok(self.0.get_description()?.to_string())
    }
    fn initialize(&self, config: &str) -> Result<i32> {
        self.0.initialize(&BStr::from(config))
    }
    fn notify(&self, event: i32, context: i32) -> Result<()> {
        self.0.notify(event, context)
    }
    fn manage_properties(&self, config: &str) -> Result<Vec<(&'static str, String)>> {
        let manage = self.0.cast::<ICertExit2>()?.get_manage_module()?;
        let (config, storage) = (BStr::from(config), BStr::new());
        PROPERTIES
            .iter()
            .map(|&name| {
                let v = manage.get_property(&config, &storage, &BStr::from(name), 0)?;
                Ok((name, String::try_from(&v)?))
            })
            .collect()
    }
}

struct Late(IDispatch);

/// `Invoke` of the method `name` with `args` (in order), giving its result.
fn call(object: &IDispatch, name: &str, args: Vec<Variant>) -> Result<Variant> {
    let id = object.get_ids_of_names(&[name])?[0];
    // Invoke takes the arguments last to first.
    let mut raw: Vec<_> = args.into_iter().rev().map(Variant::into_raw).collect();
    let mut params = DISPPARAMS {
        rgvarg: raw.as_mut_ptr(),
        rgdispidNamedArgs: core::ptr::null_mut(),
        cArgs: u32::try_from(raw.len()).unwrap_or(u32::MAX),
        cNamedArgs: 0,
    };
    let mut result = Variant::new();
    let mut excep = EXCEPINFO::default();
    // SAFETY: `params` describes `raw`'s live VARIANTs.
    let hr = unsafe {
        object.invoke(
            id,
            DISPATCH_METHOD,
            &mut params,
            Some(&mut result),
            Some(&mut excep),
            None,
        )
    };
    for v in raw {
        // SAFETY: each VARIANT was made above and is freed once.
        drop(unsafe { Variant::from_raw(v) });
    }
    // SAFETY: what Invoke put in the EXCEPINFO belongs to the caller (null when nothing).
    let (source, description, help) = unsafe {
        (
            BStr::from_raw(excep.bstrSource),
            BStr::from_raw(excep.bstrDescription),
            BStr::from_raw(excep.bstrHelpFile),
        )
    };
    drop((source, help));
    if hr == S_OK {
        Ok(result)
    } else if hr == idlgen_runtime::DISP_E_EXCEPTION {
        Err(Error::new(
            idlgen_runtime::HRESULT(excep.scode),
            description.to_string(),
        ))
    } else {
        Err(Error::from(hr))
    }
}

impl Module for Late {
    fn description(&self) -> Result<String> {
        String::try_from(&call(&self.0, "GetDescription", vec![])?)
    }
    fn initialize(&self, config: &str) -> Result<i32> {
        i32::try_from(&call(&self.0, "Initialize", vec![Variant::from(config)])?)
    }
    fn notify(&self, event: i32, context: i32) -> Result<()> {
        call(
            &self.0,
            "Notify",
            vec![Variant::from(event), Variant::from(context)],
        )
        .map(drop)
    }
    fn manage_properties(&self, config: &str) -> Result<Vec<(&'static str, String)>> {
        let manage = IDispatch::try_from(&call(&self.0, "GetManageModule", vec![])?)?;
        PROPERTIES
            .iter()
            .map(|&name| {
                let v = call(
                    &manage,
                    "GetProperty",
                    vec![
                        Variant::from(config),
                        Variant::from(""),
                        Variant::from(name),
                        Variant::from(0),
                    ],
                )?;
                Ok((name, String::try_from(&v)?))
            })
            .collect()
    }
}
