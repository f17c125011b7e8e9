//! How a string is written: plain, double-quoted, or as a literal block.
//!
//! These are serde-saphyr 2.1's rules (`ser/quoting.rs`, MIT OR Apache-2.0), with its
//! options as compose2kube sets them (YAML 1.1 compatibility on, block style, no quoting of
//! everything), so that readers of either YAML version — `kubectl`, Helm, `docker compose` —
//! read back the same string. Each check starts with a fast test that accepts the common
//! case (a name, an image, a label) without running the full rules.

use std::fmt::Write as _;

/// Whether `s` may be written as a plain scalar in value position of a block collection.
pub(super) fn is_plain_value(s: &str) -> bool {
    // A plain value may hold `:`, but may not end with it.
    match value_shape(s) {
        Some(Start::Word) => !is_yaml_word(s) && !s.ends_with(':'),
        // No white space at the ends, no `: `, ` #` or control character: what is left of
        // the full rules is how it starts and whether a reader would type it.
        Some(Start::Other) => {
            !starts_with_indicator(s.as_bytes())
                && !starts_with_document_marker(s)
                && !s.ends_with(':')
                && !is_ambiguous(s, false)
        }
        None => is_plain_value_safe(s, false, false),
    }
}

/// Whether `s` may be written as a plain mapping key (serde-saphyr keeps keys safe in flow
/// collections too, so `,`, brackets and braces are quoted as well).
#[inline]
pub(super) fn is_plain_key(s: &str) -> bool {
    match key_shape(s) {
        Some(Start::Word) => !is_yaml_word(s),
        _ => is_plain_safe(s) && is_plain_value_safe(s, false, true),
    }
}

/// How a string of the fast path starts.
enum Start {
    /// With a letter or `/`: no indicator, number, date or YAML 1.1 word starts so, but a
    /// YAML word (`on`, `null`) may be the whole string.
    Word,
    Other,
}

/// The fast path for values: whether `s` is printable ASCII with no space at its ends, no
/// `: ` and no ` #` — so neither a comment, nor a mapping indicator, nor lossy white space,
/// nor a character that needs escaping — and how it starts. `None` for every other string.
#[inline]
fn value_shape(s: &str) -> Option<Start> {
    let bytes = s.as_bytes();
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    // No early exit: this loop is vectorized.
    let (mut unprintable, mut spaces) = (false, false);
    for &byte in bytes {
        unprintable |= !(b' '..=b'~').contains(&byte);
        spaces |= byte == b' ';
    }
    if unprintable || first == b' ' || last == b' ' || (spaces && has_separator(bytes)) {
        return None;
    }
    Some(start_of(first))
}

/// Whether `: ` or ` #` occurs in `bytes`.
fn has_separator(bytes: &[u8]) -> bool {
    // No early exit: this loop is vectorized.
    let mut found = false;
    for (&a, &b) in bytes.iter().zip(bytes.get(1..).unwrap_or_default()) {
        found |= a == b':' && b == b' ';
        found |= a == b' ' && b == b'#';
    }
    found
}

/// The fast path for keys: whether `s` is printable ASCII without space, `:`, `,`, brackets
/// or braces (characters of flow collections), and how it starts.
#[inline]
fn key_shape(s: &str) -> Option<Start> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    // No early exit: keys are short, and a loop without branches is faster.
    let plain = bytes
        .iter()
        .fold(PLAIN_KEY, |plain, &b| plain & class_of(b));
    (plain != 0).then(|| start_of(first))
}

#[inline]
fn start_of(first: u8) -> Start {
    if has_class(first, WORD_START) {
        Start::Word
    } else {
        Start::Other
    }
}

/// Classes of ASCII bytes: `PLAIN_KEY` for the printable ones a plain key may hold (not
/// space, `:`, `,`, brackets or braces), `WORD_START` for letters and `/`, `NUMBER` for the
/// bytes of YAML 1.1 numbers.
const PLAIN_KEY: u8 = 1;
const WORD_START: u8 = 2;
const NUMBER: u8 = 4;

/// The classes of every byte, looked up by the fast paths.
// A `static` cannot call `get_mut` yet; a `u8` index is always in bounds.
#[allow(clippy::indexing_slicing)]
static BYTE_CLASSES: [u8; 256] = {
    let mut classes = [0; 256];
    let mut byte = b'!';
    while byte <= b'~' {
        let plain = match byte {
            b':' | b',' | b'[' | b']' | b'{' | b'}' => 0,
            b'a'..=b'z' | b'A'..=b'Z' | b'/' => PLAIN_KEY | WORD_START,
            _ => PLAIN_KEY,
        };
        let number = match byte {
            b'0'..=b'9'
            | b'a'..=b'f'
            | b'A'..=b'F'
            | b'x'
            | b'X'
            | b'o'
            | b'O'
            | b'i'
            | b'I'
            | b'n'
            | b'N'
            | b'+'
            | b'-'
            | b'.'
            | b'_'
            | b':' => NUMBER,
            _ => 0,
        };
        classes[byte as usize] = plain | number;
        byte += 1;
    }
    classes
};

#[inline]
fn class_of(byte: u8) -> u8 {
    BYTE_CLASSES.get(usize::from(byte)).copied().unwrap_or(0)
}

#[inline]
fn has_class(byte: u8, class: u8) -> bool {
    class_of(byte) & class != 0
}

/// The words that read as null, a boolean or a float in YAML 1.1 or 1.2, in any case.
#[inline]
fn is_yaml_word(s: &str) -> bool {
    if !s.as_bytes().first().is_some_and(|first| {
        matches!(
            first.to_ascii_lowercase(),
            b'f' | b'i' | b'n' | b'o' | b't' | b'y'
        )
    }) {
        return false;
    }
    let words: &[&str] = match s.len() {
        1 => &["y", "n"],
        2 => &["on", "no"],
        3 => &["yes", "off", "nan", "inf"],
        4 => &["null", "true"],
        5 => &["false"],
        _ => return false,
    };
    words.iter().any(|word| s.eq_ignore_ascii_case(word))
}

/// Whether a multi-line string can be a literal block scalar: no carriage return, BOM,
/// NEL/LS/PS separator or other non-printable character.
pub(super) fn is_block_content(s: &str) -> bool {
    s.chars().all(|ch| match ch {
        '\n' | '\t' => true,
        '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => false,
        c => matches!(
            u32::from(c),
            0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x0010_FFFF
        ),
    })
}

/// Appends `s` as a double-quoted scalar, with YAML's escapes.
pub(super) fn push_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (index, ch) in s.char_indices() {
        let named = match ch {
            '\\' => "\\\\",
            '"' => "\\\"",
            '\0' => "\\0",
            '\u{7}' => "\\a",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{b}' => "\\v",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            '\u{1b}' => "\\e",
            '\u{FEFF}' => "\\uFEFF",
            '\u{0085}' => "\\N",
            '\u{2028}' => "\\L",
            '\u{2029}' => "\\P",
            _ if needs_escaping(ch) => "",
            _ => continue,
        };
        out.push_str(s.get(plain_from..index).unwrap_or_default());
        plain_from = index + ch.len_utf8();
        if !named.is_empty() {
            out.push_str(named);
        } else if u32::from(ch) <= 0xFF {
            // Writing to a `String` cannot fail.
            let _ = write!(out, "\\x{:02X}", u32::from(ch));
        } else {
            let _ = write!(out, "\\u{:04X}", u32::from(ch));
        }
    }
    out.push_str(s.get(plain_from..).unwrap_or_default());
    out.push('"');
}

/// Characters that neither a plain nor a single-quoted scalar can hold: control characters,
/// and the BOM, LS/PS separators and non-characters U+FFFE/U+FFFF that `char::is_control`
/// misses.
fn needs_escaping(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

fn contains_any_or_is_control(s: &str, values: &[char]) -> bool {
    s.chars().any(|c| needs_escaping(c) || values.contains(&c))
}

/// Whether a `#` follows white space: there it starts a comment.
fn has_comment_start(s: &str) -> bool {
    s.match_indices('#').any(|(index, _)| {
        s.get(..index)
            .and_then(|before| before.chars().next_back())
            .is_some_and(char::is_whitespace)
    })
}

fn starts_with_document_marker(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("---").or_else(|| s.strip_prefix("...")) else {
        return false;
    };
    rest.as_bytes().first().is_none_or(u8::is_ascii_whitespace)
}

fn has_edge_whitespace(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(u8::is_ascii_whitespace)
        || bytes.last().is_some_and(u8::is_ascii_whitespace)
}

/// Whether a plain scalar cannot start this way: with a YAML indicator, or with `-`/`?`
/// alone or before white space (a sequence entry or an explicit key).
fn starts_with_indicator(bytes: &[u8]) -> bool {
    match bytes {
        [b'-' | b'?', next, ..] => next.is_ascii_whitespace(),
        [b'-' | b'?'] => true,
        [first, ..] => matches!(
            first,
            b',' | b':'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        ),
        [] => false,
    }
}

/// What neither a plain key nor a plain value may be: read as another type (in YAML 1.2 or
/// 1.1), a document marker, white space at an edge, or an indicator first.
fn never_plain(s: &str, yaml_12: bool) -> bool {
    is_ambiguous(s, yaml_12)
        || starts_with_document_marker(s)
        || has_edge_whitespace(s.as_bytes())
        || starts_with_indicator(s.as_bytes())
}

/// serde-saphyr's `is_plain_safe`: the key rules.
fn is_plain_safe(s: &str) -> bool {
    if never_plain(s, true) || s == "<<" {
        return false;
    }
    !contains_any_or_is_control(s, &[':']) && !has_comment_start(s)
}

/// serde-saphyr's `is_plain_value_safe`: the value rules (`in_flow` for keys, which must
/// also be safe in a flow collection).
fn is_plain_value_safe(s: &str, yaml_12: bool, in_flow: bool) -> bool {
    if never_plain(s, yaml_12) {
        return false;
    }
    if s.contains(": ") || s.trim().ends_with(':') {
        return false;
    }
    if in_flow {
        !contains_any_or_is_control(s, &[',', '[', ']', '{', '}']) && !has_comment_start(s)
    } else {
        !contains_any_or_is_control(s, &[]) && !has_comment_start(s)
    }
}

/// Whether a reader's implicit typing could turn `s` into something other than this string
/// (null, a boolean, a number, a date, a merge key) or reject it.
fn is_ambiguous(s: &str, yaml_12: bool) -> bool {
    s.is_empty()
        || s == "~"
        || s.eq_ignore_ascii_case("null")
        || s.eq_ignore_ascii_case("true")
        || s.eq_ignore_ascii_case("false")
        || is_numeric(s, yaml_12)
        || s.eq_ignore_ascii_case("nan")
        || s.eq_ignore_ascii_case("inf")
        || s.eq_ignore_ascii_case("+inf")
        || s.eq_ignore_ascii_case("-inf")
        || (!yaml_12 && (is_yaml11_bool(s) || is_yaml11_timestamp(s) || matches!(s, "<<" | "=")))
}

/// YAML 1.1 booleans, which readers also accept padded with spaces, tabs or line breaks.
fn is_yaml11_bool(s: &str) -> bool {
    let t = s.trim_matches([' ', '\t', '\r', '\n']);
    ["true", "yes", "y", "on", "false", "no", "n", "off"]
        .iter()
        .any(|word| t.eq_ignore_ascii_case(word))
}

/// Number syntax of YAML 1.2 (and, unless `yaml_12`, of YAML 1.1 and Go's readers), checked
/// without building the number: a string that merely overflows must stay quoted too.
fn is_numeric(s: &str, yaml_12: bool) -> bool {
    if !matches!(
        s.as_bytes().first(),
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'_')
    ) {
        return false;
    }
    // Not in serde-saphyr, and changing nothing: every spelling accepted below (digits of
    // any radix, `0b`/`0o`/`0x`, exponents, `.inf`, `.nan`, base 60) is made of these bytes.
    if !s.bytes().all(|b| has_class(b, NUMBER)) {
        return false;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.eq_ignore_ascii_case(".inf") || unsigned.eq_ignore_ascii_case(".nan") {
        return true;
    }
    if !yaml_12 {
        if is_yaml11_sexagesimal(s) {
            return true;
        }
        if let Some((radix, digits)) = radix_digits(unsigned)
            && is_digit_run(digits, radix, false)
        {
            return true;
        }
    }
    // Go's YAML reader drops underscores before it resolves a number.
    let normalized;
    let s = if !yaml_12 && s.contains('_') {
        normalized = s.replace('_', "");
        normalized.as_str()
    } else {
        s
    };
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if let Some((radix, digits)) = radix_digits(unsigned) {
        // Go also reads a sign after an unsigned `0b` or `0o`.
        let digits = if !yaml_12 && (s.starts_with("0b") || s.starts_with("0o")) {
            digits.strip_prefix(['+', '-']).unwrap_or(digits)
        } else {
            digits
        };
        return is_digit_run(digits, radix, true);
    }
    let mantissa = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if !is_digit_run(exponent, 10, true) {
                return false;
            }
            mantissa
        }
        None => unsigned,
    };
    match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            if !whole.is_empty() && !is_digit_run(whole, 10, true) {
                return false;
            }
            if !yaml_12 {
                fraction.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            } else if fraction.is_empty() {
                !whole.is_empty()
            } else {
                is_digit_run(fraction, 10, true)
            }
        }
        None => is_digit_run(mantissa, 10, true),
    }
}

fn radix_digits(s: &str) -> Option<(u32, &str)> {
    let radix = match s.as_bytes() {
        [b'0', b'b' | b'B', ..] => 2,
        [b'0', b'o' | b'O', ..] => 8,
        [b'0', b'x' | b'X', ..] => 16,
        _ => return None,
    };
    Some((radix, s.get(2..)?))
}

/// A non-empty run of digits in `radix`, with underscores only between digits when
/// `strict_underscores`.
fn is_digit_run(s: &str, radix: u32, strict_underscores: bool) -> bool {
    let is_digit = |b: u8| b.is_ascii() && char::from(b).is_digit(radix);
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.iter().enumerate().all(|(i, &b)| {
            is_digit(b)
                || (b == b'_'
                    && (!strict_underscores
                        || (i > 0
                            && bytes.get(i - 1).copied().is_some_and(is_digit)
                            && bytes.get(i + 1).copied().is_some_and(is_digit))))
        })
}

/// YAML 1.1 base-60 numbers (`1:30`, `190:20:30.15`).
fn is_yaml11_sexagesimal(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let Some((first, rest)) = integer.split_once(':') else {
        return false;
    };
    let Some(first_digit) = first.as_bytes().first() else {
        return false;
    };
    if !first_digit.is_ascii_digit()
        || (fraction.is_none() && *first_digit == b'0')
        || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    if !rest.split(':').all(|part| match part.as_bytes() {
        [digit] => digit.is_ascii_digit(),
        [tens, units] => matches!(tens, b'0'..=b'5') && units.is_ascii_digit(),
        _ => false,
    }) {
        return false;
    }
    fraction.is_none_or(|part| part.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
}

/// YAML 1.1 timestamp syntax (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`), without checking
/// the calendar: a reader tags it a timestamp even when the date does not exist.
fn is_yaml11_timestamp(mut s: &str) -> bool {
    fn digits(s: &mut &str, min: usize, max: usize) -> bool {
        let len = s.bytes().take_while(u8::is_ascii_digit).count();
        if !(min..=max).contains(&len) {
            return false;
        }
        *s = s.get(len..).unwrap_or_default();
        true
    }
    fn prefix(s: &mut &str, ch: char) -> bool {
        match s.strip_prefix(ch) {
            Some(rest) => {
                *s = rest;
                true
            }
            None => false,
        }
    }
    if !digits(&mut s, 4, 4)
        || !prefix(&mut s, '-')
        || !digits(&mut s, 1, 2)
        || !prefix(&mut s, '-')
        || !digits(&mut s, 1, 2)
    {
        return false;
    }
    if s.is_empty() {
        return true;
    }
    if let Some(rest) = s.strip_prefix(['T', 't']) {
        s = rest;
    } else {
        let rest = s.trim_start_matches([' ', '\t']);
        if rest.len() == s.len() {
            return false;
        }
        s = rest;
    }
    if !digits(&mut s, 1, 2)
        || !prefix(&mut s, ':')
        || !digits(&mut s, 1, 2)
        || !prefix(&mut s, ':')
        || !digits(&mut s, 1, 2)
    {
        return false;
    }
    if prefix(&mut s, '.') || prefix(&mut s, ',') {
        digits(&mut s, 0, usize::MAX);
    }
    s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() || s == "Z" {
        return true;
    }
    if !(prefix(&mut s, '+') || prefix(&mut s, '-')) || !digits(&mut s, 1, 2) {
        return false;
    }
    if prefix(&mut s, ':') && !digits(&mut s, 2, 2) {
        return false;
    }
    s.is_empty()
}
