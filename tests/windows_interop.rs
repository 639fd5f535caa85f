//! Generated interfaces are windows-rs interfaces (issue 14, on Linux: what windows-core offers
//! here): they implement `windows_core::Interface`, convert to their bases as windows-rs's own
//! bindings do (`From`, `Param`), move to and from another Rust type of the same IID without a
//! call, and a Rust type implements them with `#[implement]`, `IDispatch` included.
#![deny(warnings)]

#[allow(dead_code)]
mod certif {
    include!("../fixtures/certif/expected/certif.rs");
}

use std::cell::Cell;

use certif::{ICertServerExit, ICertServerExit_Impl, ICertServerPolicy};
use idlgen_runtime::{
    BStr, DISPATCH_METHOD, E_NOTIMPL, IDispatch, IUnknown, Interface, Result, Variant,
};
use windows_core::implement;

/// A small CA behind `#[implement]`: one request, context 7.
#[implement(ICertServerExit)]
#[derive(Default)]
struct Ca {
    context: Cell<i32>,
}

impl ICertServerExit_Impl for Ca_Impl {
    fn set_context(&self, context: i32) -> Result<()> {
        self.context.set(context);
        Ok(())
    }
    fn get_request_property(&self, name: &BStr, property_type: i32) -> Result<Variant> {
        match (name.to_string().as_str(), property_type) {
            ("RequestID", 1) => Ok(Variant::from(self.context.get() * 100)),
            ("RequesterName", 4) => Ok(Variant::from("CONTOSO\\alice")),
            _ => Err(idlgen_runtime::Error::new(
                E_NOTIMPL,
                format!("no request property {name}"),
            )),
        }
    }
    fn get_request_attribute(&self, name: &BStr) -> Result<BStr> {
        Ok(BStr::from(format!("attribute {name}")))
    }
    fn get_certificate_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Ok(Variant::from(&[0x30u8, 0x03, 0x02, 0x01, 0x00][..]))
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

/// Another Rust type for ICertServerExit, declared with windows-core's own `#[interface]`
/// macro, as a crate other than idlgen would declare it (only the identity matters here).
#[windows_core::interface("4ba9eb90-732c-11d0-8816-00a0c903b83c")]
unsafe trait OtherCertServerExit: windows_core::IUnknown {}

#[test]
fn generated_interfaces_are_windows_core_interfaces() {
    // The trait is windows-core's: its constants and provided methods apply.
    fn iid<I: windows_core::Interface>() -> windows_core::GUID {
        I::IID
    }
    assert_eq!(iid::<ICertServerExit>(), ICertServerExit::IID);
    assert_eq!(
        idlgen_runtime::guid_string(&iid::<ICertServerPolicy>()),
        "aa000922-ffbe-11cf-8800-00a0c903b83c"
    );
}

#[test]
fn implement_serves_a_generated_interface() {
    let exit: ICertServerExit = Ca::default().into();
    // The generated wrappers call through the vtable `#[implement]` built from
    // `ICertServerExit_Vtbl::new::<Ca_Impl, OFFSET>()`.
    exit.set_context(7).expect("set_context");
    let id = exit
        .get_request_property(&BStr::from("RequestID"), 1)
        .expect("RequestID");
    assert_eq!(i32::try_from(&id).expect("a LONG"), 700);
    let e = exit
        .get_request_property(&BStr::from("Nope"), 1)
        .expect_err("unknown property");
    assert_eq!(e.code(), E_NOTIMPL);
    // windows-rs's cast, and COM's identity rules through windows-core's QueryInterface.
    let unknown: IUnknown = exit.cast().expect("IUnknown");
    let dispatch: IDispatch = exit.cast().expect("IDispatch: the interface is dual");
    let again: ICertServerExit = dispatch.cast().expect("back to ICertServerExit");
    assert_eq!(again.as_raw(), exit.as_raw());
    assert_eq!(
        dispatch.cast::<IUnknown>().expect("IUnknown").as_raw(),
        unknown.as_raw()
    );
    // A dual interface the object does not implement.
    assert!(exit.cast::<ICertServerPolicy>().is_err());
    // windows-core's ComObject view of the same object.
    let object = exit.cast_object::<Ca>().expect("a Rust object");
    assert_eq!(object.context.get(), 7);
}

#[test]
fn implement_answers_idispatch_from_the_dispid_table() {
    let exit: ICertServerExit = Ca::default().into();
    let dispatch: IDispatch = exit.cast().expect("IDispatch");
    let ids = dispatch
        .get_ids_of_names(&["setcontext"])
        .expect("case-insensitive");
    assert_eq!(ids, vec![ICertServerExit::DISPID_SET_CONTEXT]);
    let mut args = [Variant::from(3).into_raw()];
    let mut params = idlgen_runtime::DISPPARAMS {
        rgvarg: args.as_mut_ptr(),
        rgdispidNamedArgs: core::ptr::null_mut(),
        cArgs: 1,
        cNamedArgs: 0,
    };
    let mut result = Variant::new();
    // SAFETY: `params` describes one live VARIANT.
    let hr = unsafe {
        dispatch.invoke(
            ids[0],
            DISPATCH_METHOD,
            &mut params,
            Some(&mut result),
            None,
            None,
        )
    };
    assert!(hr.is_ok(), "{hr}");
    let id = exit
        .get_request_property(&BStr::from("RequestID"), 1)
        .expect("RequestID");
    assert_eq!(i32::try_from(&id).expect("a LONG"), 300);
}

#[test]
fn conversions_to_bases_and_params_need_no_query() {
    let exit: ICertServerExit = Ca::default().into();
    // `From` to the bases, by value and by reference, as windows-rs's bindings have.
    let as_dispatch: &IDispatch = (&exit).into();
    assert_eq!(as_dispatch.as_raw(), exit.as_raw());
    let as_unknown: IUnknown = exit.clone().into();
    assert_eq!(as_unknown.as_raw(), exit.as_raw());
    // windows-rs functions take `impl Param<IUnknown>`: a generated interface is one.
    fn abi_of<P: windows_core::Param<IUnknown>>(p: P) -> *mut core::ffi::c_void {
        // SAFETY: the value is only inspected, not used past `p`'s borrow.
        unsafe { p.param() }.abi()
    }
    assert_eq!(abi_of(&exit), exit.as_raw());
}

#[test]
fn same_interface_moves_between_rust_types_of_one_iid() {
    let exit: ICertServerExit = Ca::default().into();
    let raw = exit.as_raw();
    let other: OtherCertServerExit = idlgen_runtime::same_interface(exit.clone());
    assert_eq!(other.as_raw(), raw);
    let borrowed: &OtherCertServerExit = idlgen_runtime::same_interface_ref(&exit);
    assert_eq!(borrowed.as_raw(), raw);
    let back: ICertServerExit = idlgen_runtime::same_interface(other);
    back.set_context(9).expect("still the same object");
    assert_eq!(
        exit.get_request_property(&BStr::from("RequestID"), 1)
            .map(|v| i32::try_from(&v).unwrap_or_default())
            .expect("RequestID"),
        900
    );
}

#[test]
fn errors_convert_both_ways_with_question_mark() {
    fn windows_side() -> windows_core::Result<()> {
        let exit: ICertServerExit = Ca::default().into();
        exit.get_request_property(&BStr::from("Nope"), 1)?;
        Ok(())
    }
    fn idlgen_side() -> Result<()> {
        Err(windows_core::Error::from_hresult(E_NOTIMPL))?;
        Ok(())
    }
    assert_eq!(windows_side().map_err(|e| e.code()), Err(E_NOTIMPL));
    let e = idlgen_side().expect_err("an error");
    assert_eq!(e.code(), E_NOTIMPL);
}
