//! Generates the certif bindings into OUT_DIR. certcli.idl imports certif.idl; `with_imports`
//! emits both, and cargo reruns this script when either changes.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    idlgen::Builder::new()
        .idl("../../fixtures/certif/certcli.idl")
        .with_imports(true)
        .generate()?;
    Ok(())
}
