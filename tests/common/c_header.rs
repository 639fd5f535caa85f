//! Reading vtables out of C headers that MIDL or widl generated (`typedef struct XVtbl { ... }`).

/// A vtable from a C header: the method names in slot order, each with its parameter names
/// (without `This`).
pub fn c_vtable(header: &str, interface: &str) -> Vec<(String, Vec<String>)> {
    let start = format!("typedef struct {interface}Vtbl {{");
    let end = format!("}} {interface}Vtbl;");
    let from = header
        .find(&start)
        .unwrap_or_else(|| panic!("no {start} in the header"));
    let body = &header[from..];
    let body = strip_comments(&body[..body.find(&end).expect("end of the vtable struct")]);
    let mut out = Vec::new();
    let mut rest = body.as_str();
    // Each member: `RET (CALLCONV *Name)(params);`, possibly over several lines.
    while let Some(star) = rest.find('*') {
        let after = &rest[star + 1..];
        let Some(close) = after.find(')') else { break };
        let name = after[..close].trim().to_string();
        // A `*` in a return type (`D2D1_SIZE_F * (STDMETHODCALLTYPE *GetSize)(...)`) is not
        // the member's: look again just after it.
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            rest = after;
            continue;
        }
        let params_start = after[close + 1..].find('(').map(|i| close + 1 + i + 1);
        let Some(ps) = params_start else { break };
        let mut depth = 1;
        let mut pe = ps;
        for (i, c) in after[ps..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        pe = ps + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let params: Vec<String> = after[ps..pe]
            .split(',')
            .map(|p| {
                // The declarator's name: the last identifier before any array bounds
                // (`const CATID rgcatid[]`, `BYTE data[16]`).
                let p = p.trim();
                // A function pointer: `BOOL (STDMETHODCALLTYPE *pfn)(ULONG_PTR x)` is named `pfn`.
                let p = p.find(")(").map_or(p, |i| &p[..i]);
                let p = p.find('[').map_or(p, |i| &p[..i]).trim_end();
                p.rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            // widl passes a returned struct through a trailing `__ret` pointer.
            .filter(|p| p != "This" && !p.is_empty() && p != "void" && p != "__ret")
            .collect();
        if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            out.push((name, params));
        }
        rest = &after[pe..];
    }
    out
}

pub fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    out.push_str(rest);
    out
}

/// Every interface name with a `typedef struct XVtbl {` block in the header.
pub fn vtable_names(header: &str) -> Vec<String> {
    header
        .match_indices("typedef struct ")
        .filter_map(|(i, _)| {
            let rest = &header[i + "typedef struct ".len()..];
            let name = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            let after = rest[name.len()..].trim_start();
            (name.ends_with("Vtbl") && after.starts_with('{'))
                .then(|| name.trim_end_matches("Vtbl").to_string())
        })
        .collect()
}
