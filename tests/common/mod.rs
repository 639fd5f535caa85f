//! Helpers shared by integration tests.
#![allow(dead_code)]

pub mod c_header;
pub mod corpus;
pub mod errors;
pub mod external;
pub mod golden;
pub mod sdk;
pub mod typecheck;
