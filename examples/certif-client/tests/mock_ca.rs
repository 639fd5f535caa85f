//! The client functions against a small mock CA implemented through the generated `_Impl` trait.

use std::cell::Cell;

use certif_client::certif::{
    CCertServerExit, CERTCLIENTLib, ICertServerExit, ICertServerExit_Impl,
};
use certif_client::{PROPTYPE_LONG, extension_names, request_id};
use idlgen_runtime::{BStr, E_INVALIDARG, E_NOTIMPL, Error, HRESULT, IntoCom, Result, Variant};

const NO_MORE_ITEMS: HRESULT = HRESULT(0x8007_0103_u32 as i32);

#[derive(Default)]
struct Ca {
    context: Cell<i32>,
    cursor: Cell<Option<usize>>,
}

const EXTENSIONS: [&str; 2] = ["2.5.29.15", "2.5.29.17"];

impl ICertServerExit_Impl for Ca {
    fn set_context(&self, context: i32) -> Result<()> {
        self.context.set(context);
        Ok(())
    }
    fn get_request_property(&self, name: &BStr, property_type: i32) -> Result<Variant> {
        match (name.to_string_lossy().as_str(), property_type) {
            ("RequestID", PROPTYPE_LONG) => Ok(Variant::from(1000 + self.context.get())),
            _ => Err(Error::new(E_INVALIDARG, "unknown property")),
        }
    }
    fn get_request_attribute(&self, _: &BStr) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_extension(&self, _: &BStr, _: i32) -> Result<Variant> {
        Err(E_NOTIMPL.into())
    }
    fn get_certificate_extension_flags(&self) -> Result<i32> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_extensions_setup(&self, _: i32) -> Result<()> {
        self.cursor.set(Some(0));
        Ok(())
    }
    fn enumerate_extensions(&self) -> Result<BStr> {
        let at = self.cursor.get().ok_or(Error::from(E_INVALIDARG))?;
        let name = EXTENSIONS.get(at).ok_or(Error::from(NO_MORE_ITEMS))?;
        self.cursor.set(Some(at + 1));
        Ok(BStr::from(*name))
    }
    fn enumerate_extensions_close(&self) -> Result<()> {
        self.cursor.set(None);
        Ok(())
    }
    fn enumerate_attributes_setup(&self, _: i32) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes(&self) -> Result<BStr> {
        Err(E_NOTIMPL.into())
    }
    fn enumerate_attributes_close(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}

#[test]
fn the_client_reads_through_the_generated_bindings() {
    let server: ICertServerExit = Ca::default().into_com();
    assert_eq!(request_id(&server, 7), Ok(1007));
    assert_eq!(
        extension_names(&server),
        Ok(vec!["2.5.29.15".to_string(), "2.5.29.17".to_string()])
    );
    assert_eq!(
        idlgen_runtime::guid_string(&CCertServerExit::CLSID),
        "4c4a5e40-732c-11d0-8816-00a0c903b83c"
    );
    assert_eq!(CERTCLIENTLib::VERSION, (1, 0));
}
