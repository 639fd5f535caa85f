//! The DISPID table as text (`idlgen dispids`): interface, member, DISPID, invoke kind, slot.

use std::fmt::Write;

use crate::model::{ItemKind, Model};

/// One row per member of every interface and dispinterface declared in the inputs.
pub fn table(model: &Model) -> String {
    let mut rows: Vec<[String; 5]> = Vec::new();
    for (_, item) in model.root_items() {
        let members;
        let methods = match &item.kind {
            ItemKind::Interface(i) if i.defined => &i.methods,
            // Properties as their accessors, as `IDispatch::Invoke` takes them.
            ItemKind::Dispinterface(d) => {
                members = d.members();
                &members
            }
            _ => continue,
        };
        for m in methods {
            rows.push([
                item.name.clone(),
                m.name.clone(),
                format!("0x{:08X}", m.dispid as u32),
                m.invkind.as_str().into(),
                m.slot.map_or_else(|| "-".into(), |s| s.to_string()),
            ]);
        }
    }
    let header = ["interface", "member", "dispid", "kind", "slot"];
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.len());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{c:<w$}  ");
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
    out
}
