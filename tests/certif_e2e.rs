//! End to end on the interfaces idlgen exists for: a mock certification authority implements
//! `ICertServerExit` through the generated `_Impl` trait, and a client calls all 12 methods
//! through the generated wrappers, which go through the raw vtable pointer (not the Rust trait).
//!
//! A late-bound client then drives the same mock CA through the generated `IDispatch` shim, as
//! a script host does (spec/idispatch.md).
//!
//! The bindings are the committed golden file (`fixtures/certif/expected/certif.rs`); the golden
//! test keeps it equal to what idlgen generates. Warnings in it fail this build.
#![deny(warnings)]

// A test binary uses only part of the bindings; a library exporting them would not warn.
#[allow(dead_code)]
mod certif {
    include!("../fixtures/certif/expected/certif.rs");
}

mod dispatch_support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use certif::{ICertServerExit, ICertServerExit_Impl, ICertServerPolicy};
use idlgen_runtime::{
    BStr, E_INVALIDARG, E_NOINTERFACE, E_UNEXPECTED, Error, HRESULT, IDispatch, IUnknown,
    Interface, IntoCom, Result, VT_ARRAY, VT_BSTR, VT_I4, VT_UI1, Variant,
};

const PROPTYPE_LONG: i32 = 1;
const PROPTYPE_DATE: i32 = 2;
const PROPTYPE_BINARY: i32 = 3;
const PROPTYPE_STRING: i32 = 4;

/// certsrv.h: the property has no value.
const CERTSRV_E_PROPERTY_EMPTY: HRESULT = HRESULT(0x8009_4004_u32 as i32);
/// HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS): what `next` answers past the end.
const NO_MORE_ITEMS: HRESULT = HRESULT(0x8007_0103_u32 as i32);

#[derive(Clone)]
enum Prop {
    Long(i32),
    Str(&'static str),
    Binary(Vec<u8>),
}

impl Prop {
    fn proptype(&self) -> i32 {
        match self {
            Prop::Long(_) => PROPTYPE_LONG,
            Prop::Str(_) => PROPTYPE_STRING,
            Prop::Binary(_) => PROPTYPE_BINARY,
        }
    }

    fn to_variant(&self) -> Variant {
        match self {
            Prop::Long(v) => Variant::from(*v),
            Prop::Str(s) => Variant::from(*s),
            Prop::Binary(b) => Variant::from(b.as_slice()),
        }
    }
}

struct Request {
    context: i32,
    properties: Vec<(&'static str, Prop)>,
    certificate: Vec<(&'static str, Prop)>,
    attributes: Vec<(&'static str, &'static str)>,
    /// (OID, value, flags)
    extensions: Vec<(&'static str, Prop, i32)>,
}

/// A CA's view of its pending requests, as an exit module sees it through ICertServerExit.
struct MockCa {
    requests: Vec<Request>,
    current: Cell<Option<usize>>,
    last_extension_flags: Cell<Option<i32>>,
    extension_cursor: RefCell<Option<usize>>,
    attribute_cursor: RefCell<Option<usize>>,
    /// Set when the object is destroyed, so the test sees the last Release happen.
    dropped: Rc<Cell<bool>>,
}

impl Drop for MockCa {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

impl MockCa {
    fn new(dropped: Rc<Cell<bool>>) -> MockCa {
        MockCa {
            requests: vec![
                Request {
                    context: 7,
                    properties: vec![
                        ("RequestID", Prop::Long(42)),
                        ("RequesterName", Prop::Str("CONTOSO\\alice")),
                        (
                            "RawRequest",
                            Prop::Binary(vec![0x30, 0x82, 0x00, 0x01, 0xff]),
                        ),
                    ],
                    certificate: vec![
                        ("RawCertificate", Prop::Binary(vec![0x30, 0x82, 0x01, 0x0a])),
                        ("SerialNumber", Prop::Str("1a2b3c")),
                    ],
                    attributes: vec![("CertificateTemplate", "User"), ("ccm", "host.contoso")],
                    extensions: vec![
                        (
                            "2.5.29.15",
                            Prop::Binary(vec![0x03, 0x02, 0x05, 0xa0]),
                            0x0001,
                        ),
                        ("2.5.29.17", Prop::Binary(vec![0x30, 0x00]), 0x0000),
                        (
                            "1.3.6.1.4.1.311.21.7",
                            Prop::Binary(vec![0x30, 0x03]),
                            0x0002,
                        ),
                    ],
                },
                Request {
                    context: 8,
                    properties: vec![("RequestID", Prop::Long(43))],
                    certificate: vec![],
                    attributes: vec![],
                    extensions: vec![],
                },
            ],
            current: Cell::new(None),
            last_extension_flags: Cell::new(None),
            extension_cursor: RefCell::new(None),
            attribute_cursor: RefCell::new(None),
            dropped,
        }
    }

    fn request(&self) -> Result<&Request> {
        let index = self
            .current
            .get()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "SetContext has not been called"))?;
        Ok(&self.requests[index])
    }

    fn property(table: &[(&str, Prop)], name: &BStr, proptype: i32) -> Result<Variant> {
        let name = name.to_string_lossy();
        let (_, prop) = table
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            .ok_or_else(|| Error::new(CERTSRV_E_PROPERTY_EMPTY, format!("no property {name}")))?;
        if prop.proptype() != proptype {
            return Err(Error::new(E_INVALIDARG, format!("{name} has another type")));
        }
        Ok(prop.to_variant())
    }

    fn next(cursor: &RefCell<Option<usize>>, names: Vec<&str>) -> Result<BStr> {
        let mut cursor = cursor.borrow_mut();
        let at = cursor
            .as_mut()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "enumeration not set up"))?;
        let name = names
            .get(*at)
            .ok_or_else(|| Error::new(NO_MORE_ITEMS, "no more items"))?;
        *at += 1;
        Ok(BStr::from(*name))
    }
}

impl ICertServerExit_Impl for MockCa {
    fn set_context(&self, context: i32) -> Result<()> {
        let index = self
            .requests
            .iter()
            .position(|r| r.context == context)
            .ok_or_else(|| Error::new(E_INVALIDARG, format!("no request {context}")))?;
        self.current.set(Some(index));
        Ok(())
    }

    fn get_request_property(
        &self,
        str_property_name: &BStr,
        property_type: i32,
    ) -> Result<Variant> {
        Self::property(
            &self.request()?.properties,
            str_property_name,
            property_type,
        )
    }

    fn get_request_attribute(&self, str_attribute_name: &BStr) -> Result<BStr> {
        let name = str_attribute_name.to_string_lossy();
        self.request()?
            .attributes
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| BStr::from(*v))
            .ok_or_else(|| Error::new(CERTSRV_E_PROPERTY_EMPTY, format!("no attribute {name}")))
    }

    fn get_certificate_property(
        &self,
        str_property_name: &BStr,
        property_type: i32,
    ) -> Result<Variant> {
        Self::property(
            &self.request()?.certificate,
            str_property_name,
            property_type,
        )
    }

    fn get_certificate_extension(&self, str_extension_name: &BStr, r#type: i32) -> Result<Variant> {
        let oid = str_extension_name.to_string_lossy();
        let (_, value, flags) = self
            .request()?
            .extensions
            .iter()
            .find(|(o, _, _)| *o == oid)
            .ok_or_else(|| Error::new(CERTSRV_E_PROPERTY_EMPTY, format!("no extension {oid}")))?;
        if value.proptype() != r#type {
            return Err(Error::new(E_INVALIDARG, "extension has another type"));
        }
        self.last_extension_flags.set(Some(*flags));
        Ok(value.to_variant())
    }

    fn get_certificate_extension_flags(&self) -> Result<i32> {
        self.last_extension_flags
            .get()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "no extension fetched yet"))
    }

    fn enumerate_extensions_setup(&self, flags: i32) -> Result<()> {
        if flags != 0 {
            return Err(Error::new(E_INVALIDARG, "flags must be 0"));
        }
        self.request()?;
        *self.extension_cursor.borrow_mut() = Some(0);
        Ok(())
    }

    fn enumerate_extensions(&self) -> Result<BStr> {
        let names = self.request()?.extensions.iter().map(|e| e.0).collect();
        Self::next(&self.extension_cursor, names)
    }

    fn enumerate_extensions_close(&self) -> Result<()> {
        self.extension_cursor.borrow_mut().take();
        Ok(())
    }

    fn enumerate_attributes_setup(&self, flags: i32) -> Result<()> {
        if flags != 0 {
            return Err(Error::new(E_INVALIDARG, "flags must be 0"));
        }
        self.request()?;
        *self.attribute_cursor.borrow_mut() = Some(0);
        Ok(())
    }

    fn enumerate_attributes(&self) -> Result<BStr> {
        let names = self.request()?.attributes.iter().map(|a| a.0).collect();
        Self::next(&self.attribute_cursor, names)
    }

    fn enumerate_attributes_close(&self) -> Result<()> {
        self.attribute_cursor.borrow_mut().take();
        Ok(())
    }
}

fn code<T: std::fmt::Debug>(r: Result<T>) -> HRESULT {
    match r {
        Ok(v) => panic!("expected a failure, got {v:?}"),
        Err(e) => e.code(),
    }
}

/// Counts references through the raw IUnknown vtable: AddRef then Release returns the count.
fn ref_count(unknown: &IUnknown) -> u32 {
    let vtbl = unknown.vtable();
    // SAFETY: a live interface pointer; the AddRef is undone by the Release.
    unsafe {
        (vtbl.AddRef)(unknown.as_raw());
        (vtbl.Release)(unknown.as_raw())
    }
}

/// The exit module's job, written as a user would: read the request through the interface.
fn exit_module_reads(server: &ICertServerExit) -> Result<()> {
    server.set_context(7)?;

    // VARIANT out: VT_I4.
    let id = server.get_request_property(&BStr::from("RequestID"), PROPTYPE_LONG)?;
    assert_eq!(id.vt(), VT_I4);
    assert_eq!(i32::try_from(&id)?, 42);

    // VARIANT out: VT_BSTR, names compared as the CA does (case-insensitively).
    let who = server.get_request_property(&BStr::from("requestername"), PROPTYPE_STRING)?;
    assert_eq!(who.vt(), VT_BSTR);
    assert_eq!(String::try_from(&who)?, "CONTOSO\\alice");

    // VARIANT out: the binary property as a byte array.
    let raw = server.get_request_property(&BStr::from("RawRequest"), PROPTYPE_BINARY)?;
    assert_eq!(raw.vt(), VT_ARRAY | VT_UI1);
    assert_eq!(
        Vec::<u8>::try_from(&raw)?,
        vec![0x30, 0x82, 0x00, 0x01, 0xff]
    );

    // BSTR in, BSTR out.
    let template = server.get_request_attribute(&BStr::from("CertificateTemplate"))?;
    assert_eq!(template, "User");

    let cert = server.get_certificate_property(&BStr::from("RawCertificate"), PROPTYPE_BINARY)?;
    assert_eq!(Vec::<u8>::try_from(&cert)?, vec![0x30, 0x82, 0x01, 0x0a]);
    let serial = server.get_certificate_property(&BStr::from("SerialNumber"), PROPTYPE_STRING)?;
    assert_eq!(String::try_from(&serial)?, "1a2b3c");

    // VARIANT out, then LONG out.
    let ku = server.get_certificate_extension(&BStr::from("2.5.29.15"), PROPTYPE_BINARY)?;
    assert_eq!(Vec::<u8>::try_from(&ku)?, vec![0x03, 0x02, 0x05, 0xa0]);
    assert_eq!(server.get_certificate_extension_flags()?, 0x0001);
    server.get_certificate_extension(&BStr::from("1.3.6.1.4.1.311.21.7"), PROPTYPE_BINARY)?;
    assert_eq!(server.get_certificate_extension_flags()?, 0x0002);

    // Setup / next until it fails / Close.
    server.enumerate_extensions_setup(0)?;
    let mut extensions = Vec::new();
    loop {
        match server.enumerate_extensions() {
            Ok(name) => extensions.push(name.to_string_lossy()),
            Err(e) => {
                assert_eq!(e.code(), NO_MORE_ITEMS);
                break;
            }
        }
    }
    server.enumerate_extensions_close()?;
    assert_eq!(
        extensions,
        ["2.5.29.15", "2.5.29.17", "1.3.6.1.4.1.311.21.7"]
    );

    server.enumerate_attributes_setup(0)?;
    let mut attributes = Vec::new();
    while let Ok(name) = server.enumerate_attributes() {
        attributes.push(name.to_string_lossy());
    }
    assert_eq!(code(server.enumerate_attributes()), NO_MORE_ITEMS);
    server.enumerate_attributes_close()?;
    assert_eq!(attributes, ["CertificateTemplate", "ccm"]);
    Ok(())
}

#[test]
fn mock_ca_serves_all_12_methods_through_the_vtable() {
    let dropped = Rc::new(Cell::new(false));
    let server: ICertServerExit = MockCa::new(dropped.clone()).into_com();
    assert_eq!(ref_count(idlgen_runtime::as_unknown(&server)), 1);

    // Before SetContext the CA has no request: failure HRESULTs come back as Err.
    assert_eq!(
        code(server.get_request_property(&BStr::from("RequestID"), PROPTYPE_LONG)),
        E_UNEXPECTED
    );
    assert_eq!(code(server.enumerate_extensions()), E_UNEXPECTED);

    exit_module_reads(&server).expect("the exit module reads the request");

    // Failures carry the HRESULT the implementation chose, and its message.
    assert_eq!(code(server.set_context(99)), E_INVALIDARG);
    assert_eq!(
        code(server.get_request_property(&BStr::from("NoSuchProperty"), PROPTYPE_LONG)),
        CERTSRV_E_PROPERTY_EMPTY
    );
    assert_eq!(
        code(server.get_request_property(&BStr::from("RequestID"), PROPTYPE_DATE)),
        E_INVALIDARG
    );
    assert_eq!(
        code(server.get_request_attribute(&BStr::from("Missing"))),
        CERTSRV_E_PROPERTY_EMPTY
    );
    assert_eq!(code(server.enumerate_extensions_setup(1)), E_INVALIDARG);
    assert_eq!(code(server.enumerate_extensions()), E_UNEXPECTED, "closed");

    // Another request: context switches what the methods see.
    server.set_context(8).expect("request 8 exists");
    let id = server
        .get_request_property(&BStr::from("RequestID"), PROPTYPE_LONG)
        .expect("RequestID");
    assert_eq!(i32::try_from(&id).expect("VT_I4"), 43);
    server.enumerate_extensions_setup(0).expect("setup");
    assert_eq!(code(server.enumerate_extensions()), NO_MORE_ITEMS);
    server.enumerate_extensions_close().expect("close");

    // Reference counting: clones AddRef, drops Release; QueryInterface answers the chain only.
    let second = server.clone();
    assert_eq!(ref_count(idlgen_runtime::as_unknown(&server)), 2);
    let dispatch: IDispatch = server.cast().expect("ICertServerExit is dual");
    let unknown: IUnknown = server.cast().expect("every object is IUnknown");
    assert_eq!(ref_count(&unknown), 4);
    assert_eq!(
        server
            .cast::<ICertServerPolicy>()
            .map(|_| ())
            .map_err(|e| e.code()),
        Err(E_NOINTERFACE)
    );
    // Late-bound names resolve from the generated DISPID table, in any letter case.
    assert_eq!(
        dispatch
            .get_ids_of_names(&["getrequestproperty"])
            .expect("known name"),
        vec![0x6002_0001]
    );
    assert_eq!(dispatch.get_type_info_count().expect("no type info"), 0);
    drop((second, dispatch, unknown));
    assert_eq!(ref_count(idlgen_runtime::as_unknown(&server)), 1);
    assert!(!dropped.get());
    drop(server);
    assert!(dropped.get(), "the last Release destroys the object");
}

#[test]
fn dispid_table_matches_spec() {
    let table = &ICertServerExit::DISPIDS;
    let names: Vec<_> = table
        .members()
        .iter()
        .map(|m| (m.name, m.dispid, m.slot))
        .collect();
    let expected = [
        "SetContext",
        "GetRequestProperty",
        "GetRequestAttribute",
        "GetCertificateProperty",
        "GetCertificateExtension",
        "GetCertificateExtensionFlags",
        "EnumerateExtensionsSetup",
        "EnumerateExtensions",
        "EnumerateExtensionsClose",
        "EnumerateAttributesSetup",
        "EnumerateAttributes",
        "EnumerateAttributesClose",
    ];
    assert_eq!(names.len(), 12);
    for (i, (name, dispid, slot)) in names.iter().enumerate() {
        assert_eq!(*name, expected[i]);
        assert_eq!(*dispid, 0x6002_0000 + i as i32);
        assert_eq!(*slot, Some(7 + i as u16));
        assert_eq!(table.lookup(&name.to_uppercase()), Some(*dispid));
        assert_eq!(table.name_of(*dispid), Some(*name));
    }
    assert_eq!(table.lookup("NoSuchMember"), None);
    assert_eq!(ICertServerExit::DISPID_GET_REQUEST_PROPERTY, 0x6002_0001);
    assert_eq!(ICertServerPolicy::DISPIDS.members().len(), 14);
    assert_eq!(
        ICertServerPolicy::DISPIDS.lookup("setcertificateextension"),
        Some(0x6002_0007)
    );
    assert_eq!(
        idlgen_runtime::guid_string(&ICertServerExit::IID),
        "4ba9eb90-732c-11d0-8816-00a0c903b83c"
    );
    assert_eq!(
        idlgen_runtime::guid_string(&ICertServerPolicy::IID),
        "aa000922-ffbe-11cf-8800-00a0c903b83c"
    );
}

/// The mock CA as a script host sees it: only `IDispatch`.
fn late_bound_ca() -> IDispatch {
    let server: ICertServerExit = MockCa::new(Rc::new(Cell::new(false))).into_com();
    server.cast().expect("ICertServerExit is dual")
}

const METHOD_GET: u16 = idlgen_runtime::DISPATCH_METHOD | idlgen_runtime::DISPATCH_PROPERTYGET;

#[test]
fn late_bound_client_drives_the_mock_ca_like_a_script_host() {
    use dispatch_support::*;
    use idlgen_runtime::*;
    let ca = late_bound_ca();

    // GetIDsOfNames, names in other letter cases, with parameter names (G1, G2).
    let (hr, ids) = ids_of(&ca, &["SETCONTEXT"], 0x409);
    assert_eq!((hr, ids), (S_OK, vec![0x6002_0000]));
    let (hr, ids) = ids_of(
        &ca,
        &["getrequestproperty", "STRPROPERTYNAME", "propertytype"],
        0,
    );
    assert_eq!((hr, ids), (S_OK, vec![0x6002_0001, 0, 1]));
    let get_request_property = 0x6002_0001;

    // SetContext(7) with a VT_I2 (coerced to LONG), as VBScript calls: METHOD|PROPERTYGET.
    let o = invoke(&ca, 0x6002_0000, METHOD_GET, vec![Variant::from(7i16)]);
    assert_eq!((o.hr, o.result.vt()), (S_OK, VT_EMPTY));

    // GetRequestProperty("RequestID", PROPTYPE_LONG as VT_I2): the VARIANT result read back.
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec![
            Variant::from("RequestID"),
            Variant::from(PROPTYPE_LONG as i16),
        ],
    );
    assert_eq!(o.hr, S_OK);
    assert_eq!(o.result.vt(), VT_I4);
    assert_eq!(i32::try_from(&o.result), Ok(42));
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec![
            Variant::from("RequesterName"),
            Variant::from(PROPTYPE_STRING as i16),
        ],
    );
    assert_eq!(
        String::try_from(&o.result).ok().as_deref(),
        Some("CONTOSO\\alice")
    );
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec![Variant::from("RawRequest"), Variant::from(PROPTYPE_BINARY)],
    );
    assert_eq!(o.result.vt(), VT_ARRAY | VT_UI1);
    assert_eq!(
        o.result.as_bytes(),
        Some(&[0x30, 0x82, 0x00, 0x01, 0xff][..])
    );
    // Named arguments, as `GetRequestProperty PropertyType:=1, strPropertyName:="RequestID"`.
    let mut rgvarg = [Variant::from(PROPTYPE_LONG), Variant::from("RequestID")];
    let o = invoke_raw(
        &ca,
        get_request_property,
        METHOD_GET,
        &mut rgvarg,
        &mut [1, 0],
    );
    assert_eq!(i32::try_from(&o.result), Ok(42));
    // A BSTR result and a LONG result.
    let o = invoke(
        &ca,
        0x6002_0002,
        METHOD_GET,
        vec![Variant::from("certificatetemplate")],
    );
    assert_eq!(
        (o.result.vt(), String::try_from(&o.result).ok().as_deref()),
        (VT_BSTR, Some("User"))
    );
    let o = invoke(
        &ca,
        0x6002_0004,
        METHOD_GET,
        vec!["2.5.29.15".into(), PROPTYPE_BINARY.into()],
    );
    assert_eq!(o.hr, S_OK);
    let o = invoke(&ca, 0x6002_0005, METHOD_GET, vec![]);
    assert_eq!((o.result.vt(), i32::try_from(&o.result)), (VT_I4, Ok(1)));
    // Enumerate until the CA reports the end, through EXCEPINFO.
    assert_eq!(
        invoke(&ca, 0x6002_0006, METHOD_GET, vec![0.into()]).hr,
        S_OK
    );
    let mut names = Vec::new();
    loop {
        let o = invoke(&ca, 0x6002_0007, METHOD_GET, vec![]);
        if o.hr != S_OK {
            assert_eq!(o.hr, DISP_E_EXCEPTION);
            assert_eq!(o.excep.map(|e| e.scode), Some(NO_MORE_ITEMS));
            break;
        }
        names.push(String::try_from(&o.result).unwrap_or_default());
    }
    assert_eq!(names, ["2.5.29.15", "2.5.29.17", "1.3.6.1.4.1.311.21.7"]);

    // The error paths.
    let (hr, ids) = ids_of(&ca, &["GetRequestProperty", "NoSuchParam"], 0);
    assert_eq!(
        (hr, ids),
        (DISP_E_UNKNOWNNAME, vec![0x6002_0001, DISPID_UNKNOWN])
    );
    assert_eq!(ids_of(&ca, &["NoSuchMethod"], 0).0, DISP_E_UNKNOWNNAME);
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec!["NoSuch".into(), 1.into()],
    );
    assert_eq!(o.hr, DISP_E_EXCEPTION);
    assert_eq!(o.result.vt(), VT_EMPTY);
    let excep = o.excep.expect("EXCEPINFO");
    assert_eq!(
        (
            excep.wcode,
            excep.scode,
            excep.source.as_str(),
            excep.description.as_str()
        ),
        (
            0,
            CERTSRV_E_PROPERTY_EMPTY,
            "ICertServerExit",
            "no property NoSuch"
        )
    );
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec!["RequestID".into()],
    );
    assert_eq!(o.hr, DISP_E_BADPARAMCOUNT);
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec!["RequestID".into(), "long".into()],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_TYPEMISMATCH, Some(0)));
    let o = invoke(
        &ca,
        get_request_property,
        METHOD_GET,
        vec!["RequestID".into(), 1e10.into()],
    );
    assert_eq!((o.hr, o.arg_err), (DISP_E_OVERFLOW, Some(0)));
    let o = invoke_with(
        &ca,
        0x6002_0005,
        &IDispatch::IID,
        0,
        METHOD_GET,
        &mut [],
        &mut [],
    );
    assert_eq!(o.hr, DISP_E_UNKNOWNINTERFACE);
    assert_eq!(
        invoke(&ca, 0x6002_00FF, METHOD_GET, vec![]).hr,
        DISP_E_MEMBERNOTFOUND
    );
    assert_eq!(
        invoke(&ca, 0x6002_0000, DISPATCH_PROPERTYPUT, vec![7.into()]).hr,
        DISP_E_MEMBERNOTFOUND
    );
    let o = invoke(&ca, 0x6002_0005, METHOD_GET, vec![1.into()]);
    assert_eq!(
        o.hr, DISP_E_BADPARAMCOUNT,
        "A8: the [retval] is not an argument"
    );
}

#[test]
fn invoke_a1_reverse_order_over_the_mock_ca() {
    use dispatch_support::*;
    let ca = late_bound_ca();
    assert_eq!(
        invoke(&ca, 0x6002_0000, METHOD_GET, vec![7.into()]).hr,
        idlgen_runtime::S_OK
    );
    // rgvarg[1] is the first parameter (the name), rgvarg[0] the second (the type).
    let mut rgvarg = [
        Variant::from(PROPTYPE_STRING),
        Variant::from("SerialNumber"),
    ];
    let o = invoke_raw(&ca, 0x6002_0003, METHOD_GET, &mut rgvarg, &mut []);
    assert_eq!(String::try_from(&o.result).ok().as_deref(), Some("1a2b3c"));
    // The other way round is a type mismatch on rgvarg[0] (not a number).
    let mut rgvarg = [
        Variant::from("SerialNumber"),
        Variant::from(PROPTYPE_STRING),
    ];
    let o = invoke_raw(&ca, 0x6002_0003, METHOD_GET, &mut rgvarg, &mut []);
    assert_eq!(
        (o.hr, o.arg_err),
        (idlgen_runtime::DISP_E_TYPEMISMATCH, Some(0))
    );
}

#[test]
fn invoke_r3_mock_ca_errors_reach_excepinfo() {
    use dispatch_support::*;
    let ca = late_bound_ca();
    // Before SetContext the CA has no request.
    let o = invoke(&ca, 0x6002_0005, METHOD_GET, vec![]);
    assert_eq!(o.hr, idlgen_runtime::DISP_E_EXCEPTION);
    let excep = o.excep.expect("EXCEPINFO");
    assert_eq!(
        (excep.scode, excep.description.as_str()),
        (E_UNEXPECTED, "no extension fetched yet")
    );
}

/// The shim's fast path (positional arguments of exactly the parameters' types, by value)
/// answers as its general path: the calls benches/dispatch.rs measures, and the rest of an
/// exit module's reads, made once with exact types and once with equivalent arguments the
/// fast path declines (another type with the same value, by reference, by name), each on a
/// fresh mock CA. Errors from the implementation (before SetContext) included (R3).
#[test]
fn fast_path_answers_as_the_general_path_over_the_mock_ca() {
    use dispatch_support::*;
    use idlgen_runtime::*;
    type Call = (i32, Vec<Variant>, Vec<i32>);
    // Positional arguments in declaration order (reversed into rgvarg).
    let pos = |dispid: i32, args: Vec<Variant>| -> Call {
        (dispid, args.into_iter().rev().collect(), vec![])
    };
    let run = |calls: Vec<Call>| -> Vec<String> {
        let ca = late_bound_ca();
        calls
            .into_iter()
            .map(|(dispid, mut rgvarg, mut named)| {
                let o = invoke_raw(&ca, dispid, METHOD_GET, &mut rgvarg, &mut named);
                format!("{:?} {:?} {:?} {:?}", o.hr, o.result, o.arg_err, o.excep)
            })
            .collect()
    };
    let (set_context, request_property, extension, flags) =
        (0x6002_0000, 0x6002_0001, 0x6002_0004, 0x6002_0005);
    let fast = run(vec![
        pos(flags, vec![]),
        pos(
            request_property,
            vec!["RequestID".into(), PROPTYPE_LONG.into()],
        ),
        pos(set_context, vec![7.into()]),
        pos(
            request_property,
            vec!["RequestID".into(), PROPTYPE_LONG.into()],
        ),
        pos(
            request_property,
            vec!["RequesterName".into(), PROPTYPE_STRING.into()],
        ),
        pos(extension, vec!["2.5.29.15".into(), PROPTYPE_BINARY.into()]),
        pos(flags, vec![]),
    ]);
    let mut name = BStr::from("RequestID");
    let mut context = 7i32;
    let general = run(vec![
        pos(flags, vec![]),
        (
            request_property,
            vec!["RequestID".into(), PROPTYPE_LONG.into()],
            vec![0, 1],
        ),
        pos(set_context, vec![byref(VT_I4, &mut context)]),
        pos(
            request_property,
            vec![byref(VT_BSTR, &mut name), (PROPTYPE_LONG as i16).into()],
        ),
        pos(
            request_property,
            vec!["RequesterName".into(), PROPTYPE_STRING.to_string().into()],
        ),
        (
            extension,
            vec![PROPTYPE_BINARY.into(), "2.5.29.15".into()],
            vec![1, 0],
        ),
        pos(flags, vec![]),
    ]);
    assert_eq!(fast, general);
    assert!(fast[0].starts_with("HRESULT(0x80020009)"), "{fast:?}");
    assert!(fast[3].contains("value: 42"), "{fast:?}");
    assert!(fast[6].contains("value: 1 "), "{fast:?}");
}
