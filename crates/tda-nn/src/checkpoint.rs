//! Model weights as safetensors: atomic saves, checked loads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::VarMap;

use crate::error::{Error, Result};

/// Name of the scalar tensor holding the number of epochs trained.
const EPOCH_KEY: &str = "trainer.epochs_done";

/// Writes every variable of `vars` (and, if given, the number of epochs
/// trained) to `path` as safetensors. The file is written beside `path`
/// under a temporary name and renamed over it, so a crash never leaves a
/// half-written checkpoint.
pub fn save_checkpoint(vars: &VarMap, path: &Path, epochs_done: Option<usize>) -> Result<()> {
    let mut tensors: HashMap<String, Tensor> = {
        let data = lock(vars)?;
        data.iter()
            .map(|(name, var)| (name.clone(), var.as_tensor().clone()))
            .collect()
    };
    if let Some(e) = epochs_done {
        tensors.insert(EPOCH_KEY.into(), Tensor::new(e as u32, &Device::Cpu)?);
    }
    let tmp = temp_path(path);
    let written = candle_core::safetensors::save(&tensors, &tmp)
        .map_err(Error::from)
        .and_then(|()| {
            std::fs::rename(&tmp, path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })
        });
    if written.is_err() {
        // Best effort: the temporary file is ours and useless now.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Loads `path` into the variables of `vars` and returns the number of
/// epochs trained if the checkpoint records it. Every variable must be in
/// the file with the same shape and type, and the file may hold nothing
/// else: otherwise [`Error::Checkpoint`] names the tensor, and `vars` is
/// left unchanged.
pub fn load_checkpoint(vars: &VarMap, path: &Path) -> Result<Option<usize>> {
    if !path.is_file() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such checkpoint file"),
        });
    }
    let data = lock(vars)?;
    let device = data
        .values()
        .next()
        .map(|v| v.device().clone())
        .unwrap_or(Device::Cpu);
    let mut file = candle_core::safetensors::load(path, &device)?;
    let epochs = match file.remove(EPOCH_KEY) {
        Some(t) => Some(t.to_dtype(DType::U32)?.to_scalar::<u32>()? as usize),
        None => None,
    };
    assign(&data, &file, "the checkpoint", |name, reason| {
        Error::Checkpoint {
            path: path.to_path_buf(),
            name: name.to_string(),
            reason,
        }
    })?;
    Ok(epochs)
}

/// Copies every variable of `from` into the variable of the same name in
/// `to`: transfer learning starts a target network from a source
/// network's weights this way (then freezes or fine-tunes parts of it).
/// Both must hold the same names with the same shapes and types;
/// otherwise [`Error::WeightsMismatch`] names the tensor, and `to` is left
/// unchanged. The tensors move to `to`'s devices.
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

/// `dir/.name.tmp-<pid>` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "checkpoint".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}
