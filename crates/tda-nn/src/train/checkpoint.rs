//! Model weights as safetensors: atomic, durable saves; checked loads.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::VarMap;
use tda_persistence::memory;

use crate::error::{Error, Result};

/// Name of the scalar tensor holding the number of epochs trained.
const EPOCH_KEY: &str = "trainer.epochs_done";

/// Writes every variable of `vars` (and, if given, the number of epochs
/// trained, stored as a `u32` scalar) to `path` as safetensors.
///
/// The checkpoint is serialised in memory, then written through
/// [`tda_io::write_file`]: to a temporary file of its own beside `path`
/// (`.<name>.tda-tmp-<pid>-<random>`), synced, renamed over `path`, and the
/// directory synced. A crash never leaves a half-written checkpoint, a
/// failed save leaves no temporary file, concurrent saves to one path
/// leave one complete checkpoint (the last renamed), and temporary files
/// of killed savers are removed by the next save in that directory.
///
/// # Errors
/// [`Error::InvalidConfig`] naming `epochs_done` if it is over `u32::MAX`;
/// [`Error::TooLarge`] if the serialised checkpoint would exceed the memory
/// limit ([`tda_persistence::memory`]); [`Error::Io`] naming `path` if it
/// cannot be written (a missing directory, `path` a directory, ...);
/// [`Error::Candle`] if a tensor cannot be read back from its device.
pub fn save_checkpoint(vars: &VarMap, path: &Path, epochs_done: Option<usize>) -> Result<()> {
    let epochs = epochs_done
        .map(|e| {
            u32::try_from(e).map_err(|_| Error::InvalidConfig {
                name: "epochs_done",
                value: e.to_string(),
                reason: "a checkpoint records at most u32::MAX (4294967295) epochs",
            })
        })
        .transpose()?;
    let mut tensors: HashMap<String, Tensor> = {
        let data = lock(vars)?;
        data.iter()
            .map(|(name, var)| (name.clone(), var.as_tensor().clone()))
            .collect()
    };
    if let Some(e) = epochs {
        tensors.insert(EPOCH_KEY.into(), Tensor::new(e, &Device::Cpu)?);
    }
    // The buffer, plus the host copy of one tensor at a time while it is
    // appended: at most twice the tensors' bytes.
    let bytes = tensors.values().try_fold(0u64, |acc, t| {
        memory::bytes_of::<u8>(&[t.elem_count(), t.dtype().size_in_bytes()])
            .and_then(|b| acc.checked_add(b))
    });
    memory::check("checkpoint", bytes.and_then(|b| b.checked_mul(2)))?;
    let buffer = safetensors::serialize(&tensors, None).map_err(candle_core::Error::from)?;
    tda_io::write_file(path, &buffer).map_err(|e| write_error(e, path))
}

/// Maps an error of tda-io's atomic writer to this crate's.
fn write_error(e: tda_io::Error, path: &Path) -> Error {
    match e {
        tda_io::Error::Io { path, source } => Error::Io { path, source },
        tda_io::Error::TooLarge(m) => Error::TooLarge(m),
        other => Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        },
    }
}

/// Loads `path` into the variables of `vars` and returns the number of
/// epochs trained if the checkpoint records it. Every variable must be in
/// the file with the same shape and type, and the file may hold nothing
/// else: otherwise [`Error::Checkpoint`] names the tensor, and `vars` is
/// left unchanged.
///
/// # Errors
/// [`Error::Io`] if `path` is missing, not a regular file or unreadable;
/// [`Error::TooLarge`] if the file and the tensors read from it would
/// exceed the memory limit ([`tda_persistence::memory`]);
/// [`Error::Candle`] if the file is not valid safetensors (truncated,
/// corrupt header); [`Error::Checkpoint`] naming the tensor that does not
/// fit the model, or the epoch count if it is not a `u32` scalar.
pub fn load_checkpoint(vars: &VarMap, path: &Path) -> Result<Option<usize>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such checkpoint file",
            ))
        } else {
            io(e)
        }
    })?;
    if !meta.is_file() {
        return Err(io(std::io::Error::new(
            if meta.is_dir() {
                std::io::ErrorKind::IsADirectory
            } else {
                std::io::ErrorKind::InvalidInput
            },
            "the checkpoint is not a regular file",
        )));
    }
    // The file's bytes, and the tensors made from them.
    memory::check("checkpoint file", meta.len().checked_mul(2))?;
    let bytes = std::fs::read(path).map_err(io)?;
    load_from(vars, &bytes, path)
}

/// [`load_checkpoint`] from the bytes of a checkpoint file (as
/// [`save_checkpoint`] writes it) held in memory, e.g. shipped to another
/// process; errors name the checkpoint `<bytes>`.
///
/// # Errors
/// [`Error::TooLarge`] if the tensors read from `bytes` would exceed the
/// memory limit ([`tda_persistence::memory`]); [`Error::Candle`] if
/// `bytes` are not valid safetensors; [`Error::Checkpoint`] as
/// [`load_checkpoint`].
pub fn load_checkpoint_bytes(vars: &VarMap, bytes: &[u8]) -> Result<Option<usize>> {
    memory::check("checkpoint tensors", Some(bytes.len() as u64))?;
    load_from(vars, bytes, Path::new("<bytes>"))
}

/// Loads the checkpoint `bytes` (read from `path`, named in errors) into
/// `vars`, leaving them unchanged on error.
fn load_from(vars: &VarMap, bytes: &[u8], path: &Path) -> Result<Option<usize>> {
    let data = lock(vars)?;
    let device = data
        .values()
        .next()
        .map(|v| v.device().clone())
        .unwrap_or(Device::Cpu);
    let mut file = candle_core::safetensors::load_buffer(bytes, &device)?;
    let bad = |name: &str, reason: String| Error::Checkpoint {
        path: path.to_path_buf(),
        name: name.to_string(),
        reason,
    };
    let epochs = match file.remove(EPOCH_KEY) {
        Some(t) if t.dtype() == DType::U32 && t.rank() == 0 => {
            let e = t.to_scalar::<u32>()?;
            Some(
                usize::try_from(e)
                    .map_err(|_| bad(EPOCH_KEY, format!("{e} epochs do not fit in usize")))?,
            )
        }
        Some(t) => {
            return Err(bad(
                EPOCH_KEY,
                format!(
                    "the epoch count must be a u32 scalar, found shape {:?} ({:?})",
                    t.dims(),
                    t.dtype()
                ),
            ))
        }
        None => None,
    };
    assign(&data, &file, "the checkpoint", bad)?;
    Ok(epochs)
}

/// Copies every variable of `from` into the variable of the same name in
/// `to`: transfer learning starts a target network from a source
/// network's weights this way (then freezes or fine-tunes parts of it).
/// Both must hold the same names with the same shapes and types;
/// otherwise [`Error::WeightsMismatch`] names the tensor, and `to` is left
/// unchanged. The tensors move to `to`'s devices.
///
/// # Errors
/// [`Error::WeightsMismatch`] as described; [`Error::Candle`] when a
/// tensor cannot be copied to its device.
pub fn copy_weights(from: &VarMap, to: &VarMap) -> Result<()> {
    if std::ptr::eq(from.data(), to.data()) {
        // A model copied onto itself (candle refuses to set a variable
        // from its own storage).
        return Ok(());
    }
    let source: HashMap<String, Tensor> = lock(from)?
        .iter()
        .map(|(name, var)| (name.clone(), var.as_tensor().clone()))
        .collect();
    let vars = lock(to)?;
    assign(&vars, &source, "the source model", |name, reason| {
        Error::WeightsMismatch {
            name: name.to_string(),
            reason,
        }
    })
}

/// Sets each variable of `vars` to the tensor of the same name in
/// `source`, after checking that every variable has one of the same shape
/// and type and that `source` holds nothing else (`bad` builds the error
/// naming the first offending tensor, in name order; `what` names the
/// source in its reason).
fn assign(
    vars: &HashMap<String, Var>,
    source: &HashMap<String, Tensor>,
    what: &str,
    bad: impl Fn(&str, String) -> Error,
) -> Result<()> {
    // Check everything before changing anything.
    let mut names: Vec<&String> = vars.keys().collect();
    names.sort();
    for name in &names {
        let var = &vars[*name];
        let t = source
            .get(*name)
            .ok_or_else(|| bad(name, format!("missing from {what}")))?;
        if t.dims() != var.dims() || t.dtype() != var.dtype() {
            return Err(bad(
                name,
                format!(
                    "has shape {:?} ({:?}) in {what}, the model expects {:?} ({:?})",
                    t.dims(),
                    t.dtype(),
                    var.dims(),
                    var.dtype()
                ),
            ));
        }
    }
    let mut extra: Vec<&String> = source.keys().filter(|k| !vars.contains_key(*k)).collect();
    extra.sort();
    if let Some(name) = extra.first() {
        return Err(bad(name, "is not a variable of this model".into()));
    }
    for name in names {
        let var = &vars[name];
        var.set(&source[name].to_device(var.device())?)?;
    }
    Ok(())
}

/// The variables of `vars`, locked (candle keeps them behind a mutex).
pub(crate) fn lock(
    vars: &VarMap,
) -> Result<std::sync::MutexGuard<'_, HashMap<String, candle_core::Var>>> {
    vars.data()
        .lock()
        .map_err(|_| candle_core::Error::Msg("VarMap lock poisoned".into()).into())
}
