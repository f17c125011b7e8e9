//! The fast scanner against granit: wherever the scanner reads a file, it must produce
//! granit's events (kinds, text, styles, anchors, tags, byte spans) and so the same trees and
//! diagnostics. Checked over the shared corpus and the fixtures, and over generated
//! Compose-like YAML and mutations of it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::event::{Event, EventKind, EventSource, GranitEvents, SourceError};
use super::fast::FastEvents;
use super::{FileId, build};
use crate::source::SourceMap;

fn events<'a>(mut source: impl EventSource<'a>) -> Result<Vec<Event<'a>>, SourceError> {
    let mut read = Vec::new();
    while let Some(mut event) = source.next_event()? {
        // Where a document starts or ends is no node's place; the builder ignores it.
        if matches!(
            event.kind,
            EventKind::DocumentStart | EventKind::DocumentEnd | EventKind::StreamEnd
        ) {
            (event.start, event.end) = (0, 0);
        }
        read.push(event);
    }
    Ok(read)
}

fn file_id(text: &str) -> FileId {
    SourceMap::new().add("t.yaml", None, ".", text)
}

/// What the builder makes of `text` from both readers, as text (the trees have no `Eq`).
fn trees(text: &str, fast: FastEvents<'_>) -> (String, String) {
    let file = file_id(text);
    (
        format!("{:?}", build(file, text, fast)),
        format!("{:?}", build(file, text, GranitEvents::new(text))),
    )
}

/// `Ok(true)` if the fast scanner read `text` (and agreed with granit), `Ok(false)` if it
/// left it to granit, `Err` with the difference otherwise.
fn agrees(text: &str) -> Result<bool, String> {
    let Some(fast) = FastEvents::new(text).map(events) else {
        return Ok(false);
    };
    let fast = match fast {
        Ok(fast) => fast,
        Err(SourceError::Unsupported) => return Ok(false),
        Err(SourceError::Syntax(error)) => return Err(format!("fast scanner error {error}")),
    };
    let granit = events(GranitEvents::new(text))
        .map_err(|e| format!("fast scanner accepts what granit rejects: {e:?}"))?;
    if let Some((i, (f, g))) = fast
        .iter()
        .zip(&granit)
        .enumerate()
        .find(|(_, (f, g))| f != g)
    {
        return Err(format!(
            "event {i} differs:\n fast:   {f:?}\n granit: {g:?}"
        ));
    }
    if fast.len() != granit.len() {
        return Err(format!(
            "{} fast events, {} granit events",
            fast.len(),
            granit.len()
        ));
    }
    let Some(fast) = FastEvents::new(text) else {
        return Err("the scanner accepted the text once only".to_owned());
    };
    let (fast_tree, granit_tree) = trees(text, fast);
    if fast_tree != granit_tree {
        return Err(format!(
            "trees differ:\n fast:   {fast_tree}\n granit: {granit_tree}"
        ));
    }
    Ok(true)
}

fn yaml_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            found.push(path);
        }
    }
}

#[test]
fn fast_scanner_reads_the_corpus_as_granit_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("../shared/corpus"), &mut files);
    yaml_files(&root.join("tests/fixtures"), &mut files);
    files.sort();
    assert!(files.len() > 300, "corpus not found: {} files", files.len());
    let mut fast = 0;
    let mut left_to_granit = Vec::new();
    let mut differences = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        match agrees(&text) {
            Ok(true) => fast += 1,
            Ok(false) => left_to_granit.push(path.display().to_string()),
            Err(difference) => differences.push(format!("{}: {difference}", path.display())),
        }
    }
    println!(
        "fast path: {fast} of {} files ({}%); left to granit:\n{}",
        files.len(),
        fast * 100 / files.len(),
        left_to_granit.join("\n")
    );
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
    // Most files take the fast path (398 of 418 in December 2026; the others have
    // multi-line scalars or flow collections, CRLF line ends or a tagged key).
    assert!(
        fast * 10 >= files.len() * 9,
        "only {fast} of {} files read fast",
        files.len()
    );
}

#[test]
fn deep_nesting_is_left_to_granit() {
    for depth in [70, 300] {
        for text in [
            format!("{}x\n", "- ".repeat(depth)),
            format!("k: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
            (0..depth).fold(String::new(), |mut text, level| {
                let _ = writeln!(text, "{}k{level}:", " ".repeat(level));
                text
            }),
        ] {
            assert_eq!(agrees(&text), Ok(false), "{depth} levels read fast");
        }
    }
}

#[test]
fn long_comment_blocks_before_a_value_are_left_to_granit() {
    let comments = |n: usize| {
        (0..n).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "  # {i}");
            text
        })
    };
    let before_value = |n| format!("services:\n{}  web:\n    image: x\n", comments(n));
    assert_eq!(agrees(&before_value(40)), Ok(true));
    // granit rejects this one ("too many buffered comments"), and so must `parse`.
    assert_eq!(agrees(&before_value(120)), Ok(false));
    let between_entries = format!(
        "services:\n  web:\n    image: x\n{}  db: {{}}\n",
        comments(120)
    );
    assert_eq!(agrees(&between_entries), Ok(true));
}

/// Keys as Compose files write them, and ones that look like other YAML.
const KEYS: &[&str] = &[
    "image",
    "ports",
    "x-common",
    "<<",
    "a b",
    "\"quoted key\"",
    "'single'",
    "k:x",
    "1",
    "true",
    "\"a: b\"",
    "'#'",
    "a#b",
    "é",
    "ключ",
    "web",
    "web",
    "-dash",
    "key ",
];

/// Scalars (and single-line flow collections) as Compose files write them, and tricky ones.
const SCALARS: &[&str] = &[
    "nginx:1.25",
    "\"8080:80\"",
    "'it''s'",
    "x # comment",
    "\"x # y\"",
    "a#b",
    "x :y",
    "http://localhost:8080/health",
    "\"\\u00e9\\t\\\"\\\\\\n\\x41\\/\"",
    "\"\\q\"",
    "'  spaced  '",
    "\"\"",
    "''",
    "~",
    "null",
    "-1",
    "--flag=1",
    "é中 ok",
    "[a, \"b c\", 'd']",
    "[\"CMD-SHELL\", \"wget -qO- http://x || exit 1\"]",
    "[ a ,b, ]",
    "[]",
    "{}",
    "{cpus: \"0.5\", memory: 256m}",
    "{a: [1, 2], b: {c: d}}",
    "[http://x:80, a:b]",
    "[a: b]",
    "{a}",
    "&anchor value",
    "*anchor",
    "!reset",
    "!override {}",
    "!!str 12",
    "!custom x",
    "&a2 [x, *a2]",
    "trailing   ",
    "a: b",
    "- x",
    "\"unterminated",
    "%percent",
    "@at",
    "|",
    "|-",
    ">+",
];

#[derive(Clone, Debug)]
enum Shape {
    Leaf(usize),
    Block(bool, Vec<u8>),
    Map(Vec<(usize, Shape)>, u8),
    Seq(Vec<Shape>, u8),
}

fn shape() -> impl Strategy<Value = Shape> {
    let leaf = prop_oneof![
        6 => (0..SCALARS.len()).prop_map(Shape::Leaf),
        1 => (any::<bool>(), prop::collection::vec(any::<u8>(), 1..5))
            .prop_map(|(literal, lines)| Shape::Block(literal, lines)),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            (
                prop::collection::vec((0..KEYS.len(), inner.clone()), 1..5),
                any::<u8>()
            )
                .prop_map(|(entries, style)| Shape::Map(entries, style)),
            (prop::collection::vec(inner, 1..4), any::<u8>())
                .prop_map(|(items, style)| Shape::Seq(items, style)),
        ]
    })
}

/// Writes YAML for shapes, with the layout choices a style byte makes.
struct Writer {
    out: String,
    step: usize,
}

impl Writer {
    fn line_end(&mut self, style: u8) {
        match style % 7 {
            0 => self.out.push_str(" # note"),
            1 => self.out.push_str("  "),
            _ => {}
        }
        self.out.push('\n');
        if style % 11 == 3 {
            self.out.push_str("  # between\n\n");
        }
    }

    /// Writes `shape` as the value after a key or dash already written on the line; the
    /// collection it holds is indented at least to `indent`.
    fn value(&mut self, shape: &Shape, indent: usize, style: u8) {
        match shape {
            Shape::Leaf(i) => {
                self.out.push(' ');
                self.out.push_str(SCALARS.get(*i).copied().unwrap_or("x"));
                self.line_end(style);
            }
            Shape::Block(literal, lines) => {
                self.out.push_str(if *literal { " |" } else { " >" });
                self.out.push_str(["", "-", "+"][usize::from(style % 3)]);
                self.out.push('\n');
                for (n, line) in lines.iter().enumerate() {
                    match line % 5 {
                        0 => self.out.push('\n'),
                        1 => {
                            self.out.push_str(&" ".repeat(indent + 1));
                            self.out.push_str("more # not a comment\n");
                        }
                        _ => {
                            self.out.push_str(&" ".repeat(indent));
                            let _ = writeln!(self.out, "line {n}: \"{line}\"");
                        }
                    }
                }
            }
            Shape::Map(entries, map_style) => {
                self.out.push('\n');
                self.map(entries, indent, *map_style);
            }
            Shape::Seq(items, seq_style) => {
                self.out.push('\n');
                let indent = if seq_style % 3 == 0 {
                    indent.saturating_sub(self.step)
                } else {
                    indent
                };
                self.seq(items, indent, *seq_style);
            }
        }
    }

    fn map(&mut self, entries: &[(usize, Shape)], indent: usize, style: u8) {
        for (n, (key, value)) in entries.iter().enumerate() {
            self.out.push_str(&" ".repeat(indent));
            self.entry(
                *key,
                value,
                indent,
                style.wrapping_add(u8::try_from(n).unwrap_or(0)),
            );
        }
    }

    fn entry(&mut self, key: usize, value: &Shape, indent: usize, style: u8) {
        self.out.push_str(KEYS.get(key).copied().unwrap_or("k"));
        self.out.push(':');
        if matches!(value, Shape::Map(..) | Shape::Seq(..)) && style.is_multiple_of(5) {
            self.out
                .push_str(["  # c", " &m", " !reset"][usize::from(style % 3)]);
        }
        self.value(value, indent + self.step, style);
    }

    fn seq(&mut self, items: &[Shape], indent: usize, style: u8) {
        for (n, item) in items.iter().enumerate() {
            let style = style.wrapping_add(u8::try_from(n).unwrap_or(0));
            self.out.push_str(&" ".repeat(indent));
            self.out.push('-');
            match item {
                // `- key: value`, the rest of the mapping under the first key.
                Shape::Map(entries, map_style) if style % 2 == 0 => {
                    let inner = indent + 2;
                    for (m, (key, value)) in entries.iter().enumerate() {
                        if m == 0 {
                            self.out.push(' ');
                        } else {
                            self.out.push_str(&" ".repeat(inner));
                        }
                        self.entry(*key, value, inner, *map_style);
                    }
                }
                // `- - x`
                Shape::Seq(inner_items, inner_style) if style % 3 == 0 => {
                    self.out.push(' ');
                    let inner = indent + 2;
                    for (m, inner_item) in inner_items.iter().enumerate() {
                        if m > 0 {
                            self.out.push_str(&" ".repeat(inner));
                        }
                        self.out.push('-');
                        self.value(inner_item, inner + self.step, *inner_style);
                    }
                }
                _ => self.value(item, indent + self.step, style),
            }
        }
    }
}

fn document(shape: &Shape, step: usize, start: u8) -> String {
    let mut writer = Writer {
        out: String::new(),
        step,
    };
    match start % 4 {
        0 => writer.out.push_str("---\n"),
        1 => writer.out.push_str("# header\n\n"),
        _ => {}
    }
    match shape {
        Shape::Map(entries, style) => writer.map(entries, 0, *style),
        Shape::Seq(items, style) => writer.seq(items, 0, *style),
        leaf => {
            writer.out.push_str("root:");
            writer.value(leaf, step, start);
        }
    }
    if start.is_multiple_of(5) {
        writer.out.push_str("...\n");
    }
    writer.out
}

/// Edits that make YAML look like something else.
const INSERTIONS: &[&str] = &[
    " ", "  ", "\n", "#", ":", ": ", "- ", "\"", "'", "[", "]", "{", "}", ",", "&a ", "*a", "!",
    "|", ">", "---\n", "...\n", "\\", "é", "?", "\t", "\r", "%", "x",
];

fn mutate(text: &str, edits: &[(usize, usize, bool)]) -> String {
    let mut text = text.to_owned();
    for &(place, what, delete) in edits {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let Some(&at) = boundaries.get(place % boundaries.len().max(1)) else {
            continue;
        };
        if delete {
            text.remove(at);
        } else {
            text.insert_str(
                at,
                INSERTIONS
                    .get(what % INSERTIONS.len())
                    .copied()
                    .unwrap_or(""),
            );
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fast_scanner_reads_generated_yaml_as_granit_does(
        shape in shape(),
        step in 1usize..5,
        start in any::<u8>(),
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<bool>()), 0..3),
    ) {
        let text = mutate(&document(&shape, step, start), &edits);
        if let Err(difference) = agrees(&text) {
            prop_assert!(false, "{}\n--- text:\n{}", difference, text);
        }
    }
}
