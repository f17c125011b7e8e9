//! Wrapping a diagnostic's message and help exactly as miette's graphical handler wraps them,
//! without textwrap's Unicode machinery, for the plain ASCII text nearly every diagnostic is.
//!
//! miette wraps with `textwrap::fill` and its default options: break opportunities of the
//! Unicode line breaking algorithm (UAX #14, found by icu_segmenter), the hyphen splitter,
//! words longer than a line broken at the line's width, first fit. For thousands of notes that
//! was most of the time `convert` spends printing them, although in ASCII the algorithm comes
//! down to a few rules about neighbouring characters. [`Plain::fill`] follows textwrap step by
//! step for the text [`Plain::new`] accepts; any other text is left to textwrap itself.

use std::fmt;

/// One line of printable ASCII that starts with a character other than a space: text whose
/// wrapping [`Plain::fill`] reproduces.
///
/// Excluded, and so left to textwrap: line breaks (textwrap wraps each line on its own),
/// control characters (ANSI escapes have no width there, tabs are a break class of their own),
/// other Unicode (other break classes and widths), and leading spaces (textwrap starts every
/// wrapped text with a zero-width word so that the first line can stay empty; with spaces
/// first it does, and miette indents an empty line differently).
#[derive(Clone, Copy, Debug)]
pub(super) struct Plain<'a>(&'a str);

impl<'a> Plain<'a> {
    pub(super) fn new(text: &'a str) -> Option<Self> {
        let bytes = text.as_bytes();
        // Without stopping at the first other character: the loop vectorises.
        let printable = bytes.iter().fold(true, |printable, byte| {
            printable & (b' '..=b'~').contains(byte)
        });
        (printable && bytes.first().is_some_and(|&first| first != b' ')).then_some(Self(text))
    }

    pub(super) fn as_str(self) -> &'a str {
        self.0
    }

    /// Writes the lines `textwrap::fill` makes of the text with an indent on every line and
    /// `width` columns after it (miette's case: the width of both indents of a text is the
    /// same), without the indents, one `\n` between lines. (A `width` of 0 is taken for 1,
    /// where textwrap would start with an empty line.)
    pub(super) fn fill(self, width: usize, out: &mut impl fmt::Write) -> fmt::Result {
        let text = self.0.trim_end_matches(' ');
        if text.len() <= width {
            // Every word fits on the first line.
            return out.write_str(text);
        }
        let mut lines = FirstFit {
            text,
            width: width.max(1),
            out,
            line_start: 0,
            line_end: 0,
        };
        let dropped = self.dropped_opportunity();
        let bytes = text.as_bytes();
        let first = bytes.first().copied().unwrap_or(b' ');
        let mut breaks = Breaks::after(first);
        let mut word_start = 0;
        let mut hyphenated = first == b'-';
        for (at, &byte) in bytes.iter().enumerate().skip(1) {
            if breaks.before(byte) && Some(at) != dropped {
                lines.word(word_start, at, hyphenated)?;
                word_start = at;
                hyphenated = false;
            }
            hyphenated |= byte == b'-';
        }
        lines.word(word_start, text.len(), hyphenated)?;
        lines.finish()
    }

    /// textwrap drops the last break opportunity it finds, taking it for the end of the text;
    /// when the text ends with `-` the end is none (it follows a `-`), and the last word start
    /// goes instead.
    fn dropped_opportunity(self) -> Option<usize> {
        if self.0.ends_with('-') {
            opportunities(self.0).last()
        } else {
            None
        }
    }
}

/// The break opportunities textwrap takes from icu_segmenter in a [`Plain`] text, from left
/// to right: the positions of the characters a line may start with.
fn opportunities(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut breaks = Breaks::after(bytes.first().copied().unwrap_or(b' '));
    (1..)
        .zip(bytes.iter().skip(1))
        .filter_map(move |(at, &byte)| breaks.before(byte).then_some(at))
}

/// textwrap's first-fit wrapping, fed one word (the text between two break opportunities) at a
/// time. Every character is a column and the fragments textwrap places follow one another in
/// the text, so a fragment fits on the current line when it ends within `width` columns of the
/// line's start.
struct FirstFit<'t, 'o, W> {
    text: &'t str,
    width: usize,
    out: &'o mut W,
    /// Where the current line starts in `text`.
    line_start: usize,
    /// Where the current line's last fragment ends, before its spaces.
    line_end: usize,
}

impl<W: fmt::Write> FirstFit<'_, '_, W> {
    /// A word: the text from `start` to `end`, spaces at its end included, with a `-` in it
    /// if `hyphenated`.
    fn word(&mut self, start: usize, end: usize, hyphenated: bool) -> fmt::Result {
        let word = self
            .text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(' ');
        // The hyphen splitter: after each `-` between two letters or digits of the word.
        let mut piece_start = start;
        let around_hyphens = if hyphenated { word.as_bytes() } else { &[] };
        for (at, around) in around_hyphens.windows(3).enumerate() {
            if let [before, b'-', after] = around
                && before.is_ascii_alphanumeric()
                && after.is_ascii_alphanumeric()
            {
                self.piece(piece_start, start + at + 2)?;
                piece_start = start + at + 2;
            }
        }
        self.piece(piece_start, start + word.len())
    }

    /// A piece of a word (its spaces left out), broken into lines of exactly the width when it
    /// is wider (`break_words`).
    fn piece(&mut self, mut start: usize, end: usize) -> fmt::Result {
        while end - start > self.width {
            self.place(start, start + self.width)?;
            start += self.width;
        }
        self.place(start, end)
    }

    /// A fragment at most a line wide: on the current line if it fits, else first on a new
    /// one.
    fn place(&mut self, start: usize, end: usize) -> fmt::Result {
        if end - self.line_start > self.width {
            self.write_line()?;
            self.out.write_char('\n')?;
            self.line_start = start;
        }
        self.line_end = end;
        Ok(())
    }

    fn write_line(&mut self) -> fmt::Result {
        self.out.write_str(
            self.text
                .get(self.line_start..self.line_end)
                .unwrap_or_default(),
        )
    }

    fn finish(mut self) -> fmt::Result {
        self.write_line()
    }
}

/// The line-break classes of UAX #14 that printable ASCII has (two-letter names as in the
/// standard).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Alphabetic: letters, `#&*<=>@^_~` and the backquote.
    Al,
    /// Numeric: digits.
    Nu,
    /// Space.
    Sp,
    /// Exclamation/interrogation: `!?`.
    Ex,
    /// Quotation: `"'`.
    Qu,
    /// Prefix numeric: `$+\`.
    Pr,
    /// Postfix numeric: `%`.
    Po,
    /// Open punctuation: `([{`.
    Op,
    /// Close parenthesis: `)]`.
    Cp,
    /// Close punctuation: `}`.
    Cl,
    /// Infix numeric separator: `,.:;`.
    Is,
    /// Hyphen: `-`.
    Hy,
    /// Symbol allowing a break after: `/`.
    Sy,
    /// Break after: `|`.
    Ba,
}

impl Class {
    /// Every class, in the order of their discriminants.
    const ALL: [Self; 14] = [
        Self::Al,
        Self::Nu,
        Self::Sp,
        Self::Ex,
        Self::Qu,
        Self::Pr,
        Self::Po,
        Self::Op,
        Self::Cp,
        Self::Cl,
        Self::Is,
        Self::Hy,
        Self::Sy,
        Self::Ba,
    ];

    fn of(byte: u8) -> Self {
        CLASS_OF.get(usize::from(byte)).copied().unwrap_or(Self::Al)
    }

    /// The class UAX #14 gives a character (ASCII; any other byte is taken for a letter).
    const fn of_character(byte: u8) -> Self {
        match byte {
            b'0'..=b'9' => Self::Nu,
            b' ' => Self::Sp,
            b'!' | b'?' => Self::Ex,
            b'"' | b'\'' => Self::Qu,
            b'$' | b'+' | b'\\' => Self::Pr,
            b'%' => Self::Po,
            b'(' | b'[' | b'{' => Self::Op,
            b')' | b']' => Self::Cp,
            b'}' => Self::Cl,
            b',' | b'.' | b':' | b';' => Self::Is,
            b'-' => Self::Hy,
            b'/' => Self::Sy,
            b'|' => Self::Ba,
            _ => Self::Al,
        }
    }
}

/// [`Class::of_character`] of every byte, looked up rather than matched on the way through a
/// text.
#[allow(clippy::indexing_slicing)] // evaluated by the compiler: out of bounds, no build
const CLASS_OF: [Class; 256] = {
    let mut table = [Class::Al; 256];
    let mut byte: u8 = 0;
    loop {
        table[byte as usize] = Class::of_character(byte);
        if byte == u8::MAX {
            break table;
        }
        byte += 1;
    }
};

/// The rules of UAX #14 that can apply between two neighbouring printable ASCII characters,
/// in the standard's order (the first that matches decides), as icu_segmenter's data has
/// them: LB13 still forbids a break before `,.:;` after a space, and LB25 is the pairs of
/// classes (the standard's rules before Unicode 15.1). LB14, not after `([{` even after
/// spaces, reads further back: [`BREAKS_AFTER`] applies it.
const fn breaks_between(before: Class, here: Class) -> bool {
    use Class::{Al, Ba, Cl, Cp, Ex, Hy, Is, Nu, Op, Po, Pr, Qu, Sp, Sy};
    if matches!(before, Hy) {
        // textwrap drops the breaks after `-`: its hyphen splitter decides those.
        return false;
    }
    if matches!(here, Sp | Cl | Cp | Ex | Is | Sy) {
        // LB7, LB13: not before spaces, `)]}`, `!?`, `,.:;` and `/`.
        return false;
    }
    if matches!(before, Sp) {
        // LB18: after spaces.
        return true;
    }
    // LB19: not on either side of a quotation mark.
    let quotation = matches!((before, here), (Qu, _) | (_, Qu));
    // LB21: not before `|` and `-`.
    let before_break_after = matches!(here, Ba | Hy);
    // LB23: not between letters and digits.
    let alphanumeric = matches!((before, here), (Al, Nu) | (Nu, Al));
    // LB24: not between letters and `$+\%`.
    let affixed = matches!((before, here), (Pr | Po, Al) | (Al, Pr | Po));
    // LB25: not within numbers.
    let numeric = matches!(
        (before, here),
        (Cl | Cp | Nu, Po | Pr) | (Po | Pr, Op | Nu) | (Hy | Is | Nu | Sy, Nu)
    );
    // LB28: not between letters; LB29: nor between `,.:;` and a letter.
    let alphabetic = matches!((before, here), (Al | Is, Al));
    // LB30: not between a letter or digit and `([{`, or `)]` and a letter or digit.
    let parenthesised = matches!((before, here), (Al | Nu, Op) | (Cp, Al | Nu));
    !(quotation
        || before_break_after
        || alphanumeric
        || affixed
        || numeric
        || alphabetic
        || parenthesised)
}

/// The state of [`Breaks`] between two characters: the class of the one before (its
/// discriminant), or this, after `([{` and spaces.
const AFTER_OPEN: usize = Class::ALL.len();

/// For each state of [`Breaks`], the classes of the characters a line may break before: one
/// bit for each, by discriminant. None after `([{` (LB14), even after spaces; otherwise
/// [`breaks_between`].
#[allow(clippy::indexing_slicing)] // evaluated by the compiler: out of bounds, no build
const BREAKS_AFTER: [u16; AFTER_OPEN + 1] = {
    let mut table = [0; AFTER_OPEN + 1];
    let mut before = 0;
    while before < Class::ALL.len() {
        let mut here = 0;
        while here < Class::ALL.len() {
            if !matches!(Class::ALL[before], Class::Op)
                && breaks_between(Class::ALL[before], Class::ALL[here])
            {
                table[before] |= 1 << here;
            }
            here += 1;
        }
        before += 1;
    }
    table
};

/// [`Breaks::before`] for every state and byte, computed by the compiler so that the way
/// through a text is one lookup a character: the next state in the low bits, and in
/// [`BREAK_BIT`] whether a line may break before the byte. After `([{`, and after spaces
/// that follow them, the state is [`AFTER_OPEN`] (LB14 reads back over the spaces); otherwise
/// it is the class of the character before; the breaks are [`BREAKS_AFTER`]'s.
#[allow(clippy::indexing_slicing)] // evaluated by the compiler: out of bounds, no build
const STEPS: [[u8; 256]; AFTER_OPEN + 1] = {
    let mut table = [[0; 256]; AFTER_OPEN + 1];
    let mut state = 0;
    while state <= AFTER_OPEN {
        let open = state == Class::Op as usize || state == AFTER_OPEN;
        let mut byte = 0;
        while byte < 256 {
            let here = CLASS_OF[byte];
            let next = if open && matches!(here, Class::Sp) {
                AFTER_OPEN
            } else {
                here as usize
            };
            let breaks = BREAKS_AFTER[state] & (1 << here as u16) != 0;
            // Both fit: fifteen states, and the bit above them.
            #[allow(clippy::cast_possible_truncation)]
            let step = next as u8 | if breaks { BREAK_BIT } else { 0 };
            table[state][byte] = step;
            byte += 1;
        }
        state += 1;
    }
    table
};

/// The bit of a [`STEPS`] entry that says a line may break before the byte.
const BREAK_BIT: u8 = 0x80;

/// The break opportunities textwrap takes from icu_segmenter, read one character at a time.
struct Breaks {
    /// The class of the character before (its discriminant), or [`AFTER_OPEN`].
    state: u8,
}

impl Breaks {
    /// Before the character after `first`.
    fn after(first: u8) -> Self {
        Self {
            state: Class::of(first) as u8,
        }
    }

    /// Whether a line may break before `byte`, the next character.
    fn before(&mut self, byte: u8) -> bool {
        let step = STEPS
            .get(usize::from(self.state))
            .and_then(|row| row.get(usize::from(byte)))
            .copied()
            .unwrap_or(0);
        self.state = step & !BREAK_BIT;
        step & BREAK_BIT != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One character of each break class, and the characters of each class.
    const CLASSES: &[&str] = &[
        "abcxyzABCXYZ#&*<=>@^_`~",
        "0123456789",
        " ",
        "!?",
        "\"'",
        "$+\\",
        "%",
        "([{",
        ")]",
        "}",
        ",.:;",
        "-",
        "/",
        "|",
    ];

    /// Where textwrap's words start (its default word separator is UAX #14).
    fn textwrap_opportunities(text: &str) -> Vec<usize> {
        let words: Vec<_> = textwrap::WordSeparator::UnicodeBreakProperties
            .find_words(text)
            .collect();
        words
            .iter()
            .scan(0, |at, word| {
                *at += word.word.len() + word.whitespace.len();
                Some(*at)
            })
            .filter(|&at| at < text.len())
            .collect()
    }

    /// Where the words after the first start.
    fn word_starts(text: Plain<'_>) -> Vec<usize> {
        let dropped = text.dropped_opportunity();
        opportunities(text.0)
            .filter(|&at| Some(at) != dropped)
            .collect()
    }

    fn representatives() -> Vec<char> {
        CLASSES
            .iter()
            .filter_map(|class| class.chars().next())
            .collect()
    }

    /// Every string of up to four characters, one of each class, breaks where textwrap
    /// breaks it.
    #[test]
    fn short_strings_break_where_textwrap_breaks() {
        let chars = representatives();
        let mut texts: Vec<String> = chars.iter().map(char::to_string).collect();
        let mut all = texts.clone();
        for _ in 1..4 {
            texts = texts
                .iter()
                .flat_map(|text| chars.iter().map(move |&c| format!("{text}{c}")))
                .collect();
            all.extend(texts.iter().cloned());
        }
        for text in &all {
            let Some(plain) = Plain::new(text) else {
                continue;
            };
            assert_eq!(word_starts(plain), textwrap_opportunities(text), "{text:?}");
        }
    }

    /// Every printable ASCII character breaks as the one that stands for its class, next to
    /// every class.
    #[test]
    fn characters_break_as_their_class() {
        let chars = representatives();
        for c in (b'!'..=b'~').map(char::from) {
            for &a in &chars {
                for &b in &chars {
                    for text in [
                        format!("{c}{a}{b}"),
                        format!("{a}{c}{b}"),
                        format!("{a}{b}{c}"),
                    ] {
                        let Some(plain) = Plain::new(&text) else {
                            continue;
                        };
                        assert_eq!(
                            word_starts(plain),
                            textwrap_opportunities(&text),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }

    /// The two pairs of indents miette wraps our texts with (the message's, the help's).
    const INDENTS: [(&str, &str); 2] = [("  ☞ ", "  │ "), ("  help: ", "        ")];

    fn textwrap_fill(text: &str, (first, rest): (&str, &str)) -> String {
        textwrap::fill(
            text,
            textwrap::Options::new(98)
                .initial_indent(first)
                .subsequent_indent(rest)
                .break_words(true),
        )
    }

    /// `fill`, indented as miette indents text it does not wrap itself.
    fn plain_fill(text: Plain<'_>, (first, rest): (&str, &str)) -> String {
        let mut lines = String::new();
        text.fill(98 - first.chars().count(), &mut lines).unwrap();
        lines
            .split('\n')
            .enumerate()
            .map(|(i, line)| format!("{}{line}", if i == 0 { first } else { rest }))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn assert_fills_like_textwrap(text: &str) -> Result<(), TestCaseError> {
        let plain = Plain::new(text).ok_or_else(|| TestCaseError::reject("not plain"))?;
        for indents in INDENTS {
            let expected = textwrap_fill(text, indents);
            let got = plain_fill(plain, indents);
            prop_assert_eq!(
                got.lines().collect::<Vec<_>>(),
                expected.lines().collect::<Vec<_>>()
            );
            prop_assert_eq!(got, expected);
        }
        Ok(())
    }

    /// Words of diagnostics: letters, digits and the punctuation of paths, keys and code.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[a-z]{1,12}",
            2 => "[A-Za-z0-9_.:/=-]{1,30}",
            2 => "[-/.:,()`'\"=_*!?%$+{}\\[\\]|#@~<>;&^\\\\0-9a-z]{1,6}",
            1 => "[a-z]{1,10}(-[a-z0-9]{1,8}){1,4}",
            1 => "[a-zA-Z0-9/._-]{99,220}",
            1 => "[ -~]{1,8}",
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(
                (
                    word(),
                    prop_oneof![8 => Just(" "), 1 => Just("  "), 1 => Just("")],
                ),
                1..40,
            ),
            prop_oneof![Just(""), Just(" "), Just("   ")],
        )
            .prop_map(|(words, end)| {
                let mut text: String = words.into_iter().map(|(w, s)| w + s).collect();
                text.truncate(text.trim_end().len());
                text + end
            })
            .prop_filter("plain", |text| Plain::new(text).is_some())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn plain_text_fills_like_textwrap(text in text()) {
            assert_fills_like_textwrap(&text)?;
        }

        #[test]
        fn printable_ascii_fills_like_textwrap(text in "[!-~][ -~]{0,300}") {
            assert_fills_like_textwrap(&text)?;
        }
    }

    #[test]
    fn only_one_line_of_printable_ascii_is_plain() {
        assert!(Plain::new("unknown key `imgae`").is_some());
        for text in [
            "",
            " leading space",
            "two\nlines",
            "tab\there",
            "\u{1b}[31mred",
            "…",
        ] {
            assert!(Plain::new(text).is_none(), "{text:?}");
        }
    }
}
