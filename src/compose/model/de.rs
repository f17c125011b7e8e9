//! Reading typed values out of the YAML tree.
//!
//! Serde stops at the first error; a Compose user wants every mistake of a file at once, each
//! with its line and column. So the model is read by [`FromNode`] implementations that report
//! into a [`Cx`] and carry on. Mappings of the Compose Specification are declared with
//! [`compose_struct!`], which also rejects unknown keys with a "did you mean" suggestion, keeps
//! `x-*` extensions, and writes the struct back out for `compose2kube config`.

use std::path::{Path, PathBuf};

use crate::hash::{BuildHasher, IndexMap};

use crate::compose::yaml::{Map, Node, Value, is_null_text, is_yaml12_bool};
use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::source::{SourceMap, Span, Spanned};

/// What reading the model needs: where to report problems and where relative paths start.
pub struct Cx<'a> {
    pub diagnostics: &'a mut Diagnostics,
    pub sources: &'a SourceMap,
}

impl<'a> Cx<'a> {
    pub fn new(diagnostics: &'a mut Diagnostics, sources: &'a SourceMap) -> Self {
        Self {
            diagnostics,
            sources,
        }
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports a value of the wrong kind.
    pub fn invalid_type(&mut self, node: &Node, expected: &str) {
        self.report(
            Diagnostic::error(
                Code::InvalidType,
                format!("expected {expected}, found {}", node.kind_name()),
            )
            .at(node.span)
            .label(format!("expected {expected}"))
            .help(format!("write {expected} here")),
        );
    }

    /// Reports a value that has the right kind but is not allowed.
    pub fn invalid_value(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.report(
            Diagnostic::error(Code::InvalidValue, message)
                .at(span)
                .help(help),
        );
    }

    pub fn expect_map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n Map> {
        if let Value::Map(map) = &node.value {
            Some(map)
        } else {
            self.invalid_type(node, &format!("a mapping ({what})"));
            None
        }
    }

    /// Resolves a path written in the file `span` belongs to: `~` is the home directory,
    /// relative paths start at the file's base directory (the project directory for the main
    /// files, the file's own directory for `extends` and `include`).
    #[must_use]
    pub fn resolve_path(&self, span: Span, path: &str) -> PathBuf {
        resolve_path(self.sources.base_dir(span.file), path)
    }
}

/// See [`Cx::resolve_path`].
#[must_use]
pub fn resolve_path(base: &Path, path: &str) -> PathBuf {
    if (path == "~" || path.starts_with("~/"))
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(path.trim_start_matches('~').trim_start_matches('/'));
    }
    let path = Path::new(path);
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&base.join(path))
    }
}

/// Removes `.` and resolves `..` lexically (without touching the file system).
#[must_use]
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A type that can be read from a YAML node.
pub trait FromNode: Sized {
    /// Whether `null` means something for this type. For other types a `null` value counts
    /// as "not set", as it does in Compose.
    const NULLABLE: bool = false;

    /// Reads the value. On failure the problem is reported into `cx` and `None` returned.
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self>;
}

/// A field of a Compose mapping: how it is read, and whether it is worth writing back.
pub trait Field: Default {
    fn read(node: &Node, cx: &mut Cx) -> Self;
    /// Unset fields are left out of `config` output.
    fn is_unset(&self) -> bool;
}

impl<T: FromNode> Field for Option<T> {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        if node.is_null() && !T::NULLABLE {
            None
        } else {
            T::from_node(node, cx)
        }
    }
    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

/// A value that may be absent: empty when the node is null or cannot be read (the reason is
/// reported by `from_node`).
pub fn read_or_default<T: FromNode + Default>(node: &Node, cx: &mut Cx) -> T {
    if node.is_null() {
        T::default()
    } else {
        T::from_node(node, cx).unwrap_or_default()
    }
}

impl<T: FromNode> Field for Vec<T> {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        read_or_default(node, cx)
    }
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

impl<T: FromNode> Field for IndexMap<Spanned<String>, T> {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        if node.is_null() {
            IndexMap::default()
        } else {
            IndexMap::from_node(node, cx).unwrap_or_default()
        }
    }
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

impl FromNode for Node {
    const NULLABLE: bool = true;
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        Some(node.clone())
    }
}

impl<T: FromNode> FromNode for Spanned<T> {
    const NULLABLE: bool = T::NULLABLE;
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(|value| Spanned::new(value, node.span))
    }
}

impl<T: FromNode> FromNode for Box<T> {
    const NULLABLE: bool = T::NULLABLE;
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(Box::new)
    }
}

impl FromNode for String {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Scalar(s) if !(s.plain && is_null_text(&s.text)) => {
                Some(s.text.as_str().to_owned())
            }
            _ => {
                cx.invalid_type(node, "a string");
                None
            }
        }
    }
}

impl FromNode for bool {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Some(text) = node.as_str() else {
            cx.invalid_type(node, "a boolean");
            return None;
        };
        if is_yaml12_bool(text) {
            return Some(text.eq_ignore_ascii_case("true"));
        }
        let lenient = match text.to_ascii_lowercase().as_str() {
            "yes" | "y" | "on" => Some(true),
            "no" | "n" | "off" => Some(false),
            _ => None,
        };
        if let Some(value) = lenient {
            cx.report(
                Diagnostic::warning(
                    Code::LenientBoolean,
                    format!("`{text}` is read as the boolean `{value}`"),
                )
                .at(node.span)
                .help(format!(
                    "write `{value}`: YAML 1.2 reads `{text}` as a string, Compose accepts it for compatibility"
                )),
            );
        } else {
            cx.report(
                Diagnostic::error(Code::InvalidValue, format!("`{text}` is not a boolean"))
                    .at(node.span)
                    .help("write `true` or `false`"),
            );
        }
        lenient
    }
}

macro_rules! integer_from_node {
    ($($ty:ty),*) => {$(
        impl FromNode for $ty {
            fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
                let Some(text) = node.as_str() else {
                    cx.invalid_type(node, "a number");
                    return None;
                };
                match parse_integer(text.trim()).and_then(|n| <$ty>::try_from(n).ok()) {
                    Some(n) => Some(n),
                    None => {
                        cx.report(
                            Diagnostic::error(Code::InvalidValue, format!("`{text}` is not a whole number in range"))
                                .at(node.span)
                                .help(format!("write a whole number between {} and {}", <$ty>::MIN, <$ty>::MAX)),
                        );
                        None
                    }
                }
            }
        }
    )*};
}

integer_from_node!(u8, u16, u32, u64, i32, i64);

/// Parses decimal, `0x`, `0o` and `0b` integers with an optional sign.
#[must_use]
pub fn parse_integer(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let value = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(octal) = digits.strip_prefix("0o") {
        i128::from_str_radix(octal, 8).ok()?
    } else if let Some(binary) = digits.strip_prefix("0b") {
        i128::from_str_radix(binary, 2).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok()?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

impl FromNode for f64 {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Some(text) = node.as_str() else {
            cx.invalid_type(node, "a number");
            return None;
        };
        match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                cx.report(
                    Diagnostic::error(Code::InvalidValue, format!("`{text}` is not a number"))
                        .at(node.span)
                        .help("write a number such as `0.5` or `2`"),
                );
                None
            }
        }
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Value::Seq(items) = &node.value else {
            cx.invalid_type(node, "a list");
            return None;
        };
        // Sized from the list, not grown: filter_map's size hint is 0, and a model holds
        // thousands of these.
        let mut out = Vec::with_capacity(items.len());
        out.extend(items.iter().filter_map(|item| {
            if item.is_null() && !T::NULLABLE {
                cx.invalid_type(item, "a list item");
                None
            } else {
                T::from_node(item, cx)
            }
        }));
        Some(out)
    }
}

impl<T: FromNode> FromNode for IndexMap<Spanned<String>, T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Value::Map(map) = &node.value else {
            cx.invalid_type(node, "a mapping");
            return None;
        };
        // Sized from the mapping, as lists are.
        let mut out = IndexMap::with_capacity_and_hasher(map.len(), BuildHasher::default());
        out.extend(map.iter().filter_map(|(key, entry)| {
            let value = if entry.value.is_null() && !T::NULLABLE {
                cx.invalid_type(&entry.value, "a value");
                None
            } else {
                T::from_node(&entry.value, cx)
            }?;
            Some((Spanned::new(key.as_str().to_owned(), entry.key_span), value))
        }));
        Some(out)
    }
}

/// Where each key of a mapping was written, for diagnostics that point at a key.
///
/// Every mapping of the model has one, so an entry is the key's place in the mapping's
/// `KEYS` and its span (16 bytes, where a name and a span take 32), in a list sized from the
/// mapping rather than grown, and `KEYS` is reached through one pointer, not a slice's two
/// words.
#[derive(Clone, Debug)]
pub struct KeySpans {
    names: &'static &'static [&'static str],
    spans: Box<[(u8, Span)]>,
}

impl Default for KeySpans {
    fn default() -> Self {
        const NONE: &[&str] = &[];
        Self {
            names: &NONE,
            spans: Box::default(),
        }
    }
}

impl KeySpans {
    /// The keys written, each as its place in `names` and its span.
    #[must_use]
    pub fn new(names: &'static &'static [&'static str], spans: Vec<(u8, Span)>) -> Self {
        Self {
            names,
            spans: spans.into_boxed_slice(),
        }
    }

    /// The span of `key`, if the mapping had it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Span> {
        self.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Span)> + '_ {
        self.spans
            .iter()
            .filter_map(|&(index, span)| Some((*self.names.get(usize::from(index))?, span)))
    }
}

/// The place of `key` in `keys`, for [`KeySpans`]. [`compose_struct!`] evaluates it
/// at compile time, so a key missing from `KEYS`, or a mapping of more than 256 keys, does
/// not compile.
///
/// # Panics
/// When `key` is not in `keys`, or is after its 256th entry.
#[must_use]
#[expect(clippy::panic, reason = "only evaluated at compile time")]
pub const fn key_index(keys: &[&str], key: &str) -> u8 {
    let mut rest = keys;
    let mut index = 0;
    while let [first, tail @ ..] = rest {
        if same_bytes(first.as_bytes(), key.as_bytes()) {
            return index;
        }
        rest = tail;
        index = match index.checked_add(1) {
            Some(next) => next,
            None => panic!("a mapping has at most 256 keys"),
        };
    }
    panic!("not a key of the mapping")
}

const fn same_bytes(mut a: &[u8], mut b: &[u8]) -> bool {
    loop {
        match (a, b) {
            ([], []) => return true,
            ([x, a_rest @ ..], [y, b_rest @ ..]) if *x == *y => {
                a = a_rest;
                b = b_rest;
            }
            _ => return false,
        }
    }
}

/// `x-*` keys: kept (they show in `config` output) and otherwise ignored by design.
///
/// Every mapping of the model has them and almost none writes any, so the map is boxed: an
/// empty one costs a pointer, not a whole `IndexMap`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extensions(Option<Box<IndexMap<String, Node>>>);

impl Extensions {
    pub fn insert(&mut self, key: String, value: Node) {
        self.0.get_or_insert_default().insert(key, value);
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0.as_ref()?.get(key)
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.0.iter().flat_map(|map| map.iter())
    }

    pub fn clear(&mut self) {
        self.0 = None;
    }
}

impl serde::Serialize for Extensions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Reports a key the mapping does not define, suggesting the nearest known key.
pub fn unknown_key(cx: &mut Cx, key: &str, span: Span, context: &str, known: &[&str]) {
    let help = suggest(key, known.iter().copied(), || {
        format!(
            "the keys allowed in {context} are: {}; custom keys must start with `x-`",
            known.join(", ")
        )
    });
    cx.report(
        Diagnostic::error(
            Code::UnknownKey,
            format!("unknown key `{key}` in {context}"),
        )
        .at(span)
        .label("not defined by the Compose Specification here")
        .help(help),
    );
}

pub fn missing_key(cx: &mut Cx, key: &str, span: Span, context: &str) {
    cx.report(
        Diagnostic::error(Code::MissingKey, format!("{context} needs the key `{key}`"))
            .at(span)
            .help(format!("add `{key}:`")),
    );
}

/// Declares a Compose mapping type: the struct, how it is read (unknown keys rejected,
/// `x-*` kept, `required` keys checked), equality that ignores spans, and serialization.
///
/// ```ignore
/// compose_struct! {
///     /// A service healthcheck.
///     pub struct Healthcheck in "a healthcheck" {
///         "test" => test: Option<Spanned<HealthTest>>,
///         "interval" => [rare] interval: Option<Spanned<Duration>>,
///     }
///     required ["test"]
///     rare: HealthcheckRare
/// }
/// ```
///
/// Put `@map_only` before `pub struct` to get only `read_map` (for types that also have a
/// short syntax and implement `FromNode` by hand).
///
/// Keys marked `[rare]` are the ones few files write: they live in a struct of their own
/// (named after `rare:`), boxed in the field `rare`, which stays `None` until one of them is
/// written. A mapping with many such keys then costs a pointer for all of them; they are
/// read through `rare()`, which gives their defaults when none is written.
#[macro_export]
macro_rules! compose_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $context:literal {
            $( $(#[$fmeta:meta])* $key:literal => $([$rare:ident])? $field:ident : $ty:ty, )*
        }
        $(required [$($required:literal),* $(,)?])?
        $(rare: $Rare:ident)?
    ) => {
        $crate::compose_struct! {
            @map_only
            $(#[$meta])*
            pub struct $name in $context {
                $( $(#[$fmeta])* $key => $([$rare])? $field : $ty, )*
            }
            $(required [$($required),*])?
            $(rare: $Rare)?
        }

        impl $crate::compose::model::de::FromNode for $name {
            fn from_node(
                node: &$crate::compose::yaml::Node,
                cx: &mut $crate::compose::model::de::Cx,
            ) -> Option<Self> {
                let map = cx.expect_map(node, $context)?;
                Some(Self::read_map(node, map, cx))
            }
        }
    };
    (
        @map_only
        $(#[$meta:meta])*
        pub struct $name:ident in $context:literal {
            $( $(#[$fmeta:meta])* $key:literal => $([$rare:ident])? $field:ident : $ty:ty, )*
        }
        $(required [$($required:literal),* $(,)?])?
        $(rare: $Rare:ident)?
    ) => {
        $crate::compose_struct! {
            @struct [$(#[$meta])* $name $(, $Rare)?] {} {}
            $( $(#[$fmeta])* $key => $([$rare])? $field : $ty, )*
        }

        impl $name {
            /// Every key this mapping accepts.
            pub const KEYS: &'static [&'static str] = &[$($key),*];

            $(
                /// The keys few files write, with their defaults when none is written.
                #[must_use]
                pub fn rare(&self) -> &$Rare {
                    static UNSET: std::sync::LazyLock<$Rare> =
                        std::sync::LazyLock::new(<$Rare>::default);
                    self.rare.as_deref().unwrap_or(&UNSET)
                }
            )?

            /// Reads the mapping, reporting unknown and missing keys.
            pub fn read_map(
                node: &$crate::compose::yaml::Node,
                map: &$crate::compose::yaml::Map,
                cx: &mut $crate::compose::model::de::Cx,
            ) -> Self {
                use $crate::compose::model::de::Field as _;
                let mut out = Self { span: Some(node.span), ..Self::default() };
                let mut keys = Vec::with_capacity(map.len());
                for (key, entry) in map.iter() {
                    match key.as_str() {
                        $( $key => {
                            keys.push((
                                const { $crate::compose::model::de::key_index(Self::KEYS, $key) },
                                entry.key_span,
                            ));
                            let value = <$ty>::read(&entry.value, cx);
                            $crate::compose_struct!(@store out, value, $([$rare])? $field);
                        } )*
                        other if other.starts_with("x-") => {
                            out.extensions.insert(other.to_string(), entry.value.clone());
                        }
                        other => $crate::compose::model::de::unknown_key(
                            cx, other, entry.key_span, $context, Self::KEYS,
                        ),
                    }
                }
                out.keys = $crate::compose::model::de::KeySpans::new(&Self::KEYS, keys);
                $($(
                    if !map.contains_key($required) {
                        $crate::compose::model::de::missing_key(cx, $required, node.span, $context);
                    }
                )*)?
                out
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                true $(&& $crate::compose_struct!(@get self, $([$rare])? $field)
                    == $crate::compose_struct!(@get other, $([$rare])? $field))*
                    && self.extensions == other.extensions
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                use $crate::compose::model::de::Field as _;
                let mut map = serializer.serialize_map(None)?;
                $(
                    let value = $crate::compose_struct!(@get self, $([$rare])? $field);
                    if !value.is_unset() {
                        map.serialize_entry($key, value)?;
                    }
                )*
                for (key, value) in self.extensions.iter() {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    };
    // Sorts the fields into the struct and its boxed `rare` part, one field at a time.
    (
        @struct $head:tt { $($own:tt)* } { $($rare:tt)* }
        $(#[$fmeta:meta])* $key:literal => [rare] $field:ident : $ty:ty, $($rest:tt)*
    ) => {
        $crate::compose_struct! {
            @struct $head { $($own)* } { $($rare)* $(#[$fmeta])* pub $field: $ty, } $($rest)*
        }
    };
    (
        @struct $head:tt { $($own:tt)* } { $($rare:tt)* }
        $(#[$fmeta:meta])* $key:literal => $field:ident : $ty:ty, $($rest:tt)*
    ) => {
        $crate::compose_struct! {
            @struct $head { $($own)* $(#[$fmeta])* pub $field: $ty, } { $($rare)* } $($rest)*
        }
    };
    (@struct [$(#[$meta:meta])* $name:ident] { $($own:tt)* } {}) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name {
            $($own)*
            /// The whole mapping.
            pub span: Option<$crate::source::Span>,
            /// Where each key was written.
            pub keys: $crate::compose::model::de::KeySpans,
            /// `x-*` keys, kept and ignored.
            pub extensions: $crate::compose::model::de::Extensions,
        }
    };
    (@struct [$(#[$meta:meta])* $name:ident, $Rare:ident] { $($own:tt)* } { $($rare:tt)* }) => {
        $crate::compose_struct! { @struct [$(#[$meta])* $name] {
            $($own)*
            /// The keys few files write; `None` until one of them is written.
            pub rare: Option<Box<$Rare>>,
        } {} }

        #[doc = concat!("The keys of [`", stringify!($name), "`] few files write.")]
        #[derive(Clone, Debug, Default)]
        pub struct $Rare {
            $($rare)*
        }
    };
    // A value read for a key: a `rare` one is stored only when written, so that the box is
    // made only then.
    (@store $out:ident, $value:ident, $field:ident) => {
        $out.$field = $value;
    };
    (@store $out:ident, $value:ident, [rare] $field:ident) => {
        if !$value.is_unset() {
            $out.rare.get_or_insert_default().$field = $value;
        }
    };
    (@get $this:ident, $field:ident) => {
        &$this.$field
    };
    (@get $this:ident, [rare] $field:ident) => {
        &$this.rare().$field
    };
}

/// Two YAML trees with the same content (spans and tags ignored).
impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        match (&self.value, &other.value) {
            (Value::Scalar(x), Value::Scalar(y)) => {
                x.text == y.text || (self.is_null() && other.is_null())
            }
            (Value::Seq(x), Value::Seq(y)) => x == y,
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, e)| y.get(k).is_some_and(|v| e.value == *v))
            }
            _ => false,
        }
    }
}

impl serde::Serialize for Node {
    /// Plain scalars keep their YAML 1.2 type (numbers, booleans, null); quoted ones are
    /// strings.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap as _, SerializeSeq as _};
        match &self.value {
            Value::Scalar(s) if s.plain && is_null_text(&s.text) => serializer.serialize_unit(),
            Value::Scalar(s) if s.plain && is_yaml12_bool(&s.text) => {
                serializer.serialize_bool(s.text.eq_ignore_ascii_case("true"))
            }
            Value::Scalar(s) if s.plain => match s.text.parse::<i64>() {
                Ok(n) => serializer.serialize_i64(n),
                Err(_) => match s.text.parse::<f64>() {
                    Ok(f) if f.is_finite() && !s.text.contains(['x', 'o', '_']) => {
                        serializer.serialize_f64(f)
                    }
                    _ => serializer.serialize_str(&s.text),
                },
            },
            Value::Scalar(s) => serializer.serialize_str(&s.text),
            Value::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for (key, entry) in map.iter() {
                    out.serialize_entry(key.as_str(), &entry.value)?;
                }
                out.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml;
    use crate::source::SourceMap;

    crate::compose_struct! {
        /// A test mapping.
        pub struct Sample in "a sample" {
            "name" => name: Option<Spanned<String>>,
            "count" => count: Option<u32>,
            "enabled" => enabled: Option<bool>,
            "items" => items: Vec<Spanned<String>>,
        }
        required ["name"]
    }

    fn read(text: &str) -> (Option<Sample>, Diagnostics) {
        let mut sources = SourceMap::new();
        let file = sources.add("t.yaml", None, ".", text);
        let mut diagnostics = Diagnostics::new();
        let node = yaml::parse(file, text, &mut diagnostics).pop().unwrap();
        let mut cx = Cx::new(&mut diagnostics, &sources);
        let sample = Sample::from_node(&node, &mut cx);
        (sample, diagnostics)
    }

    #[test]
    fn reads_every_declared_key() {
        let (sample, diags) = read("name: a\ncount: 3\nenabled: true\nitems: [x, y]\nx-extra: 1\n");
        assert!(diags.is_empty(), "{diags:?}");
        let sample = sample.unwrap();
        assert!(sample.span.is_some());
        assert_eq!(sample.name.unwrap().as_str(), "a");
        assert_eq!(sample.count, Some(3));
        assert_eq!(sample.enabled, Some(true));
        assert_eq!(sample.items.len(), 2);
        assert!(sample.extensions.contains_key("x-extra"));
    }

    #[test]
    fn all_problems_of_a_mapping_are_reported_together() {
        let (_, diags) = read("nmae: a\ncount: many\nenabled: maybe\n");
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::UnknownKey,
                Code::InvalidValue,
                Code::InvalidValue,
                Code::MissingKey
            ]
        );
        assert_eq!(
            diags.iter().next().unwrap().help.as_deref(),
            Some("did you mean `name`?")
        );
    }

    #[test]
    fn yaml_1_1_booleans_are_accepted_with_a_warning() {
        let (sample, diags) = read("name: a\nenabled: yes\n");
        assert_eq!(sample.unwrap().enabled, Some(true));
        let d = diags.iter().next().unwrap();
        assert_eq!(
            (d.code, d.severity),
            (Code::LenientBoolean, crate::diag::Severity::Warning)
        );
    }

    #[test]
    fn relative_paths_resolve_against_the_base_and_normalize() {
        assert_eq!(
            resolve_path(Path::new("/p/app"), "./data/../conf"),
            PathBuf::from("/p/app/conf")
        );
        assert_eq!(
            resolve_path(Path::new("/p"), "/abs/x"),
            PathBuf::from("/abs/x")
        );
    }

    #[test]
    fn integers_accept_other_bases_and_reject_fractions() {
        assert_eq!(parse_integer("0o755"), Some(0o755));
        assert_eq!(parse_integer("-12"), Some(-12));
        assert_eq!(parse_integer("1.5"), None);
    }
}
