// The IDispatch conformance cases (spec/idispatch.md) and the object they call, shared by
// tests/dispatch_conformance.rs (the object made with idlgen's `into_com`) and
// tests/dispatch_implement.rs (the same object behind windows-rs's `#[implement]`): each
// includes this file and defines `tester()`, so both answer every case alike.

use std::cell::{Cell, RefCell};

use bindings::{DCounter, DCounter_Impl, IShape_Impl, ITester, ITester_Impl};
use dispatch_support::*;
use idlgen_runtime::*;

/// The object behind ITester: records what the shim passed it.
#[derive(Default)]
struct Tester {
    name: RefCell<String>,
    items: RefCell<Vec<(i32, Variant)>>,
    child: RefCell<Option<IDispatch>>,
    calls: Cell<u32>,
}

impl IShape_Impl for Tester {
    fn get_name(&self) -> Result<BStr> {
        Ok(BStr::from(self.name.borrow().as_str()))
    }
    fn put_name(&self, value: &BStr) -> Result<()> {
        *self.name.borrow_mut() = value.to_string_lossy();
        Ok(())
    }
    fn area(&self) -> Result<f64> {
        Ok(2.5)
    }
}

fn show(v: &Variant) -> String {
    match (v.vt(), v.as_bstr()) {
        (VT_BSTR, Some(s)) => format!("{s:?}"),
        (VT_ERROR, _) => format!("missing:{}", same(v, &Variant::missing())),
        _ => match change_type(v, VT_BSTR) {
            Ok(s) => format!(
                "{}:{}",
                vt_name(v.vt()),
                String::try_from(&s).unwrap_or_default()
            ),
            Err(hr) => format!("{}:{hr}", vt_name(v.vt())),
        },
    }
}

/// Variants compare by their `Debug` text (type and value).
fn same(a: &Variant, b: &Variant) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

macro_rules! assert_variant {
    ($a:expr, $b:expr) => {{
        let (a, b): (Variant, Variant) = ($a, $b);
        assert!(same(&a, &b), "{a:?} != {b:?}");
    }};
}

impl ITester_Impl for Tester {
    fn add(&self, a: i32, b: i32) -> Result<i32> {
        self.calls.set(self.calls.get() + 1);
        a.checked_add(b)
            .ok_or_else(|| Error::new(DISP_E_OVERFLOW, "sum overflows"))
    }
    fn describe(&self, a: i32, b: &Variant, c: i32, d: &BStr) -> Result<BStr> {
        Ok(BStr::from(format!("a={a} b={} c={c} d={d}", show(b))))
    }
    fn get_item(&self, index: i32) -> Result<Variant> {
        self.items
            .borrow()
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::new(DISP_E_BADINDEX, format!("no item {index}")))
    }
    fn put_item(&self, index: i32, value: &Variant) -> Result<()> {
        self.items.borrow_mut().push((index, value.clone()));
        Ok(())
    }
    fn get_child(&self) -> Result<IDispatch> {
        self.child
            .borrow()
            .clone()
            .ok_or_else(|| Error::new(E_POINTER, "no child"))
    }
    fn putref_child(&self, value: Option<&IDispatch>) -> Result<()> {
        *self.child.borrow_mut() = value.cloned();
        Ok(())
    }
    fn locale(&self, a: i32, lcid: u32) -> Result<i32> {
        Ok(a + lcid as i32)
    }
    fn swap(&self, a: &mut i32, b: &mut BStr, c: &mut Variant) -> Result<()> {
        *a += 1;
        *b = BStr::from(format!("{b}!"));
        *c = Variant::from(*a);
        Ok(())
    }
    fn join(&self, separator: &BStr, values: *mut SAFEARRAY) -> Result<BStr> {
        // SAFETY: the shim passes a live SAFEARRAY of VARIANT for the call.
        let values = unsafe { safe_array_as_slice::<Variant>(values) }.unwrap_or(&[]);
        let parts: Vec<String> = values
            .iter()
            .map(|v| change_type(v, VT_BSTR).map(|s| String::try_from(&s).unwrap_or_default()))
            .collect::<core::result::Result<_, _>>()
            .map_err(|hr| Error::new(hr, "not text"))?;
        Ok(BStr::from(parts.join(&separator.to_string_lossy())))
    }
    fn fail(&self, code: i32) -> Result<()> {
        Err(Error::new(HRESULT(code), format!("failed with {code:#x}")))
    }
    fn panic(&self) -> Result<()> {
        panic!("the implementation panicked on purpose")
    }
    fn hidden(&self) -> Result<()> {
        Ok(())
    }
    fn kinds(&self, flag: bool, real: f64, little: i16, big: u32) -> Result<BStr> {
        Ok(BStr::from(format!("{flag} {real} {little} {big}")))
    }
    fn get_count(&self) -> Result<i32> {
        Ok(self.items.borrow().len() as i32)
    }
    fn outs(&self, number: &mut i32, text: &mut BStr) -> Result<()> {
        *number = 42;
        *text = BStr::from("out");
        Ok(())
    }
    fn get_value(&self, index: &Variant) -> Result<i32> {
        if same(index, &Variant::missing()) {
            return Ok(-1);
        }
        Ok(i32::try_from(index)? * 10)
    }
    fn quiet(&self) -> Result<()> {
        Err(Error::from(S_FALSE))
    }
    fn flag(&self) -> Result<bool> {
        Ok(true)
    }
    fn bytes(&self) -> Result<*mut SAFEARRAY> {
        // The array moves to the caller, inside the result VARIANT.
        let raw = Variant::from(vec![4u8, 5, 6]).into_raw();
        assert_eq!(raw.vt, VT_ARRAY | VT_UI1);
        // SAFETY: vt says the member is the SAFEARRAY, whose ownership `raw` gives up here.
        Ok(unsafe { raw.data.parray })
    }
}


const ADD: i32 = 10;
const DESCRIBE: i32 = 11;
const ITEM: i32 = 12;
const CHILD: i32 = 13;
const LOCALE: i32 = 14;
const SWAP: i32 = 15;
const JOIN: i32 = 16;
const FAIL: i32 = 17;
const PANIC: i32 = 18;
const HIDDEN: i32 = 19;
const KINDS: i32 = 20;
const COUNT: i32 = 21;
const OUTS: i32 = 22;
const QUIET: i32 = 23;
const FLAG: i32 = 24;
const BYTES: i32 = 25;
const NAME: i32 = 1;
const AREA: i32 = 2;
const METHOD_GET: u16 = DISPATCH_METHOD | DISPATCH_PROPERTYGET;

fn text(o: &Outcome) -> String {
    assert_eq!(o.hr, S_OK, "{o:?}");
    String::try_from(&o.result).expect("a string result")
}

// ---- GetIDsOfNames ----

#[test]
fn getidsofnames_g1_case_insensitive_lcid_ignored() {
    let d = tester();
    for name in ["Add", "ADD", "add", "aDD"] {
        for lcid in [0, 0x409, 0x407, 0x41F] {
            assert_eq!(ids_of(&d, &[name], lcid), (S_OK, vec![ADD]));
        }
    }
    // Inherited from the dual base.
    assert_eq!(ids_of(&d, &["AREA"], 0), (S_OK, vec![AREA]));
    // A Unicode-aware fold: the table's rule, not ASCII only.
    assert_eq!(idlgen_runtime::__codegen::fold_name("ÄRGER"), "ärger");
}

#[test]
fn getidsofnames_g2_parameter_names_give_positions() {
    let d = tester();
    assert_eq!(
        ids_of(&d, &["describe", "D", "b", "A"], 0),
        (S_OK, vec![DESCRIBE, 3, 1, 0])
    );
    assert_eq!(ids_of(&d, &["Locale", "lcid"], 0), (S_OK, vec![LOCALE, 1]));
}

#[test]
fn getidsofnames_g3_unknown_names_marked_known_still_filled() {
    let d = tester();
    assert_eq!(
        ids_of(&d, &["Add", "nope", "B"], 0),
        (DISP_E_UNKNOWNNAME, vec![ADD, DISPID_UNKNOWN, 1])
    );
    assert_eq!(
        ids_of(&d, &["NoSuchMember", "a"], 0),
        (DISP_E_UNKNOWNNAME, vec![DISPID_UNKNOWN, DISPID_UNKNOWN])
    );
}

#[test]
fn getidsofnames_g4_zero_names_and_null_pointers() {
    let d = tester();
    assert_eq!(ids_of(&d, &[], 0).0, E_INVALIDARG);
    let mut id = 0;
    let name: Vec<u16> = "Add\0".encode_utf16().collect();
    let names = [name.as_ptr()];
    let null_name = [core::ptr::null::<u16>()];
    // SAFETY: a live IDispatch; the null pointers are what is being tested.
    unsafe {
        let f = d.vtable().GetIDsOfNames;
        assert_eq!(
            f(d.as_raw(), &IID_NULL, core::ptr::null(), 1, 0, &mut id),
            E_POINTER
        );
        assert_eq!(
            f(
                d.as_raw(),
                &IID_NULL,
                names.as_ptr(),
                1,
                0,
                core::ptr::null_mut()
            ),
            E_POINTER
        );
        assert_eq!(
            f(d.as_raw(), core::ptr::null(), names.as_ptr(), 1, 0, &mut id),
            E_POINTER
        );
        assert_eq!(
            f(d.as_raw(), &IID_NULL, null_name.as_ptr(), 1, 0, &mut id),
            E_POINTER
        );
    }
}

#[test]
fn getidsofnames_g5_riid_must_be_null() {
    let d = tester();
    assert_eq!(
        ids_with(&d, &IDispatch::IID, &["Add"], 0).0,
        DISP_E_UNKNOWNINTERFACE
    );
}

#[test]
fn getidsofnames_g6_table_is_searched_not_scanned() {
    // The generated table carries a sorted name index (checked when the const is built) and is
    // binary-searched without allocating; benches/dispatch.rs measures 5 against 500 members.
    let table = &ITester::DISPIDS;
    for m in table.members() {
        assert!(table.lookup(&m.name.to_uppercase()).is_some());
    }
    assert_eq!(table.lookup("zzz"), None);
}

// ---- Invoke: order of checks ----

#[test]
fn invoke_i1_riid_must_be_null() {
    let d = tester();
    let o = invoke_with(
        &d,
        ADD,
        &IDispatch::IID,
        0,
        DISPATCH_METHOD,
        &mut [],
        &mut [],
    );
    assert_eq!(o.hr, DISP_E_UNKNOWNINTERFACE);
}

#[test]
fn invoke_i2_bad_dispparams() {
    let d = tester();
    let mut result = Variant::new();
    // SAFETY: a live IDispatch; the malformed DISPPARAMS are what is being tested (the shim
    // checks them before reading anything).
    unsafe {
        let f = d.vtable().Invoke;
        let call = |p: *const DISPPARAMS, r: *mut VARIANT| {
            f(
                d.as_raw(),
                ADD,
                &IID_NULL,
                0,
                DISPATCH_METHOD,
                p,
                r,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
            )
        };
        assert_eq!(
            call(core::ptr::null(), result.as_mut_ptr()),
            DISP_E_PARAMNOTOPTIONAL
        );
        let mut args = [Variant::from(1), Variant::from(2)];
        let mut named = [0];
        let too_many_named = DISPPARAMS {
            rgvarg: args.as_mut_ptr().cast(),
            rgdispidNamedArgs: named.as_mut_ptr(),
            cArgs: 0,
            cNamedArgs: 1,
        };
        assert_eq!(call(&too_many_named, result.as_mut_ptr()), E_INVALIDARG);
        let null_named = DISPPARAMS {
            rgvarg: args.as_mut_ptr().cast(),
            rgdispidNamedArgs: core::ptr::null_mut(),
            cArgs: 2,
            cNamedArgs: 1,
        };
        assert_eq!(call(&null_named, result.as_mut_ptr()), E_INVALIDARG);
        let null_args = DISPPARAMS {
            rgvarg: core::ptr::null_mut(),
            rgdispidNamedArgs: core::ptr::null_mut(),
            cArgs: 2,
            cNamedArgs: 0,
        };
        assert_eq!(call(&null_args, result.as_mut_ptr()), E_INVALIDARG);
        // pVarResult, pExcepInfo and puArgErr may all be null.
        let ok = DISPPARAMS {
            rgvarg: args.as_mut_ptr().cast(),
            rgdispidNamedArgs: core::ptr::null_mut(),
            cArgs: 2,
            cNamedArgs: 0,
        };
        assert_eq!(call(&ok, core::ptr::null_mut()), S_OK);
    }
}

#[test]
fn invoke_i3_member_selection() {
    let d = tester();
    // VBScript's METHOD|PROPERTYGET reaches a method and a getter.
    assert_variant!(
        invoke(&d, ADD, METHOD_GET, vec![2.into(), 3.into()]).result,
        Variant::from(5)
    );
    assert_variant!(
        invoke(&d, COUNT, METHOD_GET, vec![]).result,
        Variant::from(0)
    );
    // Members of the dual base.
    assert_variant!(
        invoke(&d, AREA, DISPATCH_METHOD, vec![]).result,
        Variant::from(2.5)
    );
    // No such DISPID, or no member of that kind.
    assert_eq!(
        invoke(&d, 999, METHOD_GET, vec![]).hr,
        DISP_E_MEMBERNOTFOUND
    );
    assert_eq!(
        invoke(&d, ADD, DISPATCH_PROPERTYPUT, vec![1.into()]).hr,
        DISP_E_MEMBERNOTFOUND
    );
    assert_eq!(
        invoke(&d, COUNT, DISPATCH_PROPERTYPUT, vec![1.into()]).hr,
        DISP_E_MEMBERNOTFOUND
    );
    // [restricted] with a non-negative DISPID.
    assert_eq!(
        invoke(&d, HIDDEN, DISPATCH_METHOD, vec![]).hr,
        DISP_E_MEMBERNOTFOUND
    );
}

#[test]
fn invoke_i4_property_put_and_putref() {
    let d = tester();
    let mut value = [Variant::from("shape")];
    let o = invoke_raw(
        &d,
        NAME,
        DISPATCH_PROPERTYPUT,
        &mut value,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!(o.hr, S_OK);
    assert_eq!(
        text(&invoke(&d, NAME, DISPATCH_PROPERTYGET, vec![])),
        "shape"
    );
    // Without the DISPID_PROPERTYPUT named argument.
    let o = invoke_raw(
        &d,
        NAME,
        DISPATCH_PROPERTYPUT,
        &mut [Variant::from("x")],
        &mut [],
    );
    assert_eq!(o.hr, DISP_E_PARAMNOTFOUND);
    // An indexed put: rgvarg[0] is the value, the rest are index parameters.
    let mut args = [Variant::from("seven"), Variant::from(7)];
    let o = invoke_raw(
        &d,
        ITEM,
        DISPATCH_PROPERTYPUT,
        &mut args,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!(o.hr, S_OK);
    assert_eq!(text(&invoke(&d, ITEM, METHOD_GET, vec![7.into()])), "seven");
    // putref: by reference only.
    let child = tester();
    let mut args = [Variant::from(child.clone())];
    let o = invoke_raw(
        &d,
        CHILD,
        DISPATCH_PROPERTYPUTREF,
        &mut args,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!(o.hr, S_OK);
    let got = invoke(&d, CHILD, DISPATCH_PROPERTYGET, vec![]);
    assert_eq!(got.result.vt(), VT_DISPATCH);
    assert_eq!(IDispatch::try_from(&got.result).ok(), Some(child));
    let o = invoke_raw(
        &d,
        CHILD,
        DISPATCH_PROPERTYPUT,
        &mut args,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!(o.hr, DISP_E_MEMBERNOTFOUND);
}

#[test]
fn invoke_i5_vararg() {
    let d = tester();
    let o = invoke(
        &d,
        JOIN,
        DISPATCH_METHOD,
        vec!["-".into(), 1.into(), "two".into(), 3.5.into()],
    );
    assert_eq!(text(&o), "1-two-3.5");
    assert_eq!(
        text(&invoke(&d, JOIN, DISPATCH_METHOD, vec!["-".into()])),
        ""
    );
    let mut args = [Variant::from(1), Variant::from("-")];
    let o = invoke_raw(&d, JOIN, DISPATCH_METHOD, &mut args, &mut [1]);
    assert_eq!(o.hr, DISP_E_NONAMEDARGS);
}

// ---- Invoke: arguments ----

#[test]
fn invoke_a1_reverse_order() {
    let d = tester();
    // Declaration order a, b, c, d; rgvarg holds them reversed.
    let mut rgvarg = [
        Variant::from("four"),
        Variant::from(3),
        Variant::from("two"),
        Variant::from(1),
    ];
    let o = invoke_raw(&d, DESCRIBE, DISPATCH_METHOD, &mut rgvarg, &mut []);
    assert_eq!(text(&o), "a=1 b=\"two\" c=3 d=four");
    // Named arguments occupy rgvarg[0..cNamedArgs], by parameter position; positional ones
    // follow, still reversed.
    let mut rgvarg = [Variant::from("dee"), Variant::from(30), Variant::from(1)];
    let o = invoke_raw(&d, DESCRIBE, DISPATCH_METHOD, &mut rgvarg, &mut [3, 2]);
    assert_eq!(text(&o), "a=1 b=missing:true c=30 d=dee");
}

#[test]
fn invoke_a2_named_argument_matching_no_parameter() {
    let d = tester();
    let mut rgvarg = [Variant::from(5), Variant::from(1)];
    let o = invoke_raw(&d, DESCRIBE, DISPATCH_METHOD, &mut rgvarg, &mut [42]);
    assert_eq!((o.hr, o.arg_err), (DISP_E_PARAMNOTFOUND, Some(0)));
    // The [retval] and the [lcid] are not arguments either.
    let mut rgvarg = [Variant::from(2), Variant::from(5), Variant::from(1)];
    let o = invoke_raw(&d, DESCRIBE, DISPATCH_METHOD, &mut rgvarg, &mut [2, 4]);
    assert_eq!((o.hr, o.arg_err), (DISP_E_PARAMNOTFOUND, Some(1)));
    let o = invoke_raw(
        &d,
        LOCALE,
        DISPATCH_METHOD,
        &mut [Variant::from(1), Variant::from(2)],
        &mut [1],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_PARAMNOTFOUND, Some(0)));
    // A parameter given positionally and by name.
    let o = invoke_raw(
        &d,
        ADD,
        DISPATCH_METHOD,
        &mut [Variant::from(1), Variant::from(2)],
        &mut [0],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_PARAMNOTFOUND, Some(0)));
}

#[test]
fn invoke_a3_missing_required_or_too_many() {
    let d = tester();
    assert_eq!(
        invoke(&d, ADD, DISPATCH_METHOD, vec![1.into()]).hr,
        DISP_E_BADPARAMCOUNT
    );
    assert_eq!(
        invoke(&d, ADD, DISPATCH_METHOD, vec![]).hr,
        DISP_E_BADPARAMCOUNT
    );
    assert_eq!(
        invoke(
            &d,
            DESCRIBE,
            DISPATCH_METHOD,
            (0..5).map(Variant::from).collect()
        )
        .hr,
        DISP_E_BADPARAMCOUNT
    );
    // A named argument does not stand in for a missing earlier required one.
    let o = invoke_raw(&d, ADD, DISPATCH_METHOD, &mut [Variant::from(1)], &mut [1]);
    assert_eq!(o.hr, DISP_E_BADPARAMCOUNT);
}

#[test]
fn invoke_a4_optional_and_default_values() {
    let d = tester();
    assert_eq!(
        text(&invoke(&d, DESCRIBE, DISPATCH_METHOD, vec![1.into()])),
        "a=1 b=missing:true c=7 d=dflt"
    );
    // The missing marker counts as omitted.
    let missing = || Variant::missing();
    assert_eq!(
        text(&invoke(
            &d,
            DESCRIBE,
            DISPATCH_METHOD,
            vec![1.into(), missing(), missing(), missing()]
        )),
        "a=1 b=missing:true c=7 d=dflt"
    );
    // VT_EMPTY is a value, not a missing argument.
    assert_eq!(
        text(&invoke(
            &d,
            DESCRIBE,
            DISPATCH_METHOD,
            vec![1.into(), Variant::new(), Variant::new(), Variant::new()]
        )),
        "a=1 b=VT_EMPTY: c=0 d="
    );
    // A missing optional VARIANT without default is the marker; the named argument after a
    // missing one is not dropped.
    let mut rgvarg = [Variant::from("last"), Variant::from(1)];
    assert_eq!(
        text(&invoke_raw(
            &d,
            DESCRIBE,
            DISPATCH_METHOD,
            &mut rgvarg,
            &mut [3]
        )),
        "a=1 b=missing:true c=7 d=last"
    );
}

#[test]
fn invoke_a5_lcid_parameter() {
    let d = tester();
    let o = invoke_with(
        &d,
        LOCALE,
        &IID_NULL,
        0x409,
        DISPATCH_METHOD,
        &mut [Variant::from(1)],
        &mut [],
    );
    assert_variant!(o.result, Variant::from(0x40A));
    // The [lcid] parameter is not in rgvarg: a second argument is one too many.
    let o = invoke(&d, LOCALE, DISPATCH_METHOD, vec![1.into(), 2.into()]);
    assert_eq!(o.hr, DISP_E_BADPARAMCOUNT);
}

#[test]
fn invoke_a6_coercion_and_failing_argument_index() {
    let d = tester();
    // A string and a VT_I2 coerced to LONG.
    assert_variant!(
        invoke(&d, ADD, DISPATCH_METHOD, vec!["12".into(), 3i16.into()]).result,
        Variant::from(15)
    );
    assert_variant!(
        invoke(&d, ADD, DISPATCH_METHOD, vec![2.5.into(), 1.5.into()]).result,
        Variant::from(4)
    );
    let o = invoke(&d, ADD, DISPATCH_METHOD, vec!["Sunshine".into(), 1.into()]);
    assert_eq!((o.hr, o.arg_err), (DISP_E_TYPEMISMATCH, Some(1)));
    let o = invoke(
        &d,
        ADD,
        DISPATCH_METHOD,
        vec![1.into(), 2147483648.0.into()],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_OVERFLOW, Some(0)));
    let mut bad = VARIANT::new();
    bad.vt = 0x7F;
    // SAFETY: a VARIANT with an invalid type owns nothing.
    let bad = unsafe { Variant::from_raw(bad) };
    let o = invoke(&d, ADD, DISPATCH_METHOD, vec![1.into(), bad]);
    assert_eq!((o.hr, o.arg_err), (DISP_E_BADVARTYPE, Some(0)));
    assert_eq!(o.result.vt(), VT_EMPTY);
    // Other types: VARIANT_BOOL, double, short, unsigned long.
    let o = invoke(
        &d,
        KINDS,
        DISPATCH_METHOD,
        vec!["True".into(), "2.25".into(), 7i32.into(), 9u8.into()],
    );
    assert_eq!(text(&o), "true 2.25 7 9");
    let o = invoke(
        &d,
        KINDS,
        DISPATCH_METHOD,
        vec![0.into(), 1.into(), 40000.into(), 1.into()],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_OVERFLOW, Some(1)));
    // Without puArgErr the failure is still reported.
    let mut args = [Variant::from("x"), Variant::from(1)];
    let mut params = DISPPARAMS {
        rgvarg: args.as_mut_ptr().cast(),
        rgdispidNamedArgs: core::ptr::null_mut(),
        cArgs: 2,
        cNamedArgs: 0,
    };
    // SAFETY: a live IDispatch and valid arguments; the out pointers may be null.
    let hr = unsafe {
        (d.vtable().Invoke)(
            d.as_raw(),
            ADD,
            &IID_NULL,
            0,
            DISPATCH_METHOD,
            &mut params,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    assert_eq!(hr, DISP_E_TYPEMISMATCH);
}

#[test]
fn invoke_a7_byref_arguments() {
    let d = tester();
    // Exactly the parameters' types: the caller sees the writes.
    let mut a = 1i32;
    let mut b = BStr::from("hi");
    let mut c = Variant::from("old");
    let mut rgvarg = [
        byref(VT_VARIANT, &mut c),
        byref(VT_BSTR, &mut b),
        byref(VT_I4, &mut a),
    ];
    assert_eq!(
        invoke_raw(&d, SWAP, DISPATCH_METHOD, &mut rgvarg, &mut []).hr,
        S_OK
    );
    drop(rgvarg);
    assert_eq!((a, b.to_string_lossy()), (2, "hi!".to_string()));
    assert_variant!(c, Variant::from(2));
    // Other byref types: coerced into a temporary, written back after the call (converted
    // back to the caller's type).
    let mut a = 5i16;
    let mut b = Variant::from(7);
    let mut c = 0.5f64;
    let mut rgvarg = [
        byref(VT_R8, &mut c),
        byref(VT_VARIANT, &mut b),
        byref(VT_I2, &mut a),
    ];
    assert_eq!(
        invoke_raw(&d, SWAP, DISPATCH_METHOD, &mut rgvarg, &mut []).hr,
        S_OK
    );
    drop(rgvarg);
    assert_eq!((a, c), (6, 6.0));
    assert_eq!(String::try_from(&b).ok().as_deref(), Some("7!"));
    // A value that does not convert back names its argument.
    let mut a = 1i32;
    let mut b = 7i32;
    let mut c = Variant::new();
    let mut rgvarg = [
        byref(VT_VARIANT, &mut c),
        byref(VT_I4, &mut b),
        byref(VT_I4, &mut a),
    ];
    let o = invoke_raw(&d, SWAP, DISPATCH_METHOD, &mut rgvarg, &mut []);
    assert_eq!((o.hr, o.arg_err), (DISP_E_TYPEMISMATCH, Some(1)));
}

#[test]
fn invoke_a7_byref_to_by_value_and_out_parameters() {
    let d = tester();
    // A byref argument to a by-value parameter is dereferenced.
    let mut x = 40i32;
    let mut y = BStr::from("2");
    let o = invoke(
        &d,
        ADD,
        DISPATCH_METHOD,
        vec![byref(VT_I4, &mut x), byref(VT_BSTR, &mut y)],
    );
    assert_variant!(o.result, Variant::from(42));
    // [out] parameters of the exact type are written without reading the old value.
    let mut number = 0i32;
    let mut text = BStr::new();
    let o = invoke(
        &d,
        OUTS,
        DISPATCH_METHOD,
        vec![byref(VT_I4, &mut number), byref(VT_BSTR, &mut text)],
    );
    assert_eq!(o.hr, S_OK);
    assert_eq!((number, text.to_string_lossy()), (42, "out".to_string()));
    // The write-back of a temporary that does not convert back (VT_I4 into a VT_DISPATCH
    // reference) fails and names the argument; arguments passed straight through were
    // written by the implementation itself.
    let mut a = 1i32;
    let mut b = BStr::from("keep");
    let o = invoke(
        &d,
        SWAP,
        DISPATCH_METHOD,
        vec![
            byref(VT_I4, &mut a),
            byref(VT_BSTR, &mut b),
            byref(VT_DISPATCH, &mut core::ptr::null_mut::<core::ffi::c_void>()),
        ],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_TYPEMISMATCH, Some(0)));
    assert_eq!((a, b.to_string_lossy()), (2, "keep!".to_string()));
}

/// A by-reference argument pointing at `p` (storage the test owns, perhaps unaligned).
fn byref_at<T>(vt: u16, p: *mut T) -> Variant {
    let mut raw = VARIANT::new();
    raw.vt = VT_BYREF | vt;
    raw.data.byref = p.cast();
    // SAFETY: a VT_BYREF VARIANT owns nothing; the storage outlives its use.
    unsafe { Variant::from_raw(raw) }
}

/// A7 with the callers' storage at addresses not aligned for its type (Wine's VBScript passes
/// its variables as VT_BYREF | VT_VARIANT at 4-byte-aligned addresses): the shim reads, frees
/// and writes back through such pointers without assuming alignment. Regression test: the
/// write-back used aligned writes and the implementation got a `&mut` into the caller's
/// storage, which debug builds stop on ("misaligned pointer dereference") and which is
/// undefined behaviour in any build.
#[test]
fn invoke_a7_byref_storage_at_unaligned_addresses() {
    #[repr(C, align(16))]
    struct Buffer([u8; 256]);
    let mut buffer = Buffer([0; 256]);
    let base = buffer.0.as_mut_ptr();
    // Each slot lies inside the buffer at an offset its type's alignment does not divide.
    // SAFETY: every offset leaves room for its value (at most 24 bytes) in 256 bytes.
    let at = |offset: usize| unsafe { base.add(offset) };
    let (a, b, c) = (
        at(1).cast::<i32>(),
        at(9).cast::<BSTR>(),
        at(20).cast::<VARIANT>(),
    );
    let d = tester();

    // [in, out] of exactly the parameters' types: the implementation's writes reach the
    // caller's storage.
    // SAFETY: the slots are valid for their values' bytes; writes and reads assume no
    // alignment; the BSTR and VARIANT placed here are taken back (and freed) below.
    unsafe {
        a.write_unaligned(1);
        b.write_unaligned(BStr::from("hi").into_raw());
        c.write_unaligned(Variant::from("old").into_raw());
    }
    let mut rgvarg = [
        byref_at(VT_VARIANT, c),
        byref_at(VT_BSTR, b),
        byref_at(VT_I4, a),
    ];
    let o = invoke_raw(&d, SWAP, DISPATCH_METHOD, &mut rgvarg, &mut []);
    assert_eq!(o.hr, S_OK, "{o:?}");
    // SAFETY: as above.
    let (av, bv, cv) = unsafe {
        (
            a.read_unaligned(),
            BStr::from_raw(b.read_unaligned()),
            Variant::from_raw(c.read_unaligned()),
        )
    };
    assert_eq!((av, bv.to_string_lossy()), (2, "hi!".to_string()));
    assert_variant!(cv, Variant::from(2));

    // Other types: coerced into temporaries and stored back into the unaligned storage
    // (a VT_I2, a VARIANT holding the string, a VT_R8).
    let (a2, c2) = (at(49).cast::<i16>(), at(59).cast::<f64>());
    // SAFETY: as above.
    unsafe {
        a2.write_unaligned(5);
        c.write_unaligned(Variant::from(7).into_raw());
        c2.write_unaligned(0.5);
    }
    let mut rgvarg = [
        byref_at(VT_R8, c2),
        byref_at(VT_VARIANT, c),
        byref_at(VT_I2, a2),
    ];
    let o = invoke_raw(&d, SWAP, DISPATCH_METHOD, &mut rgvarg, &mut []);
    assert_eq!(o.hr, S_OK, "{o:?}");
    // SAFETY: as above.
    let (av, bv, cv) = unsafe {
        (
            a2.read_unaligned(),
            Variant::from_raw(c.read_unaligned()),
            c2.read_unaligned(),
        )
    };
    assert_eq!((av, cv), (6, 6.0));
    assert_eq!(String::try_from(&bv).ok().as_deref(), Some("7!"));

    // [out] parameters: written without reading the old value.
    // SAFETY: as above.
    unsafe {
        a.write_unaligned(0);
        b.write_unaligned(core::ptr::null_mut());
    }
    let o = invoke(
        &d,
        OUTS,
        DISPATCH_METHOD,
        vec![byref_at(VT_I4, a), byref_at(VT_BSTR, b)],
    );
    assert_eq!(o.hr, S_OK, "{o:?}");
    // SAFETY: as above.
    let (av, bv) = unsafe { (a.read_unaligned(), BStr::from_raw(b.read_unaligned())) };
    assert_eq!((av, bv.to_string_lossy()), (42, "out".to_string()));

    // A failing write-back after the implementation ran: what it wrote in place is still
    // the caller's.
    // SAFETY: as above.
    unsafe {
        a.write_unaligned(1);
        b.write_unaligned(BStr::from("keep").into_raw());
    }
    let mut null = core::ptr::null_mut::<core::ffi::c_void>();
    let o = invoke(
        &d,
        SWAP,
        DISPATCH_METHOD,
        vec![
            byref_at(VT_I4, a),
            byref_at(VT_BSTR, b),
            byref_at(VT_DISPATCH, &mut null),
        ],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_TYPEMISMATCH, Some(0)));
    // SAFETY: as above.
    let (av, bv) = unsafe { (a.read_unaligned(), BStr::from_raw(b.read_unaligned())) };
    assert_eq!((av, bv.to_string_lossy()), (2, "keep!".to_string()));

    // By-reference arguments to by-value parameters (a VARIANT and a BSTR) are read, not
    // borrowed, when unaligned.
    // SAFETY: as above.
    unsafe {
        c.write_unaligned(Variant::from(3.5).into_raw());
        b.write_unaligned(BStr::from("text").into_raw());
    }
    let o = invoke(
        &d,
        DESCRIBE,
        DISPATCH_METHOD,
        vec![
            1.into(),
            byref_at(VT_VARIANT, c),
            2.into(),
            byref_at(VT_BSTR, b),
        ],
    );
    assert_eq!(text(&o), "a=1 b=VT_R8:3.5 c=2 d=text");
    // SAFETY: as above.
    unsafe {
        drop(Variant::from_raw(c.read_unaligned()));
        drop(BStr::from_raw(b.read_unaligned()));
    }
}

#[test]
fn invoke_a8_retval_is_never_an_argument() {
    let d = tester();
    let o = invoke(
        &d,
        ADD,
        DISPATCH_METHOD,
        vec![1.into(), 2.into(), Variant::new()],
    );
    assert_eq!(o.hr, DISP_E_BADPARAMCOUNT);
    let o = invoke(&d, FLAG, DISPATCH_METHOD, vec![Variant::new()]);
    assert_eq!(o.hr, DISP_E_BADPARAMCOUNT);
}

#[test]
fn invoke_a9_temporaries_freed_on_every_path() {
    // Run under valgrind in CI: coerced BSTRs, VARIANT copies, vararg arrays and EXCEPINFO
    // strings are freed whether the call succeeds or fails.
    // The object's own reference count (not the process-wide object count, which tests running
    // in parallel change) shows no path keeps a reference; valgrind shows nothing else leaks.
    let d = tester();
    let refs = |d: &IDispatch| {
        let unknown = idlgen_runtime::as_unknown(d);
        let vtbl = unknown.vtable();
        // SAFETY: a live interface pointer; the AddRef is undone by the Release.
        unsafe {
            (vtbl.AddRef)(unknown.as_raw());
            (vtbl.Release)(unknown.as_raw())
        }
    };
    assert_eq!(refs(&d), 1);
    for _ in 0..3 {
        assert_eq!(
            invoke(&d, ADD, DISPATCH_METHOD, vec![12.into(), "x".into()]).hr,
            DISP_E_TYPEMISMATCH
        );
        assert_eq!(
            text(&invoke(
                &d,
                DESCRIBE,
                DISPATCH_METHOD,
                vec![1.into(), 2.into(), "3".into(), 4.into()]
            )),
            "a=1 b=VT_I4:2 c=3 d=4"
        );
        assert_eq!(
            invoke(
                &d,
                JOIN,
                DISPATCH_METHOD,
                vec![1.into(), "a".into(), Variant::from(vec![1u8, 2])]
            )
            .hr,
            DISP_E_EXCEPTION
        );
        assert_eq!(
            invoke(&d, FAIL, DISPATCH_METHOD, vec!["-2147467259".into()]).hr,
            DISP_E_EXCEPTION
        );
    }
    assert_eq!(refs(&d), 1);
}

// ---- Invoke: results and errors ----

#[test]
fn invoke_r1_result_types() {
    let d = tester();
    let o = invoke(&d, ADD, DISPATCH_METHOD, vec![1.into(), 2.into()]);
    assert_variant!(o.result, Variant::from(3));
    assert_eq!(
        invoke(&d, NAME, DISPATCH_PROPERTYGET, vec![]).result.vt(),
        VT_BSTR
    );
    assert_eq!(invoke(&d, AREA, DISPATCH_METHOD, vec![]).result.vt(), VT_R8);
    assert_variant!(
        invoke(&d, FLAG, DISPATCH_METHOD, vec![]).result,
        Variant::from(true)
    );
    let mut put = [Variant::from(vec![1u8, 2, 3]), Variant::from(1)];
    assert_eq!(
        invoke_raw(
            &d,
            ITEM,
            DISPATCH_PROPERTYPUT,
            &mut put,
            &mut [DISPID_PROPERTYPUT]
        )
        .hr,
        S_OK
    );
    let o = invoke(&d, ITEM, DISPATCH_PROPERTYGET, vec![1.into()]);
    assert_eq!(o.result.as_bytes(), Some(&[1u8, 2, 3][..]));
    // A SAFEARRAY retval: the result VARIANT holds (and owns) the implementation's array.
    let o = invoke(&d, BYTES, DISPATCH_METHOD, vec![]);
    assert_eq!((o.hr, o.result.vt()), (S_OK, VT_ARRAY | VT_UI1));
    assert_eq!(o.result.as_bytes(), Some(&[4u8, 5, 6][..]));
    // No retval: VT_EMPTY.
    let o = invoke(&d, NAME, DISPATCH_PROPERTYGET, vec![]);
    assert_eq!(o.hr, S_OK);
    let mut value = [Variant::from("n")];
    let o = invoke_raw(
        &d,
        NAME,
        DISPATCH_PROPERTYPUT,
        &mut value,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!((o.hr, o.result.vt()), (S_OK, VT_EMPTY));
}

#[test]
fn invoke_r2_success_codes_become_s_ok() {
    let d = tester();
    let o = invoke(&d, QUIET, DISPATCH_METHOD, vec![]);
    assert_eq!(
        (o.hr, o.result.vt(), o.excep.is_none()),
        (S_OK, VT_EMPTY, true)
    );
}

#[test]
fn invoke_r3_errors_fill_excepinfo() {
    let d = tester();
    let o = invoke(
        &d,
        FAIL,
        DISPATCH_METHOD,
        vec![Variant::from(0x8007_0005_u32 as i32)],
    );
    assert_eq!(o.hr, DISP_E_EXCEPTION);
    assert_eq!(o.result.vt(), VT_EMPTY);
    assert_eq!(
        o.excep,
        Some(Excep {
            wcode: 0,
            scode: E_ACCESSDENIED,
            source: "ITester".into(),
            description: "failed with 0x80070005".into(),
        })
    );
    // pExcepInfo may be null.
    let mut args = [Variant::from(-1)];
    let mut params = DISPPARAMS {
        rgvarg: args.as_mut_ptr().cast(),
        rgdispidNamedArgs: core::ptr::null_mut(),
        cArgs: 1,
        cNamedArgs: 0,
    };
    // SAFETY: a live IDispatch and valid arguments; the out pointers may be null.
    let hr = unsafe {
        (d.vtable().Invoke)(
            d.as_raw(),
            FAIL,
            &IID_NULL,
            0,
            DISPATCH_METHOD,
            &mut params,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    assert_eq!(hr, DISP_E_EXCEPTION);
}

#[test]
fn invoke_r4_not_a_collection_and_default_member_reinvoke() {
    let d = tester();
    assert_eq!(
        invoke(&d, COUNT, DISPATCH_PROPERTYGET, vec![1.into()]).hr,
        DISP_E_NOTACOLLECTION
    );
    assert_eq!(
        invoke(&d, NAME, METHOD_GET, vec![1.into()]).hr,
        DISP_E_NOTACOLLECTION
    );
    // An object-valued property given arguments: its DISPID_VALUE is invoked with them.
    let child = tester();
    let mut args = [Variant::from(child)];
    assert_eq!(
        invoke_raw(
            &d,
            CHILD,
            DISPATCH_PROPERTYPUTREF,
            &mut args,
            &mut [DISPID_PROPERTYPUT]
        )
        .hr,
        S_OK
    );
    assert_variant!(
        invoke(&d, CHILD, METHOD_GET, vec![5.into()]).result,
        Variant::from(50)
    );
    assert_variant!(
        invoke(&d, DISPID_VALUE, METHOD_GET, vec![]).result,
        Variant::from(-1)
    );
}

#[test]
fn invoke_r5_panics_do_not_cross_the_boundary() {
    let d = tester();
    let o = invoke(&d, PANIC, DISPATCH_METHOD, vec![]);
    assert_eq!(o.hr, DISP_E_EXCEPTION);
    let excep = o.excep.expect("EXCEPINFO filled");
    assert_eq!(excep.scode, E_UNEXPECTED);
    assert!(excep.description.contains("on purpose"), "{excep:?}");
    // The object is still usable.
    assert_variant!(
        invoke(&d, ADD, DISPATCH_METHOD, vec![1.into(), 1.into()]).result,
        Variant::from(2)
    );
}

#[test]
fn dispatch_type_info_slots() {
    let d = tester();
    assert_eq!(d.get_type_info_count().expect("count"), 0);
    let mut info = core::ptr::dangling_mut::<core::ffi::c_void>();
    // SAFETY: a live IDispatch; `info` is writable.
    let hr = unsafe { (d.vtable().GetTypeInfo)(d.as_raw(), 0, 0, &mut info) };
    assert_eq!((hr, info.is_null()), (DISP_E_BADINDEX, true));
}

/// A dispinterface implemented in Rust: properties and value-returning methods.
#[derive(Default)]
struct Counter {
    value: Cell<i32>,
    step: Cell<i32>,
}

impl DCounter_Impl for Counter {
    fn get_step(&self) -> Result<i32> {
        Ok(self.step.get())
    }
    fn put_step(&self, value: i32) -> Result<()> {
        self.step.set(value);
        Ok(())
    }
    fn get_label(&self) -> Result<BStr> {
        Ok(BStr::from("counter"))
    }
    fn increment(&self, by: i32, times: i32) -> Result<i32> {
        self.value
            .set(self.value.get() + by * times + self.step.get());
        Ok(self.value.get())
    }
    fn reset(&self) -> Result<()> {
        self.value.set(0);
        Ok(())
    }
    fn get_last(&self) -> Result<Variant> {
        Ok(Variant::from(self.value.get()))
    }
    fn describe(&self, what: &Variant, count: &mut i32) -> Result<BStr> {
        *count += 1;
        Ok(BStr::from(format!("{} #{count}", show(what))))
    }
}

#[test]
fn dispinterface_implemented_in_rust() {
    let counter: DCounter = Counter::default().into_com();
    let d: IDispatch = counter.cast().expect("a dispinterface is IDispatch");
    assert!(
        d.cast::<DCounter>().is_ok(),
        "QueryInterface answers the DIID"
    );
    assert_eq!(
        ids_of(&d, &["INCREMENT", "times", "By"], 0),
        (S_OK, vec![3, 1, 0])
    );
    assert_eq!(ids_of(&d, &["step"], 0), (S_OK, vec![1]));
    // Properties: get and put; a [readonly] one has no put.
    let mut value = [Variant::from("2")];
    let o = invoke_raw(
        &d,
        1,
        DISPATCH_PROPERTYPUT,
        &mut value,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!(o.hr, S_OK);
    assert_variant!(
        invoke(&d, 1, DISPATCH_PROPERTYGET, vec![]).result,
        Variant::from(2)
    );
    assert_eq!(text(&invoke(&d, 2, METHOD_GET, vec![])), "counter");
    let mut value = [Variant::from("x")];
    let o = invoke_raw(
        &d,
        2,
        DISPATCH_PROPERTYPUT,
        &mut value,
        &mut [DISPID_PROPERTYPUT],
    );
    assert_eq!(o.hr, DISP_E_MEMBERNOTFOUND);
    // Methods returning their value, with a [defaultvalue].
    assert_variant!(
        invoke(&d, 3, DISPATCH_METHOD, vec![5.into()]).result,
        Variant::from(7)
    );
    assert_variant!(
        invoke(&d, 3, DISPATCH_METHOD, vec![1.into(), 3i16.into()]).result,
        Variant::from(12)
    );
    assert_variant!(invoke(&d, 5, METHOD_GET, vec![]).result, Variant::from(12));
    let o = invoke(&d, 4, DISPATCH_METHOD, vec![]);
    assert_eq!((o.hr, o.result.vt()), (S_OK, VT_EMPTY));
    assert_variant!(
        invoke(&d, 5, DISPATCH_PROPERTYGET, vec![]).result,
        Variant::from(0)
    );
    // [in, out] by reference.
    let mut count = 4i32;
    let o = invoke(
        &d,
        6,
        DISPATCH_METHOD,
        vec!["it".into(), byref(VT_I4, &mut count)],
    );
    assert_eq!(text(&o), "\"it\" #5");
    assert_eq!(count, 5);
    assert_eq!(
        invoke(&d, 6, DISPATCH_METHOD, vec!["it".into()]).hr,
        DISP_E_BADPARAMCOUNT
    );
}

// ---- The fast path answers as the general path ----
//
// A generated shim answers the common call shape (positional arguments of exactly the
// parameters' types, by value; a put's value named DISPID_PROPERTYPUT) on a fast path that
// calls the implementation directly, and declines every other call to the general path. Each
// case below makes one call the fast path takes and equivalent calls it declines (an argument
// of another type with the same value, by reference, or by name), each on a fresh object,
// followed by the same calls that show the object's state, and asserts equal outcomes.

/// One call: DISPID, wFlags, `rgvarg` and the named DISPIDs.
type Call = (i32, u16, Vec<Variant>, Vec<i32>);

/// Positional arguments in declaration order (reversed into rgvarg, A1).
fn positional(dispid: i32, flags: u16, args: Vec<Variant>) -> Call {
    (dispid, flags, args.into_iter().rev().collect(), vec![])
}

/// Every argument by name (its parameter's position), in declaration order (A1, A2).
fn by_name(dispid: i32, flags: u16, args: Vec<Variant>) -> Call {
    let ids = (0..args.len() as i32).collect();
    (dispid, flags, args, ids)
}

/// A property put: the value (DISPID_PROPERTYPUT), then index arguments in declaration order.
fn put(dispid: i32, value: Variant, index: Vec<Variant>) -> Call {
    let mut rgvarg = vec![value];
    rgvarg.extend(index.into_iter().rev());
    (
        dispid,
        DISPATCH_PROPERTYPUT,
        rgvarg,
        vec![DISPID_PROPERTYPUT],
    )
}

/// The outcomes of `calls` made in turn on a fresh object from `object`, with LCID 0x409.
fn outcomes(object: fn() -> IDispatch, calls: Vec<Call>) -> Vec<Outcome> {
    let d = object();
    calls
        .into_iter()
        .map(|(dispid, flags, mut rgvarg, mut named)| {
            invoke_with(&d, dispid, &IID_NULL, 0x409, flags, &mut rgvarg, &mut named)
        })
        .collect()
}

/// The first call of `fast` and of each `general` sequence differ; the rest (reading the
/// object's state) are the same. Outcomes compare whole: HRESULT, result (type and value),
/// `*puArgErr` and EXCEPINFO.
fn assert_same_outcomes(
    object: fn() -> IDispatch,
    fast: Vec<Call>,
    general: Vec<Vec<Call>>,
) -> Vec<Outcome> {
    let expected = outcomes(object, fast);
    for (case, calls) in general.into_iter().enumerate() {
        let actual = outcomes(object, calls);
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(&expected) {
            assert_eq!(
                (a.hr, a.arg_err, &a.excep),
                (e.hr, e.arg_err, &e.excep),
                "general case {case}: {a:?} != fast {e:?}"
            );
            assert!(
                same(&a.result, &e.result),
                "general case {case}: {a:?} != fast {e:?}"
            );
        }
    }
    expected
}

#[test]
fn fast_path_answers_as_the_general_path_methods() {
    let m = DISPATCH_METHOD;
    // Add(LONG, LONG): a value, and an error from the implementation (R3).
    let mut two = 2i32;
    let o = assert_same_outcomes(
        tester,
        vec![positional(ADD, m, vec![2.into(), 3.into()])],
        vec![
            vec![positional(ADD, m, vec![2i16.into(), 3.into()])],
            vec![positional(ADD, m, vec![2.into(), "3".into()])],
            vec![positional(ADD, m, vec![byref(VT_I4, &mut two), 3.into()])],
            vec![by_name(ADD, m, vec![2.into(), 3.into()])],
        ],
    );
    assert_variant!(o[0].result.clone(), Variant::from(5));
    let o = assert_same_outcomes(
        tester,
        vec![positional(ADD, m, vec![i32::MAX.into(), 1.into()])],
        vec![
            vec![positional(
                ADD,
                m,
                vec![f64::from(i32::MAX).into(), 1.into()],
            )],
            vec![by_name(ADD, m, vec![i32::MAX.into(), 1.into()])],
        ],
    );
    assert_eq!(o[0].hr, DISP_E_EXCEPTION);
    // Describe(LONG, [optional] VARIANT, [defaultvalue] LONG, [defaultvalue] BSTR): VARIANT
    // and BSTR arguments borrowed on the fast path.
    let mut b = Variant::from(2.5);
    let mut d = BStr::from("text");
    let o = assert_same_outcomes(
        tester,
        vec![positional(
            DESCRIBE,
            m,
            vec![1.into(), 2.5.into(), 7.into(), "text".into()],
        )],
        vec![
            vec![positional(
                DESCRIBE,
                m,
                vec![1.into(), byref(VT_VARIANT, &mut b), 7.into(), "text".into()],
            )],
            vec![positional(
                DESCRIBE,
                m,
                vec![1.into(), 2.5.into(), 7.into(), byref(VT_BSTR, &mut d)],
            )],
            vec![positional(
                DESCRIBE,
                m,
                vec![1u8.into(), 2.5.into(), "7".into(), "text".into()],
            )],
            vec![by_name(
                DESCRIBE,
                m,
                vec![1.into(), 2.5.into(), 7.into(), "text".into()],
            )],
        ],
    );
    assert_eq!(text(&o[0]), "a=1 b=VT_R8:2.5 c=7 d=text");
    // Kinds(VARIANT_BOOL, double, short, unsigned long).
    let o = assert_same_outcomes(
        tester,
        vec![positional(
            KINDS,
            m,
            vec![true.into(), 2.5.into(), 7i16.into(), 9u32.into()],
        )],
        vec![
            vec![positional(
                KINDS,
                m,
                vec![(-1).into(), 2.5f32.into(), 7.into(), 9.into()],
            )],
            vec![by_name(
                KINDS,
                m,
                vec![true.into(), 2.5.into(), 7i16.into(), 9u32.into()],
            )],
        ],
    );
    assert_eq!(text(&o[0]), "true 2.5 7 9");
    // Locale(LONG, [lcid]): the LCID passed to Invoke on both paths.
    let o = assert_same_outcomes(
        tester,
        vec![positional(LOCALE, m, vec![1.into()])],
        vec![
            vec![positional(LOCALE, m, vec![1i16.into()])],
            vec![by_name(LOCALE, m, vec![1.into()])],
        ],
    );
    assert_variant!(o[0].result.clone(), Variant::from(0x40A));
    // Fail(LONG): EXCEPINFO filled alike (R3).
    let mut code = E_ACCESSDENIED.0;
    let o = assert_same_outcomes(
        tester,
        vec![positional(FAIL, m, vec![E_ACCESSDENIED.0.into()])],
        vec![
            vec![positional(FAIL, m, vec![byref(VT_I4, &mut code)])],
            vec![by_name(FAIL, m, vec![E_ACCESSDENIED.0.into()])],
        ],
    );
    assert_eq!(o[0].excep.as_ref().map(|e| e.scode), Some(E_ACCESSDENIED));
}

#[test]
fn fast_path_answers_as_the_general_path_properties() {
    let get = DISPATCH_PROPERTYGET;
    // Item: a put with an index (the value named DISPID_PROPERTYPUT), then gets; a get of an
    // absent item fails in the implementation (R3).
    let mut value = Variant::from("v");
    let reads = || {
        vec![
            positional(ITEM, get, vec![1.into()]),
            positional(ITEM, get, vec![2.into()]),
            positional(COUNT, get, vec![]),
        ]
    };
    let with = |first: Call| {
        let mut calls = vec![first];
        calls.extend(reads());
        calls
    };
    let o = assert_same_outcomes(
        tester,
        with(put(ITEM, "v".into(), vec![1.into()])),
        vec![
            with(put(ITEM, "v".into(), vec![1i16.into()])),
            with(put(ITEM, byref(VT_VARIANT, &mut value), vec![1.into()])),
            with((
                ITEM,
                DISPATCH_PROPERTYPUT,
                vec!["v".into(), 1.into()],
                vec![DISPID_PROPERTYPUT, 0],
            )),
        ],
    );
    assert_eq!(o[0].hr, S_OK);
    assert_eq!(text(&o[1]), "v");
    assert_eq!(o[2].hr, DISP_E_EXCEPTION);
    assert_variant!(o[3].result.clone(), Variant::from(1));
    // Name (the dual base's property): a put of a BSTR, then a get.
    let mut name = BStr::from("shape");
    let o = assert_same_outcomes(
        tester,
        vec![
            put(NAME, "shape".into(), vec![]),
            positional(NAME, get, vec![]),
        ],
        vec![vec![
            put(NAME, byref(VT_BSTR, &mut name), vec![]),
            positional(NAME, get, vec![]),
        ]],
    );
    assert_eq!(text(&o[1]), "shape");
    // Value ([optional] VARIANT index): given, by reference, or as another type.
    let mut index = Variant::from(3);
    let o = assert_same_outcomes(
        tester,
        vec![positional(DISPID_VALUE, get, vec![3.into()])],
        vec![
            vec![positional(
                DISPID_VALUE,
                get,
                vec![byref(VT_VARIANT, &mut index)],
            )],
            vec![by_name(DISPID_VALUE, get, vec![3.into()])],
        ],
    );
    assert_variant!(o[0].result.clone(), Variant::from(30));
}

#[test]
fn fast_path_answers_as_the_general_path_dispinterface() {
    fn counter() -> IDispatch {
        let counter: DCounter = Counter::default().into_com();
        counter.cast().expect("a dispinterface is IDispatch")
    }
    let m = DISPATCH_METHOD;
    let reads = [
        positional(1, DISPATCH_PROPERTYGET, vec![]),
        positional(5, DISPATCH_PROPERTYGET, vec![]),
    ];
    let with = |first: Vec<Call>| {
        let mut calls = first;
        calls.extend(reads.iter().cloned());
        calls
    };
    let mut by = 2i32;
    let o = assert_same_outcomes(
        counter,
        with(vec![
            put(1, 10.into(), vec![]),
            positional(3, m, vec![2.into(), 3.into()]),
        ]),
        vec![
            with(vec![
                put(1, "10".into(), vec![]),
                positional(3, m, vec![2.into(), 3.into()]),
            ]),
            with(vec![
                put(1, 10.into(), vec![]),
                positional(3, m, vec![byref(VT_I4, &mut by), 3i16.into()]),
            ]),
            with(vec![
                put(1, 10.into(), vec![]),
                by_name(3, m, vec![2.into(), 3.into()]),
            ]),
        ],
    );
    assert_variant!(o[1].result.clone(), Variant::from(16));
    assert_variant!(o[2].result.clone(), Variant::from(10));
    assert_variant!(o[3].result.clone(), Variant::from(16));
}
