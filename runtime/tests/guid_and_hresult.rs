//! GUID text forms, HRESULT values and formatting, and Error.

use idlgen_runtime::*;

const ISCRIPT: GUID = GUID::from_u128(0x4ba9eb90_732c_11d0_8816_00a0c903b83c);

#[test]
fn guid_from_u128_splits_the_fields() {
    assert_eq!(ISCRIPT.data1, 0x4ba9eb90);
    assert_eq!(ISCRIPT.data2, 0x732c);
    assert_eq!(ISCRIPT.data3, 0x11d0);
    assert_eq!(
        ISCRIPT.data4,
        [0x88, 0x16, 0x00, 0xa0, 0xc9, 0x03, 0xb8, 0x3c]
    );
    assert_eq!(
        ISCRIPT,
        GUID::from_values(
            0x4ba9eb90,
            0x732c,
            0x11d0,
            [0x88, 0x16, 0, 0xa0, 0xc9, 3, 0xb8, 0x3c]
        )
    );
    assert_eq!(ISCRIPT.to_u128(), 0x4ba9eb90_732c_11d0_8816_00a0c903b83c);
    assert_eq!(GUID::zeroed(), IID_NULL);
    assert_eq!(GUID::default(), IID_NULL);
}

#[test]
fn guid_displays_lowercase_without_braces() {
    assert_eq!(
        idlgen_runtime::guid_string(&ISCRIPT),
        "4ba9eb90-732c-11d0-8816-00a0c903b83c"
    );
    // windows-core's Debug: uppercase.
    assert_eq!(
        format!("{ISCRIPT:?}"),
        "4BA9EB90-732C-11D0-8816-00A0C903B83C"
    );
    assert_eq!(
        idlgen_runtime::guid_string(&IID_NULL),
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(
        idlgen_runtime::guid_string(&IUnknown::IID),
        "00000000-0000-0000-c000-000000000046"
    );
    assert_eq!(
        idlgen_runtime::guid_string(&IDispatch::IID),
        "00020400-0000-0000-c000-000000000046"
    );
}

#[test]
fn guid_parses_with_or_without_braces_in_any_case() {
    for text in [
        "4ba9eb90-732c-11d0-8816-00a0c903b83c",
        "{4ba9eb90-732c-11d0-8816-00a0c903b83c}",
        "4BA9EB90-732C-11D0-8816-00A0C903B83C",
        "{4Ba9eB90-732c-11D0-8816-00a0C903b83c}",
    ] {
        assert_eq!(idlgen_runtime::parse_guid(text), Ok(ISCRIPT), "{text}");
    }
}

#[test]
fn guid_rejects_malformed_text() {
    for text in [
        "",
        "{}",
        "4ba9eb90-732c-11d0-8816-00a0c903b83",
        "4ba9eb90-732c-11d0-8816-00a0c903b83cc",
        "{4ba9eb90-732c-11d0-8816-00a0c903b83c",
        "4ba9eb90-732c-11d0-8816-00a0c903b83c}",
        "4ba9eb90_732c-11d0-8816-00a0c903b83c",
        "4ba9eb9g-732c-11d0-8816-00a0c903b83c",
        "+ba9eb90-732c-11d0-8816-00a0c903b83c",
        "4ba9eb90-732c-11d0-88160-0a0c903b83c",
        "4ba9eb90-732c-11d0-8816-00a0c903b8é",
    ] {
        assert_eq!(
            idlgen_runtime::parse_guid(text),
            Err(ParseGuidError),
            "{text:?}"
        );
    }
    let e: Error = idlgen_runtime::parse_guid("nope").unwrap_err().into();
    assert_eq!(e.code(), E_INVALIDARG);
}

#[test]
fn hresult_constants_have_their_documented_values() {
    let cases = [
        (S_OK, 0),
        (S_FALSE, 1),
        (E_NOTIMPL, 0x80004001),
        (E_NOINTERFACE, 0x80004002),
        (E_POINTER, 0x80004003),
        (E_ABORT, 0x80004004),
        (E_FAIL, 0x80004005),
        (E_UNEXPECTED, 0x8000FFFF),
        (E_ACCESSDENIED, 0x80070005),
        (E_OUTOFMEMORY, 0x8007000E),
        (E_INVALIDARG, 0x80070057),
        (CLASS_E_NOAGGREGATION, 0x80040110),
        (CLASS_E_CLASSNOTAVAILABLE, 0x80040111),
        (DISP_E_UNKNOWNINTERFACE, 0x80020001),
        (DISP_E_MEMBERNOTFOUND, 0x80020003),
        (DISP_E_PARAMNOTFOUND, 0x80020004),
        (DISP_E_TYPEMISMATCH, 0x80020005),
        (DISP_E_UNKNOWNNAME, 0x80020006),
        (DISP_E_NONAMEDARGS, 0x80020007),
        (DISP_E_BADVARTYPE, 0x80020008),
        (DISP_E_EXCEPTION, 0x80020009),
        (DISP_E_OVERFLOW, 0x8002000A),
        (DISP_E_BADINDEX, 0x8002000B),
        (DISP_E_UNKNOWNLCID, 0x8002000C),
        (DISP_E_ARRAYISLOCKED, 0x8002000D),
        (DISP_E_BADPARAMCOUNT, 0x8002000E),
        (DISP_E_PARAMNOTOPTIONAL, 0x8002000F),
        (DISP_E_NOTACOLLECTION, 0x80020011),
    ];
    for (hr, value) in cases {
        assert_eq!(hr.0 as u32, value, "{hr}");
    }
}

#[test]
fn hresult_formats_as_hex_and_classifies() {
    // windows-core's formats.
    assert_eq!(format!("{E_FAIL:?}"), "HRESULT(0x80004005)");
    assert_eq!(E_FAIL.to_string(), "0x80004005");
    assert_eq!(E_UNEXPECTED.to_string(), "0x8000FFFF");
    assert_eq!(S_OK.to_string(), "0x00000000");
    assert!(S_OK.is_ok() && S_FALSE.is_ok() && !S_FALSE.is_err());
    assert!(E_FAIL.is_err() && !E_FAIL.is_ok());
    assert_eq!(S_FALSE.ok(), Ok(()));
    assert_eq!(
        idlgen_runtime::check(E_POINTER),
        Err(Error::from(E_POINTER))
    );
    assert_eq!(HRESULT::from_win32(5), E_ACCESSDENIED);
    assert_eq!(HRESULT::from_win32(0), S_OK);
}

#[test]
fn dispatch_constants_have_their_documented_values() {
    assert_eq!(
        [
            DISPID_VALUE,
            DISPID_UNKNOWN,
            DISPID_PROPERTYPUT,
            DISPID_NEWENUM,
            DISPID_THIS
        ],
        [0, -1, -3, -4, -613]
    );
    assert_eq!(
        [
            DISPID_EVALUATE,
            DISPID_CONSTRUCTOR,
            DISPID_DESTRUCTOR,
            DISPID_COLLECT
        ],
        [-5, -6, -7, -8]
    );
    assert_eq!(
        [
            DISPATCH_METHOD,
            DISPATCH_PROPERTYGET,
            DISPATCH_PROPERTYPUT,
            DISPATCH_PROPERTYPUTREF
        ],
        [1, 2, 4, 8]
    );
    assert_eq!(
        [
            PARAMFLAG_FIN,
            PARAMFLAG_FOUT,
            PARAMFLAG_FLCID,
            PARAMFLAG_FRETVAL,
            PARAMFLAG_FOPT,
            PARAMFLAG_FHASDEFAULT
        ],
        [1, 2, 4, 8, 16, 32]
    );
    assert_eq!((VARIANT_TRUE, VARIANT_FALSE), (-1, 0));
    assert_eq!(VARIANT_TRUE as u16, 0xFFFF);
}

#[test]
fn vartype_constants_have_their_documented_values() {
    let cases = [
        (VT_EMPTY, 0),
        (VT_NULL, 1),
        (VT_I2, 2),
        (VT_I4, 3),
        (VT_R4, 4),
        (VT_R8, 5),
        (VT_CY, 6),
        (VT_DATE, 7),
        (VT_BSTR, 8),
        (VT_DISPATCH, 9),
        (VT_ERROR, 10),
        (VT_BOOL, 11),
        (VT_VARIANT, 12),
        (VT_UNKNOWN, 13),
        (VT_DECIMAL, 14),
        (VT_I1, 16),
        (VT_UI1, 17),
        (VT_UI2, 18),
        (VT_UI4, 19),
        (VT_I8, 20),
        (VT_UI8, 21),
        (VT_INT, 22),
        (VT_UINT, 23),
        (VT_VOID, 24),
        (VT_HRESULT, 25),
        (VT_PTR, 26),
        (VT_SAFEARRAY, 27),
        (VT_CARRAY, 28),
        (VT_USERDEFINED, 29),
        (VT_LPSTR, 30),
        (VT_LPWSTR, 31),
        (VT_RECORD, 36),
        (VT_ARRAY, 0x2000),
        (VT_BYREF, 0x4000),
    ];
    for (vt, value) in cases {
        assert_eq!(vt, value, "{}", vt_name(vt));
    }
    assert_eq!(vt_name(VT_ARRAY | VT_UI1), "VT_ARRAY|VT_UI1");
    assert_eq!(vt_name(VT_BYREF | VT_VARIANT), "VT_BYREF|VT_VARIANT");
    assert_eq!(vt_name(0x7ff), "0x7ff");
}

#[test]
fn error_carries_code_and_message() {
    let e = Error::new(E_ACCESSDENIED, "request 7 is not yours");
    assert_eq!(e.code(), E_ACCESSDENIED);
    assert_eq!(e.message(), "request 7 is not yours");
    assert_eq!(e.to_string(), "request 7 is not yours (0x80070005)");
    let bare = Error::from(E_FAIL);
    assert_eq!(bare.message(), "");
    assert_eq!(bare.to_string(), "0x80004005");
    assert_eq!(bare.clone(), bare);
    assert_ne!(bare, e);
    assert_eq!(HRESULT::from(e.clone()), E_ACCESSDENIED);
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("0x80070005"));
    // A success code is kept as given (a caller bug, documented).
    assert_eq!(Error::from(S_FALSE).code(), S_FALSE);
}
