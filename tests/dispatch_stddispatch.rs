//! The generated `IDispatch` shim against OLE Automation's own: for `ICertServerExit`, one Rust
//! object (a small mock CA) is driven through the shim the generator wrote and through
//! `CreateStdDispatch` over the `ITypeInfo` that oleaut32's `LoadTypeLibEx` reads from widl's
//! type library of `fixtures/certif/certcli.idl`. `CreateStdDispatch` calls the object's vtable
//! (`ITypeInfo::Invoke` with `DispCallFunc`), so the two differ only in the dispatch layer.
//!
//! Every case of the table gives the same HRESULT, `*pVarResult`, `*puArgErr`, EXCEPINFO scode
//! and the same calls on the object through both, except the differences listed in
//! [`windows::DIFFERENCES`]; there the shim must give the spec's answer (spec/idispatch.md, the
//! rule named), and the test fails when a listed difference disappears.
//!
//! Windows target only: `.ci/windows-target` builds it for x86_64-pc-windows-gnu and runs it
//! under wine64 (Wine's oleaut32), with the type library that `widl -t` made in
//! `IDLGEN_CERTCLI_TLB`. On other targets it reports itself skipped.
#![deny(warnings)]

/// On Linux the comparison cannot run (it needs oleaut32): the harness counts it as ignored.
#[cfg(not(windows))]
#[test]
#[ignore = "needs oleaut32's CreateStdDispatch: .ci/windows-target runs it under wine64"]
fn stddispatch_comparison_runs_on_the_windows_target_only() {}

#[cfg(windows)]
#[allow(dead_code)]
mod certif {
    include!("../fixtures/certif/expected/certif.rs");
}

#[cfg(windows)]
mod dispatch_support;

#[cfg(windows)]
mod windows {
    use core::ffi::c_void;
    use std::cell::RefCell;
    use std::fmt::Write as _;
    use std::rc::Rc;

    use crate::certif::{ICertServerExit, ICertServerExit_Impl};
    use crate::dispatch_support::take_excep;
    use idlgen_runtime::*;

    /// certsrv.h: the property has no value.
    const CERTSRV_E_PROPERTY_EMPTY: HRESULT = HRESULT(0x8009_4004_u32 as i32);
    /// HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS).
    const NO_MORE_ITEMS: HRESULT = HRESULT(0x8007_0103_u32 as i32);

    const SET_CONTEXT: i32 = ICertServerExit::DISPID_SET_CONTEXT;
    const GET_REQUEST_PROPERTY: i32 = ICertServerExit::DISPID_GET_REQUEST_PROPERTY;
    const GET_REQUEST_ATTRIBUTE: i32 = ICertServerExit::DISPID_GET_REQUEST_ATTRIBUTE;
    const GET_EXTENSION_FLAGS: i32 = ICertServerExit::DISPID_GET_CERTIFICATE_EXTENSION_FLAGS;
    const ENUMERATE_ATTRIBUTES: i32 = ICertServerExit::DISPID_ENUMERATE_ATTRIBUTES;
    const ENUMERATE_EXTENSIONS_CLOSE: i32 = ICertServerExit::DISPID_ENUMERATE_EXTENSIONS_CLOSE;
    const METHOD: u16 = DISPATCH_METHOD;
    const GET: u16 = DISPATCH_PROPERTYGET;
    const PUT: u16 = DISPATCH_PROPERTYPUT;
    const METHOD_GET: u16 = DISPATCH_METHOD | DISPATCH_PROPERTYGET;

    // ---- oleaut32: the type library and CreateStdDispatch ----

    const REGKIND_NONE: u32 = 2;
    const TKIND_INTERFACE: u32 = 3;

    #[link(name = "oleaut32")]
    unsafe extern "system" {
        fn LoadTypeLibEx(file: *const u16, kind: u32, typelib: *mut *mut c_void) -> HRESULT;
        fn CreateStdDispatch(
            outer: *mut c_void,
            this: *mut c_void,
            typeinfo: *mut c_void,
            stddisp: *mut *mut c_void,
        ) -> HRESULT;
    }

    /// `ITypeLib`'s vtable up to `GetTypeInfoOfGuid`.
    #[repr(C)]
    #[allow(non_snake_case)]
    struct ITypeLibVtbl {
        base: IUnknown_Vtbl,
        GetTypeInfoCount: usize,
        GetTypeInfo: usize,
        GetTypeInfoType: usize,
        GetTypeInfoOfGuid: unsafe extern "system" fn(
            this: *mut c_void,
            guid: *const GUID,
            typeinfo: *mut *mut c_void,
        ) -> HRESULT,
    }

    /// `ITypeInfo`'s vtable up to `ReleaseTypeAttr`.
    #[repr(C)]
    #[allow(non_snake_case)]
    struct ITypeInfoVtbl {
        base: IUnknown_Vtbl,
        GetTypeAttr: unsafe extern "system" fn(this: *mut c_void, attr: *mut *mut u8) -> HRESULT,
        GetTypeComp: usize,
        GetFuncDesc: usize,
        GetVarDesc: usize,
        GetNames: usize,
        GetRefTypeOfImplType:
            unsafe extern "system" fn(this: *mut c_void, index: u32, href: *mut u32) -> HRESULT,
        GetImplTypeFlags: usize,
        GetIDsOfNames: usize,
        Invoke: usize,
        GetDocumentation: usize,
        GetDllEntry: usize,
        GetRefTypeInfo: unsafe extern "system" fn(
            this: *mut c_void,
            href: u32,
            typeinfo: *mut *mut c_void,
        ) -> HRESULT,
        AddressOfMember: usize,
        CreateInstance: usize,
        GetMops: usize,
        GetContainingTypeLib: usize,
        ReleaseTypeAttr: unsafe extern "system" fn(this: *mut c_void, attr: *mut u8),
    }

    /// Calls through the first slots of an interface pointer's vtable, typed as `V`.
    ///
    /// # Safety
    /// `p` is a live interface pointer whose vtable starts with `V`'s layout.
    unsafe fn vtbl<'a, V>(p: &IUnknown) -> &'a V {
        // SAFETY: a live interface pointer points at its vtable pointer (caller contract).
        unsafe { &**p.as_raw().cast::<*const V>() }
    }

    /// Takes ownership of an interface pointer an oleaut32 call returned.
    fn owned(hr: HRESULT, raw: *mut c_void, what: &str) -> IUnknown {
        assert_eq!(hr, S_OK, "{what}");
        assert!(!raw.is_null(), "{what} gave null");
        // SAFETY: oleaut32 returned a non-null interface pointer with a reference for us.
        unsafe { IUnknown::from_raw(raw) }
    }

    /// `ITypeInfo` of `ICertServerExit` as an interface (TKIND_INTERFACE), read by oleaut32
    /// from the type library widl made. The dual interface's TKIND_DISPATCH type info would
    /// make `ITypeInfo::Invoke` call `IDispatch::Invoke` on the object, that is, the shim
    /// under test; the TKIND_INTERFACE one calls the vtable.
    fn certserverexit_typeinfo() -> IUnknown {
        let path = std::env::var("IDLGEN_CERTCLI_TLB").unwrap_or_else(|_| {
            panic!("IDLGEN_CERTCLI_TLB (the path of widl's certcli.tlb) is not set: run .ci/windows-target")
        });
        let wide: Vec<u16> = path.encode_utf16().chain(Some(0)).collect();
        let mut raw = core::ptr::null_mut();
        // SAFETY: a NUL-terminated path and a place for the ITypeLib pointer.
        let hr = unsafe { LoadTypeLibEx(wide.as_ptr(), REGKIND_NONE, &mut raw) };
        let typelib = owned(hr, raw, &format!("LoadTypeLibEx({path})"));
        let mut raw = core::ptr::null_mut();
        // SAFETY: a live ITypeLib; the IID and the out pointer are valid.
        let hr = unsafe {
            (vtbl::<ITypeLibVtbl>(&typelib).GetTypeInfoOfGuid)(
                typelib.as_raw(),
                &ICertServerExit::IID,
                &mut raw,
            )
        };
        let mut typeinfo = owned(hr, raw, "GetTypeInfoOfGuid(IID_ICertServerExit)");
        if typekind(&typeinfo) != TKIND_INTERFACE {
            // A dual interface: its interface half is the implemented type -1.
            let mut href = 0;
            // SAFETY: a live ITypeInfo; href is writable.
            let hr = unsafe {
                (vtbl::<ITypeInfoVtbl>(&typeinfo).GetRefTypeOfImplType)(
                    typeinfo.as_raw(),
                    u32::MAX,
                    &mut href,
                )
            };
            assert_eq!(hr, S_OK, "GetRefTypeOfImplType(-1)");
            let mut raw = core::ptr::null_mut();
            // SAFETY: a live ITypeInfo; the out pointer is valid.
            let hr = unsafe {
                (vtbl::<ITypeInfoVtbl>(&typeinfo).GetRefTypeInfo)(typeinfo.as_raw(), href, &mut raw)
            };
            typeinfo = owned(hr, raw, "GetRefTypeInfo");
        }
        assert_eq!(typekind(&typeinfo), TKIND_INTERFACE);
        typeinfo
    }

    /// TYPEATTR.typekind (offset 44 on 64-bit targets).
    fn typekind(typeinfo: &IUnknown) -> u32 {
        let mut attr = core::ptr::null_mut();
        // SAFETY: a live ITypeInfo; the out pointer is valid.
        let hr =
            unsafe { (vtbl::<ITypeInfoVtbl>(typeinfo).GetTypeAttr)(typeinfo.as_raw(), &mut attr) };
        assert_eq!(hr, S_OK, "GetTypeAttr");
        // SAFETY: oleaut32 returned a TYPEATTR, which it owns until ReleaseTypeAttr;
        // typekind is a u32 at offset 44 (after guid, lcid, dwReserved, two MEMBERIDs and
        // lpstrSchema and cbSizeInstance).
        let kind = unsafe { attr.add(44).cast::<u32>().read_unaligned() };
        // SAFETY: the TYPEATTR this type info gave, released once.
        unsafe { (vtbl::<ITypeInfoVtbl>(typeinfo).ReleaseTypeAttr)(typeinfo.as_raw(), attr) };
        kind
    }

    /// oleaut32's IDispatch over `object`'s vtable.
    fn std_dispatch(object: &ICertServerExit, typeinfo: &IUnknown) -> IDispatch {
        let mut raw = core::ptr::null_mut();
        // SAFETY: `object` is a live ICertServerExit whose vtable matches the type info;
        // CreateStdDispatch keeps the pointer without a reference, and `object` outlives the
        // returned dispatcher (both live for one test).
        let hr = unsafe {
            CreateStdDispatch(
                core::ptr::null_mut(),
                object.as_raw(),
                typeinfo.as_raw(),
                &mut raw,
            )
        };
        let unknown = owned(hr, raw, "CreateStdDispatch");
        match unknown.cast::<IDispatch>() {
            Ok(d) => d,
            Err(e) => panic!("CreateStdDispatch's object is no IDispatch: {e:?}"),
        }
    }

    // ---- the object ----

    /// A mock CA that records each call the dispatcher made, with its arguments.
    struct Mock {
        log: Rc<RefCell<Vec<String>>>,
    }

    impl Mock {
        fn note(&self, call: String) {
            self.log.borrow_mut().push(call);
        }
        fn property(&self, call: &str, name: &BStr, ty: i32) -> Result<Variant> {
            self.note(format!("{call}({name:?}, {ty})"));
            match (name.to_string_lossy().as_str(), ty) {
                ("RequestID", 1) => Ok(Variant::from(42i32)),
                (n, 4) => Ok(Variant::from(format!("{n}!"))),
                _ => Err(Error::new(CERTSRV_E_PROPERTY_EMPTY, "no such property")),
            }
        }
    }

    impl ICertServerExit_Impl for Mock {
        fn set_context(&self, context: i32) -> Result<()> {
            self.note(format!("set_context({context})"));
            if context == 666 {
                return Err(Error::new(E_INVALIDARG, "no such context"));
            }
            Ok(())
        }
        fn get_request_property(&self, name: &BStr, ty: i32) -> Result<Variant> {
            self.property("get_request_property", name, ty)
        }
        fn get_request_attribute(&self, name: &BStr) -> Result<BStr> {
            self.note(format!("get_request_attribute({name:?})"));
            if name.is_empty() {
                return Err(Error::new(CERTSRV_E_PROPERTY_EMPTY, "no attribute"));
            }
            Ok(BStr::from(format!("attr:{name}")))
        }
        fn get_certificate_property(&self, name: &BStr, ty: i32) -> Result<Variant> {
            self.property("get_certificate_property", name, ty)
        }
        fn get_certificate_extension(&self, name: &BStr, ty: i32) -> Result<Variant> {
            self.note(format!("get_certificate_extension({name:?}, {ty})"));
            Ok(Variant::from(ty))
        }
        fn get_certificate_extension_flags(&self) -> Result<i32> {
            self.note("get_certificate_extension_flags()".into());
            Ok(0x1234)
        }
        fn enumerate_extensions_setup(&self, flags: i32) -> Result<()> {
            self.note(format!("enumerate_extensions_setup({flags})"));
            Ok(())
        }
        fn enumerate_extensions(&self) -> Result<BStr> {
            self.note("enumerate_extensions()".into());
            Ok(BStr::from("1.2.3.4"))
        }
        fn enumerate_extensions_close(&self) -> Result<()> {
            self.note("enumerate_extensions_close()".into());
            Ok(())
        }
        fn enumerate_attributes_setup(&self, flags: i32) -> Result<()> {
            self.note(format!("enumerate_attributes_setup({flags})"));
            Ok(())
        }
        fn enumerate_attributes(&self) -> Result<BStr> {
            self.note("enumerate_attributes()".into());
            Err(Error::new(NO_MORE_ITEMS, "no more attributes"))
        }
        fn enumerate_attributes_close(&self) -> Result<()> {
            self.note("enumerate_attributes_close()".into());
            Ok(())
        }
    }

    // ---- the cases ----

    /// One `Invoke`: `rgvarg` as the caller lays it out (reverse order, named first).
    struct Case {
        name: &'static str,
        dispid: i32,
        flags: u16,
        rgvarg: fn() -> Vec<Variant>,
        named: &'static [i32],
        /// A non-null riid (IID_IDispatch) instead of IID_NULL.
        riid_set: bool,
        /// pVarResult and puArgErr null.
        result_null: bool,
        argerr_null: bool,
        /// The spec's answer, which the shim must give.
        spec: Seen,
    }

    /// What one `Invoke` gave back, and the calls the object saw.
    #[derive(Debug, PartialEq, Clone)]
    struct Seen {
        hr: HRESULT,
        result: String,
        arg_err: Option<u32>,
        scode: Option<HRESULT>,
        calls: Vec<String>,
    }

    fn seen(hr: HRESULT, result: Variant, arg_err: Option<u32>, calls: &[&str]) -> Seen {
        Seen {
            hr,
            result: format!("{result:?}"),
            arg_err,
            scode: None,
            calls: calls.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn ok(result: Variant, calls: &[&str]) -> Seen {
        seen(S_OK, result, None, calls)
    }

    fn fail(hr: HRESULT, arg_err: Option<u32>) -> Seen {
        seen(hr, Variant::new(), arg_err, &[])
    }

    fn exception(scode: HRESULT, calls: &[&str]) -> Seen {
        Seen {
            scode: Some(scode),
            ..seen(DISP_E_EXCEPTION, Variant::new(), None, calls)
        }
    }

    fn by_ref_i4() -> Vec<Variant> {
        // A static target: the VARIANT is read, never written (by-value parameter).
        static mut TARGET: i32 = 77;
        let mut raw = VARIANT::new();
        raw.vt = VT_BYREF | VT_I4;
        raw.data.plVal = &raw mut TARGET;
        // SAFETY: a VT_BYREF VARIANT owns nothing; TARGET is static.
        vec![unsafe { Variant::from_raw(raw) }]
    }

    fn bad_vartype() -> Vec<Variant> {
        let mut raw = VARIANT::new();
        raw.vt = 15; // between VT_DECIMAL (14) and VT_I1 (16): no type
        // SAFETY: an invalid vt owns nothing; clearing it fails without freeing anything.
        vec![unsafe { Variant::from_raw(raw) }]
    }

    /// The rule deciding each case where oleaut32 (Wine's) and the spec differ: case name,
    /// rule, what oleaut32 answers.
    pub const DIFFERENCES: &[(&str, &str, &str)] = &[
        (
            "riid_not_null",
            "I1",
            "E_INVALIDARG for a non-null riid (the spec follows Microsoft: DISP_E_UNKNOWNINTERFACE)",
        ),
        (
            "type_mismatch_sets_arg_err",
            "A6",
            "puArgErr not set (spec: the failing argument's rgvarg index)",
        ),
        (
            "type_mismatch_second_param",
            "A6",
            "puArgErr not set (spec: the failing argument's rgvarg index)",
        ),
        (
            "overflow_r8",
            "A6",
            "puArgErr not set (spec: the failing argument's rgvarg index)",
        ),
        (
            "overflow_bstr",
            "A6",
            "puArgErr not set (spec: the failing argument's rgvarg index)",
        ),
        (
            "bad_vartype",
            "A6",
            "puArgErr not set (spec: the failing argument's rgvarg index)",
        ),
        (
            "too_many_args",
            "A3",
            "S_OK: extra positional arguments ignored, the method called with the last \
             cParams of them (spec: DISP_E_BADPARAMCOUNT, nothing called)",
        ),
        (
            "named_id_matching_no_parameter",
            "A2",
            "DISP_E_BADPARAMCOUNT and no puArgErr (spec: DISP_E_PARAMNOTFOUND, puArgErr = its rgvarg index)",
        ),
        (
            "bstr_method_fails",
            "R3",
            "*pVarResult left VT_BSTR NULL (spec: stays VT_EMPTY)",
        ),
    ];

    fn base() -> Case {
        Case {
            name: "",
            dispid: SET_CONTEXT,
            flags: METHOD,
            rgvarg: Vec::new,
            named: &[],
            riid_set: false,
            result_null: false,
            argerr_null: false,
            spec: ok(Variant::new(), &[]),
        }
    }

    fn cases() -> Vec<Case> {
        vec![
            // Good calls.
            Case {
                name: "method_i4",
                rgvarg: || vec![Variant::from(7i32)],
                spec: ok(Variant::new(), &["set_context(7)"]),
                ..base()
            },
            Case {
                name: "method_or_get_i2_coerced",
                flags: METHOD_GET,
                rgvarg: || vec![Variant::from(7i16)],
                spec: ok(Variant::new(), &["set_context(7)"]),
                ..base()
            },
            Case {
                name: "reverse_order_variant_result",
                dispid: GET_REQUEST_PROPERTY,
                flags: METHOD_GET,
                rgvarg: || vec![Variant::from(1i16), Variant::from("RequestID")],
                spec: ok(
                    Variant::from(42i32),
                    &["get_request_property(\"RequestID\", 1)"],
                ),
                ..base()
            },
            Case {
                name: "string_property",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from(4i32), Variant::from("Name")],
                spec: ok(
                    Variant::from("Name!"),
                    &["get_request_property(\"Name\", 4)"],
                ),
                ..base()
            },
            Case {
                name: "long_retval",
                dispid: GET_EXTENSION_FLAGS,
                flags: METHOD_GET,
                spec: ok(
                    Variant::from(0x1234i32),
                    &["get_certificate_extension_flags()"],
                ),
                ..base()
            },
            Case {
                name: "long_retval_result_null",
                dispid: GET_EXTENSION_FLAGS,
                result_null: true,
                spec: ok(Variant::new(), &["get_certificate_extension_flags()"]),
                ..base()
            },
            Case {
                name: "no_retval_no_args",
                dispid: ENUMERATE_EXTENSIONS_CLOSE,
                spec: ok(Variant::new(), &["enumerate_extensions_close()"]),
                ..base()
            },
            Case {
                name: "bstr_retval_coerced_i4_argument",
                dispid: GET_REQUEST_ATTRIBUTE,
                rgvarg: || vec![Variant::from(5i32)],
                spec: ok(Variant::from("attr:5"), &["get_request_attribute(\"5\")"]),
                ..base()
            },
            Case {
                name: "r8_rounds_half_to_even",
                rgvarg: || vec![Variant::from(2.5f64)],
                spec: ok(Variant::new(), &["set_context(2)"]),
                ..base()
            },
            Case {
                name: "r8_rounds_half_to_even_odd",
                rgvarg: || vec![Variant::from(3.5f64)],
                spec: ok(Variant::new(), &["set_context(4)"]),
                ..base()
            },
            Case {
                name: "bstr_parses_as_number",
                rgvarg: || vec![Variant::from("12")],
                spec: ok(Variant::new(), &["set_context(12)"]),
                ..base()
            },
            Case {
                name: "bool_true_is_minus_one",
                rgvarg: || vec![Variant::from(true)],
                spec: ok(Variant::new(), &["set_context(-1)"]),
                ..base()
            },
            Case {
                name: "empty_is_zero",
                rgvarg: || vec![Variant::new()],
                spec: ok(Variant::new(), &["set_context(0)"]),
                ..base()
            },
            Case {
                name: "ui4_bit_for_bit",
                rgvarg: || vec![Variant::from(0xFFFF_FFFEu32)],
                spec: ok(Variant::new(), &["set_context(-2)"]),
                ..base()
            },
            Case {
                name: "byref_i4_dereferenced",
                rgvarg: by_ref_i4,
                spec: ok(Variant::new(), &["set_context(77)"]),
                ..base()
            },
            Case {
                name: "named_args_all",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from(1i32), Variant::from("RequestID")],
                named: &[1, 0],
                spec: ok(
                    Variant::from(42i32),
                    &["get_request_property(\"RequestID\", 1)"],
                ),
                ..base()
            },
            Case {
                name: "named_after_positional",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from(4i32), Variant::from("Who")],
                named: &[1],
                spec: ok(Variant::from("Who!"), &["get_request_property(\"Who\", 4)"]),
                ..base()
            },
            // Argument counts.
            Case {
                name: "too_few_args",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from("RequestID")],
                spec: fail(DISP_E_BADPARAMCOUNT, None),
                ..base()
            },
            Case {
                name: "too_many_args",
                rgvarg: || vec![Variant::from(1i32), Variant::from(2i32)],
                spec: fail(DISP_E_BADPARAMCOUNT, None),
                ..base()
            },
            Case {
                name: "args_to_a_method_without_parameters",
                dispid: GET_EXTENSION_FLAGS,
                rgvarg: || vec![Variant::from(1i32)],
                spec: fail(DISP_E_BADPARAMCOUNT, None),
                ..base()
            },
            Case {
                name: "no_args_to_a_method_with_one",
                spec: fail(DISP_E_BADPARAMCOUNT, None),
                ..base()
            },
            Case {
                name: "named_args_missing_one",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from(1i32)],
                named: &[1],
                spec: fail(DISP_E_BADPARAMCOUNT, None),
                ..base()
            },
            // Coercion failures.
            Case {
                name: "type_mismatch_sets_arg_err",
                rgvarg: || vec![Variant::from("Sunshine")],
                spec: fail(DISP_E_TYPEMISMATCH, Some(0)),
                ..base()
            },
            Case {
                name: "type_mismatch_second_param",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from("abc"), Variant::from("RequestID")],
                spec: fail(DISP_E_TYPEMISMATCH, Some(0)),
                ..base()
            },
            Case {
                name: "type_mismatch_arg_err_null",
                rgvarg: || vec![Variant::from("Sunshine")],
                argerr_null: true,
                spec: fail(DISP_E_TYPEMISMATCH, None),
                ..base()
            },
            Case {
                name: "overflow_r8",
                rgvarg: || vec![Variant::from(3.0e9f64)],
                spec: fail(DISP_E_OVERFLOW, Some(0)),
                ..base()
            },
            Case {
                name: "overflow_bstr",
                rgvarg: || vec![Variant::from("2147483648")],
                spec: fail(DISP_E_OVERFLOW, Some(0)),
                ..base()
            },
            Case {
                name: "bad_vartype",
                rgvarg: bad_vartype,
                spec: fail(DISP_E_BADVARTYPE, Some(0)),
                ..base()
            },
            // Named arguments.
            Case {
                name: "named_id_matching_no_parameter",
                rgvarg: || vec![Variant::from(1i32)],
                named: &[5],
                spec: fail(DISP_E_PARAMNOTFOUND, Some(0)),
                ..base()
            },
            // Flags and members.
            Case {
                name: "propertyput_on_a_method",
                flags: PUT,
                rgvarg: || vec![Variant::from(1i32)],
                named: &[DISPID_PROPERTYPUT],
                spec: fail(DISP_E_MEMBERNOTFOUND, None),
                ..base()
            },
            Case {
                name: "propertyget_alone_on_a_method",
                flags: GET,
                rgvarg: || vec![Variant::from(1i32)],
                spec: fail(DISP_E_MEMBERNOTFOUND, None),
                ..base()
            },
            Case {
                name: "no_flags",
                flags: 0,
                rgvarg: || vec![Variant::from(1i32)],
                spec: fail(DISP_E_MEMBERNOTFOUND, None),
                ..base()
            },
            Case {
                name: "unknown_dispid",
                dispid: 0x1234,
                spec: fail(DISP_E_MEMBERNOTFOUND, None),
                ..base()
            },
            Case {
                name: "dispid_value_absent",
                dispid: DISPID_VALUE,
                flags: METHOD_GET,
                spec: fail(DISP_E_MEMBERNOTFOUND, None),
                ..base()
            },
            Case {
                name: "riid_not_null",
                riid_set: true,
                rgvarg: || vec![Variant::from(1i32)],
                spec: fail(DISP_E_UNKNOWNINTERFACE, None),
                ..base()
            },
            // Errors from the method.
            Case {
                name: "method_fails",
                rgvarg: || vec![Variant::from(666i32)],
                spec: exception(E_INVALIDARG, &["set_context(666)"]),
                ..base()
            },
            Case {
                name: "variant_method_fails",
                dispid: GET_REQUEST_PROPERTY,
                rgvarg: || vec![Variant::from(1i32), Variant::from("Nope")],
                spec: exception(
                    CERTSRV_E_PROPERTY_EMPTY,
                    &["get_request_property(\"Nope\", 1)"],
                ),
                ..base()
            },
            Case {
                name: "bstr_method_fails",
                dispid: ENUMERATE_ATTRIBUTES,
                spec: exception(NO_MORE_ITEMS, &["enumerate_attributes()"]),
                ..base()
            },
            Case {
                name: "method_fails_result_null",
                dispid: ENUMERATE_ATTRIBUTES,
                result_null: true,
                spec: exception(NO_MORE_ITEMS, &["enumerate_attributes()"]),
                ..base()
            },
        ]
    }

    const UNSET: u32 = 0xDEAD_BEEF;

    fn run(d: &IDispatch, log: &RefCell<Vec<String>>, case: &Case) -> Seen {
        log.borrow_mut().clear();
        let mut rgvarg = (case.rgvarg)();
        let mut named = case.named.to_vec();
        let mut params = DISPPARAMS {
            rgvarg: if rgvarg.is_empty() {
                core::ptr::null_mut()
            } else {
                rgvarg.as_mut_ptr().cast::<VARIANT>()
            },
            rgdispidNamedArgs: if named.is_empty() {
                core::ptr::null_mut()
            } else {
                named.as_mut_ptr()
            },
            cArgs: rgvarg.len() as u32,
            cNamedArgs: named.len() as u32,
        };
        let riid = if case.riid_set {
            <IDispatch as Interface>::IID
        } else {
            IID_NULL
        };
        let mut result = Variant::new();
        let mut excep = EXCEPINFO::default();
        let mut arg_err = UNSET;
        // SAFETY: a live IDispatch; every pointer is valid for the call or null where the
        // case says (Variant is repr(transparent) over VARIANT).
        let hr = unsafe {
            (d.vtable().Invoke)(
                d.as_raw(),
                case.dispid,
                &riid,
                0,
                case.flags,
                &mut params,
                if case.result_null {
                    core::ptr::null_mut()
                } else {
                    result.as_mut_ptr()
                },
                &mut excep,
                if case.argerr_null {
                    core::ptr::null_mut()
                } else {
                    &mut arg_err
                },
            )
        };
        let excep = take_excep(excep);
        Seen {
            hr,
            result: format!("{result:?}"),
            arg_err: (arg_err != UNSET).then_some(arg_err),
            scode: excep.map(|e| e.scode),
            calls: log.borrow().clone(),
        }
    }

    #[test]
    fn stddispatch_and_the_generated_shim_agree_on_icertserverexit() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let object: ICertServerExit = Mock { log: log.clone() }.into_com();
        let shim: IDispatch = match object.cast() {
            Ok(d) => d,
            Err(e) => panic!("ICertServerExit is dual: {e:?}"),
        };
        let typeinfo = certserverexit_typeinfo();
        let stddisp = std_dispatch(&object, &typeinfo);

        let mut report = String::new();
        let mut problems = Vec::new();
        let cases = cases();
        for case in &cases {
            let ours = run(&shim, &log, case);
            let theirs = run(&stddisp, &log, case);
            let listed = DIFFERENCES.iter().find(|(name, _, _)| *name == case.name);
            if ours != case.spec {
                problems.push(format!(
                    "{}: the shim gave {ours:?}, the spec says {:?}",
                    case.name, case.spec
                ));
            }
            match (ours == theirs, listed) {
                (true, None) => {}
                (true, Some((_, rule, _))) => problems.push(format!(
                    "{}: listed as a difference ({rule}) but oleaut32 now agrees",
                    case.name
                )),
                (false, Some((_, rule, what))) => {
                    let _ = writeln!(
                        report,
                        "{:<34} {rule:<3} oleaut32: {what}\n{:<38} shim {ours:?}\n{:<38} std  {theirs:?}",
                        case.name, "", ""
                    );
                }
                (false, None) => problems.push(format!(
                    "{}: shim {ours:?} but CreateStdDispatch {theirs:?}",
                    case.name
                )),
            }
        }
        eprintln!(
            "{} cases; differences from oleaut32 (the spec decides):\n{report}",
            cases.len()
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        drop(stddisp);
        drop(typeinfo);
    }

    #[test]
    fn stddispatch_and_the_generated_shim_agree_on_names() {
        let object: ICertServerExit = Mock { log: Rc::default() }.into_com();
        let shim: IDispatch = match object.cast() {
            Ok(d) => d,
            Err(e) => panic!("ICertServerExit is dual: {e:?}"),
        };
        let typeinfo = certserverexit_typeinfo();
        let stddisp = std_dispatch(&object, &typeinfo);
        let lists: &[&[&str]] = &[
            &["SetContext"],
            &["setcontext"],
            &["GETREQUESTPROPERTY", "strpropertyname", "PropertyType"],
            &["GetCertificateExtensionFlags"],
            &["EnumerateAttributesClose"],
            &["NoSuchMember"],
            &["GetRequestProperty", "NoSuchParam", "PropertyType"],
        ];
        for names in lists {
            let ours = crate::dispatch_support::ids_of(&shim, names, 0);
            let theirs = crate::dispatch_support::ids_of(&stddisp, names, 0);
            assert_eq!(ours, theirs, "GetIDsOfNames({names:?})");
        }
    }
}
