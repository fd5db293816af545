//! PI-Net's published sample: 20 CIFAR-10 test images and the persistence
//! images Som et al. trained their Image PI-Net to predict
//! (`data/pinet-published/`, provenance in `data/README.md`). Shared by
//! tda-vectorize's and tda-nn's tests of the image recipe.
#![allow(dead_code)]

use std::fs::File;

/// Images in the file.
pub const IMAGES: usize = 20;
/// Side of each image.
pub const SIDE: usize = 32;
/// Colour channels of each image.
pub const CHANNELS: usize = 3;
/// Pixels of each persistence image.
pub const PIXELS: usize = 50 * 50;

/// The published images and targets, as stored (MATLAB's column-major order).
pub struct Published {
    /// The images, `(20, 32, 32, 3)` column-major, values in `[0, 1]`.
    pub imgs: Vec<f64>,
    /// The persistence images, `(20, 3 * 2500)` column-major.
    pub pis: Vec<f64>,
}

impl Published {
    /// Reads the bundled file.
    pub fn load() -> Self {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/pinet-published/Sample_Images_PI.mat"
        );
        let mat = matfile::MatFile::parse(File::open(path).expect("bundled file")).expect("MAT v5");
        let read = |name: &str, size: &[usize]| -> Vec<f64> {
            let array = mat.find_by_name(name).expect("variable in the file");
            assert_eq!(array.size(), size, "{name}");
            match array.data() {
                matfile::NumericData::Double { real, imag: None } => real.clone(),
                other => panic!("{name}: unexpected data {other:?}"),
            }
        };
        Self {
            imgs: read("imgs", &[IMAGES, SIDE, SIDE, CHANNELS]),
            pis: read("PIs", &[IMAGES, CHANNELS * PIXELS]),
        }
    }

    /// Channel `ch` of image `i`, flattened row-major (PI-Net's recipe).
    pub fn channel(&self, i: usize, ch: usize) -> Vec<f64> {
        let at = |r: usize, c: usize| self.imgs[i + IMAGES * (r + SIDE * (c + SIDE * ch))];
        (0..SIDE * SIDE).map(|k| at(k / SIDE, k % SIDE)).collect()
    }

    /// The published target of channel `ch` of image `i` (row-major 50 x 50).
    pub fn target(&self, i: usize, ch: usize) -> Vec<f64> {
        (0..PIXELS)
            .map(|j| self.pis[i + IMAGES * (ch * PIXELS + j)])
            .collect()
    }
}
