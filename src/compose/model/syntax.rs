//! Value syntaxes shared by many Compose keys: durations, byte sizes, "string or list",
//! "list or dict" mappings, file modes, commands, and closed and open sets of words.
//!
//! Each type reads every spelling Compose accepts and writes one canonical spelling back
//! (`1m30s`, byte counts as integers, lists, maps), so that `config` output re-reads to the
//! same model.

use std::fmt;
use std::path::PathBuf;

use crate::hash::{BuildHasher, IndexMap};

use crate::compose::model::de::{Cx, Field, FromNode, read_or_default};
use crate::compose::yaml::{Map, Node, Value};
use crate::diag::{Code, Diagnostic, suggest};
use crate::source::{Span, Spanned};

/// The span of the bytes `start..end` of a scalar's value, when the source spells the value
/// as it is (plain, or quoted without escapes); otherwise the span of the whole scalar. Lets
/// a diagnostic about `8080:70000` point at `70000`.
#[must_use]
pub fn scalar_sub_span(cx: &Cx, node: &Node, start: usize, end: usize) -> Span {
    let (Some(value), Some(raw)) = (node.as_scalar(), cx.sources.text(node.span)) else {
        return node.span;
    };
    let value = value.text.as_str();
    let offset = if raw == value {
        0
    } else if raw.len() == value.len() + 2
        && raw.get(1..raw.len() - 1) == Some(value)
        && raw.starts_with(['"', '\''])
    {
        1
    } else {
        return node.span;
    };
    node.span.sub(offset + start, offset + end)
}

/// Reports a word that is not one of a closed set, suggesting the nearest allowed one.
pub fn unknown_choice(cx: &mut Cx, span: Span, text: &str, what: &str, allowed: &[&str]) {
    let help = suggest(text, allowed.iter().copied(), || {
        format!("use one of: {}", allowed.join(", "))
    });
    cx.report(
        Diagnostic::error(Code::InvalidValue, format!("`{text}` is not {what}"))
            .at(span)
            .label(format!("expected {what}"))
            .help(help),
    );
}

/// `Display` and `Serialize` of a word enum: both write its `as_str()`.
#[doc(hidden)]
#[macro_export]
macro_rules! written_as_str {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

/// `FromNode` and `Serialize` of a value read from any text (its `parse` cannot fail) and
/// written back as read by its `Display`; `@from_node` only reads it.
#[macro_export]
macro_rules! read_from_text {
    (@from_node $name:ident) => {
        impl $crate::compose::model::de::FromNode for $name {
            fn from_node(
                node: &$crate::compose::yaml::Node,
                cx: &mut $crate::compose::model::de::Cx,
            ) -> Option<Self> {
                <String as $crate::compose::model::de::FromNode>::from_node(node, cx)
                    .map(|text| Self::parse(&text))
            }
        }
    };
    ($name:ident) => {
        $crate::read_from_text!(@from_node $name);

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    };
}

/// Declares an enum read from one of a closed set of words (`service_healthy`, `bind`), with
/// "did you mean" on a misspelling. With `default Variant` it is also a [`Field`] on its own
/// (a required key whose absence is reported by `required`).
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
        $(default $default:ident)?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every accepted spelling.
            pub const ALL: &'static [&'static str] = &[$($text),*];

            /// The word as Compose spells it.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )*
                }
            }

            /// The variant a word stands for.
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }

        $crate::written_as_str!($name);

        impl $crate::compose::model::de::FromNode for $name {
            fn from_node(
                node: &$crate::compose::yaml::Node,
                cx: &mut $crate::compose::model::de::Cx,
            ) -> Option<Self> {
                let text = <String as $crate::compose::model::de::FromNode>::from_node(node, cx)?;
                let parsed = Self::parse(&text);
                if parsed.is_none() {
                    $crate::compose::model::syntax::unknown_choice(
                        cx, node.span, &text, $what, Self::ALL,
                    );
                }
                parsed
            }
        }

        $(
            impl Default for $name {
                fn default() -> Self {
                    Self::$default
                }
            }

            impl $crate::compose::model::de::Field for $name {
                fn read(
                    node: &$crate::compose::yaml::Node,
                    cx: &mut $crate::compose::model::de::Cx,
                ) -> Self {
                    if node.is_null() {
                        return Self::default();
                    }
                    <Self as $crate::compose::model::de::FromNode>::from_node(node, cx)
                        .unwrap_or_default()
                }
                fn is_unset(&self) -> bool {
                    false
                }
            }
        )?
    };
}

/// Declares an enum read from a set of words that Compose leaves open: the Engine, not the
/// Compose file format, refuses other words, so any other word is kept as `Other`, without a
/// diagnostic, for the plan to report where it matters (`restart_policy.condition`,
/// `deploy.mode`).
#[macro_export]
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// Any other word, as written.
            Other(String),
        }

        impl $name {
            /// The word as written.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )*
                    Self::Other(text) => text,
                }
            }

            /// The variant a word stands for.
            #[must_use]
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        $crate::written_as_str!($name);
        $crate::read_from_text!(@from_node $name);
    };
}

// ---- required scalars ------------------------------------------------------------------

/// A required string key (its absence is reported by the mapping's `required` list); read as
/// the empty string when missing or invalid.
impl Field for String {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        if node.is_null() {
            return String::new();
        }
        String::from_node(node, cx).unwrap_or_default()
    }
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

/// A flag whose absence means `false` (only used where Compose gives absence no other
/// meaning, such as a mount's `read_only`).
impl Field for bool {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        if node.is_null() {
            return false;
        }
        bool::from_node(node, cx).unwrap_or(false)
    }
    fn is_unset(&self) -> bool {
        !*self
    }
}

/// A required number (a ulimit's `soft` and `hard`); read as 0 when missing or invalid.
impl Field for i64 {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        if node.is_null() {
            return 0;
        }
        i64::from_node(node, cx).unwrap_or(0)
    }
    fn is_unset(&self) -> bool {
        false
    }
}

/// A path on the host, written relative to the file it appears in (or with `~`), read as an
/// absolute path.
impl FromNode for PathBuf {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let text = String::from_node(node, cx)?;
        if text.is_empty() {
            cx.invalid_value(
                node.span,
                "the path is empty",
                "write a file or directory path",
            );
            return None;
        }
        Some(cx.resolve_path(node.span, &text))
    }
}

/// Whether a build context (or additional context) names a remote source that is not a
/// local path: a URL, a git SSH address or a GitHub shorthand.
#[must_use]
pub fn is_remote_context(text: &str) -> bool {
    text.contains("://") || text.starts_with("git@") || text.starts_with("github.com/")
}

// ---- Duration ----------------------------------------------------------------------------

/// A duration written the Go way: `1h2m3s`, `1m30s`, `500ms`, `1.5s`, `10us`, or `0`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub std::time::Duration);

const NANOS_PER_SECOND: u128 = 1_000_000_000;

impl Duration {
    /// Parses Go's `time.ParseDuration` syntax, without negative durations (no Compose key
    /// takes one).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        if text == "0" {
            return Ok(Self::default());
        }
        if text.starts_with('-') {
            return Err("a duration cannot be negative");
        }
        let mut rest = text.strip_prefix('+').unwrap_or(text);
        if rest.is_empty() {
            return Err("the duration is empty");
        }
        let mut total: u128 = 0;
        while !rest.is_empty() {
            let whole_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            let (whole, after) = rest.split_at(whole_len);
            let (fraction, after) = match after.strip_prefix('.') {
                Some(after_dot) => {
                    let len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
                    after_dot.split_at(len)
                }
                None => ("", after),
            };
            if whole.is_empty() && fraction.is_empty() {
                return Err("expected a number before the unit");
            }
            let unit_len = after
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(after.len());
            let (unit, next) = after.split_at(unit_len);
            let unit: u128 = match unit {
                "ns" => 1,
                "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
                "ms" => 1_000_000,
                "s" => NANOS_PER_SECOND,
                "m" => 60 * NANOS_PER_SECOND,
                "h" => 3600 * NANOS_PER_SECOND,
                "" => return Err("a unit is missing"),
                _ => return Err("unknown unit"),
            };
            let whole: u128 = if whole.is_empty() {
                0
            } else {
                whole.parse().map_err(|_| "the duration is too long")?
            };
            // Digits beyond nanosecond precision cannot change the result.
            let fraction = fraction.get(..fraction.len().min(18)).unwrap_or(fraction);
            let fraction_nanos = if fraction.is_empty() {
                0
            } else {
                let digits: u128 = fraction.parse().map_err(|_| "invalid fraction")?;
                let scale = 10u128.pow(u32::try_from(fraction.len()).unwrap_or(18));
                digits * unit / scale
            };
            total = whole
                .checked_mul(unit)
                .and_then(|n| n.checked_add(fraction_nanos))
                .and_then(|n| n.checked_add(total))
                .ok_or("the duration is too long")?;
            rest = next;
        }
        let nanos = u64::try_from(total).map_err(|_| "the duration is too long")?;
        Ok(Self(std::time::Duration::from_nanos(nanos)))
    }

    #[must_use]
    pub fn as_std(self) -> std::time::Duration {
        self.0
    }

    #[must_use]
    pub fn from_secs(seconds: u64) -> Self {
        Self(std::time::Duration::from_secs(seconds))
    }
}

/// `whole.fraction` with trailing zeros of the fraction removed (`1.5`, `2`).
fn decimal(value: u128, unit: u128, width: usize) -> String {
    let whole = value / unit;
    let fraction = value % unit;
    if fraction == 0 {
        whole.to_string()
    } else {
        let digits = format!("{fraction:0width$}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Go's `Duration.String()` spelling (`1h2m3s`, `1m30s`, `500ms`), with `us` for micro.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.as_nanos();
        if nanos == 0 {
            return f.write_str("0s");
        }
        if nanos < 1_000 {
            return write!(f, "{nanos}ns");
        }
        if nanos < 1_000_000 {
            return write!(f, "{}us", decimal(nanos, 1_000, 3));
        }
        if nanos < NANOS_PER_SECOND {
            return write!(f, "{}ms", decimal(nanos, 1_000_000, 6));
        }
        let hours = nanos / (3600 * NANOS_PER_SECOND);
        let minutes = nanos / (60 * NANOS_PER_SECOND) % 60;
        let seconds = nanos % (60 * NANOS_PER_SECOND);
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if hours > 0 || minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        write!(f, "{}s", decimal(seconds, NANOS_PER_SECOND, 9))
    }
}

/// A scalar `what` that `parse` reads (trimmed); `None` once `invalid` has reported why the
/// text is none.
fn parse_scalar<T, E>(
    node: &Node,
    cx: &mut Cx,
    what: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
    invalid: impl FnOnce(&mut Cx, Span, &str, E),
) -> Option<T> {
    let Some(text) = node.as_str() else {
        cx.invalid_type(node, what);
        return None;
    };
    parse(text.trim())
        .map_err(|reason| invalid(cx, node.span, text, reason))
        .ok()
}

impl FromNode for Duration {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        parse_scalar(
            node,
            cx,
            "a duration",
            Self::parse,
            |cx, span, text, reason| {
                cx.report(
                    Diagnostic::error(Code::InvalidDuration, format!("`{text}` is not a duration"))
                        .at(span)
                        .label(reason)
                        .help("write a number with a unit, such as `10s`, `1m30s` or `500ms`"),
                );
            },
        )
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A time in microseconds, written as a number of microseconds or as a duration (`cpu_rt_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Microseconds(pub u64);

impl FromNode for Microseconds {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Some(text) = node.as_str() else {
            cx.invalid_type(node, "a number of microseconds or a duration");
            return None;
        };
        let text = text.trim();
        if let Ok(micros) = text.parse::<u64>() {
            return Some(Self(micros));
        }
        let duration = Duration::from_node(node, cx)?;
        Some(Self(
            u64::try_from(duration.0.as_micros()).unwrap_or(u64::MAX),
        ))
    }
}

impl serde::Serialize for Microseconds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

// ---- ByteSize ----------------------------------------------------------------------------

/// A number of bytes: `2048`, `100k`, `512m`, `1g`, `1gb`, `1.5g` (binary multiples, as
/// Docker's `units.RAMInBytes` reads them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parses `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$`.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let number_len = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, rest) = text.split_at(number_len);
        if number.is_empty() {
            return Err(if text.starts_with('-') {
                "a size cannot be negative"
            } else {
                "expected a number"
            });
        }
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let mut chars = rest.chars().peekable();
        let exponent = match chars.peek().map(char::to_ascii_lowercase) {
            Some(c @ ('k' | 'm' | 'g' | 't' | 'p')) => {
                chars.next();
                match c {
                    'k' => 1,
                    'm' => 2,
                    'g' => 3,
                    't' => 4,
                    _ => 5,
                }
            }
            _ => 0,
        };
        if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'i')) {
            chars.next();
        }
        if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'b')) {
            chars.next();
        }
        if chars.next().is_some() {
            return Err("unknown unit");
        }
        let multiplier = 1024u64.pow(exponent);
        if let Ok(whole) = number.parse::<u64>() {
            return whole
                .checked_mul(multiplier)
                .filter(|&n| i64::try_from(n).is_ok())
                .map(Self)
                .ok_or("the size is too large");
        }
        let value: f64 = number.parse().map_err(|_| "expected a number")?;
        #[allow(clippy::cast_precision_loss)]
        let bytes = value * multiplier as f64;
        #[allow(clippy::cast_precision_loss)]
        if !bytes.is_finite() || bytes >= i64::MAX as f64 {
            return Err("the size is too large");
        }
        // Docker truncates fractional bytes the same way.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Self(bytes as u64))
    }
}

impl FromNode for ByteSize {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        parse_scalar(node, cx, "a byte size", Self::parse, report_byte_size)
    }
}

fn report_byte_size(cx: &mut Cx, span: Span, text: &str, reason: &str) {
    cx.report(
        Diagnostic::error(
            Code::InvalidByteSize,
            format!("`{text}` is not a byte size"),
        )
        .at(span)
        .label(reason)
        .help("write a number of bytes, optionally with a unit: `2048`, `100k`, `512m`, `1g`"),
    );
}

impl serde::Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

/// `memswap_limit`: a byte size, or `-1` for unlimited swap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SwapLimit {
    Unlimited,
    Bytes(ByteSize),
}

impl FromNode for SwapLimit {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match node.as_str().map(str::trim) {
            Some("-1") => Some(Self::Unlimited),
            Some(text) => match ByteSize::parse(text) {
                Ok(size) => Some(Self::Bytes(size)),
                Err(reason) => {
                    report_byte_size(cx, node.span, text, reason);
                    None
                }
            },
            None => {
                cx.invalid_type(node, "a byte size or -1");
                None
            }
        }
    }
}

impl serde::Serialize for SwapLimit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Unlimited => serializer.serialize_i64(-1),
            Self::Bytes(size) => size.serialize(serializer),
        }
    }
}

// ---- FileMode ----------------------------------------------------------------------------

/// Unix permission bits, read as Docker Compose reads them: a YAML number is a number
/// (`0440` and `0o440` are octal, `288` and `644` decimal), a quoted string is octal digits
/// (`"644"` is 0644). A decimal number is almost always an octal mode without its leading
/// zero, so reading one is a warning ([`Code::DecimalFileMode`]); the plan decides what a
/// decimal mode above 0777 becomes in Kubernetes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileMode(pub u32);

impl FileMode {
    /// Reads the text of a YAML number (`0440`, `0o440`, `288`).
    pub fn parse(text: &str) -> Option<Self> {
        let mode = if let Some(octal) = text.strip_prefix("0o") {
            u32::from_str_radix(octal, 8).ok()?
        } else if text.len() > 1 && text.starts_with('0') {
            u32::from_str_radix(text, 8).ok()?
        } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse().ok()?
        } else {
            return None;
        };
        (mode <= 0o7777).then_some(Self(mode))
    }

    /// Reads the text of a quoted string: octal digits.
    pub fn parse_octal(text: &str) -> Option<Self> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mode = u32::from_str_radix(text, 8).ok()?;
        (mode <= 0o7777).then_some(Self(mode))
    }

    /// The octal mode that the decimal digits of this mode spell, when they can (every digit
    /// 0 to 7): 644 → 0644. What an author who wrote `mode: 644` meant.
    #[must_use]
    pub fn digits_as_octal(self) -> Option<Self> {
        Self::parse_octal(&self.0.to_string())
    }
}

/// Whether a plain number is written in decimal (no leading `0`, `0o` or `0x`).
fn is_decimal(text: &str) -> bool {
    !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for FileMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0{:o}", self.0)
    }
}

impl FromNode for FileMode {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Some(scalar) = node.as_scalar().filter(|_| !node.is_null()) else {
            cx.invalid_type(node, "a file mode");
            return None;
        };
        let text = scalar.text.trim();
        let mode = if scalar.plain {
            Self::parse(text)
        } else {
            Self::parse_octal(text)
        };
        let Some(mode) = mode else {
            cx.invalid_value(
                node.span,
                format!("`{text}` is not a file mode"),
                "write the permission bits in octal with a leading zero, such as `0440`",
            );
            return None;
        };
        if scalar.plain && is_decimal(text) && mode.0 >= 8 {
            let meant = match mode.digits_as_octal() {
                Some(octal) if mode.0 > 0o777 => format!(
                    "; Kubernetes takes at most 0777, so compose2kube converts it as {octal}, the octal number its digits spell"
                ),
                _ => String::new(),
            };
            cx.report(
                Diagnostic::warning(
                    Code::DecimalFileMode,
                    format!("`mode: {text}` is a decimal number: Docker Compose reads it as the mode {mode}{meant}"),
                )
                .at(node.span)
                .label("a decimal number")
                .help(format!(
                    "write the mode in octal with a leading zero: `mode: 0{text}` if that is what you meant, or `mode: {mode}` to keep this value"
                )),
            );
        }
        Some(mode)
    }
}

/// Written in octal with a leading zero (`"0440"`), which reads back to the same bits.
impl serde::Serialize for FileMode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

// ---- StringOrList ------------------------------------------------------------------------

/// A key that takes one string or a list of strings (`dns`, `tmpfs`); always a list here.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct StringOrList(pub Vec<Spanned<String>>);

impl std::ops::Deref for StringOrList {
    type Target = Vec<Spanned<String>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for StringOrList {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<'a> IntoIterator for &'a StringOrList {
    type Item = &'a Spanned<String>;
    type IntoIter = std::slice::Iter<'a, Spanned<String>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromNode for StringOrList {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Seq(_) => Vec::from_node(node, cx).map(Self),
            Value::Scalar(_) => Spanned::<String>::from_node(node, cx).map(|item| Self(vec![item])),
            Value::Map(_) => {
                cx.invalid_type(node, "a string or a list of strings");
                None
            }
        }
    }
}

impl Field for StringOrList {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        read_or_default(node, cx)
    }
    fn is_unset(&self) -> bool {
        self.0.is_empty()
    }
}

// ---- Mapping -----------------------------------------------------------------------------

/// A "list or dict" (`environment`, `labels`, `build.args`…): a map, or a list of `KEY=VALUE`
/// strings, read into one ordered map. A value of `None` means "no value": a list item `KEY`
/// without `=`, or a map entry `KEY:` with nothing after it (for `environment`, take the
/// value from the shell). Numbers and booleans are kept as the text written.
pub type Mapping = IndexMap<Spanned<String>, Option<Spanned<String>>>;

impl Field for Mapping {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        read_mapping(node, cx)
    }
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

/// Reads a [`Mapping`] from either form; problems are reported and the entry skipped.
pub fn read_mapping(node: &Node, cx: &mut Cx) -> Mapping {
    let from_list;
    let map = match &node.value {
        Value::Map(map) => map,
        Value::Seq(items) => {
            from_list = key_value_map(items, cx);
            &from_list
        }
        Value::Scalar(_) if node.is_null() => return Mapping::default(),
        Value::Scalar(_) => {
            cx.invalid_type(node, "a mapping or a list of `KEY=VALUE` strings");
            return Mapping::default();
        }
    };
    // Sized from the mapping, not grown, as lists are.
    let mut out = Mapping::with_capacity_and_hasher(map.len(), BuildHasher::default());
    for (key, entry) in map.iter() {
        let value = match &entry.value.value {
            Value::Scalar(_) if entry.value.is_null() => None,
            Value::Scalar(scalar) => Some(Spanned::new(
                scalar.text.as_str().to_owned(),
                entry.value.span,
            )),
            Value::Seq(_) | Value::Map(_) => {
                cx.invalid_type(&entry.value, "a string, a number or a boolean");
                continue;
            }
        };
        out.insert(Spanned::new(key.as_str().to_owned(), entry.key_span), value);
    }
    out
}

/// The mapping form of a list of `KEY=VALUE` strings: each key and value spanned where it is
/// written, `KEY` alone mapping to null; a repeated key keeps its first place and takes the
/// later value. An item that is not such a string is reported and skipped. Reading a
/// [`Mapping`] and merging files both use it, so a list is checked the same in any file.
pub fn key_value_map(items: &[Node], cx: &mut Cx) -> Map {
    let mut map = Map::new();
    for item in items {
        let Some(text) = String::from_node(item, cx) else {
            continue;
        };
        let (key, value) = match text.split_once('=') {
            Some((key, value)) => {
                let start = key.len() + 1;
                let span = scalar_sub_span(cx, item, start, start + value.len());
                (key, Node::string(value, span))
            }
            None => (text.as_str(), Node::null(item.span)),
        };
        if key.is_empty() {
            cx.invalid_value(
                item.span,
                format!("`{text}` has no name before `=`"),
                "write `NAME=value`, or `NAME` alone for a name without a value",
            );
            continue;
        }
        match map.get_mut(key) {
            Some(earlier) => *earlier = value,
            None => {
                let key_span = scalar_sub_span(cx, item, 0, key.len());
                map.insert(key.to_owned(), key_span, value);
            }
        }
    }
    map
}

/// A single value as a one-item list (a list stays as it is): the long form of the keys that
/// take one string or a list of them.
#[must_use]
pub fn as_list(node: Node) -> Node {
    if let Value::Seq(_) = node.value {
        node
    } else {
        let span = node.span;
        Node::seq(vec![node], span)
    }
}

// ---- Command ------------------------------------------------------------------------------

pub use super::command::Command;

/// Splits a string into words the way a POSIX shell does (for `kompose.*` labels; Compose's
/// own `command` splitting is [`super::command::split_command`]), without expansions: blanks separate
/// words, single quotes keep everything literally, double quotes keep everything but let a
/// backslash escape `$`, `` ` ``, `"`, `\` and a newline, and an unquoted backslash escapes
/// any character.
pub fn split_shell_words(text: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a single quote is not closed"),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('\n') => {}
                            Some(c @ ('$' | '`' | '"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("a double quote is not closed"),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a double quote is not closed"),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
                None => return Err("it ends with a lone backslash"),
            },
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml;
    use crate::diag::Diagnostics;
    use crate::source::SourceMap;

    /// Reads `value: <text>` and returns what `T` made of the value, with the diagnostics.
    fn read_value<T>(text: &str, read: impl FnOnce(&Node, &mut Cx) -> T) -> (T, Diagnostics) {
        let mut sources = SourceMap::new();
        let source = format!("value: {text}\n");
        let file = sources.add("t.yaml", None, "/project", source.as_str());
        let mut diagnostics = Diagnostics::new();
        let root = yaml::parse(file, &source, &mut diagnostics).pop().unwrap();
        let node = root.as_map().unwrap().get("value").unwrap().clone();
        let mut cx = Cx::new(&mut diagnostics, &sources);
        let value = read(&node, &mut cx);
        (value, diagnostics)
    }

    fn codes(diagnostics: &Diagnostics) -> Vec<Code> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    fn duration(text: &str) -> Result<u128, &'static str> {
        Duration::parse(text).map(|d| d.0.as_nanos())
    }

    #[test]
    fn durations_accept_go_syntax() {
        assert_eq!(duration("1h2m3s"), Ok(3_723_000_000_000));
        assert_eq!(duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(duration("500ms"), Ok(500_000_000));
        assert_eq!(duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(duration("10us"), Ok(10_000));
        assert_eq!(duration("10µs"), Ok(10_000));
        assert_eq!(duration(".5m"), Ok(30_000_000_000));
        assert_eq!(duration("0"), Ok(0));
    }

    #[test]
    fn durations_without_unit_or_negative_are_rejected() {
        assert!(duration("10").is_err());
        assert!(duration("-1s").is_err());
        assert!(duration("1x").is_err());
        assert!(duration("").is_err());
        assert!(duration("s").is_err());
    }

    #[test]
    fn invalid_duration_is_reported_with_a_help() {
        let (value, diags) = read_value("10 seconds", Duration::from_node);
        assert_eq!(value, None);
        assert_eq!(codes(&diags), [Code::InvalidDuration]);
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .help
                .as_deref()
                .unwrap()
                .contains("`10s`")
        );
    }

    #[test]
    fn durations_print_the_go_way() {
        let print = |text: &str| Duration::parse(text).unwrap().to_string();
        assert_eq!(print("90s"), "1m30s");
        assert_eq!(print("3723s"), "1h2m3s");
        assert_eq!(print("1h"), "1h0m0s");
        assert_eq!(print("1.5s"), "1.5s");
        assert_eq!(print("500ms"), "500ms");
        assert_eq!(print("10us"), "10us");
        assert_eq!(print("0"), "0s");
        for text in ["1m30s", "1.25ms", "2h0m0.5s", "999ns"] {
            assert_eq!(Duration::parse(&print(text)), Duration::parse(text));
        }
    }

    #[test]
    fn byte_sizes_follow_docker_ram_in_bytes() {
        let size = |text: &str| ByteSize::parse(text).map(|b| b.0);
        assert_eq!(size("2048"), Ok(2048));
        assert_eq!(size("100k"), Ok(102_400));
        assert_eq!(size("512m"), Ok(512 * 1024 * 1024));
        assert_eq!(size("1g"), Ok(1 << 30));
        assert_eq!(size("1gb"), Ok(1 << 30));
        assert_eq!(size("1GiB"), Ok(1 << 30));
        assert_eq!(size("1 MB"), Ok(1 << 20));
        assert_eq!(size("1.5g"), Ok(1_610_612_736));
        assert!(size("-1").is_err());
        assert!(size("1x").is_err());
        assert!(size("g").is_err());
        assert!(size("1.2.3m").is_err());
    }

    #[test]
    fn invalid_byte_size_is_reported() {
        let (_, diags) = read_value("lots", ByteSize::from_node);
        assert_eq!(codes(&diags), [Code::InvalidByteSize]);
    }

    #[test]
    fn swap_limit_accepts_minus_one_as_unlimited() {
        let (value, diags) = read_value("-1", SwapLimit::from_node);
        assert!(diags.is_empty());
        assert_eq!(value, Some(SwapLimit::Unlimited));
        let (value, _) = read_value("1g", SwapLimit::from_node);
        assert_eq!(value, Some(SwapLimit::Bytes(ByteSize(1 << 30))));
    }

    #[test]
    fn file_modes_with_a_leading_zero_are_octal() {
        assert_eq!(FileMode::parse("0440"), Some(FileMode(0o440)));
        assert_eq!(FileMode::parse("0o440"), Some(FileMode(0o440)));
        assert_eq!(FileMode::parse("288"), Some(FileMode(0o440)));
        assert_eq!(FileMode::parse("0"), Some(FileMode(0)));
        assert_eq!(FileMode::parse("0890"), None);
        assert_eq!(FileMode::parse("rw"), None);
        let (value, _) = read_value("\"0440\"", FileMode::from_node);
        assert_eq!(value, Some(FileMode(0o440)));
        let (value, diagnostics) = read_value("\"644\"", FileMode::from_node);
        assert_eq!(value, Some(FileMode(0o644)));
        assert!(diagnostics.is_empty());
        assert_eq!(FileMode(0o440).to_string(), "0440");
    }

    #[test]
    fn a_decimal_file_mode_warns_and_says_the_octal_meaning() {
        let (value, diagnostics) = read_value("644", FileMode::from_node);
        assert_eq!(value, Some(FileMode(644)));
        let warning = diagnostics.iter().next().unwrap();
        assert_eq!(warning.code, Code::DecimalFileMode);
        assert!(warning.message.contains("01204"), "{}", warning.message);
        assert!(
            warning.message.contains("converts it as 0644"),
            "{}",
            warning.message
        );
        assert_eq!(FileMode(644).digits_as_octal(), Some(FileMode(0o644)));
        assert_eq!(FileMode(999).digits_as_octal(), None);
        let (_, diagnostics) = read_value("420", FileMode::from_node);
        assert!(
            !diagnostics
                .iter()
                .next()
                .unwrap()
                .message
                .contains("converts")
        );
        let (_, diagnostics) = read_value("0644", FileMode::from_node);
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn string_or_list_reads_one_string_as_a_list() {
        let (value, diags) = read_value("8.8.8.8", StringOrList::read);
        assert!(diags.is_empty());
        assert_eq!(value.len(), 1);
        let (value, _) = read_value("[a, b]", StringOrList::read);
        assert_eq!(value.len(), 2);
    }

    #[test]
    fn mapping_list_form_splits_at_the_first_equals_sign() {
        let (value, diags) = read_value("[A=1, B=x=y, C, D=]", read_mapping);
        assert!(diags.is_empty());
        let get = |k: &str| value.get(k).unwrap().as_ref().map(|v| v.value.clone());
        assert_eq!(get("A").as_deref(), Some("1"));
        assert_eq!(get("B").as_deref(), Some("x=y"));
        assert_eq!(get("C"), None);
        assert_eq!(get("D").as_deref(), Some(""));
    }

    #[test]
    fn mapping_map_form_keeps_scalars_as_text_and_null_as_no_value() {
        let (value, diags) = read_value("{A: 1, B: true, C: , D: \"\"}", read_mapping);
        assert!(diags.is_empty());
        let keys: Vec<&str> = value.keys().map(Spanned::as_str).collect();
        assert_eq!(keys, ["A", "B", "C", "D"]);
        assert_eq!(value["B"].as_ref().unwrap().as_str(), "true");
        assert_eq!(value["C"], None);
        assert_eq!(value["D"].as_ref().unwrap().as_str(), "");
    }

    #[test]
    fn mapping_rejects_nested_values_and_nameless_items() {
        let (_, diags) = read_value("{A: [1]}", read_mapping);
        assert_eq!(codes(&diags), [Code::InvalidType]);
        let (_, diags) = read_value("[=x]", read_mapping);
        assert_eq!(codes(&diags), [Code::InvalidValue]);
    }

    #[test]
    fn mapping_list_keys_point_at_the_key_text() {
        let mut sources = SourceMap::new();
        let text = "value: [\"AB=1\"]\n";
        let file = sources.add("t.yaml", None, "/p", text);
        let mut diagnostics = Diagnostics::new();
        let root = yaml::parse(file, text, &mut diagnostics).pop().unwrap();
        let node = root.as_map().unwrap().get("value").unwrap();
        let mut cx = Cx::new(&mut diagnostics, &sources);
        let mapping = read_mapping(node, &mut cx);
        let (key, value) = mapping.first().unwrap();
        assert_eq!(sources.text(key.span), Some("AB"));
        assert_eq!(sources.text(value.as_ref().unwrap().span), Some("1"));
    }

    #[test]
    fn command_strings_split_like_a_shell() {
        assert_eq!(
            split_shell_words(r#"sh -c 'echo "hi there"' "a\"b" c\ d"#).unwrap(),
            ["sh", "-c", "echo \"hi there\"", "a\"b", "c d"]
        );
        assert_eq!(split_shell_words("a '' b").unwrap(), ["a", "", "b"]);
        assert_eq!(split_shell_words(r#""a\nb""#).unwrap(), [r"a\nb"]);
        assert!(split_shell_words("").unwrap().is_empty());
    }

    #[test]
    fn paths_resolve_against_the_file_directory() {
        let (value, diags) = read_value("./data", PathBuf::from_node);
        assert!(diags.is_empty());
        assert_eq!(value, Some(PathBuf::from("/project/data")));
    }

    #[test]
    fn microseconds_accept_numbers_and_durations() {
        let (value, _) = read_value("400", Microseconds::from_node);
        assert_eq!(value, Some(Microseconds(400)));
        let (value, _) = read_value("1ms", Microseconds::from_node);
        assert_eq!(value, Some(Microseconds(1000)));
    }

    crate::string_enum! {
        /// A test enum.
        pub enum Colour in "a colour" {
            Red = "red",
            Green = "green",
        }
    }

    #[test]
    fn string_enums_suggest_the_nearest_word() {
        let (value, diags) = read_value("gren", Colour::from_node);
        assert_eq!(value, None);
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::InvalidValue);
        assert_eq!(d.help.as_deref(), Some("did you mean `green`?"));
    }
}
