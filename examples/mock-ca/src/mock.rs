//! The mock CA: two pending requests, as an exit or policy module sees them (the same data as
//! tests/certif_e2e.rs, plus a DATE property of each kind so every PROPTYPE has one).

use std::cell::{Cell, RefCell};

use idlgen_runtime::{
    BStr, E_INVALIDARG, E_UNEXPECTED, Error, HRESULT, Result, VT_DATE, VT_R8, Variant, change_type,
};

use crate::certif::{ICertServerExit_Impl, ICertServerPolicy_Impl};

const PROPTYPE_LONG: i32 = 1;
const PROPTYPE_DATE: i32 = 2;
const PROPTYPE_BINARY: i32 = 3;
const PROPTYPE_STRING: i32 = 4;

/// certsrv.h: the property has no value.
const CERTSRV_E_PROPERTY_EMPTY: HRESULT = HRESULT(0x8009_4004_u32 as i32);
/// HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS): what the enumerations answer past the end.
const NO_MORE_ITEMS: HRESULT = HRESULT(0x8007_0103_u32 as i32);

#[derive(Clone, Debug)]
enum Prop {
    Long(i32),
    /// An OLE date (days since 1899-12-30).
    Date(f64),
    Str(String),
    Binary(Vec<u8>),
}

impl Prop {
    fn proptype(&self) -> i32 {
        match self {
            Prop::Long(_) => PROPTYPE_LONG,
            Prop::Date(_) => PROPTYPE_DATE,
            Prop::Binary(_) => PROPTYPE_BINARY,
            Prop::Str(_) => PROPTYPE_STRING,
        }
    }

    fn to_variant(&self) -> Result<Variant> {
        Ok(match self {
            Prop::Long(v) => Variant::from(*v),
            Prop::Date(d) => change_type(&Variant::from(*d), VT_DATE)
                .map_err(|hr| Error::new(hr, "not a date"))?,
            Prop::Str(s) => Variant::from(s.as_str()),
            Prop::Binary(b) => Variant::from(b.as_slice()),
        })
    }

    /// The value a policy module sets, coerced to `proptype`.
    fn from_variant(proptype: i32, value: &Variant) -> Result<Prop> {
        let mismatch = |_| Error::new(E_INVALIDARG, "the value does not fit the property type");
        Ok(match proptype {
            PROPTYPE_LONG => Prop::Long(i32::try_from(value).map_err(mismatch)?),
            PROPTYPE_DATE => {
                let date = change_type(value, VT_DATE)
                    .and_then(|d| change_type(&d, VT_R8))
                    .map_err(|hr| Error::new(hr, "not a date"))?;
                Prop::Date(f64::try_from(&date).map_err(mismatch)?)
            }
            PROPTYPE_BINARY => Prop::Binary(Vec::<u8>::try_from(value).map_err(mismatch)?),
            PROPTYPE_STRING => Prop::Str(String::try_from(value).map_err(mismatch)?),
            _ => return Err(Error::new(E_INVALIDARG, format!("no PROPTYPE {proptype}"))),
        })
    }
}

struct Extension {
    oid: String,
    value: Prop,
    flags: i32,
}

struct Request {
    context: i32,
    properties: Vec<(String, Prop)>,
    certificate: Vec<(String, Prop)>,
    attributes: Vec<(String, String)>,
    extensions: Vec<Extension>,
}

/// A CA's view of its pending requests, served as both `ICertServerExit` and
/// `ICertServerPolicy` (the policy side may also set certificate properties and extensions).
pub struct MockCa {
    requests: RefCell<Vec<Request>>,
    current: Cell<Option<usize>>,
    last_extension_flags: Cell<Option<i32>>,
    extension_cursor: Cell<Option<usize>>,
    attribute_cursor: Cell<Option<usize>>,
}

impl Default for MockCa {
    fn default() -> MockCa {
        MockCa::new()
    }
}

fn props(list: Vec<(&str, Prop)>) -> Vec<(String, Prop)> {
    list.into_iter().map(|(n, p)| (n.to_string(), p)).collect()
}

fn extension(oid: &str, value: Vec<u8>, flags: i32) -> Extension {
    Extension {
        oid: oid.to_string(),
        value: Prop::Binary(value),
        flags,
    }
}

impl MockCa {
    /// The mock CA with requests 7 (complete) and 8 (a RequestID only).
    pub fn new() -> MockCa {
        let requests = vec![
            Request {
                context: 7,
                properties: props(vec![
                    ("RequestID", Prop::Long(42)),
                    ("RequesterName", Prop::Str("CONTOSO\\alice".into())),
                    (
                        "RawRequest",
                        Prop::Binary(vec![0x30, 0x82, 0x00, 0x01, 0xff]),
                    ),
                    // 2023-03-15 12:00:00
                    ("SubmittedWhen", Prop::Date(45000.5)),
                ]),
                certificate: props(vec![
                    ("RawCertificate", Prop::Binary(vec![0x30, 0x82, 0x01, 0x0a])),
                    ("SerialNumber", Prop::Str("1a2b3c".into())),
                    // 2023-03-16 06:00:00
                    ("NotBefore", Prop::Date(45001.25)),
                    ("CertificateType", Prop::Long(1)),
                ]),
                attributes: vec![
                    ("CertificateTemplate".into(), "User".into()),
                    ("ccm".into(), "host.contoso".into()),
                ],
                extensions: vec![
                    extension("2.5.29.15", vec![0x03, 0x02, 0x05, 0xa0], 0x0001),
                    extension("2.5.29.17", vec![0x30, 0x00], 0x0000),
                    extension("1.3.6.1.4.1.311.21.7", vec![0x30, 0x03], 0x0002),
                    // A LONG-valued extension (the CA version), so every script host can
                    // read one: Wine 8's JScript cannot take a VT_ARRAY|VT_UI1 value.
                    Extension {
                        oid: "1.3.6.1.4.1.311.21.1".to_string(),
                        value: Prop::Long(65537),
                        flags: 0,
                    },
                ],
            },
            Request {
                context: 8,
                properties: props(vec![("RequestID", Prop::Long(43))]),
                certificate: vec![],
                attributes: vec![],
                extensions: vec![],
            },
        ];
        MockCa {
            requests: RefCell::new(requests),
            current: Cell::new(None),
            last_extension_flags: Cell::new(None),
            extension_cursor: Cell::new(None),
            attribute_cursor: Cell::new(None),
        }
    }

    /// Runs `f` on the current request.
    fn with_request<R>(&self, f: impl FnOnce(&mut Request) -> Result<R>) -> Result<R> {
        let index = self
            .current
            .get()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "SetContext has not been called"))?;
        let mut requests = self
            .requests
            .try_borrow_mut()
            .map_err(|_| Error::new(E_UNEXPECTED, "re-entered"))?;
        let request = requests
            .get_mut(index)
            .ok_or_else(|| Error::new(E_UNEXPECTED, "no current request"))?;
        f(request)
    }

    fn property(table: &[(String, Prop)], name: &BStr, proptype: i32) -> Result<Variant> {
        let name = name.to_string_lossy();
        let (_, prop) = table
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            .ok_or_else(|| Error::new(CERTSRV_E_PROPERTY_EMPTY, format!("no property {name}")))?;
        if prop.proptype() != proptype {
            return Err(Error::new(E_INVALIDARG, format!("{name} has another type")));
        }
        prop.to_variant()
    }

    fn set_property(table: &mut Vec<(String, Prop)>, name: &BStr, value: Prop) {
        let name = name.to_string_lossy();
        match table
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some((_, prop)) => *prop = value,
            None => table.push((name, value)),
        }
    }

    fn next(cursor: &Cell<Option<usize>>, names: Vec<String>) -> Result<BStr> {
        let at = cursor
            .get()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "enumeration not set up"))?;
        let name = names
            .get(at)
            .ok_or_else(|| Error::new(NO_MORE_ITEMS, "no more items"))?;
        cursor.set(Some(at + 1));
        Ok(BStr::from(name.as_str()))
    }

    fn set_context(&self, context: i32) -> Result<()> {
        let index = self
            .requests
            .try_borrow()
            .map_err(|_| Error::new(E_UNEXPECTED, "re-entered"))?
            .iter()
            .position(|r| r.context == context)
            .ok_or_else(|| Error::new(E_INVALIDARG, format!("no request {context}")))?;
        self.current.set(Some(index));
        self.extension_cursor.set(None);
        self.attribute_cursor.set(None);
        Ok(())
    }

    fn get_request_property(&self, name: &BStr, proptype: i32) -> Result<Variant> {
        self.with_request(|r| Self::property(&r.properties, name, proptype))
    }

    fn get_request_attribute(&self, name: &BStr) -> Result<BStr> {
        let name = name.to_string_lossy();
        self.with_request(|r| {
            r.attributes
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| BStr::from(v.as_str()))
                .ok_or_else(|| Error::new(CERTSRV_E_PROPERTY_EMPTY, format!("no attribute {name}")))
        })
    }

    fn get_certificate_property(&self, name: &BStr, proptype: i32) -> Result<Variant> {
        self.with_request(|r| Self::property(&r.certificate, name, proptype))
    }

    fn set_certificate_property(&self, name: &BStr, proptype: i32, value: &Variant) -> Result<()> {
        let value = Prop::from_variant(proptype, value)?;
        self.with_request(|r| {
            Self::set_property(&mut r.certificate, name, value);
            Ok(())
        })
    }

    fn get_certificate_extension(&self, name: &BStr, proptype: i32) -> Result<Variant> {
        let oid = name.to_string_lossy();
        let (value, flags) = self.with_request(|r| {
            let e = r.extensions.iter().find(|e| e.oid == oid).ok_or_else(|| {
                Error::new(CERTSRV_E_PROPERTY_EMPTY, format!("no extension {oid}"))
            })?;
            if e.value.proptype() != proptype {
                return Err(Error::new(E_INVALIDARG, "extension has another type"));
            }
            Ok((e.value.to_variant()?, e.flags))
        })?;
        self.last_extension_flags.set(Some(flags));
        Ok(value)
    }

    fn get_certificate_extension_flags(&self) -> Result<i32> {
        self.last_extension_flags
            .get()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "no extension fetched yet"))
    }

    fn set_certificate_extension(
        &self,
        name: &BStr,
        proptype: i32,
        flags: i32,
        value: &Variant,
    ) -> Result<()> {
        let value = Prop::from_variant(proptype, value)?;
        let oid = name.to_string_lossy();
        self.with_request(|r| {
            match r.extensions.iter_mut().find(|e| e.oid == oid) {
                Some(e) => {
                    e.value = value;
                    e.flags = flags;
                }
                None => r.extensions.push(Extension { oid, value, flags }),
            }
            Ok(())
        })
    }

    fn enumerate_setup(&self, cursor: &Cell<Option<usize>>, flags: i32) -> Result<()> {
        if flags != 0 {
            return Err(Error::new(E_INVALIDARG, "flags must be 0"));
        }
        self.with_request(|_| Ok(()))?;
        cursor.set(Some(0));
        Ok(())
    }

    fn enumerate_extensions(&self) -> Result<BStr> {
        let names =
            self.with_request(|r| Ok(r.extensions.iter().map(|e| e.oid.clone()).collect()))?;
        Self::next(&self.extension_cursor, names)
    }

    fn enumerate_attributes(&self) -> Result<BStr> {
        let names =
            self.with_request(|r| Ok(r.attributes.iter().map(|a| a.0.clone()).collect()))?;
        Self::next(&self.attribute_cursor, names)
    }
}

/// The methods both interfaces share, delegated to `MockCa`'s own.
macro_rules! shared_methods {
    () => {
        fn set_context(&self, context: i32) -> Result<()> {
            MockCa::set_context(self, context)
        }

        fn get_request_property(&self, name: &BStr, property_type: i32) -> Result<Variant> {
            MockCa::get_request_property(self, name, property_type)
        }

        fn get_request_attribute(&self, name: &BStr) -> Result<BStr> {
            MockCa::get_request_attribute(self, name)
        }

        fn get_certificate_property(&self, name: &BStr, property_type: i32) -> Result<Variant> {
            MockCa::get_certificate_property(self, name, property_type)
        }

        fn get_certificate_extension(&self, name: &BStr, r#type: i32) -> Result<Variant> {
            MockCa::get_certificate_extension(self, name, r#type)
        }

        fn get_certificate_extension_flags(&self) -> Result<i32> {
            MockCa::get_certificate_extension_flags(self)
        }

        fn enumerate_extensions_setup(&self, flags: i32) -> Result<()> {
            self.enumerate_setup(&self.extension_cursor, flags)
        }

        fn enumerate_extensions(&self) -> Result<BStr> {
            MockCa::enumerate_extensions(self)
        }

        fn enumerate_extensions_close(&self) -> Result<()> {
            self.extension_cursor.set(None);
            Ok(())
        }

        fn enumerate_attributes_setup(&self, flags: i32) -> Result<()> {
            self.enumerate_setup(&self.attribute_cursor, flags)
        }

        fn enumerate_attributes(&self) -> Result<BStr> {
            MockCa::enumerate_attributes(self)
        }

        fn enumerate_attributes_close(&self) -> Result<()> {
            self.attribute_cursor.set(None);
            Ok(())
        }
    };
}

impl ICertServerExit_Impl for MockCa {
    shared_methods!();
}

impl ICertServerPolicy_Impl for MockCa {
    shared_methods!();

    fn set_certificate_property(
        &self,
        name: &BStr,
        property_type: i32,
        value: &Variant,
    ) -> Result<()> {
        MockCa::set_certificate_property(self, name, property_type, value)
    }

    fn set_certificate_extension(
        &self,
        name: &BStr,
        r#type: i32,
        ext_flags: i32,
        value: &Variant,
    ) -> Result<()> {
        MockCa::set_certificate_extension(self, name, r#type, ext_flags, value)
    }
}
