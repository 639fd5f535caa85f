//! IDispatch shim costs (issue 6): `Invoke` of GetCertificateExtensionFlags (no argument, LONG
//! result) and GetRequestProperty (BSTR and LONG in, VARIANT out) against the same calls
//! through the vtable, and `GetIDsOfNames` on 5- and 500-member tables.
//!
//! Also: GetRequestAttribute (BSTR in, BSTR out) and a property put of a BSTR (IShape's Name,
//! from the conformance IDL) against their vtable calls, and GetRequestProperty with its
//! arguments passed by name, which the shim's fast path leaves to the general path.
//!
//! `cargo bench --bench dispatch`
//!
//! Each sample runs 1000 iterations: left to choose, divan settles on one iteration per sample
//! for the `Invoke` benches (whose output has a destructor), and then measures its timer.

use std::hint::black_box;

use divan::Bencher;
use idlgen_runtime::*;
// The DISPID table's index and GetIDsOfNames, as generated code calls them.
use idlgen_runtime::__codegen::{dispatch_get_ids_of_names, name_index_of};

#[allow(dead_code, clippy::all)]
mod certif {
    include!("../fixtures/certif/expected/certif.rs");
}

use certif::{ICertServerExit, ICertServerExit_Impl};

#[allow(dead_code, clippy::all)]
mod dispatch_test {
    include!("../fixtures/dispatch/expected/dispatch_test.rs");
}

use dispatch_test::{IShape, IShape_Impl};

struct Ca;

impl ICertServerExit_Impl for Ca {
    fn set_context(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn get_request_property(&self, name: &BStr, _: i32) -> Result<Variant> {
        Ok(Variant::from(name.len() as i32))
    }
    fn get_request_attribute(&self, _: &BStr) -> Result<BStr> {
        Ok(BStr::new())
    }
    fn get_certificate_property(&self, _: &BStr, _: i32) -> Result<Variant> {
        Ok(Variant::new())
    }
    fn get_certificate_extension(&self, _: &BStr, _: i32) -> Result<Variant> {
        Ok(Variant::new())
    }
    fn get_certificate_extension_flags(&self) -> Result<i32> {
        Ok(black_box(1))
    }
    fn enumerate_extensions_setup(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn enumerate_extensions(&self) -> Result<BStr> {
        Ok(BStr::new())
    }
    fn enumerate_extensions_close(&self) -> Result<()> {
        Ok(())
    }
    fn enumerate_attributes_setup(&self, _: i32) -> Result<()> {
        Ok(())
    }
    fn enumerate_attributes(&self) -> Result<BStr> {
        Ok(BStr::new())
    }
    fn enumerate_attributes_close(&self) -> Result<()> {
        Ok(())
    }
}

struct Shape;

impl IShape_Impl for Shape {
    fn get_name(&self) -> Result<BStr> {
        Ok(BStr::new())
    }
    fn put_name(&self, value: &BStr) -> Result<()> {
        black_box(value);
        Ok(())
    }
    fn area(&self) -> Result<f64> {
        Ok(0.0)
    }
}

fn main() {
    divan::main();
}

fn invoke(d: &IDispatch, dispid: i32, args: &mut [Variant]) -> Variant {
    invoke_named(
        d,
        dispid,
        DISPATCH_METHOD | DISPATCH_PROPERTYGET,
        args,
        &mut [],
    )
}

fn invoke_named(
    d: &IDispatch,
    dispid: i32,
    flags: u16,
    args: &mut [Variant],
    named: &mut [i32],
) -> Variant {
    let mut params = DISPPARAMS {
        rgvarg: args.as_mut_ptr().cast(),
        rgdispidNamedArgs: if named.is_empty() {
            core::ptr::null_mut()
        } else {
            named.as_mut_ptr()
        },
        cArgs: args.len() as u32,
        cNamedArgs: named.len() as u32,
    };
    let mut result = Variant::new();
    // SAFETY: a live IDispatch; valid arguments and out pointers.
    let hr = unsafe {
        (d.vtable().Invoke)(
            d.as_raw(),
            dispid,
            &IID_NULL,
            0,
            flags,
            &mut params,
            result.as_mut_ptr(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    assert_eq!(hr, S_OK);
    result
}

#[divan::bench(sample_size = 1000)]
fn flags_vtable(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    b.bench_local(|| black_box(&ca).get_certificate_extension_flags());
}

#[divan::bench(sample_size = 1000)]
fn flags_invoke(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    let d: IDispatch = ca.cast().expect("dual");
    b.bench_local(|| invoke(black_box(&d), 0x6002_0005, &mut []));
}

#[divan::bench(sample_size = 1000)]
fn request_property_vtable(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    let name = BStr::from("RequestID");
    b.bench_local(|| black_box(&ca).get_request_property(black_box(&name), 1));
}

#[divan::bench(sample_size = 1000)]
fn request_property_invoke(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    let d: IDispatch = ca.cast().expect("dual");
    let mut args = [Variant::from(1), Variant::from("RequestID")];
    b.bench_local(|| invoke(black_box(&d), 0x6002_0001, &mut args));
}

#[divan::bench(sample_size = 1000)]
fn request_property_invoke_named(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    let d: IDispatch = ca.cast().expect("dual");
    let mut args = [Variant::from("RequestID"), Variant::from(1)];
    let mut named = [0, 1];
    b.bench_local(|| {
        invoke_named(
            black_box(&d),
            0x6002_0001,
            DISPATCH_METHOD,
            &mut args,
            &mut named,
        )
    });
}

#[divan::bench(sample_size = 1000)]
fn request_attribute_vtable(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    let name = BStr::from("CertificateTemplate");
    b.bench_local(|| black_box(&ca).get_request_attribute(black_box(&name)));
}

#[divan::bench(sample_size = 1000)]
fn request_attribute_invoke(b: Bencher) {
    let ca: ICertServerExit = Ca.into_com();
    let d: IDispatch = ca.cast().expect("dual");
    let mut args = [Variant::from("CertificateTemplate")];
    b.bench_local(|| invoke(black_box(&d), 0x6002_0002, &mut args));
}

#[divan::bench(sample_size = 1000)]
fn name_put_vtable(b: Bencher) {
    let shape: IShape = Shape.into_com();
    let name = BStr::from("shape");
    b.bench_local(|| black_box(&shape).put_name(black_box(&name)));
}

#[divan::bench(sample_size = 1000)]
fn name_put_invoke(b: Bencher) {
    let shape: IShape = Shape.into_com();
    let d: IDispatch = shape.cast().expect("dual");
    let mut args = [Variant::from("shape")];
    let mut named = [DISPID_PROPERTYPUT];
    b.bench_local(|| {
        invoke_named(
            black_box(&d),
            1,
            DISPATCH_PROPERTYPUT,
            &mut args,
            &mut named,
        )
    });
}

/// A DISPID table of `n` members named `Member0000`... (as the generator lays one out, with
/// its hash index by name).
fn table(n: usize) -> DispidTable {
    let names: Vec<&'static str> = (0..n)
        .map(|i| &*Box::leak(format!("Member{i:04}").into_boxed_str()))
        .collect();
    let members: Vec<DispMember> = names
        .iter()
        .enumerate()
        .map(|(i, name)| DispMember::new(name, i as i32 + 1, InvokeKind::Method, None))
        .collect();
    let index = name_index_of(&names);
    DispidTable::new(Box::leak(members.into_boxed_slice()), &[])
        .with_name_index(Box::leak(index.into_boxed_slice()))
}

#[divan::bench(args = [5, 500], sample_size = 1000)]
fn get_ids_of_names(b: Bencher, n: usize) {
    let t = table(n);
    let name: Vec<u16> = format!("MEMBER{:04}", n / 2 + 1)
        .encode_utf16()
        .chain(Some(0))
        .collect();
    let names = [name.as_ptr()];
    b.bench_local(|| {
        let mut id = 0;
        // SAFETY: one NUL-terminated name and room for one id.
        let hr = unsafe {
            dispatch_get_ids_of_names(
                black_box(&t),
                core::ptr::null_mut(),
                &IID_NULL,
                names.as_ptr(),
                1,
                0,
                &mut id,
            )
        };
        assert_eq!(hr, S_OK);
        id
    });
}
