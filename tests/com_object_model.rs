//! The COM object model a certificate-services module needs (issue 17), portable: one Rust object
//! serving several interfaces as one COM identity (windows-rs's `#[implement]` over generated
//! interfaces and the runtime's `ISupportErrorInfo`), rich errors through the thread's error
//! info, client activation by CLSID and ProgID, and `DllCanUnloadNow` counting `#[implement]`
//! objects that hold a `ModuleRef`.
#![deny(warnings)]

#[allow(dead_code)]
mod certif {
    include!("../fixtures/certif/expected/certif.rs");
}
#[allow(dead_code)]
mod certcli {
    include!("../fixtures/certif/expected/certcli.rs");
}

use certif::{ICertServerExit, ICertServerExit_Impl, ICertServerPolicy, ICertServerPolicy_Impl};
use idlgen_runtime::{
    BStr, E_ACCESSDENIED, E_NOTIMPL, Error, GUID, IDispatch, ISupportErrorInfo,
    ISupportErrorInfo_Impl, IUnknown, Interface, ModuleRef, Result, Variant,
};
use windows_core::implement;

/// One object serving both CA interfaces and ISupportErrorInfo.
#[implement(ICertServerExit, ICertServerPolicy, ISupportErrorInfo)]
struct Ca {
    _module: ModuleRef,
}

fn ca() -> Ca {
    Ca {
        _module: ModuleRef::new(),
    }
}

/// What every method of the mock answers: a refusal with a message.
fn refused<T>(what: &str) -> Result<T> {
    Err(Error::new(
        E_ACCESSDENIED,
        format!("{what}: request 7 is not yours"),
    ))
}

impl ICertServerExit_Impl for Ca_Impl {
    fn set_context(&self, context: i32) -> Result<()> {
        if context == 7 {
            refused("SetContext")
        } else {
            Ok(())
        }
    }
    fn get_request_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Ok(Variant::from(42))
    }
    fn get_request_attribute(&self, _: &BStr) -> Result<BStr> {
        refused("GetRequestAttribute")
    }
    fn get_certificate_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_extension(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_extension_flags(&self) -> Result<i32> {
        Ok(0)
    }
    fn enumerate_extensions_setup(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn enumerate_extensions(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_extensions_close(&self) -> Result<()> {
        Ok(())
    }
    fn enumerate_attributes_setup(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn enumerate_attributes(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes_close(&self) -> Result<()> {
        Ok(())
    }
}

impl ICertServerPolicy_Impl for Ca_Impl {
    fn set_context(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn get_request_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Ok(Variant::from(43))
    }
    fn get_request_attribute(&self, _: &BStr) -> Result<BStr> {
        Ok(BStr::from("policy"))
    }
    fn get_certificate_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn set_certificate_property(&self, _: &BStr, _: i32, _: &Variant) -> Result<()> {
        refused("SetCertificateProperty")
    }
    fn get_certificate_extension(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_extension_flags(&self) -> Result<i32> {
        Ok(0)
    }
    fn set_certificate_extension(&self, _: &BStr, _: i32, _: i32, _: &Variant) -> Result<()> {
        Ok(())
    }
    fn enumerate_extensions_setup(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn enumerate_extensions(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_extensions_close(&self) -> Result<()> {
        Ok(())
    }
    fn enumerate_attributes_setup(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn enumerate_attributes(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes_close(&self) -> Result<()> {
        Ok(())
    }
}

impl ISupportErrorInfo_Impl for Ca_Impl {
    fn interfaces_with_error_info(&self) -> &[GUID] {
        &[ICertServerExit::IID, ICertServerPolicy::IID]
    }
}

/// The IUnknown identity of any interface of the object.
fn identity<I: Interface>(i: &I) -> *mut core::ffi::c_void {
    i.cast::<IUnknown>()
        .expect("every interface answers IUnknown")
        .as_raw()
}

#[test]
fn several_interfaces_one_identity() {
    let exit: ICertServerExit = ca().into();
    let policy: ICertServerPolicy = exit.cast().expect("the policy interface");
    let support: ISupportErrorInfo = policy.cast().expect("ISupportErrorInfo");
    let dispatch: IDispatch = support.cast().expect("IDispatch (through the first dual)");
    let unknown = identity(&exit);
    // Every interface leads to the same IUnknown.
    assert_eq!(identity(&policy), unknown);
    assert_eq!(identity(&support), unknown);
    assert_eq!(identity(&dispatch), unknown);
    // Reflexive: QueryInterface for the interface held gives it.
    assert_eq!(
        exit.cast::<ICertServerExit>().expect("itself").as_raw(),
        exit.as_raw()
    );
    // Symmetric and transitive: exit -> policy -> support -> exit.
    let back: ICertServerExit = support.cast().expect("back to exit");
    assert_eq!(back.as_raw(), exit.as_raw());
    assert_eq!(
        policy
            .cast::<ICertServerExit>()
            .expect("policy -> exit")
            .as_raw(),
        exit.as_raw()
    );
    // Two interfaces of one object are two vtables.
    assert_ne!(policy.as_raw(), exit.as_raw());
    // The methods of each interface reach their own trait.
    assert_eq!(
        i32::try_from(
            &exit
                .get_request_property(&BStr::from("x"), 1)
                .expect("exit")
        )
        .expect("LONG"),
        42
    );
    assert_eq!(
        i32::try_from(
            &policy
                .get_request_property(&BStr::from("x"), 1)
                .expect("policy")
        )
        .expect("LONG"),
        43
    );
}

#[test]
fn an_err_sets_the_thread_error_info_the_caller_reads() {
    let exit: ICertServerExit = ca().into();
    // Through the wrapper: the message comes back in the Error (check() reads the error info).
    let e = exit.set_context(7).expect_err("refused");
    assert_eq!(e.code(), E_ACCESSDENIED);
    assert_eq!(e.message(), "SetContext: request 7 is not yours");
    // Through the raw vtable, as a C++ caller: GetErrorInfo after the failing call.
    let vtable = exit.vtable();
    // SAFETY: a live ICertServerExit; SetContext takes one LONG.
    let hr = unsafe { (vtable.SetContext)(exit.as_raw(), 7) };
    assert_eq!(hr, E_ACCESSDENIED);
    let info = idlgen_runtime::take_error_info().expect("error info was set");
    assert_eq!(
        info.description().expect("GetDescription").to_string(),
        "SetContext: request 7 is not yours"
    );
    assert_eq!(
        info.source().expect("GetSource").to_string(),
        "ICertServerExit"
    );
    assert_eq!(info.guid().expect("GetGUID"), ICertServerExit::IID);
    // GetErrorInfo takes it: none is left.
    assert!(idlgen_runtime::take_error_info().is_none());
    // A success leaves no error behind; an error without a message clears older ones.
    let _ = exit.set_context(7);
    let e = exit
        .get_certificate_property(&BStr::from("x"), 1)
        .expect_err("E_NOTIMPL");
    assert_eq!((e.code(), e.message()), (E_NOTIMPL, ""));
    // ISupportErrorInfo names the interfaces that set error info.
    let support: ISupportErrorInfo = exit.cast().expect("ISupportErrorInfo");
    assert!(support.interface_supports_error_info(&ICertServerExit::IID));
    assert!(support.interface_supports_error_info(&ICertServerPolicy::IID));
    assert!(!support.interface_supports_error_info(&IDispatch::IID));
}

/// An object has one `IDispatch`: with several dual interfaces, `#[implement]` answers with the
/// first one listed (here ICertServerExit), whose members it dispatches.
#[test]
fn idispatch_still_fills_excepinfo() {
    let policy: ICertServerPolicy = ca().into();
    let dispatch: IDispatch = policy.cast().expect("IDispatch");
    assert!(
        dispatch
            .get_ids_of_names(&["SetCertificateProperty"])
            .is_err(),
        "a policy-only member: not on the first dual interface"
    );
    let id = dispatch
        .get_ids_of_names(&["GetRequestAttribute"])
        .expect("known")[0];
    let mut args = [Variant::from("RequestID").into_raw()];
    let mut params = idlgen_runtime::DISPPARAMS {
        rgvarg: args.as_mut_ptr(),
        rgdispidNamedArgs: core::ptr::null_mut(),
        cArgs: 1,
        cNamedArgs: 0,
    };
    let mut excep = idlgen_runtime::EXCEPINFO::default();
    // SAFETY: three live VARIANTs.
    let hr = unsafe {
        dispatch.invoke(
            id,
            idlgen_runtime::DISPATCH_METHOD,
            &mut params,
            None,
            Some(&mut excep),
            None,
        )
    };
    assert_eq!(hr, idlgen_runtime::DISP_E_EXCEPTION);
    assert_eq!(excep.scode, E_ACCESSDENIED.0);
    // SAFETY: Invoke filled the EXCEPINFO with BSTRs the caller owns.
    let description = unsafe { BStr::from_raw(excep.bstrDescription) };
    // SAFETY: as above.
    drop(unsafe { BStr::from_raw(excep.bstrSource) });
    // SAFETY: as above.
    drop(unsafe { BStr::from_raw(excep.bstrHelpFile) });
    assert_eq!(
        description.to_string(),
        "GetRequestAttribute: request 7 is not yours"
    );
    for a in args.iter_mut() {
        // SAFETY: each VARIANT is owned here and freed once.
        drop(unsafe { Variant::from_raw(core::mem::take(a)) });
    }
}

/// The exit interface of `Ca`, as a served class.
struct CaExit(Ca);

impl idlgen_runtime::ClassObject for CaExit {
    type Class = certcli::CCertServerExit;
    type Threading = idlgen_runtime::ApartmentThreaded;
    const PROG_ID: &'static str = "IdlgenTest.ObjectModel";
    fn new() -> Result<Self> {
        Ok(CaExit(ca()))
    }
    fn into_unknown(self) -> IUnknown {
        ICertServerExit::from(self.0).into()
    }
}

#[test]
fn activation_by_clsid_and_prog_id_and_unload_counting() {
    let _com = idlgen_runtime::com_init(idlgen_runtime::Apartment::MultiThreaded)
        .expect("COM for this thread");
    idlgen_runtime::ComClass::of::<CaExit>().register_in_process();
    let exit: ICertServerExit =
        certcli::CCertServerExit::create().expect("the class is registered in the process");
    let by_prog_id: ICertServerPolicy =
        idlgen_runtime::create_instance_by_prog_id("idlgentest.objectmodel")
            .expect("ProgIDs compare without letter case");
    assert_ne!(identity(&exit), identity(&by_prog_id), "two objects");
    // #[implement] objects hold a ModuleRef: the module is in use while they live.
    assert!(idlgen_runtime::module_refs() >= 2);
    idlgen_runtime::unregister_class(&certcli::CCertServerExit::CLSID);
    let gone = certcli::CCertServerExit::create::<ICertServerExit>()
        .map(|_| ())
        .expect_err("unregistered");
    // What CoCreateInstance answers for a class that is not registered.
    assert_eq!(gone.code(), idlgen_runtime::REGDB_E_CLASSNOTREG);
    drop((exit, by_prog_id));
}
