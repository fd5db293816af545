//! Hostile checkpoints: truncated and corrupt files, epoch counts that do
//! not fit, tensors that do not fit the model, bad paths, concurrent saves
//! to one path, and temporary files (none left behind; those of killed
//! savers removed).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use candle_core::{DType, Device, Tensor};
use candle_nn::{Init, VarMap};
use tda_nn::{load_checkpoint, save_checkpoint, Error};

/// The epoch count's tensor name in a checkpoint.
const EPOCH_KEY: &str = "trainer.epochs_done";

/// A process id above the kernel's limit (2^22): never a running process.
const DEAD_PID: u32 = 4_194_999;

/// A fresh directory, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!(
            "tda-nn-ckpt-hostile-{tag}-{}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }

    /// Names of the temporary files of atomic writers in the directory.
    fn temps(&self) -> Vec<String> {
        std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tda-tmp-"))
            .collect()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small model: a 3 x 4 weight and a bias of 5, every value `value`.
fn model(value: f64) -> VarMap {
    let vars = VarMap::new();
    vars.get(
        (3, 4),
        "layer.weight",
        Init::Const(value),
        DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    vars.get(
        5,
        "layer.bias",
        Init::Const(value),
        DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    vars
}

/// Every value of the model, by name.
fn values(vars: &VarMap) -> Vec<(String, Vec<f32>)> {
    let data = vars.data().lock().unwrap();
    let mut out: Vec<_> = data
        .iter()
        .map(|(k, v)| {
            let t = v.as_tensor().flatten_all().unwrap();
            (k.clone(), t.to_vec1::<f32>().unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The single value every variable holds, if they all hold one.
fn constant(vars: &VarMap) -> Option<f32> {
    let all: Vec<f32> = values(vars).into_iter().flat_map(|(_, v)| v).collect();
    let first = *all.first()?;
    all.iter().all(|&v| v == first).then_some(first)
}

#[test]
fn epoch_counts_round_trip_up_to_u32_max() {
    let dir = Dir::new("epochs");
    let p = dir.0.join("m.safetensors");
    let cases = [
        None,
        Some(0),
        Some(1),
        Some(1000),
        Some(u32::MAX as usize - 1),
        Some(u32::MAX as usize),
    ];
    for e in cases {
        save_checkpoint(&model(2.0), &p, e).unwrap();
        let other = model(-1.0);
        assert_eq!(load_checkpoint(&other, &p).unwrap(), e);
        assert_eq!(constant(&other), Some(2.0));
    }
    assert_eq!(cases.len(), 6);
    assert!(dir.temps().is_empty());
}

#[test]
fn epoch_counts_over_u32_are_a_typed_error_writing_nothing() {
    let dir = Dir::new("overflow");
    let p = dir.0.join("m.safetensors");
    save_checkpoint(&model(1.0), &p, Some(7)).unwrap();
    let before = std::fs::read(&p).unwrap();
    let mut cases = vec![usize::MAX];
    if let Some(over) = (u32::MAX as usize).checked_add(1) {
        cases.extend([over, over + 1, 1 << 40]);
    }
    for e in &cases {
        match save_checkpoint(&model(3.0), &p, Some(*e)) {
            Err(Error::InvalidConfig { name, value, .. }) => {
                assert_eq!((name, value), ("epochs_done", e.to_string()));
            }
            other => panic!("{e}: {other:?}"),
        }
        // The old checkpoint is untouched; no temporary file.
        assert_eq!(std::fs::read(&p).unwrap(), before);
        assert!(dir.temps().is_empty());
    }
}

#[test]
fn truncated_checkpoints_are_errors_leaving_the_model_unchanged() {
    let dir = Dir::new("truncated");
    let p = dir.0.join("m.safetensors");
    save_checkpoint(&model(4.0), &p, Some(3)).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let header_len = usize::try_from(u64::from_le_bytes(bytes[..8].try_into().unwrap())).unwrap();
    let cut = dir.0.join("cut.safetensors");
    let ends = [
        0,
        1,
        7,
        8,
        9,
        8 + header_len / 2,
        8 + header_len - 1,
        8 + header_len,
        8 + header_len + 1,
        bytes.len() / 2 + header_len / 2,
        bytes.len() - 4,
        bytes.len() - 1,
    ];
    for end in ends {
        std::fs::write(&cut, &bytes[..end]).unwrap();
        let other = model(-1.0);
        let e = load_checkpoint(&other, &cut).unwrap_err();
        assert!(matches!(e, Error::Candle(_)), "cut at {end}: {e:?}");
        assert_eq!(constant(&other), Some(-1.0), "cut at {end}");
    }
    // Extra bytes after the data.
    std::fs::write(&cut, [&bytes[..], &[0u8; 16][..]].concat()).unwrap();
    let other = model(-1.0);
    assert!(matches!(
        load_checkpoint(&other, &cut),
        Err(Error::Candle(_))
    ));
    assert_eq!(constant(&other), Some(-1.0));
    assert_eq!(ends.len(), 12);
}

/// A safetensors file: the header length, this JSON header, and `data`.
fn raw(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header.as_bytes());
    out.extend(data);
    out
}

#[test]
fn corrupt_headers_are_errors_without_huge_allocations() {
    let dir = Dir::new("corrupt");
    let p = dir.0.join("bad.safetensors");
    let w = r#""layer.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]}"#;
    let b = r#""layer.bias":{"dtype":"F32","shape":[5],"data_offsets":[48,68]}"#;
    let data = [0u8; 68];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("header length u64::MAX", {
            let mut v = raw(&format!("{{{w},{b}}}"), &data);
            v[..8].copy_from_slice(&u64::MAX.to_le_bytes());
            v
        }),
        ("header length past the end", {
            let mut v = raw(&format!("{{{w},{b}}}"), &data);
            v[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
            v
        }),
        ("not JSON", raw("{not json at all", &data)),
        ("JSON but not an object", raw("[1, 2, 3]", &data)),
        (
            "offsets past the end",
            raw(&format!("{{{w},{}}}", b.replace("68]", "6800]")), &data),
        ),
        (
            "overlapping offsets",
            raw(
                &format!("{{{w},{}}}", b.replace("[48,68]", "[40,60]")),
                &data,
            ),
        ),
        (
            "a gap before the data",
            raw(
                &format!("{{{w},{}}}", b.replace("[48,68]", "[52,72]")),
                &[0u8; 72],
            ),
        ),
        (
            "shape larger than its bytes",
            raw(
                &format!("{{{},{b}}}", w.replace("[3,4]", "[1000000,1000000]")),
                &data,
            ),
        ),
        (
            "shape whose size overflows",
            raw(
                &format!(
                    "{{{},{b}}}",
                    w.replace("[3,4]", "[4294967296,4294967296,4294967296]")
                ),
                &data,
            ),
        ),
        (
            "unknown dtype",
            raw(&format!("{{{},{b}}}", w.replace("F32", "Q7")), &data),
        ),
        (
            "negative offset",
            raw(
                &format!("{{{},{b}}}", w.replace("[0,48]", "[-8,48]")),
                &data,
            ),
        ),
        (
            "deeply nested JSON",
            raw(
                &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
                &data,
            ),
        ),
        (
            "duplicate tensor names",
            raw(
                &format!("{{{w},{},{b}}}", w.replace("[0,48]", "[68,116]")),
                &[0u8; 116],
            ),
        ),
    ];
    let n = cases.len();
    for (name, bytes) in cases {
        std::fs::write(&p, &bytes).unwrap();
        let other = model(-1.0);
        let got = load_checkpoint(&other, &p);
        assert!(matches!(got, Err(Error::Candle(_))), "{name}: {got:?}");
        assert_eq!(constant(&other), Some(-1.0), "{name}");
    }
    assert_eq!(n, 13);
}

/// Writes a checkpoint holding these tensors (bypassing the checks of
/// `save_checkpoint`).
fn craft(path: &Path, tensors: Vec<(&str, Tensor)>) {
    let map: HashMap<String, Tensor> = tensors
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect();
    candle_core::safetensors::save(&map, path).unwrap();
}

/// What a case is, the tensors of the file, and the tensor the error names.
type MisfitCase = (&'static str, Vec<(&'static str, Tensor)>, &'static str);

#[test]
fn tensors_and_epoch_counts_that_do_not_fit_are_named() {
    let dir = Dir::new("misfit");
    let p = dir.0.join("m.safetensors");
    let cpu = Device::Cpu;
    let w = || Tensor::ones((3, 4), DType::F32, &cpu).unwrap();
    let b = || Tensor::ones(5, DType::F32, &cpu).unwrap();
    let cases: Vec<MisfitCase> = vec![
        (
            "epoch count as f32",
            vec![
                ("layer.weight", w()),
                ("layer.bias", b()),
                (EPOCH_KEY, Tensor::new(3f32, &cpu).unwrap()),
            ],
            EPOCH_KEY,
        ),
        (
            "epoch count as a vector",
            vec![
                ("layer.weight", w()),
                ("layer.bias", b()),
                (EPOCH_KEY, Tensor::new(&[3u32, 4], &cpu).unwrap()),
            ],
            EPOCH_KEY,
        ),
        (
            "epoch count as i64",
            vec![
                ("layer.weight", w()),
                ("layer.bias", b()),
                (EPOCH_KEY, Tensor::new(-1i64, &cpu).unwrap()),
            ],
            EPOCH_KEY,
        ),
        (
            "a missing tensor",
            vec![("layer.weight", w())],
            "layer.bias",
        ),
        (
            "an extra tensor",
            vec![("layer.weight", w()), ("layer.bias", b()), ("extra", b())],
            "extra",
        ),
        (
            "another shape",
            vec![
                (
                    "layer.weight",
                    Tensor::ones((4, 3), DType::F32, &cpu).unwrap(),
                ),
                ("layer.bias", b()),
            ],
            "layer.weight",
        ),
        (
            "another dtype",
            vec![
                ("layer.weight", w()),
                ("layer.bias", Tensor::ones(5, DType::F64, &cpu).unwrap()),
            ],
            "layer.bias",
        ),
        (
            "a scalar for a vector",
            vec![
                ("layer.weight", w()),
                ("layer.bias", Tensor::new(1f32, &cpu).unwrap()),
            ],
            "layer.bias",
        ),
        ("nothing at all", vec![], "layer.bias"),
    ];
    let n = cases.len();
    for (what, tensors, bad) in cases {
        craft(&p, tensors);
        let other = model(-1.0);
        match load_checkpoint(&other, &p) {
            Err(Error::Checkpoint { name, path, .. }) => {
                assert_eq!(
                    (name.as_str(), path.as_path()),
                    (bad, p.as_path()),
                    "{what}"
                );
            }
            other => panic!("{what}: {other:?}"),
        }
        assert_eq!(constant(&other), Some(-1.0), "{what}");
    }
    assert_eq!(n, 9);
    // Non-finite weights are data: they load as they are.
    let nan = Tensor::new(
        &[
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            f32::from_bits(1),
        ],
        &cpu,
    )
    .unwrap();
    craft(&p, vec![("layer.weight", w()), ("layer.bias", nan)]);
    let other = model(-1.0);
    assert_eq!(load_checkpoint(&other, &p).unwrap(), None);
    let bias = &values(&other)[0].1;
    let bits: Vec<u32> = bias.iter().map(|v| v.to_bits()).collect();
    let want = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        f32::from_bits(1),
    ]
    .map(f32::to_bits);
    assert_eq!(bits, want.to_vec());
}

#[test]
fn bad_paths_are_io_errors_leaving_nothing() {
    let dir = Dir::new("paths");
    let file = dir.0.join("plain");
    std::fs::write(&file, b"keep").unwrap();
    let sub = dir.0.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let vars = model(1.0);
    let save_cases: Vec<PathBuf> = vec![
        sub.clone(),
        dir.0.join("missing").join("m.safetensors"),
        file.join("m.safetensors"),
        PathBuf::from("/"),
        PathBuf::new(),
        dir.0.join(".."),
        dir.0.join("x".repeat(300)),
    ];
    for p in &save_cases {
        let e = save_checkpoint(&vars, p, Some(1)).unwrap_err();
        assert!(
            matches!(e, Error::Io { ref path, .. } if path == p),
            "{p:?}: {e:?}"
        );
    }
    let load_cases: Vec<PathBuf> = vec![
        sub.clone(),
        dir.0.join("none.safetensors"),
        file.join("m.safetensors"),
        PathBuf::new(),
    ];
    for p in &load_cases {
        let e = load_checkpoint(&vars, p).unwrap_err();
        assert!(
            matches!(e, Error::Io { ref path, .. } if path == p),
            "{p:?}: {e:?}"
        );
    }
    assert_eq!((save_cases.len(), load_cases.len()), (7, 4));
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
    assert!(std::fs::read_dir(&sub).unwrap().next().is_none());
    assert!(dir.temps().is_empty());
}

#[test]
fn concurrent_saves_to_one_path_leave_one_whole_checkpoint() {
    let dir = Dir::new("concurrent");
    let p = dir.0.join("shared.safetensors");
    save_checkpoint(&model(0.0), &p, Some(0)).unwrap();
    let stop = AtomicBool::new(false);
    let loads = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let savers: Vec<_> = (1..=4)
            .map(|w| {
                let p = &p;
                scope.spawn(move || {
                    let vars = model(f64::from(w));
                    for k in 0..8 {
                        save_checkpoint(&vars, p, Some(w as usize * 100 + k)).unwrap();
                    }
                })
            })
            .collect();
        for _ in 0..2 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    // Every load sees one whole checkpoint: one saver's
                    // weights with that saver's epoch count.
                    let vars = model(-1.0);
                    let e = load_checkpoint(&vars, &p).unwrap().unwrap();
                    let v = constant(&vars).expect("weights of one saver");
                    assert_eq!(e / 100, v as usize, "epoch {e} with weights {v}");
                    loads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        for s in savers {
            s.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert!(loads.into_inner() > 0);
    let vars = model(-1.0);
    let e = load_checkpoint(&vars, &p).unwrap().unwrap();
    assert_eq!(e % 100, 7);
    assert!(dir.temps().is_empty(), "{:?}", dir.temps());
}

#[test]
fn temp_files_of_killed_savers_are_removed_and_none_are_left() {
    let dir = Dir::new("stale");
    let stale = dir
        .0
        .join(format!(".m.safetensors.tda-tmp-{DEAD_PID}-abcdefABCDEF"));
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    let own = dir.0.join(format!(
        ".m.safetensors.tda-tmp-{}-abcdefABCDEF",
        std::process::id()
    ));
    std::fs::write(&own, b"a saver of this process at work").unwrap();
    save_checkpoint(&model(1.0), &dir.0.join("m.safetensors"), Some(2)).unwrap();
    if Path::new("/proc/self").exists() {
        assert!(!stale.exists());
    }
    assert!(own.exists());
    std::fs::remove_file(&own).unwrap();
    // A failed save (the target is a directory) leaves nothing either.
    std::fs::create_dir(dir.0.join("d")).unwrap();
    assert!(save_checkpoint(&model(1.0), &dir.0.join("d"), None).is_err());
    assert!(dir.temps().is_empty(), "{:?}", dir.temps());
    let names: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_checkpoint_over_the_memory_limit_is_refused_before_reading() {
    // A sparse 5 GiB file: reading it and the tensors made from it would
    // take 10 GiB, over the 8 GiB default limit (tests never change it).
    let dir = Dir::new("big");
    let p = dir.0.join("big.safetensors");
    let f = std::fs::File::create(&p).unwrap();
    (&f).write_all(&raw("{}", &[])).unwrap();
    if f.set_len(5 << 30).is_err() {
        return;
    }
    drop(f);
    let vars = model(-1.0);
    match load_checkpoint(&vars, &p) {
        Err(Error::TooLarge(m)) => {
            assert_eq!((m.what, m.estimated_bytes), ("checkpoint file", 10 << 30));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(constant(&vars), Some(-1.0));
}
