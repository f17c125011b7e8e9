//! The `.env` file format as `docker compose` reads it (compose-go's `dotenv` package), for the
//! project's `.env` and for `env_file`, and the `raw` format of `env_file: {format: raw}` (the
//! `docker run --env-file` format).
//!
//! The `.env` format is not line based: compose-go reads statements, and a double- or
//! single-quoted value may run over several lines. A statement is `[export] KEY=value`,
//! `KEY: value`, or a bare `KEY` that takes its value from the environment. Unquoted values end
//! at the line end or at ` #`; double-quoted values understand shell escapes and are
//! interpolated; single-quoted values are literal. Interpolation looks a variable up in the
//! environment first and only then among the values defined earlier in the file, as compose-go
//! does (so a variable set in the shell wins over the file, inside the file too).
//! Interpolation problems are reported like in a Compose file (an unset variable is a warning at
//! the expression); a value whose interpolation fails is left out, where compose-go would stop.
//!
//! Where compose-go silently produces something nobody means, this module says so instead:
//! a line without a name (`=value`) and text after a closing quote are ignored with a warning,
//! whitespace anywhere in a name is an error, and a bare `KEY` on the last line without a line
//! break is a bare key (compose-go turns it into a value for an empty name).

use std::ops::Range;

use crate::hash::{HashMap, IndexMap};

use crate::compose::interpolate::{self, line_end, source_range};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// One variable of an env file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub key: String,
    /// `None` for a bare `KEY` line: the value comes from the environment, and the variable is
    /// left out when the environment does not set it.
    pub value: Option<String>,
    /// Where the key is written.
    pub span: Span,
}

const BOM: &str = "\u{feff}";

/// Parses a `.env` file. `lookup` gives the environment's variables (for interpolation).
///
/// The variables come in file order; a key defined twice appears once, where it was last
/// defined, with the later value (as in compose-go, whose result is a map). Every bad statement
/// is reported and skipped, and parsing goes on with the next line.
pub fn parse(
    file: FileId,
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) -> Vec<EnvVar> {
    let mut parser = Parser {
        file,
        text,
        pos: if text.starts_with(BOM) { BOM.len() } else { 0 },
        lookup,
        diagnostics,
        vars: IndexMap::default(),
        values: HashMap::default(),
    };
    while parser.next_statement() {
        parser.statement();
    }
    parser.vars.into_values().collect()
}

/// Parses an `env_file` in the `raw` format: one `KEY=VALUE` per line, the value taken exactly
/// as written (no quotes, escapes, comments or interpolation), as `docker run --env-file` does.
/// Lines that are empty or start with `#` (after leading white space) are skipped; a line
/// without `=` is a bare key.
pub fn parse_raw(file: FileId, text: &str, diagnostics: &mut Diagnostics) -> Vec<EnvVar> {
    let mut vars = IndexMap::default();
    let mut line_start = 0;
    for (index, line) in text.split('\n').enumerate() {
        let mut offset = line_start;
        line_start += line.len() + 1;
        let mut line = line.strip_suffix('\r').unwrap_or(line);
        if index == 0
            && let Some(rest) = line.strip_prefix(BOM)
        {
            line = rest;
            offset += BOM.len();
        }
        let trimmed = line.trim_start();
        offset += line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key, value) = match trimmed.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (trimmed, None),
        };
        if key.is_empty() {
            diagnostics.push(
                Diagnostic::error(Code::EnvFileSyntax, "a line has no variable name")
                    .at(Span::new(file, offset, offset + 1))
                    .label("expected a name before `=`")
                    .help("write `KEY=value`, one variable per line"),
            );
            continue;
        }
        let span = Span::new(file, offset, offset + key.len());
        if key.contains([' ', '\t']) {
            diagnostics.push(
                Diagnostic::error(
                    Code::EnvFileSyntax,
                    format!("variable name `{key}` contains white space"),
                )
                .at(span)
                .label("not allowed in a variable name")
                .help("the raw format takes `KEY=value` exactly as written: no space before `=`"),
            );
            continue;
        }
        insert(
            &mut vars,
            EnvVar {
                key: key.to_owned(),
                value: value.map(str::to_owned),
                span,
            },
        );
    }
    vars.into_values().collect()
}

/// Adds a variable, replacing an earlier one of the same name (the later definition wins and
/// takes the later place).
fn insert(vars: &mut IndexMap<String, EnvVar>, var: EnvVar) {
    vars.shift_remove(&var.key);
    vars.insert(var.key.clone(), var);
}

struct Parser<'t, 'l, 'd> {
    file: FileId,
    text: &'t str,
    pos: usize,
    lookup: &'l dyn Fn(&str) -> Option<String>,
    diagnostics: &'d mut Diagnostics,
    vars: IndexMap<String, EnvVar>,
    /// Values defined so far in the file, seen by interpolation after the environment.
    values: HashMap<String, String>,
}

impl<'t> Parser<'t, '_, '_> {
    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// Moves to the start of the next statement, past white space and comment lines; false
    /// at the end of the file.
    fn next_statement(&mut self) -> bool {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.is_empty() {
                return false;
            }
            if !trimmed.starts_with('#') {
                return true;
            }
            self.pos = line_end(self.text, self.pos);
        }
    }

    /// Skips spaces and tabs, not line breaks.
    fn skip_blanks(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(is_blank).len();
    }

    fn statement(&mut self) {
        // compose-go drops `export` when white space (a line break included) follows it.
        if let Some(after) = self.rest().strip_prefix("export")
            && after.starts_with([' ', '\t', '\n', '\x0c', '\r'])
        {
            self.pos += "export".len();
            self.skip_blanks();
        }
        let key_start = self.pos;
        let rest = self.rest();
        let mut end = None;
        for (offset, c) in rest.char_indices() {
            match c {
                '=' | ':' | '\n' => {
                    end = Some((offset, c));
                    break;
                }
                c if is_blank(c) || is_key_char(c) => {}
                other => {
                    self.unexpected_character(key_start, key_start + offset, other);
                    return;
                }
            }
        }
        // A bare key on the last line, without a line break, is still a bare key.
        let (key_len, terminator) = end.unwrap_or((rest.len(), '\n'));
        let key = rest.get(..key_len).unwrap_or_default().trim_end();
        let span = self.span(key_start..key_start + key.len());
        self.pos = (key_start + key_len + terminator.len_utf8()).min(self.text.len());
        if key.is_empty() && terminator == '\n' {
            // Only `export` on a line of its own gets here.
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::EnvFileSyntax,
                    "`export` without a variable name is ignored",
                )
                .at(self.span(key_start.saturating_sub("export".len())..key_start))
                .help("write `export KEY=value`, or remove the line"),
            );
            return;
        }
        let key_ok = self.check_key(key, span);
        if terminator == '\n' {
            if key_ok {
                self.inherit(key, span);
            }
            return;
        }
        self.skip_blanks();
        let value = self.value();
        if let (true, Some(value)) = (key_ok, value) {
            self.values.insert(key.to_owned(), value.clone());
            insert(
                &mut self.vars,
                EnvVar {
                    key: key.to_owned(),
                    value: Some(value),
                    span,
                },
            );
        }
    }

    fn unexpected_character(&mut self, key_start: usize, at: usize, c: char) {
        let line = self
            .text
            .get(key_start..line_end(self.text, key_start))
            .unwrap_or_default()
            .trim_end();
        self.diagnostics.push(
            Diagnostic::error(
                Code::EnvFileSyntax,
                format!(
                    "unexpected character `{}` in variable name `{}`",
                    c.escape_debug(),
                    line.escape_debug()
                ),
            )
            .at(self.span(at..at + c.len_utf8()))
            .label("not allowed in a variable name")
            .help(
                "a line is `KEY=value`, `KEY: value` or a bare `KEY`; names are made of \
                 letters, digits, `_`, `.`, `-`, `[` and `]`",
            ),
        );
        self.pos = line_end(self.text, at);
    }

    fn check_key(&mut self, key: &str, span: Span) -> bool {
        if key.is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::EnvFileSyntax,
                    "a value without a variable name is ignored",
                )
                .at(self.span(span.start as usize..span.start as usize + 1))
                .label("expected a name before this")
                .help("write `KEY=value`, one variable per line"),
            );
            return false;
        }
        if key.contains(char::is_whitespace) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::EnvFileSyntax,
                    format!("variable name `{}` contains a space", key.escape_debug()),
                )
                .at(span)
                .label("not a variable name")
                .help("write `KEY=value`, one variable per line; quote a value that holds spaces"),
            );
            return false;
        }
        true
    }

    /// A bare `KEY`: its value comes from the environment. When the environment does not set
    /// it, compose-go keeps a value the file gave earlier.
    fn inherit(&mut self, key: &str, span: Span) {
        if (self.lookup)(key).is_none() && self.vars.contains_key(key) {
            return;
        }
        insert(
            &mut self.vars,
            EnvVar {
                key: key.to_owned(),
                value: None,
                span,
            },
        );
    }

    /// The value starting here; `None` after an error (already reported).
    fn value(&mut self) -> Option<String> {
        match self.rest().chars().next() {
            Some(quote @ ('"' | '\'')) => self.quoted(quote),
            _ => self.unquoted(),
        }
    }

    fn unquoted(&mut self) -> Option<String> {
        let start = self.pos;
        let end = line_end(self.text, start);
        let line = self.text.get(start..end).unwrap_or_default();
        let value = line
            .find(" #")
            .and_then(|comment| line.get(..comment))
            .unwrap_or(line)
            .trim_end();
        self.pos = end;
        self.interpolate(value, start, value)
    }

    fn quoted(&mut self, quote: char) -> Option<String> {
        let open = self.pos;
        let body_start = open + quote.len_utf8();
        let body = self.text.get(body_start..).unwrap_or_default();
        let mut value = String::new();
        let mut escaped = false;
        for (offset, c) in body.char_indices() {
            if escaped {
                // An escaped quote loses its backslash; any other escape is kept for later.
                escaped = false;
                if c != quote {
                    value.push('\\');
                }
                value.push(c);
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                let close = body_start + offset;
                self.pos = close + quote.len_utf8();
                self.after_closing_quote();
                if quote == '\'' {
                    return Some(value);
                }
                let written = body.get(..offset).unwrap_or_default();
                return self.interpolate(&expand_escapes(&value), body_start, written);
            } else {
                value.push(c);
            }
        }
        let end = line_end(self.text, open);
        self.diagnostics.push(
            Diagnostic::error(Code::EnvFileSyntax, "unterminated quoted value")
                .at(self.span(open..end))
                .label("this quote is never closed")
                .help(format!(
                    "end the value with `{quote}`; inside it, write `\\{quote}` for a literal `{quote}`"
                )),
        );
        self.pos = end;
        None
    }

    /// compose-go reads whatever follows a closing quote as the next statement; only white
    /// space and a `#` comment make sense there, anything else is reported and skipped.
    fn after_closing_quote(&mut self) {
        let start = self.pos;
        let end = line_end(self.text, start);
        let tail = self.text.get(start..end).unwrap_or_default();
        let trimmed = tail.trim_start_matches(is_blank);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return;
        }
        let from = start + (tail.len() - trimmed.len());
        self.diagnostics.push(
            Diagnostic::warning(
                Code::EnvFileSyntax,
                "unexpected text after the closing quote is ignored",
            )
            .at(self.span(from..from + trimmed.trim_end().len()))
            .label("after the value")
            .help("put the whole value inside the quotes, or start a comment with ` #`"),
        );
        self.pos = end;
    }

    /// Interpolates a value; `written` is the source text it was read from, starting at byte
    /// `written_start` of the file, so problems can point at the expression.
    fn interpolate(&mut self, value: &str, written_start: usize, written: &str) -> Option<String> {
        if !value.contains('$') {
            return Some(value.to_owned());
        }
        let expansion = {
            let lookup = self.lookup;
            let values = &self.values;
            interpolate::expand(value, &|name: &str| {
                lookup(name).or_else(|| values.get(name).cloned())
            })
        };
        let file = self.file;
        let locate = |range: &Range<usize>| {
            let found = source_range(written, value, range.clone()).unwrap_or(0..written.len());
            Span::new(file, written_start + found.start, written_start + found.end)
        };
        interpolate::report(&expansion, value, &locate, self.diagnostics);
        expansion.errors.is_empty().then_some(expansion.value)
    }
}

/// Expands the escapes of a double-quoted value, as compose-go does: `\a \b \f \n \r \t \v`,
/// `\\`, `\"`, `\$` (a literal `$`, written `$$` for interpolation) and octal `\0ddd`. Anything
/// else keeps its backslash.
fn expand_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let replacement = match chars.peek() {
            Some('a') => "\x07",
            Some('b') => "\x08",
            Some('f') => "\x0c",
            Some('n') => "\n",
            Some('r') => "\r",
            Some('t') => "\t",
            Some('v') => "\x0b",
            Some('$') => "$$",
            Some('"') => "\"",
            Some('\\') => "\\",
            Some('0') => {
                chars.next();
                let mut digits = String::new();
                while digits.len() < 3
                    && let Some(digit) = chars.next_if(char::is_ascii_digit)
                {
                    digits.push(digit);
                }
                if let Some(byte) = octal_byte(&digits) {
                    out.push(char::from(byte));
                } else {
                    // compose-go drops the `0` of an escape Go cannot read.
                    out.push('\\');
                    out.push_str(&digits);
                }
                continue;
            }
            _ => {
                out.push('\\');
                continue;
            }
        };
        chars.next();
        out.push_str(replacement);
    }
    out
}

/// Three octal digits of a value up to 255.
fn octal_byte(digits: &str) -> Option<u8> {
    if digits.len() != 3 {
        return None;
    }
    u8::from_str_radix(digits, 8).ok()
}

/// compose-go's "space": white space that does not end a line.
fn is_blank(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

fn is_key_char(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | '[' | ']') || c.is_alphabetic() || c.is_numeric()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::source::SourceMap;
    use proptest::prelude::*;
    use std::path::Path;

    fn no_environment(_: &str) -> Option<String> {
        None
    }

    struct Parsed {
        vars: Vec<EnvVar>,
        diagnostics: Diagnostics,
        sources: SourceMap,
    }

    impl Parsed {
        fn get(&self, key: &str) -> Option<&str> {
            self.vars
                .iter()
                .find(|v| v.key == key)
                .and_then(|v| v.value.as_deref())
        }

        fn pairs(&self) -> Vec<(&str, Option<&str>)> {
            self.vars
                .iter()
                .map(|v| (v.key.as_str(), v.value.as_deref()))
                .collect()
        }

        /// Line, column and code of every diagnostic.
        fn problems(&self) -> Vec<(usize, usize, Code, Severity)> {
            self.diagnostics
                .iter()
                .map(|d| {
                    let (_, location) = self.sources.location(d.span.unwrap()).unwrap();
                    (location.line, location.column, d.code, d.severity)
                })
                .collect()
        }

        fn spanned_text(&self, index: usize) -> &str {
            let diagnostic = self.diagnostics.iter().nth(index).unwrap();
            self.sources.text(diagnostic.span.unwrap()).unwrap()
        }
    }

    fn parse_with(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Parsed {
        let mut sources = SourceMap::new();
        let file = sources.add(".env", None, ".", text);
        let mut diagnostics = Diagnostics::new();
        let vars = parse(file, text, lookup, &mut diagnostics);
        Parsed {
            vars,
            diagnostics,
            sources,
        }
    }

    fn parsed(text: &str) -> Parsed {
        parse_with(text, &no_environment)
    }

    /// The value of `key` in a file that must parse without any diagnostic.
    fn value_of(text: &str, key: &str) -> String {
        let parsed = parsed(text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{text:?}: {:?}",
            parsed.diagnostics
        );
        parsed
            .get(key)
            .unwrap_or_else(|| panic!("{text:?}: no {key} in {:?}", parsed.pairs()))
            .to_owned()
    }

    fn raw(text: &str) -> Parsed {
        let mut sources = SourceMap::new();
        let file = sources.add("app.env", None, ".", text);
        let mut diagnostics = Diagnostics::new();
        let vars = parse_raw(file, text, &mut diagnostics);
        Parsed {
            vars,
            diagnostics,
            sources,
        }
    }

    #[test]
    fn unquoted_value_runs_to_the_end_of_the_line_trimmed() {
        assert_eq!(value_of("FOO=bar", "FOO"), "bar");
        assert_eq!(value_of("FOO=bar \n", "FOO"), "bar");
        assert_eq!(value_of("FOO=foobar=", "FOO"), "foobar=");
        assert_eq!(
            value_of("FOO=first one with an unquoted phrase\nX=1", "FOO"),
            "first one with an unquoted phrase"
        );
    }

    #[test]
    fn white_space_around_the_separator_is_ignored() {
        assert_eq!(value_of("FOO =bar", "FOO"), "bar");
        assert_eq!(value_of("FOO= bar", "FOO"), "bar");
        assert_eq!(value_of(" KEY =value", "KEY"), "value");
        assert_eq!(value_of("\tKEY=value", "KEY"), "value");
        assert_eq!(value_of("THREE = \"3\"", "THREE"), "3");
    }

    #[test]
    fn empty_value_is_an_empty_string() {
        let parsed = parsed("A=\nB = \nC=");
        assert_eq!(
            parsed.pairs(),
            vec![("A", Some("")), ("B", Some("")), ("C", Some(""))]
        );
    }

    #[test]
    fn inline_comment_needs_a_space_before_the_hash() {
        assert_eq!(value_of("FOO=bar # this is foo", "FOO"), "bar");
        assert_eq!(value_of("FOO=bar #this is foo", "FOO"), "bar");
        assert_eq!(value_of("FOO=bar #", "FOO"), "bar");
        assert_eq!(
            value_of("FOO=123#not-an-inline-comment", "FOO"),
            "123#not-an-inline-comment"
        );
    }

    #[test]
    fn comment_and_blank_lines_are_skipped() {
        let parsed = parsed("# comment\n\n\t # indented\r\n\nA=1\n   \n#B=2\n");
        assert!(parsed.diagnostics.is_empty());
        assert_eq!(parsed.pairs(), vec![("A", Some("1"))]);
    }

    #[test]
    fn export_prefix_is_dropped() {
        assert_eq!(value_of("export OPTION_A=2", "OPTION_A"), "2");
        assert_eq!(value_of("export OPTION_B='\\n'", "OPTION_B"), "\\n");
        assert_eq!(value_of("export exportFoo=2", "exportFoo"), "2");
        assert_eq!(value_of("exportFOO=2", "exportFOO"), "2");
        assert_eq!(value_of("export_FOO =2", "export_FOO"), "2");
        assert_eq!(value_of("export.FOO= 2", "export.FOO"), "2");
        assert_eq!(value_of("export\tOPTION_A=2", "OPTION_A"), "2");
        assert_eq!(value_of("  export OPTION_A=2", "OPTION_A"), "2");
        assert_eq!(
            value_of("export OPTION_A=\"export A\"", "OPTION_A"),
            "export A"
        );
        assert_eq!(value_of("export=1", "export"), "1");
    }

    #[test]
    fn yaml_style_colon_separates_key_and_value() {
        assert_eq!(value_of("OPTION_A: 1", "OPTION_A"), "1");
        assert_eq!(value_of("OPTION_A: Foo=bar", "OPTION_A"), "Foo=bar");
        assert_eq!(value_of("OPTION_A=1:B", "OPTION_A"), "1:B");
    }

    #[test]
    fn names_may_hold_letters_digits_dots_dashes_and_brackets() {
        let parsed = parsed(
            "a=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n1A=x\n",
        );
        assert!(parsed.diagnostics.is_empty());
        assert_eq!(
            parsed.pairs(),
            vec![
                ("a", Some("b")),
                ("a[1]", Some("c")),
                ("a.propertyKey", Some("d")),
                ("árvíztűrő-TÜKÖRFÚRÓGÉP", Some("ÁRVÍZTŰRŐ-tükörfúrógép")),
                ("1A", Some("x")),
            ]
        );
    }

    #[test]
    fn double_quoted_values_expand_escapes() {
        assert_eq!(value_of(r#"FOO="bar\nbaz""#, "FOO"), "bar\nbaz");
        assert_eq!(value_of(r#"FOO="a\tb""#, "FOO"), "a\tb");
        assert_eq!(
            value_of(r#"KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z""#, "KEY"),
            "Z\x07Z\x08Z\x0cZ\nZ\rZ\tZ\x0bZ\\ZSZ"
        );
        assert_eq!(value_of(r#"KEY="\0123""#, "KEY"), "S");
        assert_eq!(value_of(r#"KEY="\0377""#, "KEY"), "\u{ff}");
    }

    #[test]
    fn unknown_escapes_keep_their_backslash() {
        assert_eq!(value_of(r#"KEY="\x07""#, "KEY"), r"\x07");
        assert_eq!(value_of(r#"KEY="\u12e4""#, "KEY"), r"\u12e4");
        assert_eq!(value_of(r#"KEY="\U00101234""#, "KEY"), r"\U00101234");
        assert_eq!(value_of(r#"KEY="\c\'""#, "KEY"), r"\c\'");
    }

    #[test]
    fn short_octal_escape_loses_its_zero_like_compose() {
        assert_eq!(value_of(r#"KEY="\0""#, "KEY"), "\\");
        assert_eq!(value_of(r#"KEY="\012""#, "KEY"), r"\12");
        assert_eq!(value_of(r#"KEY="\0400""#, "KEY"), r"\400");
    }

    #[test]
    fn backslashes_before_line_escapes() {
        assert_eq!(value_of(r#"FOO="bar\n\ b\az""#, "FOO"), "bar\n\\ b\x07z");
        assert_eq!(
            value_of(r#"FOO="bar\\\n\ b\az""#, "FOO"),
            "bar\\\n\\ b\x07z"
        );
        assert_eq!(value_of(r#"FOO="bar\\r\ b\az""#, "FOO"), "bar\\r\\ b\x07z");
        assert_eq!(value_of(r#"FOO="bar\nbaz\\""#, "FOO"), "bar\nbaz\\");
    }

    #[test]
    fn escaped_quotes_stay_inside_the_value() {
        assert_eq!(value_of(r#"FOO="escaped\"bar""#, "FOO"), "escaped\"bar");
        assert_eq!(value_of(r#"FOO="\"quoted\"""#, "FOO"), "\"quoted\"");
        assert_eq!(value_of(r#"FOO="'d'""#, "FOO"), "'d'");
        assert_eq!(value_of(r"OPTION_K='Let\'s go!'", "OPTION_K"), "Let's go!");
    }

    #[test]
    fn single_quoted_values_are_literal() {
        assert_eq!(value_of(r"FOO='\n'", "FOO"), r"\n");
        assert_eq!(value_of("BAR='quote $FOO'", "BAR"), "quote $FOO");
        assert_eq!(value_of("BAR='${x!}'", "BAR"), "${x!}");
    }

    #[test]
    fn quoted_values_may_span_lines() {
        let parsed = parsed("A='first line\nsecond line'\nB=\"x\ny\"\nC=3");
        assert_eq!(
            parsed.pairs(),
            vec![
                ("A", Some("first line\nsecond line")),
                ("B", Some("x\ny")),
                ("C", Some("3"))
            ]
        );
    }

    #[test]
    fn hash_inside_quotes_is_kept() {
        assert_eq!(value_of(r#"FOO="bar#baz""#, "FOO"), "bar#baz");
        assert_eq!(value_of(r##"FOO="bar#baz"#"##, "FOO"), "bar#baz");
        assert_eq!(value_of(r#"FOO="bar#baz" # comment"#, "FOO"), "bar#baz");
        assert_eq!(value_of("FOO='bar#baz' # comment", "FOO"), "bar#baz");
        assert_eq!(
            value_of(r#"FOO="bar#baz#bang" # comment"#, "FOO"),
            "bar#baz#bang"
        );
    }

    #[test]
    fn unquoted_values_keep_backslashes() {
        assert_eq!(value_of(r"FOO=a\tb", "FOO"), r"a\tb");
    }

    #[test]
    fn earlier_values_are_visible_to_interpolation() {
        let parsed = parsed("FOO=test\nBAR=$FOO\nBAZ=${FOO}bar\nQUX=\"quote $FOO\"");
        assert_eq!(parsed.get("BAR"), Some("test"));
        assert_eq!(parsed.get("BAZ"), Some("testbar"));
        assert_eq!(parsed.get("QUX"), Some("quote test"));
    }

    #[test]
    fn environment_wins_over_earlier_values_in_interpolation() {
        let environment = |name: &str| (name == "OPTION_A").then(|| "5".to_owned());
        let parsed = parse_with("OPTION_A=1\nOPTION_B=${OPTION_A}", &environment);
        assert_eq!(parsed.get("OPTION_A"), Some("1"));
        assert_eq!(parsed.get("OPTION_B"), Some("5"));
    }

    #[test]
    fn escaped_dollar_in_double_quotes_is_literal() {
        assert_eq!(value_of(r#"FOO="foo\$BAR""#, "FOO"), "foo$BAR");
        assert_eq!(value_of(r#"FOO="foo\${BAR}""#, "FOO"), "foo${BAR}");
        let parsed = parsed("FOO=test\nBAR=\"foo\\${FOO} ${FOO}\"");
        assert_eq!(parsed.get("BAR"), Some("foo${FOO} test"));
        assert_eq!(value_of("FOO=$$BAR", "FOO"), "$BAR");
    }

    #[test]
    fn bare_key_takes_its_value_from_the_environment() {
        let parsed = parsed("foo=bar\nFROM_ENV\nbar=baz\n");
        assert!(parsed.diagnostics.is_empty());
        assert_eq!(
            parsed.pairs(),
            vec![
                ("foo", Some("bar")),
                ("FROM_ENV", None),
                ("bar", Some("baz"))
            ]
        );
    }

    #[test]
    fn bare_key_on_the_last_line_without_line_break_is_a_bare_key() {
        assert_eq!(
            parsed("A=1\nB").pairs(),
            vec![("A", Some("1")), ("B", None)]
        );
    }

    #[test]
    fn bare_key_keeps_an_earlier_value_the_environment_does_not_replace() {
        assert_eq!(parsed("A=1\nA\n").pairs(), vec![("A", Some("1"))]);
        let environment = |name: &str| (name == "A").then(|| "env".to_owned());
        assert_eq!(
            parse_with("A=1\nA\n", &environment).pairs(),
            vec![("A", None)]
        );
    }

    #[test]
    fn later_definition_wins() {
        assert_eq!(
            parsed("A=1\nB=2\nA=3\n").pairs(),
            vec![("B", Some("2")), ("A", Some("3"))]
        );
    }

    #[test]
    fn key_span_covers_the_name() {
        let parsed = parsed("  export  NAME = value\n");
        let span = parsed.vars[0].span;
        assert_eq!(parsed.sources.text(span), Some("NAME"));
    }

    #[test]
    fn bom_and_crlf_are_handled() {
        let parsed = parsed("\u{feff}A=1\r\nB=\"2\"\r\nC\r\nD='4' # c\r\n");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert_eq!(
            parsed.pairs(),
            vec![
                ("A", Some("1")),
                ("B", Some("2")),
                ("C", None),
                ("D", Some("4"))
            ]
        );
        assert_eq!(parsed.sources.text(parsed.vars[0].span), Some("A"));
    }

    #[test]
    fn unexpected_character_in_a_name_is_located_and_parsing_goes_on() {
        let parsed = parsed("A=1\nlol$wut\nB=2\n%!(EXTRA string)=foo\nC=3");
        assert_eq!(
            parsed.problems(),
            vec![
                (2, 4, Code::EnvFileSyntax, Severity::Error),
                (4, 1, Code::EnvFileSyntax, Severity::Error),
            ]
        );
        assert_eq!(
            parsed.diagnostics.iter().next().unwrap().message,
            "unexpected character `$` in variable name `lol$wut`"
        );
        assert_eq!(
            parsed.pairs(),
            vec![("A", Some("1")), ("B", Some("2")), ("C", Some("3"))]
        );
    }

    #[test]
    fn name_with_a_space_is_an_error() {
        let parsed = parsed("A B=1\nINVALID LINE\nC=\"x\ny\"\n");
        assert_eq!(
            parsed.problems(),
            vec![
                (1, 1, Code::EnvFileSyntax, Severity::Error),
                (2, 1, Code::EnvFileSyntax, Severity::Error),
            ]
        );
        assert_eq!(parsed.spanned_text(1), "INVALID LINE");
        assert_eq!(parsed.pairs(), vec![("C", Some("x\ny"))]);
    }

    #[test]
    fn unterminated_quote_is_an_error_and_parsing_goes_on() {
        for text in [
            "KEY=\"",
            "KEY=\"value",
            "KEY=\"value\\\"",
            "KEY=\"value'",
            "KEY='",
            "KEY='value",
            "KEY='value\\'",
            "KEY='value\"",
        ] {
            let parsed = parsed(text);
            assert_eq!(
                parsed.problems(),
                vec![(1, 5, Code::EnvFileSyntax, Severity::Error)],
                "{text}"
            );
            assert!(parsed.vars.is_empty(), "{text}");
        }
        let parsed = parsed("A=\"open\nB=2\n");
        assert_eq!(parsed.pairs(), vec![("B", Some("2"))]);
    }

    #[test]
    fn value_without_a_name_is_ignored_with_a_warning() {
        let parsed = parsed("=\"value\"\nA=1\n");
        assert_eq!(
            parsed.problems(),
            vec![(1, 1, Code::EnvFileSyntax, Severity::Warning)]
        );
        assert_eq!(parsed.pairs(), vec![("A", Some("1"))]);
    }

    #[test]
    fn text_after_a_closing_quote_is_ignored_with_a_warning() {
        let parsed = parsed("A=\"x\" y z \nB=1\n");
        assert_eq!(
            parsed.problems(),
            vec![(1, 7, Code::EnvFileSyntax, Severity::Warning)]
        );
        assert_eq!(parsed.spanned_text(0), "y z");
        assert_eq!(parsed.pairs(), vec![("A", Some("x")), ("B", Some("1"))]);
    }

    #[test]
    fn unset_variable_warning_points_at_the_expression() {
        let parsed = parsed("A=x ${MISSING}\nB=\"\\t$MISSING\"\n");
        assert_eq!(
            parsed.problems(),
            vec![
                (1, 5, Code::UnsetVariable, Severity::Warning),
                (2, 6, Code::UnsetVariable, Severity::Warning),
            ]
        );
        assert_eq!(parsed.spanned_text(0), "${MISSING}");
        assert_eq!(parsed.spanned_text(1), "$MISSING");
        assert_eq!(parsed.get("A"), Some("x "));
    }

    #[test]
    fn required_variable_is_an_error_and_drops_the_entry() {
        let parsed = parsed("A=${MISSING:?Test error}\nB=2\n");
        assert_eq!(
            parsed.problems(),
            vec![(1, 3, Code::RequiredVariable, Severity::Error)]
        );
        assert_eq!(
            parsed.diagnostics.iter().next().unwrap().message,
            "required variable MISSING is missing a value: Test error"
        );
        assert_eq!(parsed.pairs(), vec![("B", Some("2"))]);
    }

    #[test]
    fn invalid_interpolation_is_an_error() {
        let parsed = parsed("A=\"${x!}\"\n");
        assert_eq!(
            parsed.problems(),
            vec![(1, 4, Code::InvalidInterpolation, Severity::Error)]
        );
    }

    #[test]
    fn interpolation_operators_work_in_env_files() {
        let environment = |name: &str| match name {
            "EMPTY_VAR" => Some(String::new()),
            "TEST_VAR" => Some("Test Value".to_owned()),
            _ => None,
        };
        for (text, expected) in [
            ("R=${UNSET_VAR:-Default Value}", "Default Value"),
            ("R=${EMPTY_VAR:-Default Value}", "Default Value"),
            ("R=${TEST_VAR:-Default Value}", "Test Value"),
            ("R=${UNSET_VAR-Default Value}", "Default Value"),
            ("R=${EMPTY_VAR-Default Value}", ""),
            ("R=${EMPTY_VAR?Test error}", ""),
            ("R=${TEST_VAR:?Default Value}", "Test Value"),
        ] {
            assert_eq!(
                parse_with(text, &environment).get("R"),
                Some(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn export_alone_is_ignored_with_a_warning() {
        let parsed = parsed("export\nA=1\n");
        assert_eq!(
            parsed.problems(),
            vec![(1, 1, Code::EnvFileSyntax, Severity::Warning)]
        );
        assert_eq!(parsed.pairs(), vec![("A", Some("1"))]);
    }

    // ---- raw -----------------------------------------------------------------------------

    #[test]
    fn raw_values_are_taken_verbatim() {
        let parsed = raw("A=\"x\" # y \nB=${X}\nC=a=b\nD=\n");
        assert!(parsed.diagnostics.is_empty());
        assert_eq!(
            parsed.pairs(),
            vec![
                ("A", Some("\"x\" # y ")),
                ("B", Some("${X}")),
                ("C", Some("a=b")),
                ("D", Some(""))
            ]
        );
    }

    #[test]
    fn raw_skips_blank_and_comment_lines_and_leading_space() {
        let parsed = raw("\u{feff}# c\n\n   \n  A=1\r\n\t# indented\nB\n");
        assert!(parsed.diagnostics.is_empty());
        assert_eq!(parsed.pairs(), vec![("A", Some("1")), ("B", None)]);
        assert_eq!(parsed.sources.text(parsed.vars[0].span), Some("A"));
    }

    #[test]
    fn raw_name_with_white_space_or_no_name_is_an_error() {
        let parsed = raw("A =1\n=x\nB C\nD=ok");
        assert_eq!(
            parsed.problems(),
            vec![
                (1, 1, Code::EnvFileSyntax, Severity::Error),
                (2, 1, Code::EnvFileSyntax, Severity::Error),
                (3, 1, Code::EnvFileSyntax, Severity::Error),
            ]
        );
        assert_eq!(parsed.pairs(), vec![("D", Some("ok"))]);
    }

    // ---- compose-go's fixtures -------------------------------------------------------------

    fn fixture(name: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Parsed {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/compose-go/dotenv/fixtures")
            .join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        parse_with(&text, lookup)
    }

    fn clean_fixture(name: &str) -> Vec<(String, Option<String>)> {
        let parsed = fixture(name, &no_environment);
        assert!(
            parsed.diagnostics.is_empty(),
            "{name}: {:?}",
            parsed.diagnostics
        );
        owned(&parsed)
    }

    fn owned(parsed: &Parsed) -> Vec<(String, Option<String>)> {
        parsed
            .vars
            .iter()
            .map(|v| (v.key.clone(), v.value.clone()))
            .collect()
    }

    fn expected(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
            .collect()
    }

    const PLAIN: &[(&str, Option<&str>)] = &[
        ("OPTION_A", Some("1")),
        ("OPTION_B", Some("2")),
        ("OPTION_C", Some("3")),
        ("OPTION_D", Some("4")),
        ("OPTION_E", Some("5")),
        // compose-go's parser keeps it (only its `Read` helper drops names starting with a
        // digit; `docker compose` reads files with `ParseWithLookup`).
        ("456", Some("ABC")),
        ("OPTION_F", Some("")),
        ("OPTION_G", Some("")),
        ("OPTION_H", Some("my string")),
    ];

    #[test]
    fn fixture_plain() {
        assert_eq!(clean_fixture("plain.env"), expected(PLAIN));
    }

    #[test]
    fn fixture_utf8_bom() {
        assert_eq!(clean_fixture("utf8-bom.env"), expected(PLAIN));
    }

    #[test]
    fn fixture_quoted() {
        assert_eq!(
            clean_fixture("quoted.env"),
            expected(&[
                ("OPTION_A", Some("1")),
                ("OPTION_B", Some("2")),
                ("OPTION_C", Some("")),
                ("OPTION_D", Some("\\n")),
                ("OPTION_E", Some("1")),
                ("OPTION_F", Some("2")),
                ("OPTION_G", Some("")),
                ("OPTION_H", Some("\n")),
                ("OPTION_I", Some("echo 'asd'")),
                (
                    "OPTION_J",
                    Some("first line\nsecond line\nthird line\nand so on")
                ),
                ("OPTION_K", Some("Let's go!")),
                ("OPTION_Z", Some("last value")),
            ])
        );
    }

    #[test]
    fn fixture_unquoted() {
        assert_eq!(
            clean_fixture("unquoted.env"),
            expected(&[
                ("OPTION_A", Some("some quoted phrase")),
                ("OPTION_B", Some("first one with an unquoted phrase")),
                ("OPTION_C", Some("then another one with an unquoted phrase")),
                (
                    "OPTION_D",
                    Some("then another one with an unquoted phrase special è char")
                ),
                ("OPTION_E", Some("then another one quoted phrase")),
            ])
        );
    }

    #[test]
    fn fixture_exported() {
        assert_eq!(
            clean_fixture("exported.env"),
            expected(&[("OPTION_A", Some("2")), ("OPTION_B", Some("\\n"))])
        );
    }

    #[test]
    fn fixture_equals() {
        assert_eq!(
            clean_fixture("equals.env"),
            expected(&[(
                "OPTION_A",
                Some("postgres://localhost:5432/database?sslmode=disable")
            )])
        );
    }

    #[test]
    fn fixture_special() {
        assert_eq!(
            clean_fixture("special.env"),
            expected(&[
                ("VAR.WITH.DOTS", Some("dots")),
                ("VAR_WITH_UNDERSCORES", Some("underscores")),
                ("VAR-WITH-DASHES", Some("dashes")),
            ])
        );
    }

    #[test]
    fn fixture_custom_format_reads_yaml_style_lines() {
        assert_eq!(
            clean_fixture("custom.format"),
            expected(&[("FOO", Some("BAR")), ("ZOT", Some("QIX"))])
        );
    }

    #[test]
    fn fixture_inherited() {
        assert_eq!(
            clean_fixture("inherited-multi-var.env"),
            expected(&[
                ("foo", Some("bar")),
                ("VAR_TO_BE_LOADED_FROM_OS_ENV", None),
                ("bar", Some("baz")),
            ])
        );
        assert_eq!(
            clean_fixture("inherited-single-var.env"),
            expected(&[("VAR_TO_BE_LOADED_FROM_OS_ENV", None)])
        );
        assert_eq!(
            clean_fixture("inherited-not-found.env"),
            expected(&[("VARIABLE_NOT_FOUND", None)])
        );
    }

    #[test]
    fn fixture_substitutions() {
        let parsed = fixture("substitutions.env", &no_environment);
        assert_eq!(
            owned(&parsed),
            expected(&[
                ("OPTION_A", Some("1")),
                ("OPTION_B", Some("1")),
                ("OPTION_C", Some("1")),
                ("OPTION_D", Some("1_1")),
                ("OPTION_E", Some("")),
            ])
        );
        assert_eq!(
            parsed.problems(),
            vec![(5, 10, Code::UnsetVariable, Severity::Warning)]
        );
    }

    #[test]
    fn fixture_substitutions_with_the_environment_taking_precedence() {
        let environment = |name: &str| (name == "OPTION_A").then(|| "5".to_owned());
        let parsed = fixture("substitutions.env", &environment);
        assert_eq!(
            owned(&parsed),
            expected(&[
                ("OPTION_A", Some("1")),
                ("OPTION_B", Some("5")),
                ("OPTION_C", Some("5")),
                ("OPTION_D", Some("5_5")),
                ("OPTION_E", Some("")),
            ])
        );
    }

    #[test]
    fn fixture_substitutions_with_defaults() {
        let unset = fixture("substitutions-default.env", &no_environment);
        let set = fixture("substitutions-default.env", &|name: &str| {
            (name == "OPTION_A").then(|| "5".to_owned())
        });
        for (parsed, a) in [(unset, "1"), (set, "5")] {
            let d = format!("{a}_{a}");
            assert_eq!(
                owned(&parsed),
                expected(&[
                    ("OPTION_A", Some(a)),
                    ("OPTION_B", Some(a)),
                    ("OPTION_C", Some(a)),
                    ("OPTION_D", Some(&d)),
                    ("OPTION_E", Some("")),
                ])
            );
        }
    }

    #[test]
    fn fixture_invalid1_reports_the_bad_line() {
        let parsed = fixture("invalid1.env", &no_environment);
        assert_eq!(
            parsed.problems(),
            vec![(7, 1, Code::EnvFileSyntax, Severity::Error)]
        );
        assert_eq!(
            parsed.diagnostics.iter().next().unwrap().message,
            "variable name `INVALID LINE` contains a space"
        );
        assert_eq!(
            owned(&parsed),
            expected(&[
                ("foo", Some("\n  a\n  multine\n  value\n")),
                ("zot", Some("qix")),
            ])
        );
    }

    // ---- properties ----------------------------------------------------------------------

    /// Writes a value so that the `.env` parser reads it back unchanged.
    fn double_quoted(value: &str) -> String {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '$' => out.push_str("\\$"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    proptest! {
        #[test]
        fn quoted_pairs_read_back_unchanged(
            pairs in proptest::collection::btree_map(
                "[\\p{L}\\p{N}_.\\[\\]-]{1,12}",
                any::<String>(),
                0..8,
            ),
            export in any::<bool>(),
        ) {
            let prefix = if export { "export " } else { "" };
            let mut text = String::new();
            for (k, v) in &pairs {
                text.push_str(prefix);
                text.push_str(k);
                text.push('=');
                text.push_str(&double_quoted(v));
                text.push('\n');
            }
            let parsed = parsed(&text);
            prop_assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
            let read: Vec<(String, String)> = parsed
                .vars
                .iter()
                .map(|v| (v.key.clone(), v.value.clone().unwrap_or_default()))
                .collect();
            let written: Vec<(String, String)> = pairs.into_iter().collect();
            prop_assert_eq!(read, written);
        }

        #[test]
        fn simple_unquoted_values_read_back_unchanged(
            key in "[A-Za-z_][A-Za-z0-9_]{0,12}",
            value in "[A-Za-z0-9_./:@%+=,-]([A-Za-z0-9_./:@%+=, -]{0,20}[A-Za-z0-9_./:@%+=,-])?",
        ) {
            prop_assert_eq!(value_of(&format!("{key}={value}\n"), &key), value);
        }

        #[test]
        fn raw_values_read_back_verbatim(
            key in "[A-Za-z_][A-Za-z0-9_]{0,12}",
            value in "[^\n\r]*",
        ) {
            let parsed = raw(&format!("{key}={value}\n"));
            prop_assert_eq!(parsed.pairs(), vec![(key.as_str(), Some(value.as_str()))]);
        }

        #[test]
        fn parser_never_panics(text in any::<String>()) {
            let _ = parsed(&text);
            let _ = raw(&text);
        }

        #[test]
        fn parser_never_panics_on_env_like_text(
            text in "(export |[A-Za-z_ ]{0,4}[=:]?[ \"'#$\\\\{}\nA-Za-z]{0,6}\n?){0,8}"
        ) {
            let parsed = parsed(&text);
            for diagnostic in &parsed.diagnostics {
                prop_assert!(parsed.sources.text(diagnostic.span.unwrap()).is_some());
            }
        }
    }
}
