//! The IDL front end: preprocessing, parsing into [`ast`], and import resolution.
pub mod ast;
