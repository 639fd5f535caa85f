//! IDispatch: the client wrapper (get_type_info_count, get_ids_of_names, invoke) against a
//! hand-written Rust object whose vtable uses the runtime's IDispatch slots, and
//! dispatch_get_ids_of_names (spec rules G1-G5).

use core::ffi::c_void;

use idlgen_runtime::*;
// The support code generated vtables call, which these tests call as generated code does.
use idlgen_runtime::__codegen::*;

const ADD: i32 = 1;
const GREET: i32 = 2;
const FAIL: i32 = 3;

const CALCULATOR_DISPIDS: DispidTable = DispidTable::new(
    &[
        DispMember {
            name: "Add",
            dispid: ADD,
            kind: InvokeKind::Method,
            slot: None,
            ..DispMember::new("", 0, InvokeKind::Method, None)
        },
        DispMember {
            name: "Greeting",
            dispid: GREET,
            kind: InvokeKind::PropertyGet,
            slot: None,
            ..DispMember::new("", 0, InvokeKind::Method, None)
        },
        DispMember {
            name: "Fail",
            dispid: FAIL,
            kind: InvokeKind::Method,
            slot: None,
            ..DispMember::new("", 0, InvokeKind::Method, None)
        },
    ],
    &[],
);

struct Calculator;

unsafe extern "system" fn get_ids_of_names(
    this: *mut c_void,
    riid: *const GUID,
    names: *const *const u16,
    count: u32,
    lcid: u32,
    ids: *mut i32,
) -> HRESULT {
    // SAFETY: the caller's arguments follow the GetIDsOfNames contract.
    unsafe { dispatch_get_ids_of_names(&CALCULATOR_DISPIDS, this, riid, names, count, lcid, ids) }
}

#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn invoke(
    _this: *mut c_void,
    dispid: i32,
    _riid: *const GUID,
    _lcid: u32,
    _flags: u16,
    params: *const DISPPARAMS,
    result: *mut VARIANT,
    excepinfo: *mut EXCEPINFO,
    _arg_err: *mut u32,
) -> HRESULT {
    guard(|| {
        // SAFETY: a test caller passes valid params.
        let params = unsafe { &*params };
        let args = if params.cArgs == 0 {
            &[][..]
        } else {
            // SAFETY: rgvarg holds cArgs VARIANTs.
            unsafe { core::slice::from_raw_parts(params.rgvarg, params.cArgs as usize) }
        };
        let value = match dispid {
            ADD => {
                // Positional arguments arrive in reverse order.
                // SAFETY: the arguments are valid VARIANTs borrowed for the call.
                let (a, b) = unsafe {
                    (
                        Variant::from_raw_ref(&args[1]),
                        Variant::from_raw_ref(&args[0]),
                    )
                };
                match (i32::try_from(a), i32::try_from(b)) {
                    (Ok(a), Ok(b)) => Variant::from(a - b),
                    _ => return DISP_E_TYPEMISMATCH,
                }
            }
            GREET => Variant::from("hello"),
            FAIL => {
                if !excepinfo.is_null() {
                    // SAFETY: non-null EXCEPINFO from the caller; the strings become theirs.
                    unsafe {
                        (*excepinfo).scode = E_ACCESSDENIED.0;
                        (*excepinfo).bstrDescription = BStr::from("not allowed").into_raw();
                    }
                }
                return DISP_E_EXCEPTION;
            }
            _ => return DISP_E_MEMBERNOTFOUND,
        };
        if !result.is_null() {
            // SAFETY: the caller's result VARIANT is empty and receives an owned value.
            unsafe { result.write(value.into_raw()) };
        }
        S_OK
    })
}

static CALCULATOR_VTBL: IDispatch_Vtbl = IDispatch_Vtbl {
    base__: idlgen_runtime::__codegen::object_unknown_vtbl::<Calculator>(),
    GetTypeInfoCount: dispatch_get_type_info_count,
    GetTypeInfo: dispatch_get_type_info,
    GetIDsOfNames: get_ids_of_names,
    Invoke: invoke,
};

fn calculator() -> IDispatch {
    static IIDS: [GUID; 2] = [IDispatch::IID, IUnknown::IID];
    let raw = ComObject::create(Calculator, &CALCULATOR_VTBL, &IIDS);
    // SAFETY: create returns a non-null pointer with one reference.
    unsafe { IDispatch::from_raw(raw) }
}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

#[test]
fn get_type_info_count_is_zero() {
    assert_eq!(calculator().get_type_info_count(), Ok(0));
}

#[test]
fn get_ids_of_names_is_case_insensitive() {
    let c = calculator();
    assert_eq!(c.get_ids_of_names(&["ADD"]), Ok(vec![ADD]));
    assert_eq!(c.get_ids_of_names(&["greeting"]), Ok(vec![GREET]));
    assert_eq!(
        c.get_ids_of_names(&["Nope"]).unwrap_err().code(),
        DISP_E_UNKNOWNNAME
    );
    assert_eq!(c.get_ids_of_names(&[]).unwrap_err().code(), E_INVALIDARG);
}

#[test]
fn unknown_names_get_dispid_unknown_and_known_slots_are_filled() {
    let (add, x) = (wide("add"), wide("x"));
    let names = [add.as_ptr(), x.as_ptr()];
    let mut ids = [0i32; 2];
    // SAFETY: valid names and room for two ids.
    let hr = unsafe {
        dispatch_get_ids_of_names(
            &CALCULATOR_DISPIDS,
            core::ptr::null_mut(),
            &IID_NULL,
            names.as_ptr(),
            2,
            0x409,
            ids.as_mut_ptr(),
        )
    };
    assert_eq!(hr, DISP_E_UNKNOWNNAME);
    assert_eq!(ids, [ADD, DISPID_UNKNOWN]);

    let nope = wide("nope");
    let names = [nope.as_ptr()];
    // SAFETY: as above.
    let hr = unsafe {
        dispatch_get_ids_of_names(
            &CALCULATOR_DISPIDS,
            core::ptr::null_mut(),
            &IID_NULL,
            names.as_ptr(),
            1,
            0,
            ids.as_mut_ptr(),
        )
    };
    assert_eq!(hr, DISP_E_UNKNOWNNAME);
    assert_eq!(ids[0], DISPID_UNKNOWN);
}

#[test]
fn get_ids_of_names_checks_its_arguments() {
    let add = wide("Add");
    let names = [add.as_ptr()];
    let null_name = [core::ptr::null::<u16>()];
    let mut ids = [0i32; 1];
    let this = core::ptr::null_mut();
    let other_iid = GUID::from_u128(1);
    let t = &CALCULATOR_DISPIDS;
    // SAFETY: every pointer is valid or null as each case says.
    unsafe {
        assert_eq!(
            dispatch_get_ids_of_names(t, this, &IID_NULL, names.as_ptr(), 0, 0, ids.as_mut_ptr()),
            E_INVALIDARG
        );
        assert_eq!(
            dispatch_get_ids_of_names(t, this, &other_iid, names.as_ptr(), 1, 0, ids.as_mut_ptr()),
            DISP_E_UNKNOWNINTERFACE
        );
        assert_eq!(
            dispatch_get_ids_of_names(
                t,
                this,
                core::ptr::null(),
                names.as_ptr(),
                1,
                0,
                ids.as_mut_ptr()
            ),
            E_POINTER
        );
        assert_eq!(
            dispatch_get_ids_of_names(
                t,
                this,
                &IID_NULL,
                core::ptr::null(),
                1,
                0,
                ids.as_mut_ptr()
            ),
            E_POINTER
        );
        assert_eq!(
            dispatch_get_ids_of_names(
                t,
                this,
                &IID_NULL,
                names.as_ptr(),
                1,
                0,
                core::ptr::null_mut()
            ),
            E_POINTER
        );
        assert_eq!(
            dispatch_get_ids_of_names(
                t,
                this,
                &IID_NULL,
                null_name.as_ptr(),
                1,
                0,
                ids.as_mut_ptr()
            ),
            E_POINTER
        );
        assert_eq!(
            dispatch_get_ids_of_names(t, this, &IID_NULL, names.as_ptr(), 1, 0, ids.as_mut_ptr()),
            S_OK
        );
    }
    assert_eq!(ids, [ADD]);
}

#[test]
fn invoke_passes_arguments_and_returns_the_result() {
    let c = calculator();
    // Add(10, 3): reversed in rgvarg.
    let mut args = [
        Variant::from(3i32).into_raw(),
        Variant::from(10i32).into_raw(),
    ];
    let mut params = DISPPARAMS {
        rgvarg: args.as_mut_ptr(),
        cArgs: 2,
        ..DISPPARAMS::default()
    };
    let mut result = Variant::from("old value, freed by invoke");
    // SAFETY: params describes two valid VARIANTs.
    let hr = unsafe {
        c.invoke(
            ADD,
            DISPATCH_METHOD,
            &mut params,
            Some(&mut result),
            None,
            None,
        )
    };
    assert_eq!(hr, S_OK);
    assert_eq!(i32::try_from(&result), Ok(7));
    for a in args {
        // SAFETY: the caller owns its arguments and frees them once.
        drop(unsafe { Variant::from_raw(a) });
    }
}

#[test]
fn invoke_result_strings_belong_to_the_caller() {
    let c = calculator();
    let mut params = DISPPARAMS::default();
    let mut result = Variant::new();
    // SAFETY: no arguments.
    let hr = unsafe {
        c.invoke(
            GREET,
            DISPATCH_PROPERTYGET,
            &mut params,
            Some(&mut result),
            None,
            None,
        )
    };
    assert_eq!(hr, S_OK);
    assert_eq!(String::try_from(&result).unwrap(), "hello");
    // SAFETY: a null result is allowed.
    let hr = unsafe { c.invoke(GREET, DISPATCH_PROPERTYGET, &mut params, None, None, None) };
    assert_eq!(hr, S_OK);
}

#[test]
fn invoke_reports_exceptions_through_excepinfo() {
    let c = calculator();
    let mut params = DISPPARAMS::default();
    let mut info = EXCEPINFO::default();
    let mut arg_err = 0u32;
    // SAFETY: no arguments; valid out pointers.
    let hr = unsafe {
        c.invoke(
            FAIL,
            DISPATCH_METHOD,
            &mut params,
            None,
            Some(&mut info),
            Some(&mut arg_err),
        )
    };
    assert_eq!(hr, DISP_E_EXCEPTION);
    assert_eq!(HRESULT(info.scode), E_ACCESSDENIED);
    // SAFETY: the strings in EXCEPINFO belong to the caller.
    let (description, source) = unsafe {
        (
            BStr::from_raw(info.bstrDescription),
            BStr::from_raw(info.bstrSource),
        )
    };
    assert_eq!(description, "not allowed");
    assert!(source.is_empty());
    // SAFETY: no arguments.
    let hr = unsafe { c.invoke(99, DISPATCH_METHOD, &mut params, None, None, None) };
    assert_eq!(hr, DISP_E_MEMBERNOTFOUND);
}

#[test]
fn dispatch_objects_convert_through_variants() {
    let c = calculator();
    let v = Variant::from(c.clone());
    assert_eq!(v.vt(), VT_DISPATCH);
    let back = IDispatch::try_from(&v).unwrap();
    assert_eq!(back, c);
    let unknown = Variant::from(c.cast::<IUnknown>().unwrap());
    // VT_UNKNOWN reaches IDispatch through QueryInterface.
    assert_eq!(IDispatch::try_from(unknown).unwrap(), c);
    assert_eq!(c.get_ids_of_names(&["fail"]), Ok(vec![FAIL]));
}

#[test]
fn placeholder_invoke_slot_is_not_implemented() {
    // SAFETY: the slot dereferences nothing.
    let hr = unsafe {
        dispatch_invoke_not_implemented(
            core::ptr::null_mut(),
            0,
            &IID_NULL,
            0,
            DISPATCH_METHOD,
            core::ptr::null(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    assert_eq!(hr, E_NOTIMPL);
}
