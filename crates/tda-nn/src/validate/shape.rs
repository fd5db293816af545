//! Shape, dtype and device checks of the models' inputs, and the checks of
//! the configuration values the models share.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

use super::finite::{check_finite, finite_output};
use super::size::Footprint;
use crate::error::{Error, Result};

/// The dtype and device of a model's variables, which its inputs must
/// share.
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    pub(crate) dtype: DType,
    pub(crate) device: Device,
}

impl Kind {
    /// The dtype and device `vb` creates variables with.
    pub(crate) fn of(vb: &VarBuilder) -> Self {
        Self {
            dtype: vb.dtype(),
            device: vb.device().clone(),
        }
    }
}

/// Checks that `x` is `(batch >= 1, expected...)` and of the model's dtype
/// and device (`kind`); `name` is the input's name in the API and `what`
/// the sample shape in words.
pub(crate) fn check_input(
    kind: &Kind,
    x: &Tensor,
    name: &'static str,
    expected: &[usize],
    what: &str,
) -> Result<()> {
    let got = x.dims();
    if got.len() != expected.len() + 1 || got[0] == 0 || got[1..] != *expected {
        return Err(Error::Shape {
            name,
            expected: format!("(batch >= 1, {expected:?}) {what}"),
            got: got.to_vec(),
        });
    }
    if x.dtype() != kind.dtype {
        return Err(Error::Incompatible {
            name,
            expected: format!("dtype {:?}", kind.dtype),
            got: format!("dtype {:?}", x.dtype()),
        });
    }
    if !x.device().same_device(&kind.device) {
        return Err(Error::Incompatible {
            name,
            expected: format!("device {:?}", kind.device.location()),
            got: format!("device {:?}", x.device().location()),
        });
    }
    Ok(())
}

/// What a single-input model checks of its input `x` at every forward
/// pass: the sample shape, the model's dtype and device, and the batch's
/// activations against the memory limit.
#[derive(Debug, Clone)]
pub(crate) struct InputCheck {
    /// The model's dtype and device.
    pub(crate) kind: Kind,
    /// What the model allocates.
    pub(crate) footprint: Footprint,
    /// The shape of one sample.
    pub(crate) sample: Vec<usize>,
    /// The sample shape in words, e.g. `"(channels, length)"`.
    pub(crate) what: &'static str,
    /// The forward pass as memory errors name it, e.g. `"MLP forward
    /// pass"`.
    pub(crate) pass: &'static str,
}

impl InputCheck {
    /// The shape, dtype, device and batch-size checks of `x`.
    pub(crate) fn check(&self, x: &Tensor) -> Result<()> {
        check_input(&self.kind, x, "x", &self.sample, self.what)?;
        self.footprint
            .check_batch(self.pass, self.kind.dtype, x.dim(0)?)
    }

    /// Inference: the checks of `x` and of its values, then `forward(x)`
    /// (the model in inference mode), detached from the autograd graph,
    /// with its output checked for values that overflowed.
    pub(crate) fn infer(
        &self,
        x: &Tensor,
        forward: impl FnOnce(&Tensor) -> Result<Tensor>,
    ) -> Result<Tensor> {
        self.check(x)?;
        check_finite(x, "x")?;
        finite_output(forward(x)?.detach())
    }
}

/// Rejects an empty filter list, a zero filter count or a zero kernel.
pub(crate) fn check_filters(filters: &[usize], kernel: usize) -> Result<()> {
    if filters.is_empty() || filters.contains(&0) {
        return Err(Error::InvalidConfig {
            name: "filters",
            value: format!("{filters:?}"),
            reason: "need at least one block, each with >= 1 filter",
        });
    }
    if kernel == 0 {
        return Err(Error::InvalidConfig {
            name: "kernel",
            value: "0".into(),
            reason: "the kernel width must be >= 1",
        });
    }
    Ok(())
}

/// Rejects zero classes.
pub(crate) fn check_classes(classes: usize) -> Result<()> {
    if classes == 0 {
        return Err(Error::InvalidConfig {
            name: "classes",
            value: "0".into(),
            reason: "a classifier needs >= 1 class",
        });
    }
    Ok(())
}

/// Rejects a zero-width hidden layer.
pub(crate) fn check_hidden(name: &'static str, hidden: &[usize]) -> Result<()> {
    if hidden.contains(&0) {
        return Err(Error::InvalidConfig {
            name,
            value: format!("{hidden:?}"),
            reason: "every hidden layer needs >= 1 unit",
        });
    }
    Ok(())
}
