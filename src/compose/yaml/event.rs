//! The parser events the tree builder reads, and granit's parser as their reference source.
//!
//! The builder in [`super`] reads events through [`EventSource`] so that one piece of code
//! builds trees from both granit and the fast scanner ([`super::fast`]). The events carry
//! only what the builder uses (comments are dropped, spans are byte offsets), which also
//! makes the two streams comparable in the equivalence tests.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{
    Event as GranitEvent, Parser, ScalarStyle, ScanError, StrInput, StructureStyle, Tag,
};

/// One event with the byte range of the source it covers.
#[derive(Debug, PartialEq)]
pub(super) struct Event<'input> {
    pub kind: EventKind<'input>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, PartialEq)]
pub(super) enum EventKind<'input> {
    DocumentStart,
    DocumentEnd,
    StreamEnd,
    Scalar(Cow<'input, str>, ScalarStyle, Properties<'input>),
    SequenceStart(StructureStyle, Properties<'input>),
    SequenceEnd,
    MappingStart(StructureStyle, Properties<'input>),
    MappingEnd,
    /// The id of the anchor the alias refers to.
    Alias(usize),
}

/// A node's anchor and tag.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Properties<'input> {
    /// The anchor's id (numbered from 1 in the order of definition), or 0 without one.
    pub anchor: usize,
    /// Boxed: tags are rare, and events are moved often.
    pub tag: Option<Box<NodeTag<'input>>>,
}

/// A tag and the byte range where it was written (`None` when granit cannot tell).
#[derive(Debug, PartialEq)]
pub(super) struct NodeTag<'input> {
    pub tag: Cow<'input, Tag>,
    pub span: Option<(usize, usize)>,
}

/// Why a source stopped.
#[derive(Debug)]
pub(super) enum SourceError {
    /// The text is not valid YAML (granit's diagnosis).
    Syntax(Box<ScanError>),
    /// The fast scanner met YAML it does not read; granit must read the file.
    Unsupported,
}

pub(super) trait EventSource<'input> {
    /// The next event, or `None` after the end of the stream.
    fn next_event(&mut self) -> Result<Option<Event<'input>>, SourceError>;
}

/// granit's events, without the ones the builder has no use for (comments, anchor names).
pub(super) struct GranitEvents<'input> {
    parser: Parser<'input, StrInput<'input>>,
}

impl<'input> GranitEvents<'input> {
    pub(super) fn new(text: &'input str) -> Self {
        Self {
            parser: Parser::new_from_str(text),
        }
    }
}

impl<'input> EventSource<'input> for GranitEvents<'input> {
    fn next_event(&mut self) -> Result<Option<Event<'input>>, SourceError> {
        loop {
            let Some(next) = self.parser.next_event() else {
                return Ok(None);
            };
            let (event, span) = next.map_err(|error| SourceError::Syntax(Box::new(error)))?;
            let start = span.start.byte_offset().unwrap_or(0);
            let end = span.end.byte_offset().unwrap_or(start);
            let properties = |anchor, tag: Option<Cow<'input, Tag>>| Properties {
                anchor,
                tag: tag.map(|tag| {
                    Box::new(NodeTag {
                        tag,
                        span: span.tag_span().map(|s| {
                            let tag_start = s.start.byte_offset().unwrap_or(0);
                            (tag_start, s.end.byte_offset().unwrap_or(tag_start))
                        }),
                    })
                }),
            };
            let kind = match event {
                GranitEvent::DocumentStart(..) => EventKind::DocumentStart,
                GranitEvent::DocumentEnd => EventKind::DocumentEnd,
                GranitEvent::StreamEnd => EventKind::StreamEnd,
                GranitEvent::Scalar(text, style, anchor, tag) => {
                    EventKind::Scalar(text, style, properties(anchor, tag))
                }
                GranitEvent::SequenceStart(style, anchor, tag) => {
                    EventKind::SequenceStart(style, properties(anchor, tag))
                }
                GranitEvent::SequenceEnd => EventKind::SequenceEnd,
                GranitEvent::MappingStart(style, anchor, tag) => {
                    EventKind::MappingStart(style, properties(anchor, tag))
                }
                GranitEvent::MappingEnd => EventKind::MappingEnd,
                GranitEvent::Alias(id) => EventKind::Alias(id),
                _ => continue,
            };
            return Ok(Some(Event { kind, start, end }));
        }
    }
}
