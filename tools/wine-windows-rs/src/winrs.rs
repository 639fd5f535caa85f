//! The exit module on the `windows` crate's own interfaces: `#[implement(ICertExit2)]` and
//! `#[implement(ICertManageModule)]` types implementing the `windows` crate's `_Impl` traits,
//! whose `IDispatch` is only what idlgen generates (`idlgen rust --windows-dispatch`): the
//! `ICertExit2_dispatch!` and `ICertManageModule_dispatch!` macros of the committed
//! fixtures/certif/expected/certexit_windows.rs.

use std::sync::atomic::{AtomicIsize, Ordering};

use windows::Win32::Security::Cryptography::Certificates::{
    CERT_EXIT_EVENT_MASK, ICertExit_Impl, ICertExit2, ICertExit2_Impl, ICertManageModule,
    ICertManageModule_Impl,
};
use windows::Win32::System::Com::{IErrorInfo, SetErrorInfo};
use windows::Win32::System::Ole::CreateErrorInfo;
use windows::Win32::System::Variant::VARIANT;
use windows_core::{BSTR, HSTRING, Interface, implement};

use crate::behaviour::{Exit, Manage, Property};

/// `idlgen rust --windows-dispatch --with-imports fixtures/certif/certexit.idl`: one
/// `IFoo_dispatch!` macro per dual interface.
mod dispatch {
    include!("../../../fixtures/certif/expected/certexit_windows.rs");
}

/// Objects of this module alive (and `LockServer` locks): `DllCanUnloadNow` answers from it.
pub(crate) static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The exit module, as windows-rs implements the `windows` crate's `ICertExit2`.
#[implement(ICertExit2)]
pub struct WinrsExit {
    exit: Exit,
}

impl WinrsExit {
    /// A new exit module, not initialized.
    pub fn new() -> WinrsExit {
        LIVE.fetch_add(1, Ordering::SeqCst);
        WinrsExit {
            exit: Exit::default(),
        }
    }
}

impl Default for WinrsExit {
    fn default() -> WinrsExit {
        WinrsExit::new()
    }
}

impl Drop for WinrsExit {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The object as the `windows` crate types it.
pub fn create() -> ICertExit2 {
    WinrsExit::new().into()
}

/// The behaviour's error as a windows-core error carrying its message (as the thread's error
/// info, where `windows_core::Error::message` and COM callers look).
///
/// Not `windows_core::Error::new`, nor idlgen-runtime's `From<Error> for windows_core::Error`
/// (which calls it): on Windows it records the message with combase's `RoOriginateErrorW`, an
/// unimplemented stub in Wine 8 that aborts the process. Here the message goes into an oleaut32
/// error object (`CreateErrorInfo`) set with `SetErrorInfo`, which `windows_core::Error::from`
/// an `HRESULT` takes back (`GetErrorInfo`): the same outcome through the older API.
fn error(e: idlgen_runtime::Error) -> windows_core::Error {
    let code = e.code();
    if e.message().is_empty() {
        return windows_core::Error::from_hresult(code);
    }
    // SAFETY: oleaut32 calls with valid arguments; the error object is reference-counted.
    let recorded = unsafe {
        CreateErrorInfo().and_then(|info| {
            info.SetDescription(&HSTRING::from(e.message()))?;
            SetErrorInfo(0, &info.cast::<IErrorInfo>()?)
        })
    };
    match recorded {
        Ok(()) => windows_core::Error::from(code),
        Err(_) => windows_core::Error::from_hresult(code),
    }
}

impl ICertExit_Impl for WinrsExit_Impl {
    fn Initialize(&self, strconfig: &BSTR) -> windows_core::Result<CERT_EXIT_EVENT_MASK> {
        let mask = self
            .exit
            .initialize(&strconfig.to_string())
            .map_err(error)?;
        Ok(CERT_EXIT_EVENT_MASK(mask as u32))
    }

    fn Notify(&self, exitevent: i32, context: i32) -> windows_core::Result<()> {
        self.exit.notify(exitevent, context).map_err(error)
    }

    fn GetDescription(&self) -> windows_core::Result<BSTR> {
        Ok(BSTR::from(self.exit.description()))
    }
}

impl ICertExit2_Impl for WinrsExit_Impl {
    fn GetManageModule(&self) -> windows_core::Result<ICertManageModule> {
        Ok(WinrsManage::new(Manage::new(self.exit.config())).into())
    }
}

/// The exit module's `ICertManageModule`, as windows-rs implements the `windows` crate's.
#[implement(ICertManageModule)]
pub struct WinrsManage {
    manage: Manage,
}

impl WinrsManage {
    fn new(manage: Manage) -> WinrsManage {
        LIVE.fetch_add(1, Ordering::SeqCst);
        WinrsManage { manage }
    }
}

impl Drop for WinrsManage {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ICertManageModule_Impl for WinrsManage_Impl {
    fn GetProperty(
        &self,
        strconfig: &BSTR,
        strstoragelocation: &BSTR,
        strpropertyname: &BSTR,
        flags: i32,
    ) -> windows_core::Result<VARIANT> {
        let property = self
            .manage
            .property(
                &strconfig.to_string(),
                &strstoragelocation.to_string(),
                &strpropertyname.to_string(),
                flags,
            )
            .map_err(error)?;
        // The `windows` crate's own conversions (plain Rust: no propsys.dll).
        Ok(match property {
            Property::Text(text) => VARIANT::from(BSTR::from(text)),
            Property::Flag(flag) => VARIANT::from(flag),
            Property::Number(number) => VARIANT::from(number),
        })
    }

    fn SetProperty(
        &self,
        _strconfig: &BSTR,
        _strstoragelocation: &BSTR,
        _strpropertyname: &BSTR,
        _flags: i32,
        _pvarproperty: *const VARIANT,
    ) -> windows_core::Result<()> {
        self.manage.set_property().map_err(error)
    }

    fn Configure(
        &self,
        _strconfig: &BSTR,
        _strstoragelocation: &BSTR,
        flags: i32,
    ) -> windows_core::Result<()> {
        self.manage.configure(flags).map_err(error)
    }
}

/// `IDispatch` of both objects: only the generated macros.
///
/// In a module of its own for one `allow`: the `windows` crate's `IDispatch_Impl` methods are
/// safe functions taking raw pointers, which the macros' bodies hand to idlgen-runtime, and
/// clippy's `not_unsafe_ptr_arg_deref` (deny by default) flags each such pointer in the
/// expansion. The trait's signatures are windows-rs's; the runtime checks the pointers.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
mod idispatch {
    use super::{WinrsExit_Impl, WinrsManage_Impl, dispatch};

    dispatch::ICertExit2_dispatch!(
        WinrsExit_Impl,
        windows::Win32::Security::Cryptography::Certificates
    );

    dispatch::ICertManageModule_dispatch!(
        WinrsManage_Impl,
        windows::Win32::Security::Cryptography::Certificates
    );
}
