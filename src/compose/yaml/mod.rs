//! A YAML tree that remembers where every value was written.
//!
//! Compose files are read into [`Node`]s rather than straight into typed structs so that
//! interpolation, multi-file merging, `extends` and `include` can work on the raw document
//! (as `docker compose` does) while every value keeps its file, line and column. Anchors and
//! aliases are expanded here (with a budget against YAML bombs), `<<` merge keys are resolved,
//! and the Compose tags `!reset` and `!override` are kept on the node for the merge step.
//!
//! Scalars stay text: YAML 1.2 typing is applied by the typed model, which knows whether a
//! field wants a string or a number. A plain scalar remembers that it was plain, because only
//! a plain `null`, `~` or empty value means null.

#[cfg(test)]
mod equivalence;
mod event;
mod fast;

use crate::hash::{HashMap, HashSet, IndexMap};
use serde_saphyr::granit_parser::{ScalarStyle, ScanError, StructureStyle};

use self::event::{Event, EventKind, EventSource, GranitEvents, NodeTag, SourceError};
use self::fast::FastEvents;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// Tags Compose gives meaning to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// `!reset`: remove the value inherited from an earlier file or `extends`.
    Reset,
    /// `!override`: replace the inherited value instead of merging with it.
    Override,
}

/// One YAML value with its place in the source.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    pub tag: Option<Tag>,
}

#[derive(Clone, Debug)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Map),
}

/// The text of a mapping key or a scalar.
///
/// Most keys and many values of a Compose file are short (`image`, `8080:80`, `info`):
/// `CompactString` keeps up to 24 bytes inline, so that reading a file does not allocate (and
/// freeing its tree does not free) one string per key and scalar (docs/decisions.md, "Speed").
pub type Text = compact_str::CompactString;

/// Scalar text after YAML escape processing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub text: Text,
    /// Written without quotes (so `null`, `~`, `true`, `12` keep their YAML meaning).
    pub plain: bool,
}

/// A mapping with string keys, in source order.
///
/// Compose mappings mostly have a handful of keys: for them a linear search is faster than
/// hashing, and one vector is one allocation (a hash map needs two, and more to drop). A
/// mapping that grows beyond [`INDEXED_LEN`] entries (the `services` of a large project) also
/// keeps the position of every key, so that looking keys up in it stays fast.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Text, Entry)>,
    // Boxed: few mappings have an index, and this keeps `Map` (so every `Node`) small.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<Text, usize>>>,
}

/// Mappings longer than this keep an index of their keys.
const INDEXED_LEN: usize = 16;

/// A mapping entry: where its key was written, and its value.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key_span: Span,
    pub value: Node,
}

impl Map {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        let position = self.position(key)?;
        self.entries.get_mut(position).map(|(_, e)| &mut e.value)
    }

    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        let position = self.position(key)?;
        self.entries.get(position).map(|(_, e)| e)
    }

    /// Sets the value of a key; a key already there keeps its place and its old entry is
    /// returned.
    pub fn insert(&mut self, key: impl Into<Text>, key_span: Span, value: Node) -> Option<Entry> {
        let key = key.into();
        let entry = Entry { key_span, value };
        match self.position(&key) {
            Some(position) => self
                .entries
                .get_mut(position)
                .map(|(_, old)| std::mem::replace(old, entry)),
            None => {
                self.push(key, entry);
                None
            }
        }
    }

    /// Adds an entry for a key not there yet; for a key already there, gives the key back
    /// with the place where it was first written.
    fn insert_new(&mut self, key: Text, key_span: Span, value: Node) -> Result<(), (Text, Span)> {
        match self.entry(&key) {
            Some(first) => Err((key, first.key_span)),
            None => {
                self.push(key, Entry { key_span, value });
                Ok(())
            }
        }
    }

    fn push(&mut self, key: Text, entry: Entry) {
        match &mut self.index {
            Some(index) => {
                index.insert(key.clone(), self.entries.len());
            }
            None if self.entries.len() == INDEXED_LEN => {
                let mut index: HashMap<Text, usize> = self
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(position, (k, _))| (k.clone(), position))
                    .collect();
                index.insert(key.clone(), self.entries.len());
                self.index = Some(Box::new(index));
            }
            None => {}
        }
        self.entries.push((key, entry));
    }

    /// Removes a key, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let position = self.position(key)?;
        if let Some(index) = &mut self.index {
            index.remove(key);
            for later in index.values_mut().filter(|p| **p > position) {
                *later -= 1;
            }
        }
        Some(self.entries.remove(position).1)
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Text, &Entry)> {
        self.entries.iter().map(|(k, e)| (k, e))
    }

    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&Text, &mut Entry)> {
        self.entries.iter_mut().map(|(k, e)| (&*k, e))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Text> {
        self.entries.iter().map(|(k, _)| k)
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The entries in order (the index is a cache, and prints in no fixed order).
impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl IntoIterator for Map {
    type Item = (Text, Entry);
    type IntoIter = std::vec::IntoIter<(Text, Entry)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Node {
    #[must_use]
    pub fn scalar(text: impl Into<Text>, plain: bool, span: Span) -> Self {
        Node {
            value: Value::Scalar(Scalar {
                text: text.into(),
                plain,
            }),
            span,
            tag: None,
        }
    }

    /// A string value (as if quoted: it never reads as null, a number or a boolean).
    #[must_use]
    pub fn string(text: impl Into<Text>, span: Span) -> Self {
        Self::scalar(text, false, span)
    }

    #[must_use]
    pub fn null(span: Span) -> Self {
        Self::scalar("", true, span)
    }

    #[must_use]
    pub fn map(map: Map, span: Span) -> Self {
        Node {
            value: Value::Map(map),
            span,
            tag: None,
        }
    }

    #[must_use]
    pub fn seq(items: Vec<Node>, span: Span) -> Self {
        Node {
            value: Value::Seq(items),
            span,
            tag: None,
        }
    }

    /// A plain `null`, `Null`, `NULL`, `~` or nothing at all.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.plain && is_null_text(&s.text))
    }

    /// The text of a scalar that is not null.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) if !(s.plain && is_null_text(&s.text)) => Some(&s.text),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// "a string", "a list", … for messages like "expected a mapping, found a list".
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar(s) if s.plain && is_null_text(&s.text) => "null",
            Value::Scalar(s) if s.plain && is_yaml12_bool(&s.text) => "a boolean",
            Value::Scalar(s) if s.plain && s.text.parse::<f64>().is_ok() => "a number",
            Value::Scalar(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Visits every node of the tree, depth first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Node)) {
        visit(self);
        match &self.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter().for_each(|n| n.walk(visit)),
            Value::Map(map) => map.iter().for_each(|(_, e)| e.value.walk(visit)),
        }
    }
}

#[must_use]
pub fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

#[must_use]
pub fn is_yaml12_bool(text: &str) -> bool {
    matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

/// Largest number of nodes alias expansion may create in one file. Real Compose files use a
/// handful of anchors; this bound only stops exponential "billion laughs" documents.
const ALIAS_NODE_BUDGET: usize = 1_000_000;

/// Parses every document of a file. A syntax error ends the file with one diagnostic; the
/// documents read before it are returned.
///
/// The fast scanner reads the file first; if it meets anything it does not handle, granit
/// reads the whole file again, so the result never depends on which of the two read it.
#[must_use]
pub fn parse(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> Vec<Node> {
    let built = match FastEvents::new(text).map(|events| build(file, text, events)) {
        Some(built) if built.complete => built,
        _ => build(file, text, GranitEvents::new(text)),
    };
    diagnostics.extend(built.diagnostics);
    built.documents
}

/// What the builder made of a file.
#[derive(Debug)]
struct Built {
    /// The documents read (up to an error).
    documents: Vec<Node>,
    diagnostics: Diagnostics,
    /// The stream was read to its end.
    complete: bool,
}

fn build<'input>(file: FileId, text: &str, events: impl EventSource<'input>) -> Built {
    let mut builder = Builder {
        file,
        events,
        anchors: IndexMap::default(),
        alias_budget: ALIAS_NODE_BUDGET.saturating_add(text.len()),
        diagnostics: Diagnostics::new(),
        text_len: text.len(),
        items: Vec::new(),
        entries: Vec::new(),
    };
    let mut documents = Vec::new();
    let complete = builder.stream(&mut documents).is_ok();
    Built {
        documents,
        diagnostics: builder.diagnostics,
        complete,
    }
}

struct Builder<S> {
    file: FileId,
    events: S,
    anchors: IndexMap<usize, Node>,
    alias_budget: usize,
    diagnostics: Diagnostics,
    text_len: usize,
    /// The items of the sequences being built, innermost last (one buffer for all of them,
    /// so that every sequence is allocated once, at its final size).
    items: Vec<Node>,
    /// The entries of the mappings being built, likewise.
    entries: Vec<Pending>,
}

/// Why building stopped early.
#[derive(Debug)]
enum Stop {
    /// Reported already.
    Reported,
    /// The fast scanner cannot read the file.
    Unsupported,
}

/// One entry of a mapping before merge keys are resolved.
enum Pending {
    Explicit(Text, Span, Node),
    Merge(Node),
}

impl<'input, S: EventSource<'input>> Builder<S> {
    fn stream(&mut self, documents: &mut Vec<Node>) -> Result<(), Stop> {
        loop {
            match self.next() {
                Ok(Some(Event {
                    kind: EventKind::DocumentStart,
                    ..
                })) => {
                    self.anchors.clear();
                    if let Some(node) = self.document()? {
                        documents.push(node);
                    }
                }
                Ok(
                    Some(Event {
                        kind: EventKind::StreamEnd,
                        ..
                    })
                    | None,
                ) => return Ok(()),
                Err(stop) => return Err(stop),
                Ok(Some(_)) => {}
            }
        }
    }

    fn document(&mut self) -> Result<Option<Node>, Stop> {
        let mut root = None;
        loop {
            let Some(event) = self.next()? else {
                return Ok(root);
            };
            if matches!(event.kind, EventKind::DocumentEnd) {
                return Ok(root);
            }
            if let Some(node) = self.node(event)? {
                root = Some(node);
            }
        }
    }

    fn next(&mut self) -> Result<Option<Event<'input>>, Stop> {
        match self.events.next_event() {
            Ok(event) => Ok(event),
            Err(SourceError::Syntax(error)) => {
                self.syntax_error(&error);
                Err(Stop::Reported)
            }
            Err(SourceError::Unsupported) => Err(Stop::Unsupported),
        }
    }

    fn syntax_error(&mut self, error: &ScanError) {
        let offset = error
            .marker()
            .byte_offset()
            .unwrap_or(self.text_len)
            .min(self.text_len);
        self.diagnostics.push(
            Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {}", error.info()))
                .at(Span::new(self.file, offset, offset))
                .label("here")
                .help("fix the YAML syntax; a YAML linter or `docker compose config` shows the same place"),
        );
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Builds the node an event starts; `None` for events that are not nodes.
    fn node(&mut self, event: Event<'input>) -> Result<Option<Node>, Stop> {
        let span = self.span(event.start, event.end);
        let (value, span, tag, anchor) = match event.kind {
            EventKind::Scalar(text, style, properties) => {
                let (tag, quoted_by_tag) = self.tag(properties.tag.as_deref(), span);
                let scalar = Scalar {
                    text: Text::from(text),
                    plain: matches!(style, ScalarStyle::Plain) && !quoted_by_tag,
                };
                (Value::Scalar(scalar), span, tag, properties.anchor)
            }
            EventKind::SequenceStart(style, properties) => {
                let (tag, _) = self.tag(properties.tag.as_deref(), span);
                let (items, end) = self.sequence(span, style)?;
                (Value::Seq(items), span.join(end), tag, properties.anchor)
            }
            EventKind::MappingStart(style, properties) => {
                let (tag, _) = self.tag(properties.tag.as_deref(), span);
                let (map, end) = self.mapping(span, style)?;
                (Value::Map(map), span.join(end), tag, properties.anchor)
            }
            EventKind::Alias(id) => return self.alias(id, span).map(Some),
            _ => return Ok(None),
        };
        let node = Node { value, span, tag };
        self.remember(anchor, &node);
        Ok(Some(node))
    }

    fn sequence(&mut self, start: Span, style: StructureStyle) -> Result<(Vec<Node>, Span), Stop> {
        let base = self.items.len();
        let mut last_item_end = None;
        let end = loop {
            let Some(event) = self.next()? else {
                break start;
            };
            if matches!(event.kind, EventKind::SequenceEnd) {
                // A block sequence ends at its last item, not at the next token.
                break match (style, last_item_end) {
                    (StructureStyle::Block, Some(last)) => last,
                    _ => self.span(event.start, event.end),
                };
            }
            if let Some(item) = self.node(event)? {
                last_item_end = Some(item.span);
                self.items.push(item);
            }
        };
        Ok((self.items.drain(base..).collect(), end))
    }

    fn mapping(&mut self, start: Span, style: StructureStyle) -> Result<(Map, Span), Stop> {
        let base = self.entries.len();
        let mut last_value_end: Option<Span> = None;
        let end = loop {
            let Some(key_event) = self.next()? else {
                break start;
            };
            if matches!(key_event.kind, EventKind::MappingEnd) {
                // A block mapping ends at its last value, not at the next token.
                break match (style, last_value_end) {
                    (StructureStyle::Block, Some(last)) => last,
                    _ => self.span(key_event.start, key_event.end),
                };
            }
            let Some(key) = self.node(key_event)? else {
                continue;
            };
            let Some(value_event) = self.next()? else {
                break start;
            };
            let value = self
                .node(value_event)?
                .unwrap_or_else(|| Node::null(key.span));
            last_value_end = Some(value.span);
            match key.value {
                Value::Scalar(s) if s.plain && s.text == "<<" => {
                    self.entries.push(Pending::Merge(value));
                }
                Value::Scalar(s) => self
                    .entries
                    .push(Pending::Explicit(s.text, key.span, value)),
                Value::Seq(_) | Value::Map(_) => self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidKey,
                        format!("a mapping key must be a string, found {}", key.kind_name()),
                    )
                    .at(key.span)
                    .help("write the key as a plain string"),
                ),
            }
        };
        let map = self.resolve_merges(base);
        Ok((map, end))
    }

    /// Makes the map of the entries from `base` on, applying `<<` merge keys: keys written
    /// in the mapping win over merged ones, and among `<<: [*a, *b]` the earlier mapping wins
    /// (YAML merge key rules).
    fn resolve_merges(&mut self, base: usize) -> Map {
        let mut pending = std::mem::take(&mut self.entries);
        let has_merges = pending
            .iter()
            .skip(base)
            .any(|p| matches!(p, Pending::Merge(_)));
        let explicit: HashSet<Text> = if has_merges {
            pending
                .iter()
                .skip(base)
                .filter_map(|p| match p {
                    Pending::Explicit(key, ..) => Some(key.clone()),
                    Pending::Merge(_) => None,
                })
                .collect()
        } else {
            HashSet::default()
        };
        let mut map = Map::with_capacity(pending.len().saturating_sub(base));
        for entry in pending.drain(base..) {
            match entry {
                Pending::Explicit(key, key_span, value) => {
                    if let Err((key, first)) = map.insert_new(key, key_span, value) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::DuplicateKey,
                                format!("key `{key}` is defined twice"),
                            )
                            .at(key_span)
                            .label("second definition")
                            .related(first, "first defined here")
                            .help("remove one of the two definitions"),
                        );
                    }
                }
                Pending::Merge(source) => {
                    let sources: Vec<Node> = match source.value {
                        Value::Seq(items) => items,
                        Value::Map(_) | Value::Scalar(_) => vec![source],
                    };
                    for source in sources {
                        let Value::Map(merged) = source.value else {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    Code::InvalidMergeKey,
                                    format!("`<<` merges mappings, found {}", source.kind_name()),
                                )
                                .at(source.span)
                                .help(
                                    "use `<<: *anchor` or `<<: [*a, *b]` with anchors of mappings",
                                ),
                            );
                            continue;
                        };
                        for (key, entry) in merged {
                            if !explicit.contains(&key) && !map.contains_key(&key) {
                                map.insert(key, entry.key_span, entry.value);
                            }
                        }
                    }
                }
            }
        }
        self.entries = pending;
        map
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<Node, Stop> {
        let Some(target) = self.anchors.get(&id) else {
            // The parser reports unknown anchors itself; this is unreachable in practice.
            return Ok(Node::null(span));
        };
        let mut count = 0usize;
        target.walk(&mut |_| count += 1);
        if count > self.alias_budget {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::AliasLimit,
                    "YAML aliases expand to too many values (more than a million)",
                )
                .at(span)
                .label("expanding this alias exceeds the limit")
                .help("this looks like a YAML bomb; use fewer nested aliases"),
            );
            return Err(Stop::Reported);
        }
        self.alias_budget -= count;
        Ok(target.clone())
    }

    #[inline]
    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    /// Interprets a node's tag: Compose's `!reset`/`!override`, or YAML core tags (`!!str`
    /// makes a plain scalar a string). Other tags are reported and ignored.
    #[inline]
    fn tag(&mut self, tag: Option<&NodeTag<'_>>, node_span: Span) -> (Option<Tag>, bool) {
        match tag {
            None => (None, false),
            Some(tag) => self.explicit_tag(tag, node_span),
        }
    }

    fn explicit_tag(&mut self, tag: &NodeTag<'_>, node_span: Span) -> (Option<Tag>, bool) {
        let NodeTag { tag, span } = tag;
        let tag_span = span.map_or(node_span, |(start, end)| self.span(start, end));
        if tag.is_yaml_core_schema() {
            return (None, tag.suffix() == "str");
        }
        match (tag.handle(), tag.suffix()) {
            ("!", "reset") => (Some(Tag::Reset), false),
            ("!", "override") => (Some(Tag::Override), false),
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        Code::UnknownTag,
                        format!("unknown YAML tag `{tag}` is ignored"),
                    )
                    .at(tag_span)
                    .help("Compose knows the tags `!reset` and `!override`"),
                );
                (None, false)
            }
        }
    }
}

/// The tests' way down a tree: the node at `path` (keys, and indexes of list items).
#[cfg(test)]
impl Node {
    pub(crate) fn at(&self, path: &[&str]) -> &Node {
        path.iter()
            .fold(self, |node, key| match key.parse::<usize>() {
                Ok(i) => &node.as_seq().unwrap()[i],
                Err(_) => node.as_map().unwrap().get(key).unwrap(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn parse_one(text: &str) -> (Node, Diagnostics, SourceMap) {
        let mut sources = SourceMap::new();
        let file = sources.add("t.yaml", None, ".", text);
        let mut diagnostics = Diagnostics::new();
        let mut docs = parse(file, text, &mut diagnostics);
        let node = docs
            .pop()
            .unwrap_or_else(|| Node::null(Span::new(file, 0, 0)));
        (node, diagnostics, sources)
    }

    #[test]
    fn values_keep_their_source_span() {
        let (node, diags, sources) = parse_one("services:\n  web:\n    image: nginx\n");
        assert!(diags.is_empty());
        let image = node.at(&["services", "web", "image"]);
        assert_eq!(image.as_str(), Some("nginx"));
        assert_eq!(sources.text(image.span), Some("nginx"));
        let (_, loc) = sources.location(image.span).unwrap();
        assert_eq!((loc.line, loc.column), (3, 12));
    }

    #[test]
    fn merge_keys_let_explicit_keys_win_and_earlier_sources_win() {
        let (node, diags, _) =
            parse_one("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n");
        assert!(diags.is_empty(), "{diags:?}");
        let c = node.as_map().unwrap().get("c").unwrap().as_map().unwrap();
        assert_eq!(c.get("x").unwrap().as_str(), Some("3"));
        assert_eq!(c.get("y").unwrap().as_str(), Some("1"));
        assert_eq!(c.get("z").unwrap().as_str(), Some("2"));
    }

    #[test]
    fn compose_tags_are_kept_and_str_tag_quotes() {
        let (node, diags, _) = parse_one("a: !reset []\nb: !override {x: 1}\nc: !!str 12\n");
        assert!(diags.is_empty());
        let map = node.as_map().unwrap();
        assert_eq!(map.get("a").unwrap().tag, Some(Tag::Reset));
        assert_eq!(map.get("b").unwrap().tag, Some(Tag::Override));
        assert!(!map.get("c").unwrap().as_scalar().unwrap().plain);
    }

    #[test]
    fn yaml_1_2_scalars_stay_text_and_null_is_only_plain() {
        let (node, _, _) = parse_one("a: yes\nb: ~\nc: \"\"\nd:\n");
        let map = node.as_map().unwrap();
        assert_eq!(map.get("a").unwrap().as_str(), Some("yes"));
        assert!(map.get("b").unwrap().is_null());
        assert!(!map.get("c").unwrap().is_null());
        assert!(map.get("d").unwrap().is_null());
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let (_, diags, _) = parse_one("a: 1\na: 2\n");
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::DuplicateKey);
        assert_eq!(d.related.len(), 1);
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, diags, sources) = parse_one("a: [1, 2\nb: 3\n");
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::YamlSyntax);
        assert!(sources.location(d.span.unwrap()).is_some());
    }

    #[test]
    fn long_maps_find_keys_in_order_after_replacements_and_removals() {
        let file = SourceMap::new().add("t.yaml", None, ".", "");
        let span = Span::new(file, 0, 0);
        let mut map = Map::new();
        for i in 0..40 {
            assert!(
                map.insert(format!("k{i}"), span, Node::string(i.to_string(), span))
                    .is_none()
            );
        }
        let old = map.insert("k3".to_owned(), span, Node::string("new", span));
        assert_eq!(old.unwrap().value.as_str(), Some("3"));
        for i in (0..40).step_by(3).filter(|i| *i != 3) {
            assert_eq!(
                map.remove(&format!("k{i}")).unwrap().value.as_str(),
                Some(i.to_string().as_str())
            );
        }
        let expected: Vec<String> = (0..40)
            .filter(|i| i % 3 != 0 || *i == 3)
            .map(|i| format!("k{i}"))
            .collect();
        assert_eq!(map.keys().cloned().collect::<Vec<_>>(), expected);
        for (position, key) in expected.iter().enumerate() {
            let value = map.get(key).and_then(Node::as_str).unwrap().to_owned();
            let want = if key == "k3" {
                "new".to_owned()
            } else {
                key[1..].to_owned()
            };
            assert_eq!((position, value), (position, want));
        }
        assert!(!map.contains_key("k0"));
        map.insert("k0".to_owned(), span, Node::null(span));
        assert_eq!(map.keys().last().map(Text::as_str), Some("k0"));
    }

    #[test]
    fn alias_bombs_stop_with_a_diagnostic() {
        let mut lines = vec![String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]")];
        for i in 1..9 {
            let prev = i - 1;
            let items = vec![format!("*a{prev}"); 10].join(", ");
            lines.push(format!("a{i}: &a{i} [{items}]"));
        }
        let text = lines.join("\n");
        let (_, diags, _) = parse_one(&text);
        assert!(diags.iter().any(|d| d.code == Code::AliasLimit));
    }
}
