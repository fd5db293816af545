//! Where the networks run.

use candle_core::Device;

/// The first CUDA GPU when the crate is built with the `cuda` feature and
/// one is present, else the CPU.
pub fn device() -> Device {
    #[cfg(feature = "cuda")]
    if let Ok(d) = Device::new_cuda(0) {
        return d;
    }
    Device::Cpu
}
