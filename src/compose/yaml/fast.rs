//! A fast reader for the YAML that Compose files are written in.
//!
//! granit reads all of YAML 1.2 and pays for it on every byte (about 300 instructions per
//! byte of a Compose file). Compose files use a small part of YAML: block mappings and
//! sequences, comments, single-line plain and quoted scalars, single-line flow collections,
//! literal and folded block scalars, anchors, aliases and a few tags. This scanner reads that
//! part, line by line, and produces exactly the events granit produces for it, with the same
//! byte spans. On anything else it stops with [`Unsupported`] and [`super::parse`] reads the
//! whole file again with granit. So it never needs to know whether a file is valid YAML: every
//! syntax error is reported by granit, and the equivalence tests in `super::equivalence` hold
//! the two readers to the same events on every file the scanner accepts.

use std::borrow::Cow;
use std::collections::VecDeque;

use serde_saphyr::granit_parser::{ScalarStyle, StructureStyle, Tag};

use crate::hash::HashMap;

use super::event::{Event, EventKind, EventSource, NodeTag, Properties, SourceError};

/// The scanner met YAML it does not read.
#[derive(Debug)]
pub(super) struct Unsupported;

type Read<T> = Result<T, Unsupported>;

/// Nesting of flow collections beyond which the scanner gives up (granit rejects more than
/// 255 levels; Compose files nest two or three).
const MAX_FLOW_DEPTH: usize = 32;

/// Nesting of block collections beyond which the scanner gives up: granit rejects more than
/// 255 levels, and the builder recurses once per level.
const MAX_BLOCK_DEPTH: usize = 64;

/// Comment lines between a `key:` or `-` and its value beyond which the scanner gives up:
/// granit rejects more than 96 ("too many buffered comments").
const MAX_PENDING_COMMENTS: usize = 64;

/// Longest implicit key the scanner reads; YAML allows 1024 characters, which is at least
/// this many bytes.
const MAX_KEY_BYTES: usize = 1000;

pub(super) struct FastEvents<'input> {
    text: &'input str,
    /// Events of the line read last, not handed out yet.
    queue: VecDeque<Event<'input>>,
    /// Start of the line being read.
    line_start: usize,
    /// End of the line being read (its line break, or the end of the text).
    line_break: usize,
    /// Start of the next line to read.
    next_line: usize,
    /// Block collections open, innermost last.
    open: Vec<Block>,
    /// A node (a `key:`'s value, a `-` item, a document) that has not started yet.
    pending: Option<PendingNode<'input>>,
    /// Comment lines read since the last line with content.
    comment_lines: usize,
    /// The id of the latest definition of each anchor name in the document.
    anchors: HashMap<&'input str, usize>,
    /// The id the next anchor gets (granit numbers them from 1 over the whole stream).
    next_anchor: usize,
    in_document: bool,
    /// A `...` ended the last document.
    ended_explicitly: bool,
    finished: bool,
}

#[derive(Clone, Copy)]
struct Block {
    kind: BlockKind,
    /// Column of its keys or dashes.
    indent: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum BlockKind {
    Map,
    Seq,
    /// A sequence written at the indentation of the key it is the value of.
    IndentlessSeq,
}

/// What a line continues: a mapping with a key, or a sequence with an item.
#[derive(Clone, Copy, PartialEq)]
enum EntryKind {
    Key,
    Item,
}

struct PendingNode<'input> {
    /// Column of the key or dash the node belongs to; `None` for a document's root.
    parent: Option<usize>,
    /// It is the item of a `-` rather than the value of a key.
    item: bool,
    /// It may start later on the line of its dash (`- key: value`, `- - x`, `- x`).
    same_line: bool,
    /// Where granit puts the node if it turns out empty.
    empty_at: usize,
    properties: Properties<'input>,
}

/// A scalar read from the source.
struct ScannedScalar<'input> {
    text: Cow<'input, str>,
    style: ScalarStyle,
    start: usize,
    end: usize,
}

/// How a line's content starts.
enum Head<'input> {
    /// `key:`, with the position of the colon.
    Key(ScannedScalar<'input>, usize),
    Scalar(ScannedScalar<'input>),
    /// Anything but a scalar: a flow collection, a block scalar, an alias, properties.
    Other,
}

#[derive(Clone, Copy)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

impl<'input> FastEvents<'input> {
    /// A scanner for `text`, or `None` if the text has characters the scanner leaves to
    /// granit: tabs, carriage returns, a byte order mark, and anything YAML does not allow.
    pub(super) fn new(text: &'input str) -> Option<Self> {
        // Folded with bit operations rather than searched, in blocks, so that the check
        // runs vectorized.
        let unusual = |b: u8| u8::from(b > b'~') | (u8::from(b < b' ') & u8::from(b != b'\n'));
        let plain_ascii = text
            .as_bytes()
            .chunks(4096)
            .all(|block| block.iter().fold(0, |found, &b| found | unusual(b)) == 0);
        if !plain_ascii && !text.chars().all(is_handled_char) {
            return None;
        }
        Some(Self {
            text,
            queue: VecDeque::new(),
            line_start: 0,
            line_break: 0,
            next_line: 0,
            open: Vec::new(),
            pending: None,
            comment_lines: 0,
            anchors: HashMap::default(),
            next_anchor: 1,
            in_document: false,
            ended_explicitly: false,
            finished: false,
        })
    }

    fn byte(&self, at: usize) -> u8 {
        self.text.as_bytes().get(at).copied().unwrap_or(b'\n')
    }

    fn slice(&self, start: usize, end: usize) -> Read<&'input str> {
        self.text.get(start..end).ok_or(Unsupported)
    }

    fn skip_spaces(&self, mut at: usize) -> usize {
        while self.byte(at) == b' ' {
            at += 1;
        }
        at
    }

    fn line_end(&self, from: usize) -> usize {
        let rest = self.text.as_bytes().get(from..).unwrap_or_default();
        rest.iter()
            .position(|&b| b == b'\n')
            .map_or(self.text.len(), |i| from + i)
    }

    /// Whether only spaces and a comment follow `at` on its line.
    fn only_comment_after(&self, at: usize) -> bool {
        let next = self.skip_spaces(at);
        self.byte(next) == b'\n' || (self.byte(next) == b'#' && next > at)
    }

    fn push(&mut self, kind: EventKind<'input>, start: usize, end: usize) {
        self.queue.push_back(Event { kind, start, end });
    }

    fn push_scalar(&mut self, scalar: ScannedScalar<'input>, properties: Properties<'input>) {
        self.push(
            EventKind::Scalar(scalar.text, scalar.style, properties),
            scalar.start,
            scalar.end,
        );
    }

    /// Reads the next line that has content, or ends the stream.
    fn read_line(&mut self) -> Read<()> {
        let start = self.next_line;
        if start >= self.text.len() {
            self.end_document(self.text.len())?;
            self.push(EventKind::StreamEnd, self.text.len(), self.text.len());
            self.finished = true;
            return Ok(());
        }
        let eol = self.line_end(start);
        self.line_start = start;
        self.line_break = eol;
        self.next_line = eol + 1;
        let at = self.skip_spaces(start);
        if at == eol {
            return Ok(());
        }
        if self.byte(at) == b'#' {
            self.comment_lines += 1;
            let after_key_or_dash = self.pending.as_ref().is_some_and(|p| p.parent.is_some());
            if after_key_or_dash && self.comment_lines > MAX_PENDING_COMMENTS {
                return Err(Unsupported);
            }
            return Ok(());
        }
        self.comment_lines = 0;
        if at == start && self.is_marker(at, b"---") {
            return self.document_start(at);
        }
        if at == start && self.is_marker(at, b"...") {
            if !self.in_document {
                return Err(Unsupported);
            }
            self.end_document(at)?;
            self.ended_explicitly = true;
            return self.rest_is_comment(at + 3);
        }
        if !self.in_document {
            if self.ended_explicitly {
                return Err(Unsupported);
            }
            self.begin_document(at, at);
        }
        self.entry(at)
    }

    fn is_marker(&self, at: usize, marker: &[u8]) -> bool {
        self.text
            .as_bytes()
            .get(at..at + 3)
            .is_some_and(|b| b == marker)
            && matches!(self.byte(at + 3), b' ' | b'\n')
    }

    fn rest_is_comment(&self, at: usize) -> Read<()> {
        if self.only_comment_after(at) {
            Ok(())
        } else {
            Err(Unsupported)
        }
    }

    fn begin_document(&mut self, at: usize, empty_at: usize) {
        self.push(EventKind::DocumentStart, at, at);
        self.in_document = true;
        self.ended_explicitly = false;
        self.anchors.clear();
        self.pending = Some(PendingNode {
            parent: None,
            item: false,
            same_line: false,
            empty_at,
            properties: Properties::default(),
        });
    }

    fn document_start(&mut self, at: usize) -> Read<()> {
        self.end_document(at)?;
        self.begin_document(at, at + 3);
        self.rest_is_comment(at + 3)
    }

    /// Ends the open document (if any) at `at`: an empty node still pending, the open
    /// collections, the document.
    fn end_document(&mut self, at: usize) -> Read<()> {
        if !self.in_document {
            return Ok(());
        }
        if let Some(pending) = self.pending.take() {
            self.empty_node(pending)?;
        }
        while let Some(block) = self.open.pop() {
            self.push_end(block.kind, at);
        }
        self.push(EventKind::DocumentEnd, at, at);
        self.in_document = false;
        Ok(())
    }

    fn push_end(&mut self, kind: BlockKind, at: usize) {
        let event = match kind {
            BlockKind::Map => EventKind::MappingEnd,
            BlockKind::Seq | BlockKind::IndentlessSeq => EventKind::SequenceEnd,
        };
        self.push(event, at, at);
    }

    /// The scalar granit reads where a node is missing: `~` (a tagged one is empty).
    fn empty_node(&mut self, pending: PendingNode<'input>) -> Read<()> {
        if pending.properties.anchor != 0 {
            return Err(Unsupported);
        }
        let text = if pending.properties.tag.is_some() {
            ""
        } else {
            "~"
        };
        self.push(
            EventKind::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, pending.properties),
            pending.empty_at,
            pending.empty_at,
        );
        Ok(())
    }

    /// The properties after the indicator at `mark` (an item's dash or a key's colon) of the
    /// entry at `column`, and where its value starts; `None` when the line (ending at `eol`)
    /// ends there: the node is then pending, its content on the lines below, or empty at
    /// `empty_at` (or where its tag ends).
    fn after_indicator(
        &mut self,
        mark: usize,
        eol: usize,
        column: usize,
        item: bool,
        empty_at: usize,
    ) -> Read<Option<(Properties<'input>, usize)>> {
        let after = self.skip_spaces(mark + 1);
        let (properties, after) = self.properties(after, false)?;
        if after == eol || (self.byte(after) == b'#' && after > mark + 1) {
            let empty_at = properties.tag.as_deref().map_or(empty_at, tag_end);
            self.pending = Some(PendingNode {
                parent: Some(column),
                item,
                same_line: false,
                empty_at,
                properties,
            });
            return Ok(None);
        }
        Ok(Some((properties, after)))
    }

    /// Reads the content of a line from `at`: a `- ` item, a `key:` entry, or (after a dash
    /// on the same line) a value.
    fn entry(&mut self, at: usize) -> Read<()> {
        let column = at - self.line_start;
        let eol = self.line_break;
        if self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n') {
            self.enter(column, EntryKind::Item, at)?;
            let Some((properties, after)) = self.after_indicator(at, eol, column, true, eol)?
            else {
                return Ok(());
            };
            if properties != Properties::default() {
                return self.value(after, properties);
            }
            self.pending = Some(PendingNode {
                parent: Some(column),
                item: true,
                same_line: true,
                empty_at: eol,
                properties,
            });
            return self.entry(after);
        }
        match self.head(at)? {
            Head::Key(key, colon) => {
                self.enter(column, EntryKind::Key, at)?;
                self.push_scalar(key, Properties::default());
                match self.after_indicator(colon, eol, column, false, colon)? {
                    Some((properties, after)) => self.value(after, properties),
                    None => Ok(()),
                }
            }
            head => {
                if !self.pending.as_ref().is_some_and(|p| p.same_line) {
                    return Err(Unsupported);
                }
                self.pending = None;
                match head {
                    Head::Scalar(scalar) => {
                        let end = scalar.end;
                        self.push_scalar(scalar, Properties::default());
                        self.rest_is_comment(end)
                    }
                    _ => self.value(at, Properties::default()),
                }
            }
        }
    }

    /// Closes and opens block collections so that an entry of `kind` at `column` (starting
    /// at `at`) continues the innermost one.
    fn enter(&mut self, column: usize, kind: EntryKind, at: usize) -> Read<()> {
        if self.open.len() >= MAX_BLOCK_DEPTH {
            return Err(Unsupported);
        }
        if let Some(pending) = self.pending.take() {
            if pending.parent.is_none_or(|parent| column > parent) {
                let (block, event) = match kind {
                    EntryKind::Key => (
                        BlockKind::Map,
                        EventKind::MappingStart(StructureStyle::Block, pending.properties),
                    ),
                    EntryKind::Item => (
                        BlockKind::Seq,
                        EventKind::SequenceStart(StructureStyle::Block, pending.properties),
                    ),
                };
                self.open.push(Block {
                    kind: block,
                    indent: column,
                });
                self.push(event, at, at);
                return Ok(());
            }
            if kind == EntryKind::Item && !pending.item && pending.parent == Some(column) {
                // granit starts an indentless sequence at its first item's first token.
                let first = self.skip_spaces(at + 1);
                if matches!(self.byte(first), b'\n' | b'#') {
                    return Err(Unsupported);
                }
                self.open.push(Block {
                    kind: BlockKind::IndentlessSeq,
                    indent: column,
                });
                self.push(
                    EventKind::SequenceStart(StructureStyle::Block, pending.properties),
                    first,
                    first,
                );
                return Ok(());
            }
            self.empty_node(pending)?;
        }
        while let Some(&top) = self.open.last() {
            let closes = top.indent > column
                || (top.kind == BlockKind::IndentlessSeq
                    && top.indent == column
                    && kind == EntryKind::Key);
            if !closes {
                break;
            }
            self.open.pop();
            self.push_end(top.kind, at);
        }
        match self.open.last() {
            Some(top)
                if top.indent == column
                    && matches!(
                        (top.kind, kind),
                        (BlockKind::Map, EntryKind::Key)
                            | (BlockKind::Seq | BlockKind::IndentlessSeq, EntryKind::Item)
                    ) =>
            {
                Ok(())
            }
            _ => Err(Unsupported),
        }
    }

    /// Reads a node's anchor and tag (either order) from `at`; returns them and where the
    /// node's content starts.
    fn properties(&mut self, mut at: usize, flow: bool) -> Read<(Properties<'input>, usize)> {
        let mut properties = Properties::default();
        loop {
            match self.byte(at) {
                b'&' if properties.anchor == 0 => {
                    let end = self.anchor_name_end(at + 1);
                    let name = self.slice(at + 1, end)?;
                    if name.is_empty() {
                        return Err(Unsupported);
                    }
                    properties.anchor = self.next_anchor;
                    self.anchors.insert(name, self.next_anchor);
                    self.next_anchor += 1;
                    at = end;
                }
                b'!' if properties.tag.is_none() => {
                    let (tag, end) = self.tag(at)?;
                    properties.tag = Some(Box::new(NodeTag {
                        tag: Cow::Owned(tag),
                        span: Some((at, end)),
                    }));
                    at = end;
                }
                _ => return Ok((properties, at)),
            }
            match self.byte(at) {
                b' ' => at = self.skip_spaces(at),
                b'\n' if !flow => return Ok((properties, at)),
                _ => return Err(Unsupported),
            }
        }
    }

    fn anchor_name_end(&self, mut at: usize) -> usize {
        while !matches!(
            self.byte(at),
            b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}' | b':'
        ) {
            at += 1;
        }
        at
    }

    /// Reads `!name` (a local tag) or `!!name` (a YAML core tag) at `at`.
    fn tag(&self, at: usize) -> Read<(Tag, usize)> {
        let core = self.byte(at + 1) == b'!';
        let name_start = if core { at + 2 } else { at + 1 };
        let mut end = name_start;
        while self.byte(end).is_ascii_alphanumeric() || self.byte(end) == b'-' {
            end += 1;
        }
        let name = self.slice(name_start, end)?;
        if name.is_empty() {
            return Err(Unsupported);
        }
        let tag = if core {
            Tag::with_original_handle("tag:yaml.org,2002:", name, "!!")
        } else {
            Tag::new("!", name)
        };
        Ok((tag, end))
    }

    fn alias(&mut self, at: usize) -> Read<usize> {
        let end = self.anchor_name_end(at + 1);
        let name = self.slice(at + 1, end)?;
        let id = *self.anchors.get(name).ok_or(Unsupported)?;
        self.push(EventKind::Alias(id), at, end);
        Ok(end)
    }

    /// Reads a value that starts on its key's or dash's line, at `at`.
    fn value(&mut self, at: usize, properties: Properties<'input>) -> Read<()> {
        let end = match self.byte(at) {
            b'[' | b'{' => self.flow(at, properties, 0)?,
            b'|' | b'>' => return self.block_scalar(at, properties),
            b'*' if properties == Properties::default() => self.alias(at)?,
            _ => match self.head(at)? {
                Head::Scalar(scalar) => {
                    let end = scalar.end;
                    self.push_scalar(scalar, properties);
                    end
                }
                Head::Key(..) | Head::Other => return Err(Unsupported),
            },
        };
        self.rest_is_comment(end)
    }

    /// Reads the scalar at `at` in block context and whether it is a key.
    fn head(&self, at: usize) -> Read<Head<'input>> {
        match self.byte(at) {
            b'"' | b'\'' => {
                let scalar = self.quoted(at)?;
                let colon = self.skip_spaces(scalar.end);
                if self.byte(colon) == b':' && matches!(self.byte(colon + 1), b' ' | b'\n') {
                    if colon - at > MAX_KEY_BYTES {
                        return Err(Unsupported);
                    }
                    Ok(Head::Key(scalar, colon))
                } else {
                    Ok(Head::Scalar(scalar))
                }
            }
            b'[' | b'{' | b'|' | b'>' | b'*' | b'&' | b'!' => Ok(Head::Other),
            first => {
                if !self.starts_plain(first, at) {
                    return Err(Unsupported);
                }
                let (end, colon) = self.plain_block(at);
                let scalar = ScannedScalar {
                    text: Cow::Borrowed(self.slice(at, end)?),
                    style: ScalarStyle::Plain,
                    start: at,
                    end,
                };
                match colon {
                    Some(colon) if colon - at > MAX_KEY_BYTES => Err(Unsupported),
                    Some(colon) => Ok(Head::Key(scalar, colon)),
                    None => Ok(Head::Scalar(scalar)),
                }
            }
        }
    }

    /// Whether a plain scalar may start with `first` (at `at`): not with an indicator,
    /// except a `-` that a non-space follows (`-1`, `--flag`).
    fn starts_plain(&self, first: u8, at: usize) -> bool {
        match first {
            b'-' => !matches!(
                self.byte(at + 1),
                b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            ),
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
            _ => true,
        }
    }

    /// Scans a plain scalar in block context from `at`: where its text ends (trailing spaces
    /// excluded) and, if it is a key, where its colon is.
    fn plain_block(&self, at: usize) -> (usize, Option<usize>) {
        let bytes = self.text.as_bytes();
        let mut i = at;
        let colon = loop {
            // Only these bytes can end a plain scalar on its line.
            while bytes
                .get(i)
                .is_some_and(|&b| !matches!(b, b':' | b'#' | b'\n'))
            {
                i += 1;
            }
            match self.byte(i) {
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => break Some(i),
                b'#' if self.byte(i - 1) != b' ' => i += 1,
                b':' => i += 1,
                _ => break None,
            }
        };
        let mut end = i;
        while end > at && self.byte(end - 1) == b' ' {
            end -= 1;
        }
        (end, colon)
    }

    /// Reads a single- or double-quoted scalar that ends on its line.
    fn quoted(&self, at: usize) -> Read<ScannedScalar<'input>> {
        let quote = self.byte(at);
        let (text, end) = self.quoted_text(at + 1, quote)?;
        let style = if quote == b'\'' {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        Ok(ScannedScalar {
            text,
            style,
            start: at,
            end,
        })
    }

    /// The text from `start` up to the closing `quote`, and the end of the scalar: in single
    /// quotes `''` is one quote; in double quotes an escape is replaced (escapes YAML does not
    /// define, and escaped line breaks, are left to granit).
    fn quoted_text(&self, start: usize, quote: u8) -> Read<(Cow<'input, str>, usize)> {
        let mut owned: Option<String> = None;
        let mut segment = start;
        let mut i = start;
        loop {
            match self.byte(i) {
                b'\n' => return Err(Unsupported),
                b'\'' if quote == b'\'' && self.byte(i + 1) == b'\'' => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(self.slice(segment, i + 1)?);
                    i += 2;
                    segment = i;
                }
                b'\\' if quote == b'"' => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(self.slice(segment, i)?);
                    let (unescaped, length) = self.escape(i + 1)?;
                    text.push(unescaped);
                    i += 1 + length;
                    segment = i;
                }
                byte if byte == quote => {
                    let text = joined(owned, self.slice(segment, i)?);
                    return Ok((text, i + 1));
                }
                _ => i += 1,
            }
        }
    }

    /// The character an escape (after its backslash, at `at`) stands for and its length.
    fn escape(&self, at: usize) -> Read<(char, usize)> {
        let simple = match self.byte(at) {
            b'0' => '\0',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\u{b}',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'e' => '\u{1b}',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(at + 1, 2),
            b'u' => return self.hex_escape(at + 1, 4),
            b'U' => return self.hex_escape(at + 1, 8),
            _ => return Err(Unsupported),
        };
        Ok((simple, 1))
    }

    fn hex_escape(&self, at: usize, digits: usize) -> Read<(char, usize)> {
        let hex = self.slice(at, at + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Unsupported);
        }
        let code = u32::from_str_radix(hex, 16).map_err(|_| Unsupported)?;
        let unescaped = char::from_u32(code).ok_or(Unsupported)?;
        Ok((unescaped, 1 + digits))
    }

    /// Reads the flow collection at `at` (with its properties); returns where it ends.
    fn flow(&mut self, at: usize, properties: Properties<'input>, depth: usize) -> Read<usize> {
        if depth > MAX_FLOW_DEPTH {
            return Err(Unsupported);
        }
        let sequence = self.byte(at) == b'[';
        let (start, close, end_event) = if sequence {
            (
                EventKind::SequenceStart(StructureStyle::Flow, properties),
                b']',
                EventKind::SequenceEnd,
            )
        } else {
            (
                EventKind::MappingStart(StructureStyle::Flow, properties),
                b'}',
                EventKind::MappingEnd,
            )
        };
        self.push(start, at, at + 1);
        let mut next = self.skip_spaces(at + 1);
        loop {
            if self.byte(next) == close {
                self.push(end_event, next, next + 1);
                return Ok(next + 1);
            }
            if !sequence {
                let key = self.flow_key(next)?;
                next = self.skip_spaces(key.end);
                if self.byte(next) != b':' || self.byte(next + 1) != b' ' {
                    return Err(Unsupported);
                }
                self.push_scalar(key, Properties::default());
                next = self.skip_spaces(next + 1);
            }
            next = self.flow_node(next, depth + 1)?;
            next = self.skip_spaces(next);
            match self.byte(next) {
                b',' => next = self.skip_spaces(next + 1),
                b if b == close => {}
                _ => return Err(Unsupported),
            }
        }
    }

    /// Reads a node inside a flow collection; returns where it ends.
    fn flow_node(&mut self, at: usize, depth: usize) -> Read<usize> {
        let (properties, at) = self.properties(at, true)?;
        match self.byte(at) {
            b'[' | b'{' => self.flow(at, properties, depth),
            b'*' if properties == Properties::default() => self.alias(at),
            b'"' | b'\'' => {
                let scalar = self.quoted(at)?;
                let end = scalar.end;
                self.push_scalar(scalar, properties);
                Ok(end)
            }
            _ => {
                let scalar = self.plain_flow(at, false)?;
                let end = scalar.end;
                self.push_scalar(scalar, properties);
                Ok(end)
            }
        }
    }

    /// Reads a flow mapping's key: a quoted or plain scalar.
    fn flow_key(&self, at: usize) -> Read<ScannedScalar<'input>> {
        if matches!(self.byte(at), b'"' | b'\'') {
            self.quoted(at)
        } else {
            self.plain_flow(at, true)
        }
    }

    /// Reads a plain scalar in flow context. Inside a flow mapping's key it ends at `: `;
    /// anywhere else a `: ` (a mapping inside a sequence) is left to granit, like a scalar
    /// that goes on to the next line.
    fn plain_flow(&self, at: usize, key: bool) -> Read<ScannedScalar<'input>> {
        if !self.starts_plain(self.byte(at), at) {
            return Err(Unsupported);
        }
        let mut end = at;
        let mut i = at;
        loop {
            match self.byte(i) {
                b',' | b']' | b'}' => break,
                b'\n' | b'[' | b'{' => return Err(Unsupported),
                b':' if matches!(
                    self.byte(i + 1),
                    b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                ) =>
                {
                    if key && self.byte(i + 1) == b' ' && i - at <= MAX_KEY_BYTES {
                        break;
                    }
                    return Err(Unsupported);
                }
                b'#' if self.byte(i - 1) == b' ' => return Err(Unsupported),
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        Ok(ScannedScalar {
            text: Cow::Borrowed(self.slice(at, end)?),
            style: ScalarStyle::Plain,
            start: at,
            end,
        })
    }

    /// Reads a literal (`|`) or folded (`>`) block scalar whose header is at `at`, and its
    /// content lines; the next line to read is the first one after them.
    fn block_scalar(&mut self, at: usize, properties: Properties<'input>) -> Read<()> {
        let literal = self.byte(at) == b'|';
        let (chomping, header_end) = match self.byte(at + 1) {
            b'-' => (Chomping::Strip, at + 2),
            b'+' => (Chomping::Keep, at + 2),
            _ => (Chomping::Clip, at + 1),
        };
        if !matches!(self.byte(header_end), b' ' | b'\n') {
            return Err(Unsupported);
        }
        self.rest_is_comment(header_end)?;
        // The content must be indented deeper than the collection the scalar belongs to.
        let parent = self.open.last().map(|b| b.indent).ok_or(Unsupported)?;
        let mut text = BlockText::new(literal);
        let mut indent: Option<usize> = None;
        let mut start = 0;
        let mut widest_leading_blank = 0;
        let mut line = self.line_break + 1;
        let end = loop {
            if line >= self.text.len() {
                break self.text.len();
            }
            let eol = self.line_end(line);
            if eol == self.text.len() {
                // The last line of the file, without a line break: left to granit.
                return Err(Unsupported);
            }
            let first = self.skip_spaces(line);
            let spaces = first - line;
            if first == eol {
                match indent {
                    Some(content) if spaces > content => return Err(Unsupported),
                    Some(_) => {}
                    None => widest_leading_blank = widest_leading_blank.max(spaces),
                }
                text.blank_lines += 1;
                line = eol + 1;
                continue;
            }
            let content = match indent {
                Some(content) => content,
                None => {
                    if spaces <= parent || widest_leading_blank > spaces {
                        return Err(Unsupported);
                    }
                    indent = Some(spaces);
                    start = first;
                    spaces
                }
            };
            if spaces < content {
                if spaces > parent {
                    return Err(Unsupported);
                }
                break first;
            }
            text.line(self.slice(line + content, eol)?, spaces > content);
            line = eol + 1;
        };
        if indent.is_none() {
            return Err(Unsupported);
        }
        self.next_line = line;
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.push(
            EventKind::Scalar(Cow::Owned(text.finish(chomping)), style, properties),
            start,
            end,
        );
        Ok(())
    }
}

/// The text of a block scalar, put together line by line.
struct BlockText {
    literal: bool,
    text: String,
    /// Empty lines since the last line of text.
    blank_lines: usize,
    first_line: bool,
    previous_more_indented: bool,
}

impl BlockText {
    fn new(literal: bool) -> Self {
        Self {
            literal,
            text: String::new(),
            blank_lines: 0,
            first_line: true,
            previous_more_indented: false,
        }
    }

    /// Adds a line of text (without its indentation). Folding joins two lines with a space,
    /// or with the empty lines between them; the line breaks around a more indented line
    /// stay.
    fn line(&mut self, line: &str, more_indented: bool) {
        let joined = !self.literal
            && !self.first_line
            && self.blank_lines == 0
            && !self.previous_more_indented
            && !more_indented;
        if joined {
            self.text.push(' ');
        } else {
            let kept_break =
                !self.first_line && (self.literal || self.previous_more_indented || more_indented);
            let breaks = self.blank_lines + usize::from(kept_break);
            self.text.extend(std::iter::repeat_n('\n', breaks));
        }
        self.text.push_str(line);
        self.previous_more_indented = more_indented;
        self.first_line = false;
        self.blank_lines = 0;
    }

    fn finish(mut self, chomping: Chomping) -> String {
        match chomping {
            Chomping::Strip => {}
            Chomping::Clip => self.text.push('\n'),
            Chomping::Keep => {
                self.text.push('\n');
                self.text
                    .extend(std::iter::repeat_n('\n', self.blank_lines));
            }
        }
        self.text
    }
}

fn tag_end(tag: &NodeTag<'_>) -> usize {
    tag.span.map_or(0, |(_, end)| end)
}

/// Characters the scanner reads itself (YAML's printable characters, less the ones granit
/// treats specially: tab, carriage return, NEL, byte order mark).
fn is_handled_char(c: char) -> bool {
    matches!(c as u32,
        0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

impl<'input> EventSource<'input> for FastEvents<'input> {
    fn next_event(&mut self) -> Result<Option<Event<'input>>, SourceError> {
        while self.queue.is_empty() && !self.finished {
            self.read_line()
                .map_err(|Unsupported| SourceError::Unsupported)?;
        }
        Ok(self.queue.pop_front())
    }
}

/// The text of a quoted scalar: borrowed from the input when it had no escape, else the
/// unescaped text read so far with the last segment added.
fn joined(owned: Option<String>, rest: &str) -> Cow<'_, str> {
    match owned {
        Some(mut text) => {
            text.push_str(rest);
            Cow::Owned(text)
        }
        None => Cow::Borrowed(rest),
    }
}
