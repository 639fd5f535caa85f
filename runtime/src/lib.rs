//! idlgen-runtime
