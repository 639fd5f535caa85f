//! Generates the bindings the module uses into OUT_DIR: ICertExit, ICertExit2 and
//! ICertManageModule (certexit.idl, certmod.idl), the module's coclasses (idl/exit.idl), and
//! ICertServerExit, through which it reads each request (certif.idl).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    idlgen::Builder::new()
        .idl("idl/exit.idl")
        .include_dir("../../fixtures/certif")
        .with_imports(true)
        .file_name("exit.rs")
        .generate()?;
    idlgen::Builder::new()
        .idl("../../fixtures/certif/certif.idl")
        .file_name("certif.rs")
        .generate()?;
    Ok(())
}
