//! The writer against serde-saphyr, the reference it replaced: random strings full of what
//! YAML treats specially, in random trees of every serde shape, at several indentations.

use proptest::prelude::*;
use serde::ser::{
    SerializeMap, SerializeStruct, SerializeStructVariant, SerializeTuple, SerializeTupleVariant,
};
use serde::{Serialize, Serializer};

use super::reference::reference;

fn ours<T: Serialize>(value: &T, indent: usize) -> String {
    let mut out = String::new();
    super::write(&mut out, value, indent).unwrap();
    out
}

/// Whole strings a reader could take for something else, or that hold an indicator.
const TRICKY: &[&str] = &[
    "",
    " ",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "yes",
    "Yes",
    "no",
    "NO",
    "y",
    "Y",
    "n",
    "N",
    "true",
    "False",
    "TRUE",
    "null",
    "Null",
    "NULL",
    "~",
    "0",
    "012",
    "-19",
    "+12",
    "0x1F",
    "0X1f",
    "0o17",
    "0b101",
    "+0b1_0",
    "0b",
    "0x_",
    "1_000",
    "_1",
    "1__0",
    "1e3",
    "1E+3",
    "12e",
    ".5",
    "5.",
    "1.2.3",
    ".inf",
    "-.Inf",
    "+.INF",
    ".nan",
    ".NaN",
    "nan",
    "inf",
    "+inf",
    "-inf",
    "1:30",
    "1:60",
    "01:30",
    "190:20:30.15",
    "2001-12-14",
    "2001-1-4",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14T21:59:43Z",
    "<<",
    "=",
    "-",
    "?",
    ":",
    "!",
    "&",
    "*",
    "#",
    "|",
    ">",
    "%",
    "@",
    "`",
    "'",
    "\"",
    ",",
    "[",
    "]",
    "{",
    "}",
    ".",
    "---",
    "...",
    "--- x",
    "...x",
    "---x",
    "a: b",
    "a:",
    "a:b",
    "a: ",
    "a #b",
    "a#b",
    "#a",
    "-a",
    "- a",
    "-\ta",
    "? a",
    "?a",
    "!tag",
    "&a",
    "*a",
    "|x",
    ">x",
    "%x",
    "@x",
    "`x",
    "'x",
    "\"x",
    "x'",
    "\t",
    "\n",
    "\n\n",
    "x\n",
    "x\n\n",
    " x\n",
    "\n x",
    "x\ny",
    "x\r\ny",
    "\r",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{FEFF}",
    "\u{FFFE}",
    "\u{FFFF}",
    "\0",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{9f}",
    "\u{a0}",
    "é",
    "字",
    "🦀",
    "\\",
    "x\\y",
    "http://x:80/a?b#c",
    "nginx:1.25-alpine",
    "a b",
    "a  b",
    "a ",
    " a",
    "trailing\t",
    "sh -c 'echo $HOME'",
    "${VAR:-default}",
    "$$",
    "100m",
    "512Mi",
    "1.5Gi",
];

/// Pieces that strings are made of.
const PIECES: &[&str] = &[
    " ", "  ", "\t", "\n", "\n\n", "\r", ": ", ":", " #", "#", "-", "- ", "?", "'", "\"", "\\",
    ",", "[", "{", "x", "ab", "1", "0", ".", "_", "e", "on", "no", "null", "é", "字", "🦀",
    "\u{85}", "\u{FEFF}", "\u{1}", "---", "...",
];

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(TRICKY).prop_map(str::to_owned),
        4 => prop::collection::vec(
            prop_oneof![
                prop::sample::select(PIECES).prop_map(str::to_owned),
                "[a-z0-9]{1,4}",
            ],
            0..8,
        )
        .prop_map(|pieces| pieces.concat()),
        1 => "[ -~]{0,12}",
        1 => any::<String>(),
    ]
}

/// Field and variant names: serde gives them as `&'static str`.
const NAMES: &[&str] = &[
    "a",
    "name",
    "apiVersion",
    "on",
    "y",
    "No",
    "null",
    "12",
    "1e3",
    "",
    " x",
    "x ",
    "key with space",
    "a:b",
    "a: b",
    "x,y",
    "[k]",
    "{k}",
    "k#",
    "a #b",
    "-",
    "-k",
    "é",
    "\n",
    "x\ny",
];

fn name() -> prop::sample::Select<&'static str> {
    prop::sample::select(NAMES)
}

/// A serde value of any shape, with `Map`s of known or unknown length (serde gives
/// `serialize_map` no length for a `#[serde(flatten)]`).
#[derive(Clone, Debug)]
enum Node {
    Unit,
    None,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Char(char),
    Str(String),
    Some(Box<Node>),
    Newtype(Box<Node>),
    Seq(Vec<Node>),
    Tuple(Vec<Node>),
    Map(Vec<(Key, Node)>, bool),
    Struct(Vec<(&'static str, Node)>),
    UnitVariant(&'static str),
    NewtypeVariant(&'static str, Box<Node>),
    TupleVariant(&'static str, Vec<Node>),
    StructVariant(&'static str, Vec<(&'static str, Node)>),
}

#[derive(Clone, Debug)]
enum Key {
    Str(String),
    Int(i64),
    Bool(bool),
    None,
    Char(char),
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Key::Str(s) => serializer.serialize_str(s),
            Key::Int(i) => serializer.serialize_i64(*i),
            Key::Bool(b) => serializer.serialize_bool(*b),
            Key::None => serializer.serialize_none(),
            Key::Char(c) => serializer.serialize_char(*c),
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Unit => serializer.serialize_unit(),
            Node::None => serializer.serialize_none(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Int(i) => serializer.serialize_i64(*i),
            Node::UInt(u) => serializer.serialize_u64(*u),
            Node::Float(f) => serializer.serialize_f64(*f),
            Node::Char(c) => serializer.serialize_char(*c),
            Node::Str(s) => serializer.serialize_str(s),
            Node::Some(inner) => serializer.serialize_some(inner),
            Node::Newtype(inner) => serializer.serialize_newtype_struct("Newtype", inner),
            Node::Seq(items) => serializer.collect_seq(items),
            Node::Tuple(items) => {
                let mut tuple = serializer.serialize_tuple(items.len())?;
                for item in items {
                    tuple.serialize_element(item)?;
                }
                tuple.end()
            }
            Node::Map(entries, known_len) => {
                let mut map = serializer.serialize_map(known_len.then_some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Node::Struct(fields) => {
                let mut map = serializer.serialize_struct("Struct", fields.len())?;
                for (key, value) in fields {
                    map.serialize_field(key, value)?;
                }
                map.end()
            }
            Node::UnitVariant(variant) => serializer.serialize_unit_variant("E", 0, variant),
            Node::NewtypeVariant(variant, inner) => {
                serializer.serialize_newtype_variant("E", 0, variant, inner)
            }
            Node::TupleVariant(variant, items) => {
                let mut tuple = serializer.serialize_tuple_variant("E", 0, variant, items.len())?;
                for item in items {
                    tuple.serialize_field(item)?;
                }
                tuple.end()
            }
            Node::StructVariant(variant, fields) => {
                let mut map = serializer.serialize_struct_variant("E", 0, variant, fields.len())?;
                for (key, value) in fields {
                    map.serialize_field(key, value)?;
                }
                map.end()
            }
        }
    }
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        6 => string().prop_map(Key::Str),
        1 => any::<i64>().prop_map(Key::Int),
        1 => any::<bool>().prop_map(Key::Bool),
        1 => Just(Key::None),
        1 => any::<char>().prop_map(Key::Char),
        // Over 1024 characters a key is explicit (`? key`); bytes do not count, characters do.
        1 => prop::sample::select(vec!["k".repeat(1025), "é".repeat(1000), "é".repeat(1025)])
            .prop_map(Key::Str),
    ]
}

fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        1 => Just(Node::Unit),
        1 => Just(Node::None),
        1 => any::<bool>().prop_map(Node::Bool),
        1 => any::<i64>().prop_map(Node::Int),
        1 => any::<u64>().prop_map(Node::UInt),
        1 => prop_oneof![any::<f64>(), Just(0.5), Just(1e20), Just(4e-6), Just(f64::NAN)]
            .prop_map(Node::Float),
        1 => any::<char>().prop_map(Node::Char),
        12 => string().prop_map(Node::Str),
        1 => name().prop_map(Node::UnitVariant),
    ]
}

fn node() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(5, 48, 5, |inner| {
        let items = prop::collection::vec(inner.clone(), 0..5);
        let fields = prop::collection::vec((name(), inner.clone()), 0..5);
        prop_oneof![
            1 => inner.clone().prop_map(|n| Node::Some(Box::new(n))),
            1 => inner.clone().prop_map(|n| Node::Newtype(Box::new(n))),
            4 => items.clone().prop_map(Node::Seq),
            1 => items.clone().prop_map(Node::Tuple),
            4 => (prop::collection::vec((key(), inner.clone()), 0..5), any::<bool>())
                .prop_map(|(entries, known_len)| Node::Map(entries, known_len)),
            4 => fields.clone().prop_map(Node::Struct),
            1 => (name(), inner).prop_map(|(v, n)| Node::NewtypeVariant(v, Box::new(n))),
            1 => (name(), items).prop_map(|(v, items)| Node::TupleVariant(v, items)),
            1 => (name(), fields).prop_map(|(v, fields)| Node::StructVariant(v, fields)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn strings_are_written_as_serde_saphyr_writes_them(s in string(), indent in 1..=10usize) {
        prop_assert_eq!(ours(&s, indent), reference(&s, indent));
        let in_map = [(s.clone(), s.clone())];
        let in_map: indexmap::IndexMap<_, _> = in_map.into_iter().collect();
        prop_assert_eq!(ours(&in_map, indent), reference(&in_map, indent));
        let in_seq = [&s, &s];
        prop_assert_eq!(ours(&in_seq, indent), reference(&in_seq, indent));
    }

    #[test]
    fn values_of_every_shape_are_written_as_serde_saphyr_writes_them(
        value in node(),
        indent in prop::sample::select(vec![1, 2, 2, 2, 3, 4, 8, 10, 64]),
    ) {
        prop_assert_eq!(ours(&value, indent), reference(&value, indent));
    }
}

#[test]
fn an_indentation_outside_1_to_64_is_an_error() {
    for indent in [0, 65] {
        assert!(super::write(&mut String::new(), &1, indent).is_err());
    }
}

#[test]
fn a_mapping_key_must_be_a_scalar() {
    let map = [(vec![1], 1)]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>();
    let error = super::write(&mut String::new(), &map, 2).unwrap_err();
    assert_eq!(error.to_string(), "a YAML mapping key must be a scalar");
}
