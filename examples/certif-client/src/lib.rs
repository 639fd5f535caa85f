//! An exit module's view of the CA, through bindings that idlgen generated in build.rs.

/// The bindings of certcli.idl and the certif.idl it imports.
pub mod certif {
    include!(concat!(env!("OUT_DIR"), "/certcli.rs"));
}

use certif::ICertServerExit;
use idlgen_runtime::{BStr, Result};

/// PROPTYPE_LONG (certsrv.h).
pub const PROPTYPE_LONG: i32 = 1;
/// PROPTYPE_STRING (certsrv.h).
pub const PROPTYPE_STRING: i32 = 4;

/// What an exit module reads first: the request's id, for the context the CA passed to Notify.
pub fn request_id(server: &ICertServerExit, context: i32) -> Result<i32> {
    server.set_context(context)?;
    let v = server.get_request_property(&BStr::from("RequestID"), PROPTYPE_LONG)?;
    i32::try_from(&v)
}

/// Every extension OID of the current request, by the Setup / next / Close protocol.
pub fn extension_names(server: &ICertServerExit) -> Result<Vec<String>> {
    server.enumerate_extensions_setup(0)?;
    let mut names = Vec::new();
    // The enumeration ends with a failure HRESULT.
    while let Ok(name) = server.enumerate_extensions() {
        names.push(name.to_string_lossy());
    }
    server.enumerate_extensions_close()?;
    Ok(names)
}
