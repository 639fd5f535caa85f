//! Wine's Scripting.Dictionary through bindings idlgen generates from the type library inside
//! Wine's scrrun.dll (a PE file idlgen reads directly), created with the `windows` crate's
//! `CoCreateInstance` as the generated interface type, then called through the generated
//! wrappers with idlgen-runtime's `Variant` and `BStr`, and through the `windows` crate's
//! `IDispatch` after a `cast()`.
//!
//! The bindings are generated when the test is built: .ci/windows-target runs
//! `idlgen rust /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/scrrun.dll -o target/windows/scrrun.rs`
//! and sets IDLGEN_SCRRUN_RS to that file.

#![warn(clippy::undocumented_unsafe_blocks)]

#[allow(
    dead_code,
    non_upper_case_globals,
    non_snake_case,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]
mod scrrun {
    include!(env!(
        "IDLGEN_SCRRUN_RS",
        "IDLGEN_SCRRUN_RS is not set: it names the bindings idlgen generates from Wine's \
         scrrun.dll; build this package with .ci/windows-target, which generates them"
    ));
}

use idlgen_runtime::{
    BStr, GUID, IUnknown, Interface, VT_ARRAY, VT_BOOL, VT_BSTR, VT_EMPTY, VT_I4, VT_VARIANT,
    Variant,
};
use scrrun::{BinaryCompare, Dictionary, IDictionary, TextCompare};
use windows::Win32::System::Com::{
    CLSCTX_INPROC_SERVER, COINIT_APARTMENTTHREADED, CoCreateInstance, CoInitializeEx,
    DISPATCH_PROPERTYGET, DISPPARAMS, IDispatch,
};
use windows::Win32::System::Variant::VARIANT;
use windows_core::PCWSTR;

/// scrrun's error for `Add` with a key already there (VB error 457).
const KEY_EXISTS: i32 = 0x800A_01C9_u32 as i32;
/// scrrun's error for `Remove` of a key not there (VB error 32811).
const ELEMENT_NOT_FOUND: i32 = 0x800A_802B_u32 as i32;

/// A new Scripting.Dictionary as idlgen's `IDictionary`, from the `windows` crate's
/// `CoCreateInstance`.
fn dictionary() -> IDictionary {
    // SAFETY: no reserved pointer; S_FALSE (already initialized on this thread) is fine.
    let hr = unsafe { CoInitializeEx(None, COINIT_APARTMENTTHREADED) };
    assert!(hr.is_ok(), "CoInitializeEx: {hr:?}");
    // SAFETY: a valid CLSID; no outer object.
    unsafe { CoCreateInstance::<_, IDictionary>(&Dictionary::CLSID, None, CLSCTX_INPROC_SERVER) }
        .expect("CoCreateInstance(Scripting.Dictionary) as idlgen's IDictionary")
}

fn key(s: &str) -> Variant {
    Variant::from(s)
}

fn text(v: &Variant) -> Option<String> {
    v.as_bstr().map(BStr::to_string)
}

#[test]
fn dictionary_through_generated_wrappers() {
    let dict = dictionary();
    assert_eq!(dict.get_count().expect("Count"), 0);
    assert_eq!(dict.get_compare_mode().expect("CompareMode"), BinaryCompare);

    dict.add(&key("answer"), &Variant::from(42))
        .expect("Add answer");
    dict.add(
        &Variant::from(BStr::from("greeting")),
        &Variant::from("hello"),
    )
    .expect("Add greeting (a BStr key)");
    dict.add(&Variant::from(7), &Variant::from(true))
        .expect("Add 7 (a number key)");
    assert_eq!(dict.get_count().expect("Count"), 3);

    let answer = dict.get_item(&key("answer")).expect("Item(answer)");
    assert_eq!(
        (answer.vt(), i32::try_from(&answer).ok()),
        (VT_I4, Some(42))
    );
    let greeting = dict.get_item(&key("greeting")).expect("Item(greeting)");
    assert_eq!(
        (greeting.vt(), text(&greeting).as_deref()),
        (VT_BSTR, Some("hello"))
    );
    let seven = dict.get_item(&Variant::from(7)).expect("Item(7)");
    assert_eq!(
        (seven.vt(), bool::try_from(&seven).ok()),
        (VT_BOOL, Some(true))
    );

    assert!(dict.exists(&key("answer")).expect("Exists"));
    assert!(
        !dict.exists(&key("ANSWER")).expect("Exists"),
        "binary compare"
    );
    assert!(!dict.exists(&key("nope")).expect("Exists"));

    let e = dict
        .add(&key("answer"), &Variant::from(1))
        .expect_err("a key already there");
    assert_eq!(e.code().0, KEY_EXISTS, "{e}");

    dict.put_item(&key("answer"), &Variant::from(43))
        .expect("Item(answer) = 43");
    let answer = dict.get_item(&key("answer")).expect("Item(answer)");
    assert_eq!(i32::try_from(&answer).ok(), Some(43));

    let keys = dict.keys().expect("Keys");
    assert_eq!(keys.vt(), VT_ARRAY | VT_VARIANT);
    let keys = keys.as_variants().expect("a SAFEARRAY of VARIANTs");
    assert_eq!(keys.len(), 3);
    assert_eq!(text(&keys[0]).as_deref(), Some("answer"));
    assert_eq!(text(&keys[1]).as_deref(), Some("greeting"));
    assert_eq!(i32::try_from(&keys[2]).ok(), Some(7));
    let items = dict.items().expect("Items");
    let items = items.as_variants().expect("a SAFEARRAY of VARIANTs");
    assert_eq!(i32::try_from(&items[0]).ok(), Some(43));
    assert_eq!(text(&items[1]).as_deref(), Some("hello"));

    dict.remove(&key("greeting")).expect("Remove(greeting)");
    assert_eq!(dict.get_count().expect("Count"), 2);
    assert!(!dict.exists(&key("greeting")).expect("Exists"));
    let e = dict
        .remove(&key("greeting"))
        .expect_err("Remove of a key not there");
    assert_eq!(e.code().0, ELEMENT_NOT_FOUND, "{e}");

    dict.remove_all().expect("RemoveAll");
    assert_eq!(dict.get_count().expect("Count"), 0);

    // Text compare (allowed while empty): keys match without regard to case.
    dict.put_compare_mode(TextCompare)
        .expect("CompareMode = TextCompare");
    assert_eq!(dict.get_compare_mode().expect("CompareMode"), TextCompare);
    dict.add(&key("Key"), &Variant::from("value"))
        .expect("Add Key");
    assert!(dict.exists(&key("KEY")).expect("Exists"), "text compare");
    let value = dict.get_item(&key("kEy")).expect("Item(kEy)");
    assert_eq!(text(&value).as_deref(), Some("value"));
    dict.remove_all().expect("RemoveAll");
}

#[test]
fn missing_item_reads_as_empty() {
    let dict = dictionary();
    let v = dict
        .get_item(&key("absent"))
        .expect("Item of a key not there");
    assert_eq!(v.vt(), VT_EMPTY);
}

/// The generated DISPIDs are the ones Wine's own IDispatch (typelib-driven) gives each name.
#[test]
fn generated_dispids_match_wines_getidsofnames() {
    let dict = dictionary();
    let mut checked = 0;
    for member in IDictionary::DISPIDS.members() {
        let ids = dict
            .get_ids_of_names(&[member.name])
            .unwrap_or_else(|e| panic!("GetIDsOfNames({}): {e}", member.name));
        assert_eq!(ids, [member.dispid], "{}", member.name);
        checked += 1;
    }
    assert!(checked >= 10, "{checked} members");
    assert_eq!(IDictionary::DISPID_COUNT, 2);
}

/// idlgen's interface to the `windows` crate's `IDispatch` and back: one object, one identity.
#[test]
fn cast_to_the_windows_crates_idispatch_and_back() {
    let dict = dictionary();
    dict.add(&key("a"), &Variant::from(1)).expect("Add");
    dict.add(&key("b"), &Variant::from(2)).expect("Add");

    let dispatch: IDispatch = dict.cast().expect("the windows crate's IDispatch");
    let name: Vec<u16> = "Count".encode_utf16().chain(Some(0)).collect();
    let mut id = 0i32;
    // SAFETY: a live IDispatch, one NUL-terminated name, room for one DISPID.
    unsafe { dispatch.GetIDsOfNames(&GUID::zeroed(), &PCWSTR(name.as_ptr()), 1, 0x0409, &mut id) }
        .expect("GetIDsOfNames(Count)");
    assert_eq!(id, IDictionary::DISPID_COUNT);
    let mut result = VARIANT::default();
    // SAFETY: a live IDispatch; no arguments; `result` is a valid VARIANT to write.
    unsafe {
        dispatch.Invoke(
            id,
            &GUID::zeroed(),
            0x0409,
            DISPATCH_PROPERTYGET,
            &DISPPARAMS::default(),
            Some(&mut result),
            None,
            None,
        )
    }
    .expect("Invoke(Count)");
    // The union, not TryFrom (Wine 8's propsys.dll lacks what the conversions call).
    // SAFETY: VT_I4 is checked first, so lVal is the member in use.
    let count = unsafe {
        assert_eq!(result.vt().0, VT_I4);
        result.Anonymous.Anonymous.Anonymous.lVal
    };
    assert_eq!(count, 2);

    let back: IDictionary = dispatch.cast().expect("idlgen's IDictionary again");
    assert_eq!(back.get_count().expect("Count"), 2);
    let a: IUnknown = dict.cast().expect("IUnknown");
    let b: IUnknown = back.cast().expect("IUnknown");
    assert_eq!(a.as_raw(), b.as_raw());
    // Both wrappers reach the same object.
    back.remove(&key("a")).expect("Remove");
    assert_eq!(dict.get_count().expect("Count"), 1);
}
