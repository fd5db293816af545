//! PNG output: decode what was written and check sizes and pixels.

mod common;

use std::path::Path;

use common::TempDir;
use ndarray::{array, Array2};
use tda_io::png::{confusion_png, ramp, write_gray_png, Canvas, MAX_PIXELS, NAN_GREY};
use tda_io::Error;

/// Decodes a PNG: (width, height, colour type, pixel bytes).
fn decode(path: &Path) -> (u32, u32, png::ColorType, Vec<u8>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type, buf)
}

fn rgb_at(data: &[u8], width: u32, x: usize, y: usize) -> [u8; 3] {
    let i = (y * width as usize + x) * 3;
    [data[i], data[i + 1], data[i + 2]]
}

#[test]
fn canvas_saves_an_rgb_png_with_its_pixels() {
    let dir = TempDir::new("png-canvas");
    let p = dir.path().join("c.png");
    let mut c = Canvas::new(20, 10, [255, 255, 255]).unwrap();
    c.fill_rect(2, 3, 4, 2, [255, 0, 0]);
    c.fill_rect(18, 8, 100, 100, [0, 0, 255]); // clipped
    c.fill_rect(usize::MAX, usize::MAX, usize::MAX, 1, [0, 255, 0]); // outside
    c.save(&p).unwrap();
    let (w, h, ct, data) = decode(&p);
    assert_eq!((w, h, ct), (20, 10, png::ColorType::Rgb));
    assert_eq!(rgb_at(&data, w, 2, 3), [255, 0, 0]);
    assert_eq!(rgb_at(&data, w, 5, 4), [255, 0, 0]);
    assert_eq!(rgb_at(&data, w, 6, 4), [255, 255, 255]);
    assert_eq!(rgb_at(&data, w, 19, 9), [0, 0, 255]);
    assert_eq!(rgb_at(&data, w, 0, 0), [255, 255, 255]);
    assert_eq!(dir.entries(), vec!["c.png"]);
}

#[test]
fn text_is_drawn_in_the_bitmap_font() {
    let mut c = Canvas::new(40, 12, [0, 0, 0]).unwrap();
    assert_eq!(Canvas::text_width("", 2), 0);
    assert_eq!(Canvas::text_width("1", 2), 6);
    assert_eq!(Canvas::text_width("10", 2), 14);
    assert_eq!(Canvas::text_height(3), 15);
    c.draw_text(1, 1, "1-", 2, [9, 9, 9]);
    // '1' = 010/110/010/010/111: its top-left font pixel is unset, the
    // middle of the top row is set.
    assert_eq!(c.pixel(1, 1), Some([0, 0, 0]));
    assert_eq!(c.pixel(3, 1), Some([9, 9, 9]));
    assert_eq!(c.pixel(4, 2), Some([9, 9, 9]));
    // '-' starts 8 px to the right; its middle row is set.
    assert_eq!(c.pixel(9, 5), Some([9, 9, 9]));
    assert_eq!(c.pixel(9, 3), Some([0, 0, 0]));
    // Lowercase is uppercase; unknown characters are boxes; off-canvas text clips.
    let mut a = Canvas::new(12, 5, [0, 0, 0]).unwrap();
    let mut b = a.clone();
    a.draw_text(0, 0, "ab", 1, [1, 1, 1]);
    b.draw_text(0, 0, "AB", 1, [1, 1, 1]);
    assert_eq!(a, b);
    a.draw_text(8, 0, "\u{263a}", 1, [2, 2, 2]);
    assert!((8..11).all(|x| (0..5).all(|y| a.pixel(x, y) == Some([2, 2, 2]))));
    a.draw_text(10, 3, "WWWWW", 50, [3, 3, 3]);
    a.draw_text_up(usize::MAX - 3, 0, "x", 7, [3, 3, 3]);
    assert_eq!(a.pixel(11, 4), Some([3, 3, 3]));
    assert_eq!(a.pixel(12, 0), None);
}

#[test]
fn heatmap_uses_the_ramp_and_grey_for_nan() {
    let mut c = Canvas::new(6, 4, [0, 0, 0]).unwrap();
    let v = array![[0.0, 1.0, f64::NAN], [2.0, -5.0, 0.5]];
    c.heatmap(0, 0, v.view(), 2, 0.0, 1.0);
    assert_eq!(c.pixel(0, 0), Some([255, 255, 255]));
    assert_eq!(c.pixel(1, 1), Some(ramp(0.0)));
    assert_eq!(c.pixel(2, 0), Some(ramp(1.0)));
    assert_eq!(c.pixel(4, 1), Some(NAN_GREY));
    assert_eq!(c.pixel(0, 2), Some(ramp(1.0)));
    assert_eq!(c.pixel(2, 3), Some(ramp(0.0)));
    assert_eq!(c.pixel(5, 3), Some(ramp(0.5)));
    // The ramp darkens monotonically.
    let lum = |c: [u8; 3]| c.iter().map(|&v| u32::from(v)).sum::<u32>();
    assert!((0..10).all(|k| lum(ramp(k as f64 / 10.0)) > lum(ramp((k + 1) as f64 / 10.0))));
    // Degenerate ranges do not panic.
    c.heatmap(0, 0, v.view(), 3, 1.0, 1.0);
    c.heatmap(usize::MAX, 0, v.view(), usize::MAX, f64::NAN, f64::INFINITY);
}

#[test]
fn gray_png_is_min_max_normalised_in_blocks() {
    let dir = TempDir::new("png-gray");
    let p = dir.path().join("g.png");
    let img = array![[0.0, 1.0, 2.0], [4.0, 3.0, 2.0]];
    write_gray_png(&p, img.view(), 2).unwrap();
    let (w, h, ct, data) = decode(&p);
    assert_eq!((w, h, ct), (6, 4, png::ColorType::Grayscale));
    let at = |x: usize, y: usize| data[y * 6 + x];
    assert_eq!(at(0, 0), 0);
    assert_eq!(at(1, 1), 0);
    assert_eq!(at(2, 0), 64);
    assert_eq!(at(5, 1), 128);
    assert_eq!(at(0, 2), 255);
    assert_eq!(at(3, 3), 191);

    write_gray_png(&p, Array2::from_elem((3, 2), 7.5).view(), 1).unwrap();
    let (w, h, _, data) = decode(&p);
    assert_eq!((w, h), (2, 3));
    assert!(data.iter().all(|&v| v == 0));
    assert_eq!(dir.entries(), vec!["g.png"]);
}

#[test]
fn confusion_png_has_the_expected_size_and_cells() {
    let dir = TempDir::new("png-confusion");
    let p = dir.path().join("conf.png");
    let counts = array![[50, 2, 0, 0], [3, 40, 7, 0], [0, 5, 45, 0], [0, 0, 0, 0]];
    let labels: Vec<String> = ["walk", "run", "sit", "stand"].map(String::from).to_vec();
    confusion_png(&p, counts.view(), &labels, "HAR confusion").unwrap();
    let (w, h, ct, data) = decode(&p);
    assert_eq!(ct, png::ColorType::Rgb);
    // margins 12, gaps 8, label text 10 px high, widest label "stand" 38 px,
    // title 15 px, 4 cells of 40 px plus a 1 px grid line.
    let (x0, y0) = (12 + 10 + 8 + 38 + 8, 12 + 15 + 16 + 10 + 8 + 38 + 8);
    assert_eq!((w, h), (x0 + 160 + 13, y0 + 160 + 13));
    let (x0, y0) = (x0 as usize, y0 as usize);
    // The corner of cell (0, 0) is dark (50 of 52), of cell (0, 2) white,
    // the empty last row white too; grid lines grey.
    assert_eq!(rgb_at(&data, w, x0 + 2, y0 + 2), ramp(50.0 / 52.0));
    assert_eq!(rgb_at(&data, w, x0 + 82, y0 + 2), ramp(0.0));
    assert_eq!(rgb_at(&data, w, x0 + 122, y0 + 122), ramp(0.0));
    assert_eq!(rgb_at(&data, w, x0, y0), [190, 190, 190]);
    // Some white text inside the dark diagonal cell, some black on a light one.
    let cell_has = |cx: usize, cy: usize, ink: [u8; 3]| {
        (0..40).any(|dx| {
            (0..40).any(|dy| rgb_at(&data, w, x0 + cx * 40 + dx, y0 + cy * 40 + dy) == ink)
        })
    };
    assert!(cell_has(0, 0, [255, 255, 255]));
    assert!(cell_has(0, 1, [0, 0, 0]));
    assert_eq!(dir.entries(), vec!["conf.png"]);
}

#[test]
fn confusion_png_handles_many_classes_and_long_labels() {
    let dir = TempDir::new("png-confusion-big");
    let p = dir.path().join("big.png");
    let n = 60;
    let counts = Array2::from_shape_fn((n, n), |(i, j)| if i == j { 123_456 } else { i + j });
    let labels: Vec<String> = (0..n)
        .map(|k| format!("a very long class label {k}"))
        .collect();
    confusion_png(&p, counts.view(), &labels, &"title ".repeat(40)).unwrap();
    let (w, h, _, _) = decode(&p);
    assert!(w > 60 * 16 && h > 60 * 16);
}

#[test]
fn zero_or_huge_images_are_size_errors() {
    assert!(matches!(
        Canvas::new(0, 5, [0; 3]),
        Err(Error::ImageSize {
            width: 0,
            height: 5
        })
    ));
    assert!(matches!(
        Canvas::new(usize::MAX, 2, [0; 3]),
        Err(Error::ImageSize { .. })
    ));
    assert!(matches!(
        Canvas::new(MAX_PIXELS, 2, [0; 3]),
        Err(Error::ImageSize { .. })
    ));
    let dir = TempDir::new("png-size");
    let p = dir.path().join("x.png");
    let e = write_gray_png(&p, Array2::<f64>::zeros((0, 3)).view(), 1).unwrap_err();
    assert!(
        matches!(
            e,
            Error::ImageSize {
                width: 3,
                height: 0
            }
        ),
        "{e}"
    );
    let e = write_gray_png(&p, Array2::<f64>::zeros((2, 3)).view(), 0).unwrap_err();
    assert!(matches!(e, Error::ImageSize { .. }), "{e}");
    let e = write_gray_png(&p, Array2::<f64>::zeros((2, 3)).view(), usize::MAX).unwrap_err();
    assert!(matches!(e, Error::ImageSize { .. }), "{e}");
    let e = confusion_png(&p, Array2::<usize>::zeros((0, 0)).view(), &[], "t").unwrap_err();
    assert!(matches!(e, Error::ImageSize { .. }), "{e}");
    assert!(dir.entries().is_empty());
}

#[test]
fn non_finite_values_are_errors_naming_the_cell() {
    let dir = TempDir::new("png-nonfinite");
    let p = dir.path().join("x.png");
    let img = array![[0.0, 1.0], [f64::INFINITY, f64::NAN]];
    let e = write_gray_png(&p, img.view(), 1).unwrap_err();
    assert!(
        matches!(e, Error::NonFinite { row: 1, col: 0, value } if value == f64::INFINITY),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "value at row 1, column 0 is not finite (inf)"
    );
    assert!(dir.entries().is_empty());
}

#[test]
fn non_square_counts_and_wrong_label_counts_are_errors() {
    let dir = TempDir::new("png-shape");
    let p = dir.path().join("x.png");
    let labels: Vec<String> = vec!["a".into(), "b".into()];
    let e = confusion_png(&p, Array2::<usize>::zeros((2, 3)).view(), &labels, "t").unwrap_err();
    assert!(matches!(e, Error::NonSquare { rows: 2, cols: 3 }), "{e}");
    let e = confusion_png(&p, Array2::<usize>::zeros((3, 3)).view(), &labels, "t").unwrap_err();
    assert!(
        matches!(
            e,
            Error::LabelCount {
                labels: 2,
                classes: 3
            }
        ),
        "{e}"
    );
    assert_eq!(e.to_string(), "got 2 labels for 3 classes");
    assert!(dir.entries().is_empty());
}

#[test]
fn saving_into_a_missing_directory_is_an_io_error_leaving_nothing() {
    let dir = TempDir::new("png-io");
    let p = dir.path().join("missing").join("x.png");
    let c = Canvas::new(2, 2, [0; 3]).unwrap();
    assert!(matches!(c.save(&p), Err(Error::Io { ref path, .. }) if path == &p));
    assert!(dir.entries().is_empty());
}
