//! The IDispatch conformance cases of `dispatch_conformance.rs`, answered by the same object
//! behind windows-rs's `#[implement(ITester)]` instead of idlgen's `into_com`: the generated
//! `ITester_Vtbl::new::<Identity, OFFSET>()` serves `IDispatch` from the DISPID table for an
//! object whose `IUnknown` is windows-core's, with the same outcome for every case.
#![deny(warnings)]

#[allow(dead_code)]
mod bindings {
    include!("../fixtures/dispatch/expected/dispatch_test.rs");
}
mod dispatch_support;

include!("dispatch_support/conformance.rs");

/// `Tester` behind `#[implement]`. windows-rs has the interface traits implemented on the
/// generated `Implemented_Impl`; here each method forwards to the `Tester` inside.
#[windows_core::implement(ITester)]
struct Implemented(Tester);

impl IShape_Impl for Implemented_Impl {
    fn get_name(&self) -> Result<BStr> {
        self.0.get_name()
    }
    fn put_name(&self, value: &BStr) -> Result<()> {
        self.0.put_name(value)
    }
    fn area(&self) -> Result<f64> {
        self.0.area()
    }
}

impl ITester_Impl for Implemented_Impl {
    fn add(&self, a: i32, b: i32) -> Result<i32> {
        self.0.add(a, b)
    }
    fn describe(&self, a: i32, b: &Variant, c: i32, d: &BStr) -> Result<BStr> {
        self.0.describe(a, b, c, d)
    }
    fn get_item(&self, index: i32) -> Result<Variant> {
        self.0.get_item(index)
    }
    fn put_item(&self, index: i32, value: &Variant) -> Result<()> {
        self.0.put_item(index, value)
    }
    fn get_child(&self) -> Result<IDispatch> {
        self.0.get_child()
    }
    fn putref_child(&self, value: Option<&IDispatch>) -> Result<()> {
        self.0.putref_child(value)
    }
    fn locale(&self, a: i32, lcid: u32) -> Result<i32> {
        self.0.locale(a, lcid)
    }
    fn swap(&self, a: &mut i32, b: &mut BStr, c: &mut Variant) -> Result<()> {
        self.0.swap(a, b, c)
    }
    fn join(&self, separator: &BStr, values: *mut SAFEARRAY) -> Result<BStr> {
        self.0.join(separator, values)
    }
    fn fail(&self, code: i32) -> Result<()> {
        self.0.fail(code)
    }
    fn panic(&self) -> Result<()> {
        self.0.panic()
    }
    fn hidden(&self) -> Result<()> {
        self.0.hidden()
    }
    fn kinds(&self, flag: bool, real: f64, little: i16, big: u32) -> Result<BStr> {
        self.0.kinds(flag, real, little, big)
    }
    fn get_count(&self) -> Result<i32> {
        self.0.get_count()
    }
    fn outs(&self, number: &mut i32, text: &mut BStr) -> Result<()> {
        self.0.outs(number, text)
    }
    fn get_value(&self, index: &Variant) -> Result<i32> {
        self.0.get_value(index)
    }
    fn quiet(&self) -> Result<()> {
        self.0.quiet()
    }
    fn flag(&self) -> Result<bool> {
        self.0.flag()
    }
    fn bytes(&self) -> Result<*mut SAFEARRAY> {
        self.0.bytes()
    }
}

/// The object as `#[implement]` makes it.
fn tester() -> IDispatch {
    let t: ITester = Implemented(Tester::default()).into();
    t.cast().expect("ITester is dual")
}

#[test]
fn implement_object_keeps_one_identity() {
    let t: ITester = Implemented(Tester::default()).into();
    let unknown: IUnknown = t.cast().expect("IUnknown");
    let dispatch: IDispatch = t.cast().expect("IDispatch");
    let shape: bindings::IShape = t.cast().expect("IShape, a base");
    // Every interface leads back to the one IUnknown (COM's identity rule).
    for back in [
        dispatch.cast::<IUnknown>().expect("IUnknown"),
        shape.cast::<IUnknown>().expect("IUnknown"),
        t.cast::<IUnknown>().expect("IUnknown"),
    ] {
        assert_eq!(back.as_raw(), unknown.as_raw());
    }
    // The base's methods through the wrapper, the derived ones through the vtable.
    shape.put_name(&BStr::from("square")).expect("put_name");
    assert_eq!(t.get_name().expect("get_name").to_string(), "square");
    assert_eq!(t.add(2, 3).expect("add"), 5);
    // An interface the object does not implement.
    assert_eq!(
        t.cast::<bindings::DCounter>()
            .map(|_| ())
            .map_err(|e| e.code()),
        Err(E_NOINTERFACE)
    );
}
