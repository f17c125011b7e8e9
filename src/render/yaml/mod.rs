//! The YAML writer: a serde `Serializer` that writes block-style YAML straight into a
//! `String`, as fast as the output allows (one pass, no allocation per key or scalar).
//!
//! Its output is serde-saphyr 2.1's byte for byte, with the options compose2kube always used
//! (any `indent_step` in `1..=64`, long lines never folded, everything else the default), so
//! that moving to it changed no file a user has. The layout state below is serde-saphyr's
//! (`ser/serializer.rs`, `ser/serializer/compound.rs`, MIT OR Apache-2.0) without what
//! compose2kube never asks for: flow collections, anchors, tags, comments and its wrapper
//! types (which this writer serializes as their plain content). The tests compare the two
//! writers on random values and on every object of the corpus.

#[cfg(test)]
mod reference;
mod scalar;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Why a value has no YAML form here: an error of its own `Serialize` implementation, a
/// mapping key that is not a scalar, or bytes.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(String);

impl ser::Error for YamlError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

/// The largest indentation step (serde-saphyr's, and kompose's `--indent` range).
const MAX_INDENT: usize = 64;

/// Serde-saphyr writes a longer key as an explicit `? key` (YAML limits implicit keys to
/// 1024 characters).
const SIMPLE_KEY_MAX_CHARS: usize = 1024;

/// Appends `value` as one YAML document to `out`, with `indent` spaces per nesting level.
pub fn write<T: Serialize + ?Sized>(
    out: &mut String,
    value: &T,
    indent: usize,
) -> Result<(), YamlError> {
    if !(1..=MAX_INDENT).contains(&indent) {
        return Err(YamlError(format!(
            "indent_step must be in 1..={MAX_INDENT}"
        )));
    }
    value.serialize(&mut Writer {
        out,
        indent,
        depth: 0,
        at_line_start: true,
        pending_space_after_colon: false,
        pending_inline_map: false,
        last_value_was_block: false,
        after_dash_depth: None,
        current_map_depth: None,
        current_map_key_column: None,
    })
}

/// The serializer: where the output is and what the next node must do to be laid out as
/// serde-saphyr lays it out. The field names are serde-saphyr's; the flags are independent.
#[allow(clippy::struct_excessive_bools)]
struct Writer<'o> {
    out: &'o mut String,
    indent: usize,
    /// The nesting level of a node at the start of a line (changes for a mapping opened after
    /// `- ` with one-space indentation, which starts on its own line, and while the value of
    /// an explicit `? key` is written).
    depth: usize,
    at_line_start: bool,
    /// A `key:` was written; a scalar value needs the space after it.
    pending_space_after_colon: bool,
    /// A `- ` was written; a mapping that follows puts its first key on the same line.
    pending_inline_map: bool,
    /// The value written last was a non-empty block collection.
    last_value_was_block: bool,
    /// The level of the `- ` just written, for the node that follows it.
    after_dash_depth: Option<usize>,
    /// The level of the keys of the mapping whose value is being written.
    current_map_depth: Option<usize>,
    /// The column of those keys, when they follow a `- ` (two columns past the dash) rather
    /// than sit at `current_map_depth` levels.
    current_map_key_column: Option<usize>,
}

impl Writer<'_> {
    #[inline]
    fn spaces(&mut self, count: usize) {
        const SPACES: &str = "                                                                ";
        let mut left = count;
        while left > 0 {
            let now = left.min(SPACES.len());
            self.out.push_str(SPACES.get(..now).unwrap_or_default());
            left -= now;
        }
    }

    /// Indents to `depth` levels, if at the start of a line.
    #[inline]
    fn indent_to(&mut self, depth: usize) {
        if self.at_line_start {
            self.spaces(self.indent * depth);
            self.at_line_start = false;
        }
    }

    #[inline]
    fn newline(&mut self) {
        self.out.push('\n');
        self.at_line_start = true;
    }

    #[inline]
    fn space_if_pending(&mut self) {
        if self.pending_space_after_colon {
            self.out.push(' ');
            self.pending_space_after_colon = false;
        }
        self.last_value_was_block = false;
    }

    /// Where a scalar starts: after `key: `, after `- `, or indented on its own line.
    #[inline]
    fn begin_scalar(&mut self) {
        self.space_if_pending();
        self.indent_to(self.depth);
    }

    fn scalar(&mut self, text: &str) {
        self.begin_scalar();
        self.out.push_str(text);
        self.newline();
    }

    fn integer(&mut self, negative: bool, magnitude: u64) {
        self.begin_scalar();
        push_integer(self.out, negative, magnitude);
        self.newline();
    }

    fn wide_integer(&mut self, value: impl std::fmt::Display) {
        self.begin_scalar();
        // Writing to a `String` cannot fail.
        let _ = write!(self.out, "{value}");
        self.newline();
    }

    fn float<F: Serialize>(&mut self, value: F) -> Result<(), YamlError> {
        self.begin_scalar();
        push_float(self.out, value)?;
        self.newline();
        Ok(())
    }

    fn string(&mut self, value: &str) {
        // A plain string has no line break: the common case is decided first.
        let plain = scalar::is_plain_value(value);
        if !plain && value.contains('\n') && scalar::is_block_content(value) {
            self.literal_block(value);
            return;
        }
        self.begin_scalar();
        if plain {
            self.out.push_str(value);
        } else if matches!(value, "." | "#" | "-") {
            // serde-saphyr single-quotes these three.
            self.out.push('\'');
            self.out.push_str(value);
            self.out.push('\'');
        } else {
            scalar::push_double_quoted(self.out, value);
        }
        self.newline();
    }

    /// A multi-line string as a literal block (`|`): clipped, stripped (`|-`) or kept (`|+`)
    /// by its trailing newlines, with an indentation indicator (`|2`) when its first line
    /// starts with a space.
    fn literal_block(&mut self, value: &str) {
        let was_map_value = self.pending_space_after_colon;
        self.space_if_pending();
        let base = if was_map_value {
            self.current_map_depth.unwrap_or(self.depth)
        } else {
            self.after_dash_depth.unwrap_or(self.depth)
        };
        self.indent_to(base);
        let parent_column = match (was_map_value, self.current_map_key_column) {
            (true, Some(column)) => column,
            _ => self.indent * base,
        };
        let body_column = parent_column + self.indent;
        let content = value.trim_end_matches('\n');
        let trailing_newlines = value.len() - content.len();
        let indicator = if first_line_leading_spaces(content) > 0 {
            // The indicator is one digit: with a deeper step the string is quoted instead.
            let Some(digit) = u32::try_from(self.indent)
                .ok()
                .and_then(|step| char::from_digit(step, 10))
            else {
                scalar::push_double_quoted(self.out, value);
                self.newline();
                return;
            };
            Some(digit)
        } else {
            None
        };
        self.out.push('|');
        if let Some(digit) = indicator {
            self.out.push(digit);
        }
        match trailing_newlines {
            0 => self.out.push('-'),
            1 if !content.is_empty() => {}
            _ => self.out.push('+'),
        }
        self.newline();
        if content.is_empty() {
            for _ in 0..trailing_newlines {
                self.newline();
            }
            return;
        }
        for line in content.split('\n') {
            if !line.is_empty() {
                self.spaces(body_column);
                self.out.push_str(line);
            }
            self.newline();
        }
        for _ in 1..trailing_newlines {
            self.newline();
        }
    }

    /// Serializes `value` as the value of a mapping entry whose keys are at `map_depth`
    /// (and `key_column`).
    fn nested<T: Serialize + ?Sized>(
        &mut self,
        map_depth: Option<usize>,
        key_column: Option<usize>,
        value: &T,
    ) -> Result<(), YamlError> {
        let outer_depth = std::mem::replace(&mut self.current_map_depth, map_depth);
        let outer_column = std::mem::replace(&mut self.current_map_key_column, key_column);
        let result = value.serialize(&mut *self);
        self.current_map_depth = outer_depth;
        self.current_map_key_column = outer_column;
        result
    }

    /// The levels a variant's content is indented past a `- `: two columns (the width of
    /// `- `) rounded up to whole steps.
    fn levels_after_dash(&self) -> usize {
        2usize.div_ceil(self.indent)
    }

    /// Writes an enum variant's name and `:`, on its own line when it is a mapping value.
    /// Returns the level of the name, and whether the variant is a mapping value rather than
    /// a top-level node or a sequence entry.
    fn variant_label(&mut self, variant: &str) -> (usize, bool) {
        if self.pending_space_after_colon {
            self.pending_space_after_colon = false;
            if !self.at_line_start {
                self.newline();
            }
            let label_depth = self.current_map_depth.unwrap_or(self.depth) + 1;
            self.indent_to(label_depth);
            push_key_text(self.out, variant);
            self.out.push(':');
            (label_depth, true)
        } else {
            self.indent_to(self.depth);
            push_key_text(self.out, variant);
            self.out.push(':');
            (self.depth, false)
        }
    }

    /// A tuple or struct variant: `Variant:` on a line of its own, and the level of its
    /// content.
    fn variant_block(&mut self, variant: &str) -> usize {
        let (label_depth, map_value) = self.variant_label(variant);
        self.newline();
        if map_value {
            self.pending_inline_map = false;
            return label_depth + 1;
        }
        match self.after_dash_depth.take() {
            Some(dash_depth) => {
                self.pending_inline_map = false;
                dash_depth + self.levels_after_dash() + 1
            }
            None => self.depth + 1,
        }
    }
}

/// Appends a scalar key, plain or double-quoted.
fn push_key_text(out: &mut String, key: &str) {
    if scalar::is_plain_key(key) {
        out.push_str(key);
    } else {
        scalar::push_double_quoted(out, key);
    }
}

/// Appends an integer in decimal (without the formatting machinery: ports and counts are
/// a good part of the output).
fn push_integer(out: &mut String, negative: bool, magnitude: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = magnitude;
    loop {
        start -= 1;
        if let Some(digit) = digits.get_mut(start) {
            // `rest % 10` is below 10.
            *digit = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    for &digit in digits.get(start..).unwrap_or_default() {
        out.push(char::from(digit));
    }
}

/// Appends a float as serde-saphyr spells it (shortest round-trip digits, always a `.`, a
/// signed exponent, `.inf`/`.nan`). Rare in compose2kube's output, so serde-saphyr writes it.
fn push_float<F: Serialize>(out: &mut String, value: F) -> Result<(), YamlError> {
    let text = serde_saphyr::to_string(&value).map_err(|e| YamlError(e.to_string()))?;
    out.push_str(text.trim_end_matches('\n'));
    Ok(())
}

fn first_line_leading_spaces(content: &str) -> usize {
    content
        .split('\n')
        .find(|line| !line.is_empty())
        .map_or(0, |line| line.len() - line.trim_start_matches(' ').len())
}

impl<'a, 'o> ser::Serializer for &'a mut Writer<'o> {
    type Ok = ();
    type Error = YamlError;
    type SerializeSeq = SeqWriter<'a, 'o>;
    type SerializeTuple = SeqWriter<'a, 'o>;
    type SerializeTupleStruct = SeqWriter<'a, 'o>;
    type SerializeTupleVariant = SeqWriter<'a, 'o>;
    type SerializeMap = MapWriter<'a, 'o>;
    type SerializeStruct = MapWriter<'a, 'o>;
    type SerializeStructVariant = VariantFieldsWriter<'a, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), YamlError> {
        self.scalar(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), YamlError> {
        self.integer(v < 0, i64::from(v).unsigned_abs());
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Result<(), YamlError> {
        self.integer(v < 0, i64::from(v).unsigned_abs());
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), YamlError> {
        self.integer(v < 0, i64::from(v).unsigned_abs());
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), YamlError> {
        self.integer(v < 0, v.unsigned_abs());
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), YamlError> {
        self.wide_integer(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), YamlError> {
        self.integer(false, u64::from(v));
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Result<(), YamlError> {
        self.integer(false, u64::from(v));
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Result<(), YamlError> {
        self.integer(false, u64::from(v));
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), YamlError> {
        self.integer(false, v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), YamlError> {
        self.wide_integer(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), YamlError> {
        self.float(v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), YamlError> {
        self.float(v)
    }

    fn serialize_char(self, v: char) -> Result<(), YamlError> {
        // serde-saphyr writes the space after `key:` first, which moves a multi-line char
        // (`'\n'`) off the mapping-value path.
        self.space_if_pending();
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), YamlError> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), YamlError> {
        Err(YamlError("bytes have no YAML form here".into()))
    }

    fn serialize_none(self) -> Result<(), YamlError> {
        self.scalar("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), YamlError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), YamlError> {
        self.scalar("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), YamlError> {
        self.scalar("null");
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), YamlError> {
        self.space_if_pending();
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), YamlError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), YamlError> {
        let (label_depth, map_value) = self.variant_label(variant);
        self.pending_space_after_colon = true;
        self.at_line_start = false;
        self.pending_inline_map = false;
        if map_value {
            return self.nested(Some(label_depth), None, value);
        }
        match self.after_dash_depth.take() {
            Some(dash_depth) => {
                let content_depth = dash_depth + self.levels_after_dash();
                // The label follows `- `: its column is two past the dash.
                let label_column = self.indent * dash_depth + 2;
                self.nested(Some(content_depth), Some(label_column), value)
            }
            None => value.serialize(self),
        }
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqWriter<'a, 'o>, YamlError> {
        let was_inline_value = !self.at_line_start;
        if self.pending_space_after_colon && self.last_value_was_block {
            self.pending_space_after_colon = false;
            if !self.at_line_start {
                self.newline();
            }
            self.last_value_was_block = false;
        }
        let after_dash = !self.at_line_start
            && self.after_dash_depth.is_some()
            && !self.pending_space_after_colon;
        // `- - a` lines up with the next `- ` only when a level is two columns.
        if after_dash && self.indent != 2 {
            self.pending_inline_map = false;
            self.newline();
        }
        let depth = if after_dash {
            self.after_dash_depth.unwrap_or(self.depth) + 1
        } else if was_inline_value {
            match self.current_map_depth {
                // Compact: the dashes at the key's column.
                Some(map_depth) if self.indent >= 2 => map_depth,
                Some(map_depth) => map_depth + 1,
                None => self.depth + 1,
            }
        } else {
            self.depth
        };
        Ok(SeqWriter {
            writer: self,
            depth,
            first: true,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqWriter<'a, 'o>, YamlError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqWriter<'a, 'o>, YamlError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<SeqWriter<'a, 'o>, YamlError> {
        let depth = self.variant_block(variant);
        Ok(SeqWriter {
            writer: self,
            depth,
            first: true,
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapWriter<'a, 'o>, YamlError> {
        // With one-column steps, keys two columns past `- ` would sit right of their nested
        // values: such a mapping starts on its own line.
        if self.pending_inline_map
            && self.indent < 2
            && !self.at_line_start
            && !self.pending_space_after_colon
            && let Some(dash_depth) = self.after_dash_depth
        {
            self.pending_inline_map = false;
            self.newline();
            self.depth = dash_depth + 1;
        }
        let inline_first = self.pending_inline_map;
        let was_inline_value = self.pending_space_after_colon;
        let mut forced_newline = false;
        if was_inline_value && self.last_value_was_block {
            self.pending_space_after_colon = false;
            if !self.at_line_start {
                self.newline();
            }
            forced_newline = true;
            self.last_value_was_block = false;
        }
        if inline_first {
            self.pending_inline_map = false;
        } else if was_inline_value && len.is_some_and(|n| n > 0) {
            self.pending_space_after_colon = false;
            if !self.at_line_start {
                self.newline();
            }
        }
        let depth = if inline_first {
            self.after_dash_depth.unwrap_or(self.depth) + 1
        } else if was_inline_value {
            self.current_map_depth.unwrap_or(self.depth) + 1
        } else {
            self.depth
        };
        Ok(MapWriter {
            writer: self,
            depth,
            align_after_dash: inline_first,
            // Of unknown length, it may be empty (`key: {}`): the line breaks at its first key.
            inline_value_start: was_inline_value
                && len.is_none()
                && !inline_first
                && !forced_newline,
            empty: true,
            explicit_key: false,
        })
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<MapWriter<'a, 'o>, YamlError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<VariantFieldsWriter<'a, 'o>, YamlError> {
        let depth = self.variant_block(variant);
        Ok(VariantFieldsWriter {
            writer: self,
            depth,
            written: false,
        })
    }
}

/// A block sequence: `- ` entries at `depth`, the first one possibly on the line of an
/// outer `- `.
struct SeqWriter<'a, 'o> {
    writer: &'a mut Writer<'o>,
    depth: usize,
    first: bool,
}

impl SeqWriter<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), YamlError> {
        let w = &mut *self.writer;
        if self.first && w.pending_space_after_colon {
            // A mapping value: now known not to be empty (`key: []`), it starts on a new line.
            w.pending_space_after_colon = false;
            if !w.at_line_start {
                w.newline();
            }
            w.pending_inline_map = false;
        }
        if !(self.first && (!w.at_line_start || w.pending_inline_map)) {
            w.indent_to(self.depth);
        }
        w.out.push_str("- ");
        w.at_line_start = false;
        w.after_dash_depth = Some(self.depth);
        w.pending_inline_map = true;
        w.last_value_was_block = false;
        value.serialize(&mut *w)?;
        self.first = false;
        Ok(())
    }

    fn finish(self) {
        let w = self.writer;
        if self.first {
            if w.pending_space_after_colon {
                w.out.push(' ');
                w.pending_space_after_colon = false;
            } else {
                w.indent_to(self.depth);
            }
            w.out.push_str("[]");
            w.newline();
        } else {
            w.last_value_was_block = true;
            w.pending_inline_map = false;
            w.after_dash_depth = None;
        }
    }
}

/// A sequence, a tuple and the fields of a tuple struct or variant are all written as a
/// block sequence; serde names the element method `serialize_element` or `serialize_field`.
macro_rules! seq_writer_as {
    ($($trait:ident :: $method:ident),+) => {$(
        impl ser::$trait for SeqWriter<'_, '_> {
            type Ok = ();
            type Error = YamlError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), YamlError> {
                self.element(value)
            }

            fn end(self) -> Result<(), YamlError> {
                self.finish();
                Ok(())
            }
        }
    )+};
}

seq_writer_as!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A block mapping: `key: value` entries at `depth`.
#[allow(clippy::struct_excessive_bools)]
struct MapWriter<'a, 'o> {
    writer: &'a mut Writer<'o>,
    depth: usize,
    /// The first key is on the line of a `- `; the others align with it.
    align_after_dash: bool,
    /// A mapping value of unknown length still on its key's line.
    inline_value_start: bool,
    /// No entry was written yet: the mapping is `{}`.
    empty: bool,
    /// The key just written was an explicit `? key`: its value needs a `:` line.
    explicit_key: bool,
}

impl MapWriter<'_, '_> {
    /// Indents a key (or an explicit key's `:`) at the start of a line.
    #[inline]
    fn indent_key(&mut self) {
        let w = &mut *self.writer;
        if w.at_line_start {
            if self.align_after_dash {
                w.spaces(w.indent * self.depth.saturating_sub(1) + 2);
            } else {
                w.spaces(w.indent * self.depth);
            }
            w.at_line_start = false;
        }
    }

    /// What comes before any key: the line break of a mapping value, and no layout hint
    /// of the entry before.
    #[inline]
    fn before_key(&mut self) {
        let w = &mut *self.writer;
        if std::mem::take(&mut self.inline_value_start) {
            w.pending_space_after_colon = false;
            if !w.at_line_start {
                w.newline();
            }
        } else if !w.at_line_start {
            w.space_if_pending();
        }
        w.after_dash_depth = None;
        w.pending_inline_map = false;
        w.last_value_was_block = false;
    }

    /// Writes a key, whose text (quoted if need be) `write_text` appends, and what follows
    /// it: `key:`, or a `? key` line when the text is over 1024 characters. The text goes
    /// straight to the output, where it is taken back in that rare case.
    fn key(
        &mut self,
        write_text: impl FnOnce(&mut String) -> Result<(), YamlError>,
    ) -> Result<(), YamlError> {
        self.before_key();
        let at_line_start = self.writer.at_line_start;
        let line_start = self.writer.out.len();
        self.indent_key();
        let text_start = self.writer.out.len();
        write_text(self.writer.out)?;
        let w = &mut *self.writer;
        let text = w.out.get(text_start..).unwrap_or_default();
        self.explicit_key =
            text.len() > SIMPLE_KEY_MAX_CHARS && text.chars().count() > SIMPLE_KEY_MAX_CHARS;
        if self.explicit_key {
            let text = w.out.split_off(text_start);
            w.out.truncate(line_start);
            w.at_line_start = at_line_start;
            w.indent_to(self.depth);
            w.out.push_str("? ");
            w.out.push_str(&text);
            w.newline();
        } else {
            w.out.push(':');
            w.pending_space_after_colon = true;
            w.at_line_start = false;
        }
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), YamlError> {
        let explicit_key = std::mem::take(&mut self.explicit_key);
        if explicit_key {
            self.indent_key();
        }
        let w = &mut *self.writer;
        let outer_inline_map = w.pending_inline_map;
        let outer_depth = w.depth;
        if explicit_key {
            w.out.push(':');
            w.pending_space_after_colon = true;
            w.pending_inline_map = true;
            w.at_line_start = false;
            w.depth = self.depth;
        }
        let key_column = self
            .align_after_dash
            .then(|| w.indent * self.depth.saturating_sub(1) + 2);
        let result = w.nested(Some(self.depth), key_column, value);
        w.pending_inline_map = outer_inline_map;
        if explicit_key {
            w.depth = outer_depth;
        }
        result?;
        self.empty = false;
        Ok(())
    }

    fn finish(mut self) {
        if self.empty {
            if self.writer.pending_space_after_colon {
                self.writer.out.push(' ');
                self.writer.pending_space_after_colon = false;
            }
            self.indent_key();
            self.writer.out.push_str("{}");
            self.writer.newline();
        } else {
            self.writer.last_value_was_block = true;
        }
    }
}

impl ser::SerializeMap for MapWriter<'_, '_> {
    type Ok = ();
    type Error = YamlError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), YamlError> {
        self.key(|out| key.serialize(KeyWriter { out }))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), YamlError> {
        self.value(value)
    }

    fn end(self) -> Result<(), YamlError> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStruct for MapWriter<'_, '_> {
    type Ok = ();
    type Error = YamlError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), YamlError> {
        self.key(|out| {
            push_key_text(out, key);
            Ok(())
        })?;
        self.value(value)
    }

    fn end(self) -> Result<(), YamlError> {
        self.finish();
        Ok(())
    }
}

/// The fields of a struct variant, at `depth` under `Variant:`.
struct VariantFieldsWriter<'a, 'o> {
    writer: &'a mut Writer<'o>,
    depth: usize,
    written: bool,
}

impl ser::SerializeStructVariant for VariantFieldsWriter<'_, '_> {
    type Ok = ();
    type Error = YamlError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), YamlError> {
        let w = &mut *self.writer;
        w.indent_to(self.depth);
        push_key_text(w.out, key);
        w.out.push(':');
        w.pending_space_after_colon = true;
        w.at_line_start = false;
        w.nested(Some(self.depth), None, value)?;
        self.written = true;
        Ok(())
    }

    fn end(self) -> Result<(), YamlError> {
        if !self.written {
            let w = self.writer;
            w.indent_to(self.depth);
            w.out.push_str("{}");
            w.newline();
        }
        Ok(())
    }
}

/// A mapping key's text: a scalar, written as serde-saphyr writes keys.
struct KeyWriter<'k> {
    out: &'k mut String,
}

fn non_scalar_key() -> YamlError {
    YamlError("a YAML mapping key must be a scalar".into())
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = YamlError;
    type SerializeSeq = Impossible<(), YamlError>;
    type SerializeTuple = Impossible<(), YamlError>;
    type SerializeTupleStruct = Impossible<(), YamlError>;
    type SerializeTupleVariant = Impossible<(), YamlError>;
    type SerializeMap = Impossible<(), YamlError>;
    type SerializeStruct = Impossible<(), YamlError>;
    type SerializeStructVariant = Impossible<(), YamlError>;

    fn serialize_bool(self, v: bool) -> Result<(), YamlError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), YamlError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), YamlError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), YamlError> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<(), YamlError> {
        push_integer(self.out, v < 0, v.unsigned_abs());
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), YamlError> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), YamlError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), YamlError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), YamlError> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<(), YamlError> {
        push_integer(self.out, false, v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), YamlError> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), YamlError> {
        push_float(self.out, v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), YamlError> {
        push_float(self.out, v)
    }

    fn serialize_char(self, v: char) -> Result<(), YamlError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), YamlError> {
        push_key_text(self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_none(self) -> Result<(), YamlError> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), YamlError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), YamlError> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), YamlError> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), YamlError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), YamlError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, YamlError> {
        Err(non_scalar_key())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, YamlError> {
        Err(non_scalar_key())
    }
}
