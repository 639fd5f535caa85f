//! The same exit module on idlgen's own bindings (src/certexit.rs): the generated snake_case
//! `_Impl` traits, made into COM objects with `into_com()` (idlgen-runtime's `ComObject`), whose
//! `IDispatch` is the generated shim.

use idlgen_runtime::{BStr, IntoCom, Result, Variant};

use crate::behaviour::{Exit, Manage, Property};
use crate::certexit::{
    ICertExit_Impl, ICertExit2, ICertExit2_Impl, ICertManageModule, ICertManageModule_Impl,
};

/// The exit module, on idlgen's `ICertExit2`.
#[derive(Default)]
pub struct NativeExit {
    exit: Exit,
}

/// The object as idlgen's bindings type it.
pub fn create() -> ICertExit2 {
    NativeExit::default().into_com()
}

impl ICertExit_Impl for NativeExit {
    fn initialize(&self, str_config: &BStr) -> Result<i32> {
        self.exit.initialize(&str_config.to_string())
    }

    fn notify(&self, exit_event: i32, context: i32) -> Result<()> {
        self.exit.notify(exit_event, context)
    }

    fn get_description(&self) -> Result<BStr> {
        Ok(BStr::from(self.exit.description()))
    }
}

impl ICertExit2_Impl for NativeExit {
    fn get_manage_module(&self) -> Result<ICertManageModule> {
        Ok(NativeManage {
            manage: Manage::new(self.exit.config()),
        }
        .into_com())
    }
}

/// The exit module's `ICertManageModule`, on idlgen's bindings.
pub struct NativeManage {
    manage: Manage,
}

impl ICertManageModule_Impl for NativeManage {
    fn get_property(
        &self,
        str_config: &BStr,
        str_storage_location: &BStr,
        str_property_name: &BStr,
        flags: i32,
    ) -> Result<Variant> {
        let property = self.manage.property(
            &str_config.to_string(),
            &str_storage_location.to_string(),
            &str_property_name.to_string(),
            flags,
        )?;
        Ok(match property {
            Property::Text(text) => Variant::from(text),
            Property::Flag(flag) => Variant::from(flag),
            Property::Number(number) => Variant::from(number),
        })
    }

    fn set_property(
        &self,
        _str_config: &BStr,
        _str_storage_location: &BStr,
        _str_property_name: &BStr,
        _flags: i32,
        _pvar_property: &Variant,
    ) -> Result<()> {
        self.manage.set_property()
    }

    fn configure(
        &self,
        _str_config: &BStr,
        _str_storage_location: &BStr,
        flags: i32,
    ) -> Result<()> {
        self.manage.configure(flags)
    }
}
