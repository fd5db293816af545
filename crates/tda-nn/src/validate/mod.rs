//! The checks every entry point runs before candle sees its input: shapes,
//! dtypes and devices ([`shape`]), finite values ([`finite`]), and memory
//! estimates against [`tda_persistence::memory::limit`] ([`size`]).
//! Configurations are checked once, when a model or trainer is built;
//! inputs at every forward pass.

pub(crate) mod finite;
pub(crate) mod shape;
pub(crate) mod size;

pub(crate) use finite::{check_finite, finite_output};
pub(crate) use shape::{check_classes, check_filters, check_hidden, check_input, InputCheck, Kind};
