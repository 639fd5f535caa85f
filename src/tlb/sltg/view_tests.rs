//! The SLTG reader against the MSFT reader: the raw views of each SLTG twin (written by
//! tools/sltg-twin; fixtures/certif/TLB_COMMANDS.md) and its MSFT file (widl --win32) agree
//! member by member. (Moved from tests/tlb_sltg.rs, which checks the models.)

use crate::tlb::{Href, TypeDesc, TypeInfo, read_any};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/certif")
        .join(name);
    std::fs::read(path).expect("fixture")
}

fn read_typelib(
    name: &str,
    bytes: &[u8],
    resource_id: Option<u32>,
) -> crate::Result<crate::tlb::TypeLib> {
    Ok(read_any(name, bytes, resource_id)?)
}

/// A reference, with imports compared by what they name (SLTG names stdole's types by index,
/// MSFT by GUID: the model resolves both to the same item, checked by the dump tests).
fn href_key(h: &Href) -> String {
    match h {
        Href::Local(i) => format!("local {i}"),
        Href::Import { .. } => "import".into(),
    }
}

fn td_key(t: &TypeDesc) -> String {
    match t {
        TypeDesc::User(h) => href_key(h),
        TypeDesc::Ptr(x) => format!("{}*", td_key(x)),
        other => format!("{other:?}"),
    }
}

/// A parameter name as the MSFT file gives it: one spelling per library (its name table is
/// case-insensitive), and none for a property put's value (widl leaves it unnamed).
fn same_param_name(sltg: &Option<String>, msft: &Option<String>) -> bool {
    match (sltg, msft) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[test]
fn sltg_and_msft_views_agree_member_by_member() {
    for (sltg, msft, nfuncs) in [
        ("certcli_sltg.tlb", "certcli_win32.tlb", 26),
        ("sltg_cover_sltg.tlb", "sltg_cover_win32.tlb", 8),
    ] {
        let s = read_typelib(sltg, &fixture(sltg), None).expect("SLTG reads");
        let m = read_typelib(msft, &fixture(msft), None).expect("MSFT reads");
        assert_eq!(
            (&s.name, s.guid, s.version, s.lcid, &s.helpstring),
            (&m.name, m.guid, m.version, m.lcid, &m.helpstring)
        );
        assert_eq!(s.infos.len(), m.infos.len());
        let (mut funcs, mut params, mut vars) = (0, 0, 0);
        for (a, b) in s.infos.iter().zip(&m.infos) {
            let what = format!("{sltg}: {}", b.name);
            assert_eq!(
                (&a.name, a.kind, a.flags, &a.helpstring, a.cb_size_vft),
                (&b.name, b.kind, b.flags, &b.helpstring, b.cb_size_vft),
                "{what}"
            );
            // widl writes no GUID for an enum without [uuid] (an MSFT file: none; SLTG: zeros).
            if b.guid.is_some() {
                assert_eq!(a.guid, b.guid, "{what}");
            }
            let impls = |t: &TypeInfo| -> Vec<(String, i32)> {
                t.impls
                    .iter()
                    .map(|i| (href_key(&i.href), i.flags))
                    .collect()
            };
            assert_eq!(impls(a), impls(b), "{what}: implemented interfaces");
            assert_eq!(a.vars.len(), b.vars.len(), "{what}: variables");
            for (v, w) in a.vars.iter().zip(&b.vars) {
                vars += 1;
                assert_eq!(
                    (&v.name, v.memid, td_key(&v.ty), v.kind, &v.value),
                    (&w.name, w.memid, td_key(&w.ty), w.kind, &w.value),
                    "{what}"
                );
            }
            assert_eq!(a.funcs.len(), b.funcs.len(), "{what}: functions");
            for (f, g) in a.funcs.iter().zip(&b.funcs) {
                funcs += 1;
                assert_eq!(
                    (
                        &f.name,
                        f.memid,
                        f.invkind,
                        f.funckind,
                        f.ovft,
                        f.flags,
                        f.params_opt
                    ),
                    (
                        &g.name,
                        g.memid,
                        g.invkind,
                        g.funckind,
                        g.ovft,
                        g.flags,
                        g.params_opt
                    ),
                    "{what}::{}",
                    g.name
                );
                assert_eq!(f.helpstring, g.helpstring, "{what}::{}", g.name);
                assert_eq!(td_key(&f.ret), td_key(&g.ret));
                assert_eq!(f.params.len(), g.params.len(), "{what}::{}", g.name);
                for (p, q) in f.params.iter().zip(&g.params) {
                    params += 1;
                    assert!(
                        same_param_name(&p.name, &q.name),
                        "{what}::{}: {:?} vs {:?}",
                        g.name,
                        p.name,
                        q.name
                    );
                    assert_eq!(
                        (td_key(&p.ty), p.flags),
                        (td_key(&q.ty), q.flags),
                        "{what}::{}",
                        g.name
                    );
                }
            }
        }
        assert_eq!(funcs, nfuncs, "{sltg}");
        println!(
            "{sltg}: {funcs} functions, {params} parameters, {vars} variables agree with {msft}"
        );
    }
}
