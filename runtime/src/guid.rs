//! `GUID`: the 128-bit identity of interfaces and classes.

use core::fmt;
use core::str::FromStr;

/// A globally unique identifier in its COM memory layout (16 bytes, align 4).
///
/// `Display` and `Debug` print the registry form without braces in lowercase
/// (`4ba9eb90-732c-11d0-8816-00a0c903b83c`); `FromStr` reads that form with or without braces,
/// in any letter case.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GUID {
    /// First 8 hex digits.
    pub data1: u32,
    /// Next 4 hex digits.
    pub data2: u16,
    /// Next 4 hex digits.
    pub data3: u16,
    /// Last 16 hex digits, as bytes in text order.
    pub data4: [u8; 8],
}

/// An interface identifier.
pub type IID = GUID;
/// A class identifier.
pub type CLSID = GUID;

/// The all-zero GUID (`IID_NULL`, also `GUID_NULL`).
pub const IID_NULL: GUID = GUID::zeroed();

impl GUID {
    /// The GUID whose text form is the 32 hex digits of `v`:
    /// `GUID::from_u128(0x4ba9eb90_732c_11d0_8816_00a0c903b83c)`.
    pub const fn from_u128(v: u128) -> GUID {
        GUID {
            data1: (v >> 96) as u32,
            data2: (v >> 80) as u16,
            data3: (v >> 64) as u16,
            data4: (v as u64).to_be_bytes(),
        }
    }

    /// The GUID with these fields.
    pub const fn from_values(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> GUID {
        GUID {
            data1: d1,
            data2: d2,
            data3: d3,
            data4: d4,
        }
    }

    /// The all-zero GUID.
    pub const fn zeroed() -> GUID {
        GUID::from_values(0, 0, 0, [0; 8])
    }

    /// The inverse of [`GUID::from_u128`].
    pub const fn to_u128(&self) -> u128 {
        ((self.data1 as u128) << 96)
            | ((self.data2 as u128) << 80)
            | ((self.data3 as u128) << 64)
            | (u64::from_be_bytes(self.data4) as u128)
    }
}

impl fmt::Display for GUID {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.data4;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
            self.data1, self.data2, self.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

impl fmt::Debug for GUID {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The error `GUID::from_str` returns for text that is not a GUID.
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

impl FromStr for GUID {
    type Err = ParseGuidError;

    fn from_str(s: &str) -> Result<GUID, ParseGuidError> {
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
}
