//! PI-Net's published targets, reproduced channel by channel.
//!
//! Som et al. publish 20 CIFAR-10 test images with the persistence images
//! their Image PI-Net was trained to predict (`data/pinet-published/`, see
//! its provenance in `data/README.md`). Each channel, flattened row-major,
//! goes through sublevel H0 and [`PersistenceImage::pinet_image`]; the
//! result must equal the published channel image to 1e-6 (the originals
//! come from ripser's float32 diagrams, so they differ in the 7th digit).

use tda_persistence::sublevel;
use tda_vectorize::{Grid, Normalize, PersistenceImage, Vectorizer};

#[path = "common/published.rs"]
mod published;

use published::{Published, CHANNELS, IMAGES};

/// Largest absolute difference between our image of each channel and the published one.
fn channel_errors(published: &Published, recipe: &PersistenceImage) -> Vec<f64> {
    let mut errors = Vec::new();
    for i in 0..IMAGES {
        for ch in 0..CHANNELS {
            let diagram = sublevel::h0(&published.channel(i, ch)).unwrap();
            let ours = recipe.transform(&diagram).unwrap();
            let target = published.target(i, ch);
            let err = ours
                .iter()
                .zip(&target)
                .map(|(&a, &b)| (f64::from(a) - b).abs())
                .fold(0.0, f64::max);
            errors.push(err);
        }
    }
    errors
}

#[test]
fn pinet_image_reproduces_every_published_channel() {
    let published = Published::load();
    // The inputs are 8-bit values scaled to [0, 1].
    assert!(published
        .imgs
        .iter()
        .all(|&v| (0.0..=1.0).contains(&v) && (v * 255.0).round() / 255.0 == v));
    let errors = channel_errors(&published, &PersistenceImage::pinet_image());
    assert_eq!(errors.len(), IMAGES * CHANNELS);
    for (k, &err) in errors.iter().enumerate() {
        assert!(
            err < 1e-6,
            "image {} channel {}: largest difference {err:e}",
            k / CHANNELS,
            k % CHANNELS
        );
    }
}

#[test]
fn one_grey_level_threshold_in_f64_misses_the_published_targets() {
    // `p <= 1/255` keeps the one-level bars whose f64 persistence rounds
    // above 1/255: the published targets tell the two thresholds apart.
    let published = Published::load();
    let naive = PersistenceImage::builder()
        .grid(Grid::LegacyPersImage)
        .birth_range(0.0, 1.0)
        .resolution(50, 50)
        .sigma(0.05)
        .normalize(Normalize::Max)
        .min_persistence(1.0 / 255.0)
        .build()
        .unwrap();
    let errors = channel_errors(&published, &naive);
    // 7 of the 60 channels match; the worst is off by 4.7e-2.
    let missed = errors.iter().filter(|&&e| e >= 1e-6).count();
    assert_eq!(missed, 53);
    assert!(errors.iter().fold(0.0f64, |m, &e| m.max(e)) > 4e-2);
}
