//! `Error` (an `HRESULT` with a message) and the crate's `Result`.

use core::fmt;

use crate::{E_INVALIDARG, HRESULT, ParseGuidError};

/// A failed COM call or implementation: an `HRESULT` and an optional message.
///
/// The code is meant to be a failure code. Giving a success code (`S_OK`, `S_FALSE`) to
/// [`Error::new`] or `From<HRESULT>` is a caller bug that is not corrected: [`Error::code`]
/// returns it unchanged, so a thunk converting the error with [`crate::hresult_of`] returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    code: HRESULT,
    message: String,
}

/// `core::result::Result` with this crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// An error with this code and message.
    pub fn new(code: HRESULT, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The `HRESULT`.
    pub fn code(&self) -> HRESULT {
        self.code
    }

    /// The message; empty when the error was made from a bare `HRESULT`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<HRESULT> for Error {
    fn from(code: HRESULT) -> Error {
        Error {
            code,
            message: String::new(),
        }
    }
}

impl From<Error> for HRESULT {
    fn from(e: Error) -> HRESULT {
        e.code
    }
}

/// From windows-rs's error: the code, and the message it carries. windows-core falls back to
/// the system's text for the code when it has no message of its own; that text is not kept, so
/// an error that had no message still has none (as idlgen's own errors).
impl From<windows_core::Error> for Error {
    fn from(e: windows_core::Error) -> Error {
        let code = e.code();
        let message = e.message();
        let message = if message == code.message() {
            String::new()
        } else {
            message
        };
        Error { code, message }
    }
}

/// To windows-rs's error. On Windows the message becomes the thread's error info (an
/// `IErrorInfo`, as oleaut32's `SetErrorInfo` keeps it), which the `windows_core::Error` takes
/// along, so `GetErrorInfo` and `Err.Description` see it. (windows-core's own
/// `Error::new(code, message)` goes through `RoOriginateErrorW`, which Wine 8 lacks.) Elsewhere
/// windows-core keeps only the code.
impl From<Error> for windows_core::Error {
    fn from(e: Error) -> windows_core::Error {
        #[cfg(windows)]
        if !e.message.is_empty() {
            crate::set_error_info(Some(&crate::error_info(&crate::IID_NULL, "", &e.message)));
            // `From<HRESULT>` takes the thread's error info into the error.
            return windows_core::Error::from(e.code);
        }
        windows_core::Error::from_hresult(e.code)
    }
}

impl From<ParseGuidError> for Error {
    fn from(e: ParseGuidError) -> Error {
        Error::new(E_INVALIDARG, e.to_string())
    }
}

impl fmt::Display for Error {
    /// `message (0x80004005)`, or just `0x80004005` without a message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{:#010x}", self.code.0 as u32)
        } else {
            write!(f, "{} ({:#010x})", self.message, self.code.0 as u32)
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &format_args!("{:#010x}", self.code.0 as u32))
            .field("message", &self.message)
            .finish()
    }
}

impl std::error::Error for Error {}
