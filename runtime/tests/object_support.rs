//! Implementing interfaces in Rust: ComObject, the IUnknown slots, guard and hresult_of.

mod common;

use core::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Counted, IID_ITEST, ITest, ref_count, serial};
use idlgen_runtime::*;
// The support code generated vtables call, which these tests call as generated code does.
use idlgen_runtime::__codegen::*;

fn query(i: &ITest, iid: &GUID) -> (HRESULT, *mut c_void) {
    let mut out = core::ptr::dangling_mut::<c_void>(); // not null, to see it is overwritten
    // SAFETY: a live object; valid pointers.
    let hr = unsafe {
        (idlgen_runtime::as_unknown(i).vtable().QueryInterface)(i.as_raw(), iid, &mut out)
    };
    (hr, out)
}

#[test]
fn object_answers_its_interface_through_the_vtable() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 42,
        drops: &DROPS,
    }
    .into_com();
    assert_eq!(i.get_value(), Ok(42));
    // SAFETY: i was made from a Counted and is alive.
    assert_eq!(unsafe { ComObject::<Counted>::value(i.as_raw()) }.value, 42);
    drop(i);
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
}

#[test]
fn implementation_errors_become_their_hresult() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i = ITest::from_impl(Counted {
        value: -1,
        drops: &DROPS,
    });
    assert_eq!(i.get_value().map_err(|e| e.code()), Err(E_INVALIDARG));
}

#[test]
fn query_interface_answers_listed_iids_with_an_added_reference() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 1,
        drops: &DROPS,
    }
    .into_com();
    for iid in [IID_ITEST, IUnknown::IID] {
        let (hr, out) = query(&i, &iid);
        assert_eq!(hr, S_OK, "{iid:?}");
        assert_eq!(out, i.as_raw());
        assert_eq!(ref_count(&i), 2);
        // SAFETY: out carries the reference QueryInterface added.
        drop(unsafe { IUnknown::from_raw(out) });
        assert_eq!(ref_count(&i), 1);
    }
    let unknown: IUnknown = i.cast().unwrap();
    assert_eq!(unknown.as_raw(), i.as_raw());
    assert_eq!(ref_count(&i), 2);
}

#[test]
fn query_interface_refuses_unlisted_iids_and_nulls_the_output() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 1,
        drops: &DROPS,
    }
    .into_com();
    let (hr, out) = query(&i, &IDispatch::IID);
    assert_eq!(hr, E_NOINTERFACE);
    assert!(out.is_null());
    assert_eq!(ref_count(&i), 1);
    assert_eq!(i.cast::<IDispatch>().unwrap_err().code(), E_NOINTERFACE);
    // SAFETY: a live object; a null output pointer is what is being tested.
    let hr = unsafe {
        (idlgen_runtime::as_unknown(&i).vtable().QueryInterface)(
            i.as_raw(),
            &IID_ITEST,
            core::ptr::null_mut(),
        )
    };
    assert_eq!(hr, E_POINTER);
    assert_eq!(ref_count(&i), 1);
}

#[test]
fn add_ref_and_release_return_the_new_count() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 1,
        drops: &DROPS,
    }
    .into_com();
    let vtbl = idlgen_runtime::as_unknown(&i).vtable();
    // SAFETY: a live object; each AddRef is matched by a Release.
    unsafe {
        assert_eq!((vtbl.AddRef)(i.as_raw()), 2);
        assert_eq!((vtbl.AddRef)(i.as_raw()), 3);
        assert_eq!((vtbl.Release)(i.as_raw()), 2);
        assert_eq!((vtbl.Release)(i.as_raw()), 1);
    }
    let copy = i.clone();
    assert_eq!(ref_count(&i), 2);
    assert_eq!(copy, i);
    drop(copy);
    assert_eq!(ref_count(&i), 1);
    assert_eq!(DROPS.load(Ordering::SeqCst), 0);
}

#[test]
fn value_is_dropped_exactly_once_when_the_count_reaches_zero() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let before = live_objects();
    let i: ITest = Counted {
        value: 7,
        drops: &DROPS,
    }
    .into_com();
    assert_eq!(live_objects(), before + 1);
    let copies: Vec<ITest> = (0..5).map(|_| i.clone()).collect();
    let raw = i.into_raw();
    drop(copies);
    assert_eq!(DROPS.load(Ordering::SeqCst), 0);
    assert_eq!(live_objects(), before + 1);
    let vtbl = idlgen_runtime::__codegen::object_unknown_vtbl::<Counted>();
    // SAFETY: raw carries the last reference; Release destroys the object.
    assert_eq!(unsafe { (vtbl.Release)(raw) }, 0);
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    assert_eq!(live_objects(), before);
}

#[test]
fn objects_can_be_released_from_other_threads() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let before = live_objects();
    let i: ITest = Counted {
        value: 3,
        drops: &DROPS,
    }
    .into_com();
    /// One reference, moved to another thread.
    struct Reference(*mut c_void);
    // SAFETY: the object's reference count is atomic; Release may run on any thread.
    unsafe impl Send for Reference {}
    impl Reference {
        fn into_raw(self) -> *mut c_void {
            self.0
        }
    }
    let references: Vec<Reference> = (0..8).map(|_| Reference(i.clone().into_raw())).collect();
    drop(i);
    let handles: Vec<_> = references
        .into_iter()
        .map(|reference| {
            std::thread::spawn(move || {
                let raw = reference.into_raw();
                // SAFETY: each raw pointer carries one reference of a live object.
                drop(unsafe { IUnknown::from_raw(raw) });
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    assert_eq!(live_objects(), before);
}

#[test]
fn guard_turns_a_panic_into_e_unexpected() {
    assert_eq!(guard(|| S_FALSE), S_FALSE);
    assert_eq!(guard(|| panic!("inside a thunk")), E_UNEXPECTED);
}

#[test]
fn a_panicking_implementation_returns_e_unexpected_and_the_object_lives_on() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 5,
        drops: &DROPS,
    }
    .into_com();
    assert_eq!(i.boom(), E_UNEXPECTED);
    assert_eq!(i.get_value(), Ok(5));
}

#[test]
fn hresult_of_maps_ok_and_errors() {
    assert_eq!(hresult_of(Ok(())), S_OK);
    assert_eq!(
        hresult_of(Err(Error::new(E_ACCESSDENIED, "no"))),
        E_ACCESSDENIED
    );
    assert_eq!(hresult_of(Err(Error::from(E_FAIL))), E_FAIL);
}

#[test]
fn type_info_slots_report_no_type_information() {
    let mut count = 7u32;
    let mut info = core::ptr::dangling_mut::<c_void>();
    // SAFETY: valid or null out pointers, as each case says.
    unsafe {
        assert_eq!(
            dispatch_get_type_info_count(core::ptr::null_mut(), &mut count),
            S_OK
        );
        assert_eq!(count, 0);
        assert_eq!(
            dispatch_get_type_info_count(core::ptr::null_mut(), core::ptr::null_mut()),
            E_POINTER
        );
        assert_eq!(
            dispatch_get_type_info(core::ptr::null_mut(), 0, 0, &mut info),
            DISP_E_BADINDEX
        );
        assert!(info.is_null());
        assert_eq!(
            dispatch_get_type_info(core::ptr::null_mut(), 0, 0, core::ptr::null_mut()),
            E_POINTER
        );
    }
}

#[test]
fn borrowed_pointers_are_viewed_without_a_reference() {
    let _serial = serial();
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let i: ITest = Counted {
        value: 9,
        drops: &DROPS,
    }
    .into_com();
    let raw = i.as_raw();
    // SAFETY: raw is alive while i is.
    let view = unsafe { ITest::from_raw_borrowed(&raw) }.unwrap();
    assert_eq!(view.get_value(), Ok(9));
    assert_eq!(ref_count(&i), 1);
    let null: *mut c_void = core::ptr::null_mut();
    // SAFETY: null is allowed.
    assert!(unsafe { ITest::from_raw_borrowed(&null) }.is_none());
}
