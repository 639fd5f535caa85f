//! `GUID`: the 128-bit identity of interfaces and classes (windows-core's type), its registry
//! text form, and parsing.

use core::fmt;

pub use windows_core::GUID;

/// An interface identifier.
pub type IID = GUID;
/// A class identifier.
pub type CLSID = GUID;

/// The all-zero GUID (`IID_NULL`, also `GUID_NULL`).
pub const IID_NULL: GUID = GUID::zeroed();

/// The registry form of a GUID without braces, in lowercase
/// (`4ba9eb90-732c-11d0-8816-00a0c903b83c`). `windows_core::GUID`'s `Debug` prints uppercase.
pub fn guid_string(guid: &GUID) -> String {
    let d = &guid.data4;
    format!(
        "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        guid.data1, guid.data2, guid.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

/// The error [`parse_guid`] returns for text that is not a GUID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseGuidError;

impl fmt::Display for ParseGuidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "expected a GUID like 4ba9eb90-732c-11d0-8816-00a0c903b83c, with or without braces",
        )
    }
}

impl std::error::Error for ParseGuidError {}

/// Reads a GUID in registry form, with or without braces, in any letter case.
pub fn parse_guid(s: &str) -> Result<GUID, ParseGuidError> {
    let inner = match s.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or(ParseGuidError)?,
        None => s,
    };
    let bytes = inner.as_bytes();
    if bytes.len() != 36 {
        return Err(ParseGuidError);
    }
    let mut value: u128 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return Err(ParseGuidError);
            }
            continue;
        }
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return Err(ParseGuidError),
        };
        value = (value << 4) | u128::from(digit);
    }
    Ok(GUID::from_u128(value))
}
