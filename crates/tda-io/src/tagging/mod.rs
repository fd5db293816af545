//! Multi-label music tagging data sets in MagnaTagATune's layout, the
//! Persistent CNN's task.
//!
//! MagnaTagATune (MTAT; Law et al., ISMIR 2009) ships
//!
//! - `annotations_final.csv`: tab-separated, fields double-quoted or not,
//!   a header `clip_id`, one column per tag (188 in MTAT), `mp3_path`; each
//!   row a clip, each tag `0` or `1`;
//! - the audio: 16 folders `0` .. `f` holding the MP3 clips (about 30 s,
//!   16 kHz mono, 32 kbps in MTAT), `mp3_path` relative to their parent
//!   (the audio root).
//!
//! [`TagSet::open`] reads the table and checks every clip's file;
//! [`TagSet::open_dir`] finds both in one directory. [`TagSet::top_tags`]
//! keeps the most frequent tags (the Persistent CNN and most MTAT work use
//! the top 50), [`TagSet::split`] applies MTAT's usual split by folder.
//! Clips are decoded with [`read_audio`] (no resampling: a
//! [`LogMel`](crate::audio::LogMel) refuses a clip at another rate than its
//! own with [`Error::SampleRate`]).
//!
//! ```no_run
//! use tda_io::tagging::TagSet;
//! use tda_io::audio::LogMel;
//! // MTAT unpacked in magnatagatune/ (annotations_final.csv, 0/ .. f/)
//! let mtat = TagSet::open_dir("magnatagatune").unwrap().top_tags(50).unwrap();
//! for s in mtat.skipped() {
//!     eprintln!("skipped {} ({:?})", s.clip.path.display(), s.reason);
//! }
//! let (train, valid, test) = mtat.split().unwrap();
//! let mut lm = LogMel::builder().build().unwrap();
//! let x = lm.transform_file(train.audio_path(&train.clips()[0])).unwrap();
//! let y = train.labels().row(0).to_vec(); // 0/1 per tag, in tag_names() order
//! # let _ = (x, y, valid, test);
//! ```

mod annotations;

use std::io::Read;
use std::path::{Path, PathBuf};

use ndarray::{Array2, ArrayView2, Axis};
use tda_persistence::memory;

use crate::audio::{read_audio, Wav};
use crate::error::{AnnotationProblem, Error, Result};

/// The names of MTAT's 16 audio folders.
const FOLDERS: [&str; 16] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f",
];

/// One clip of a [`TagSet`]: a row of the annotation file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Clip {
    /// The `clip_id` field, as written (MTAT's are integers).
    pub id: String,
    /// The `mp3_path` field: relative to the audio root, e.g.
    /// `f/american_bach_soloists-j_s__bach_solo_cantatas-01-bwv54__i_aria-30-59.mp3`.
    pub path: PathBuf,
    /// The 1-based line of the annotation file the row starts on.
    pub line: usize,
}

/// Why a clip of the annotation file was left out of a [`TagSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// No file at the clip's path under the audio root (or a directory).
    Missing,
    /// The file is empty (MTAT has a few 0-byte clips).
    Empty,
}

/// A clip left out of a [`TagSet`] because its audio file is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SkippedClip {
    /// The clip's row.
    pub clip: Clip,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// A part of MTAT's usual split, decided by the clip's folder.
///
/// Dieleman & Schrauwen ("End-to-end learning for music audio", ICASSP
/// 2014) introduced it and most MTAT tagging work since (the Persistent
/// CNN's included) uses it: the first character of the folder in
/// `mp3_path` (MTAT's folders are `0` .. `f`) puts folders `0` .. `b` (12
/// of 16) in training, `c` in validation and `d` .. `f` in testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// Folders `0` .. `9`, `a`, `b`.
    Train,
    /// Folder `c`.
    Valid,
    /// Folders `d`, `e`, `f`.
    Test,
}

impl Split {
    /// The split of a clip's relative path: by the first character of its
    /// first component (the folder), a hexadecimal digit in either case;
    /// `None` if the path has no folder or the folder does not start with
    /// a hexadecimal digit.
    #[must_use]
    pub fn of_path(path: &Path) -> Option<Split> {
        let mut parts = path.components();
        let folder = parts.next()?.as_os_str().to_str()?;
        parts.next()?; // a file inside the folder
        match folder.chars().next()?.to_ascii_lowercase() {
            '0'..='9' | 'a' | 'b' => Some(Split::Train),
            'c' => Some(Split::Valid),
            'd'..='f' => Some(Split::Test),
            _ => None,
        }
    }
}

/// A multi-label tagging data set: clips, their audio files and a 0/1
/// label per clip and tag (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct TagSet {
    annotations: PathBuf,
    audio_root: PathBuf,
    tag_names: Vec<String>,
    clips: Vec<Clip>,
    /// `(clips, tags)`.
    labels: Array2<u8>,
    skipped: Vec<SkippedClip>,
}

impl TagSet {
    /// Reads an annotation file in MTAT's format (see the [module
    /// documentation](self)) whose `mp3_path`s are relative to
    /// `audio_root`, and checks each clip's file: clips whose file is
    /// missing or empty are left out and listed by [`TagSet::skipped`]
    /// rather than failing the load. Files are not decoded here.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the annotation file cannot be read, `audio_root` is
    /// not a readable directory, or a clip's file cannot be checked for
    /// another reason than its absence;
    /// [`Error::TooLarge`] if the annotation file is larger than a third of
    /// the memory limit (its text and what it parses into are held);
    /// [`Error::Annotations`] naming the file and line, with an
    /// [`AnnotationProblem`]: `Header` (no `clip_id` or `mp3_path` column,
    /// a column named twice, no tag column, an empty file), `FieldCount`
    /// (a row with another number of fields than the header), `TagValue`
    /// (a tag neither `0` nor `1`, naming its column), `DuplicateClip`,
    /// `BadPath` (an empty or absolute `mp3_path`, or one with `..`),
    /// `Syntax` (not UTF-8, an empty `clip_id`) or `NoClips`.
    pub fn open(annotations: impl AsRef<Path>, audio_root: impl AsRef<Path>) -> Result<TagSet> {
        let path = annotations.as_ref();
        let root = audio_root.as_ref();
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| Error::Io { path: p, source }
        };
        let file = std::fs::File::open(path).map_err(io(path))?;
        let len = file.metadata().map_err(io(path))?.len();
        memory::check(
            "annotation file (text and parsed table)",
            len.checked_mul(3),
        )?;
        let mut text = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        // Read at most what was checked (the file may grow meanwhile).
        file.take(len).read_to_end(&mut text).map_err(io(path))?;
        let table = annotations::parse(&text, path)?;
        drop(text);
        let meta = std::fs::metadata(root).map_err(io(root))?;
        if !meta.is_dir() {
            return Err(Error::Io {
                path: root.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotADirectory,
                    "the audio root is not a directory",
                ),
            });
        }
        let n_tags = table.tag_names.len();
        let mut clips = Vec::with_capacity(table.rows.len());
        let mut labels = Vec::with_capacity(table.labels.len());
        let mut skipped = Vec::new();
        for (row, tags) in table.rows.into_iter().zip(table.labels.chunks(n_tags)) {
            let clip = Clip {
                id: row.id,
                path: row.path,
                line: row.line,
            };
            let file = root.join(&clip.path);
            let reason = match std::fs::metadata(&file) {
                Ok(m) if m.is_dir() => Some(SkipReason::Missing),
                Ok(m) if m.len() == 0 => Some(SkipReason::Empty),
                Ok(_) => None,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(SkipReason::Missing),
                Err(source) => return Err(Error::Io { path: file, source }),
            };
            match reason {
                Some(reason) => skipped.push(SkippedClip { clip, reason }),
                None => {
                    clips.push(clip);
                    labels.extend_from_slice(tags);
                }
            }
        }
        let labels = Array2::from_shape_vec((clips.len(), n_tags), labels)
            .expect("one label per clip and tag");
        Ok(TagSet {
            annotations: path.to_path_buf(),
            audio_root: root.to_path_buf(),
            tag_names: table.tag_names,
            clips,
            labels,
            skipped,
        })
    }

    /// Opens MTAT's layout in one directory: `dir/annotations_final.csv`
    /// and the audio root, the first of `dir` and `dir/mp3` that holds any
    /// of the folders `0` .. `f` ([`TagSet::find_audio_root`]).
    ///
    /// # Errors
    ///
    /// [`Error::AudioRootNotFound`] if neither holds those folders;
    /// otherwise as [`TagSet::open`].
    pub fn open_dir(dir: impl AsRef<Path>) -> Result<TagSet> {
        let dir = dir.as_ref();
        let root = Self::find_audio_root(dir)?;
        Self::open(dir.join("annotations_final.csv"), root)
    }

    /// The audio root of MTAT's layout in `dir`: `dir` itself if it holds a
    /// folder named `0` .. `f` (as MTAT's archives unpack), else `dir/mp3`
    /// if that does.
    ///
    /// # Errors
    ///
    /// [`Error::AudioRootNotFound`] naming both places if neither does.
    pub fn find_audio_root(dir: impl AsRef<Path>) -> Result<PathBuf> {
        let dir = dir.as_ref();
        let searched = vec![dir.to_path_buf(), dir.join("mp3")];
        for candidate in &searched {
            if FOLDERS.iter().any(|f| candidate.join(f).is_dir()) {
                return Ok(candidate.clone());
            }
        }
        Err(Error::AudioRootNotFound { searched })
    }

    /// The annotation file this set was read from.
    #[must_use]
    pub fn annotations_path(&self) -> &Path {
        &self.annotations
    }

    /// The directory the clips' paths are relative to.
    #[must_use]
    pub fn audio_root(&self) -> &Path {
        &self.audio_root
    }

    /// The tag names: the header's order after [`TagSet::open`], most
    /// frequent first after [`TagSet::top_tags`]. Column `j` of
    /// [`TagSet::labels`] is tag `j`.
    #[must_use]
    pub fn tag_names(&self) -> &[String] {
        &self.tag_names
    }

    /// The clips, in the annotation file's order. Row `i` of
    /// [`TagSet::labels`] is clip `i`.
    #[must_use]
    pub fn clips(&self) -> &[Clip] {
        &self.clips
    }

    /// Number of clips.
    #[must_use]
    pub fn len(&self) -> usize {
        self.clips.len()
    }

    /// Whether the set holds no clip.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.clips.is_empty()
    }

    /// The labels, shape `(clips, tags)`: 1 where the clip has the tag.
    #[must_use]
    pub fn labels(&self) -> ArrayView2<'_, u8> {
        self.labels.view()
    }

    /// The names of the tags of clip `i` (`None` if there is no clip `i`).
    #[must_use]
    pub fn tags_of(&self, i: usize) -> Option<Vec<&str>> {
        (i < self.clips.len()).then(|| {
            self.labels
                .row(i)
                .iter()
                .zip(&self.tag_names)
                .filter(|(&l, _)| l == 1)
                .map(|(_, name)| name.as_str())
                .collect()
        })
    }

    /// Per tag, the number of clips that have it.
    #[must_use]
    pub fn tag_counts(&self) -> Vec<usize> {
        self.labels
            .map(|&l| usize::from(l))
            .sum_axis(Axis(0))
            .to_vec()
    }

    /// The clips of the annotation file left out because their file is
    /// missing or empty, in the file's order.
    #[must_use]
    pub fn skipped(&self) -> &[SkippedClip] {
        &self.skipped
    }

    /// The file of `clip`: the audio root joined with its path.
    #[must_use]
    pub fn audio_path(&self, clip: &Clip) -> PathBuf {
        self.audio_root.join(&clip.path)
    }

    /// Decodes clip `i` with [`read_audio`] (at its own sample rate: no
    /// resampling).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with kind `NotFound` if there is no clip `i`;
    /// otherwise as [`read_audio`].
    pub fn read_clip(&self, i: usize) -> Result<Wav> {
        let clip = self.clips.get(i).ok_or_else(|| Error::Io {
            path: self.annotations.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no clip {i} in a set of {}", self.clips.len()),
            ),
        })?;
        read_audio(self.audio_path(clip))
    }

    /// The set restricted to its `n` most frequent tags (counted over its
    /// clips; ties broken by the earlier column), most frequent first. Every
    /// clip is kept, also those left with no tag. Call it on the whole set
    /// before [`TagSet::split`], as the literature does (the Persistent
    /// CNN, like most MTAT work, uses the top 50).
    ///
    /// # Errors
    ///
    /// [`Error::TagCount`] if `n` is 0 or more than the set has tags.
    pub fn top_tags(&self, n: usize) -> Result<TagSet> {
        let available = self.tag_names.len();
        if n == 0 || n > available {
            return Err(Error::TagCount {
                requested: n,
                available,
            });
        }
        let counts = self.tag_counts();
        let mut order: Vec<usize> = (0..available).collect();
        order.sort_by_key(|&j| (std::cmp::Reverse(counts[j]), j));
        order.truncate(n);
        Ok(TagSet {
            tag_names: order.iter().map(|&j| self.tag_names[j].clone()).collect(),
            labels: self.labels.select(Axis(1), &order),
            ..self.clone()
        })
    }

    /// The clips of one part of MTAT's usual split ([`Split`]), and the
    /// skipped clips of that part.
    ///
    /// # Errors
    ///
    /// [`Error::Annotations`] with [`AnnotationProblem::BadPath`] naming
    /// the line of the first clip (kept or skipped) whose path is not in a
    /// folder starting with `0` .. `f`.
    pub fn subset(&self, split: Split) -> Result<TagSet> {
        let of = |clip: &Clip| {
            Split::of_path(&clip.path).ok_or_else(|| Error::Annotations {
                path: self.annotations.clone(),
                line: clip.line,
                problem: AnnotationProblem::BadPath(format!(
                    "`{}` is not in one of the folders 0 .. f, so it belongs to no split",
                    clip.path.display()
                )),
            })
        };
        let mut rows = Vec::new();
        for (i, clip) in self.clips.iter().enumerate() {
            if of(clip)? == split {
                rows.push(i);
            }
        }
        let mut skipped = Vec::new();
        for s in &self.skipped {
            if of(&s.clip)? == split {
                skipped.push(s.clone());
            }
        }
        Ok(TagSet {
            annotations: self.annotations.clone(),
            audio_root: self.audio_root.clone(),
            tag_names: self.tag_names.clone(),
            clips: rows.iter().map(|&i| self.clips[i].clone()).collect(),
            labels: self.labels.select(Axis(0), &rows),
            skipped,
        })
    }

    /// MTAT's usual split (Dieleman & Schrauwen 2014; see [`Split`]):
    /// `(train, valid, test)`, folders `0` .. `b`, `c` and `d` .. `f`.
    ///
    /// # Errors
    ///
    /// As [`TagSet::subset`].
    pub fn split(&self) -> Result<(TagSet, TagSet, TagSet)> {
        Ok((
            self.subset(Split::Train)?,
            self.subset(Split::Valid)?,
            self.subset(Split::Test)?,
        ))
    }
}
