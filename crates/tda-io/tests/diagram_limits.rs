//! Diagram files over the memory limit are refused before allocating
//! (a test binary of its own: it lowers the process-wide limit).

mod common;

use common::TempDir;
use tda_io::{
    read_diagrams_json, read_diagrams_npz, write_diagrams_json, write_diagrams_npz, Error,
};
use tda_persistence::{memory, Diagram, PersistencePair};

#[test]
fn files_over_the_memory_limit_are_refused() {
    let dir = TempDir::new("dgm-limits");
    let pairs = (0..200)
        .map(|i| PersistencePair::new(f64::from(i), f64::from(i) + 0.5))
        .collect();
    let set = vec![Diagram::new(1, pairs)];
    let (json, npz) = (dir.path().join("d.json"), dir.path().join("d.npz"));
    write_diagrams_json(&json, &set).unwrap();
    write_diagrams_npz(&npz, &set).unwrap();
    let json_len = std::fs::metadata(&json).unwrap().len();

    // 200 pairs are 3200 bytes of f64 in the .npz member (3328 with its
    // header), and the JSON file is longer than 2000 bytes.
    memory::set_limit(2000);
    let e = read_diagrams_json(&json).unwrap_err();
    assert!(
        matches!(&e, Error::TooLarge(m) if m.what == "diagram JSON file" && m.estimated_bytes == json_len),
        "{e:?}"
    );
    let e = read_diagrams_npz(&npz).unwrap_err();
    assert!(
        matches!(&e, Error::TooLarge(m) if m.what == "member of an .npz file" && m.estimated_bytes > 3200),
        "{e:?}"
    );
    memory::set_limit(memory::DEFAULT_LIMIT);
    assert_eq!(read_diagrams_json(&json).unwrap(), set);
    assert_eq!(read_diagrams_npz(&npz).unwrap(), set);
}
