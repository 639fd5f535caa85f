//! The windows-rs flavour of `IDispatch` (`idlgen rust --windows-dispatch`): for each dual
//! interface, a macro that implements the `windows` crate's `IDispatch_Impl` for an
//! `#[implement]` object implementing the `windows` crate's own interface, answered from the
//! DISPID table idlgen builds from the IDL. The bindings themselves are the `windows` crate's;
//! this output holds only the macros.

use askama::Template;

use crate::diag::Diagnostic;
use crate::model::{ItemKind, Model};

use super::dispatch::{self, DispMemberView, InvokeArmView, TableIndexes};
use super::names::type_name;
use super::{RustOptions, dispatch_parts, render, selected};

#[derive(Template)]
#[template(path = "windows_dispatch.rs.askama", escape = "none")]
struct WindowsDispatchView<'a> {
    /// The runtime crate's path.
    rt: &'a str,
    name: String,
    disp_members: Vec<DispMemberView>,
    invoke_arms: Vec<InvokeArmView>,
    tables: TableIndexes,
}

#[derive(Template)]
#[template(path = "windows_dispatch_file.rs.askama", escape = "none")]
struct FileView {
    version: &'static str,
    sources: String,
    items: Vec<String>,
}

/// The macros for every dual interface the inputs define; `rt` is the runtime crate's path
/// (checked by the caller).
pub fn generate(
    model: &Model,
    opts: &RustOptions,
    rt: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    let mut items = Vec::new();
    for (id, item) in model.root_items() {
        let ItemKind::Interface(iface) = &item.kind else {
            continue;
        };
        if !iface.defined || !selected(opts, item) {
            continue;
        }
        if !iface.dispatchable {
            continue;
        }
        let chain = model.ancestors(id);
        let (disp_members, invoke_arms, tables) = dispatch_parts(
            model,
            &chain,
            dispatch::Callee::Windows { path: "$($m)::+" },
            rt,
        );
        items.push(render(&WindowsDispatchView {
            rt,
            name: type_name(&item.name),
            disp_members,
            invoke_arms,
            tables,
        })?);
    }
    let file = FileView {
        version: crate::VERSION,
        sources: super::source_names(model, opts),
        items,
    };
    super::super::format::render_formatted_to(&file, out)
}
