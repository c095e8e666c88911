//! The integration tests as one binary with one module per area (as mdBook's testsuite), so
//! the library links once. `cargo test --test testsuite fixtures::` runs one module; see
//! `tests/README.md` for what each checks.

mod check;
mod common;
mod compat_rules;
mod errors;
mod fixtures;
mod fuzz;
mod indicators;
mod layers;
mod plan_fidelity;
mod plan_numbers;
mod properties;
mod relative;
mod serve;
mod site;
