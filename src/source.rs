//! The files a run reads, and positions in them.
//!
//! Every value of the Compose model keeps a [`Span`] into one of these files, so that any
//! diagnostic, however late in the pipeline, can point at the exact token that caused it.
//! Spans are byte ranges; lines and columns are computed only when a diagnostic is shown.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    #[must_use]
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Self {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end.max(start)),
        }
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    #[must_use]
    pub fn join(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A sub-range of this span, given as byte offsets relative to its start.
    #[must_use]
    pub fn sub(self, start: usize, end: usize) -> Span {
        let base = self.start as usize;
        let limit = self.end as usize;
        Span::new(
            self.file,
            (base + start).min(limit),
            (base + end).min(limit),
        )
    }

    #[must_use]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where each line of `text` starts. Eight bytes are tested at once (a large project's file is
/// half a megabyte, and a byte-by-byte scan cost ten instructions a byte).
fn line_starts(text: &str) -> Vec<u32> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const LOW_SEVEN: u64 = u64::from_ne_bytes([0x7f; 8]);
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    for (index, chunk) in chunks.enumerate() {
        let word =
            u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ (ONES * u64::from(b'\n'));
        // The high bit of every byte that was a line break (a zero byte of `word`), exactly:
        // no carry crosses from one byte into the next.
        let mut breaks = !(((word & LOW_SEVEN) + LOW_SEVEN) | word | LOW_SEVEN);
        while breaks != 0 {
            let byte = breaks.trailing_zeros() as usize / 8;
            starts.push(clamp_u32(index * 8 + byte + 1));
            breaks &= breaks - 1;
        }
    }
    let tail_start = bytes.len() - tail.len();
    starts.extend(
        tail.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| clamp_u32(tail_start + i + 1)),
    );
    starts
}

/// A 1-based line and column (the column counts characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One file read by the run.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it (relative paths stay relative).
    pub name: String,
    /// The absolute path, when the file came from disk.
    pub path: Option<PathBuf>,
    /// Relative paths written in this file resolve against this directory.
    pub base_dir: PathBuf,
    pub text: Arc<str>,
    /// The offset of each line's first byte.
    pub line_starts: Arc<[u32]>,
}

/// The index of the line holding `offset`, given the offsets where lines start.
#[must_use]
pub fn line_index(line_starts: &[u32], offset: u32) -> usize {
    match line_starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    }
}

impl SourceFile {
    #[must_use]
    pub fn location(&self, offset: u32) -> Location {
        let line_index = line_index(&self.line_starts, offset);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0) as usize;
        let offset = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |prefix| prefix.chars().count());
        Location {
            line: line_index + 1,
            column: column + 1,
        }
    }
}

/// All files of a run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. `base_dir` is the directory its relative paths resolve against.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: Option<PathBuf>,
        base_dir: impl Into<PathBuf>,
        text: impl Into<Arc<str>>,
    ) -> FileId {
        let text: Arc<str> = text.into();
        let line_starts = line_starts(&text);
        let id = FileId(clamp_u32(self.files.len()));
        self.files.push(SourceFile {
            name: name.into(),
            path,
            base_dir: base_dir.into(),
            text,
            line_starts: line_starts.into(),
        });
        id
    }

    /// The file behind an id. Ids only come from this map, so the lookup cannot fail in
    /// practice; an unknown id yields `None` rather than a panic.
    #[must_use]
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    #[must_use]
    pub fn location(&self, span: Span) -> Option<(&SourceFile, Location)> {
        let file = self.get(span.file)?;
        Some((file, file.location(span.start)))
    }

    /// The source text a span covers.
    #[must_use]
    pub fn text(&self, span: Span) -> Option<&str> {
        self.get(span.file)?
            .text
            .get(span.start as usize..span.end as usize)
    }

    /// The directory relative paths in `file` resolve against.
    #[must_use]
    pub fn base_dir(&self, file: FileId) -> &Path {
        self.get(file)
            .map_or(Path::new("."), |f| f.base_dir.as_path())
    }

    /// The id of an already loaded file, by absolute path.
    #[must_use]
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path.as_deref() == Some(path))
            .map(|i| FileId(clamp_u32(i)))
    }
}

/// A value together with the place it was written.
///
/// Equality and hashing look at the value only, so two models loaded from differently laid
/// out files compare equal when they mean the same thing.
#[derive(Clone, Copy, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }

    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            value: &self.value,
            span: self.span,
        }
    }
}

impl Spanned<String> {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl std::borrow::Borrow<str> for Spanned<String> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters_from_one() {
        let mut map = SourceMap::new();
        let id = map.add("f.yaml", None, ".", "a: 1\nbé: x\n");
        let file = map.get(id).unwrap();
        assert_eq!(file.location(0), Location { line: 1, column: 1 });
        assert_eq!(file.location(5), Location { line: 2, column: 1 });
        // "bé: " is 5 bytes but 4 characters.
        assert_eq!(file.location(10), Location { line: 2, column: 5 });
    }

    proptest::proptest! {
        #[test]
        fn line_starts_follow_every_line_break(text in "[a\n\u{e9}\u{1F600}]{0,40}") {
            let expected: Vec<u32> = std::iter::once(0)
                .chain(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| clamp_u32(i + 1)))
                .collect();
            proptest::prop_assert_eq!(line_starts(&text), expected);
        }
    }

    #[test]
    fn spanned_values_compare_without_spans() {
        let mut map = SourceMap::new();
        let id = map.add("f.yaml", None, ".", "xx");
        let a = Spanned::new("v".to_string(), Span::new(id, 0, 1));
        let b = Spanned::new("v".to_string(), Span::new(id, 1, 2));
        assert_eq!(a, b);
    }
}
