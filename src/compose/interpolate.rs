//! Compose variable interpolation (`${VAR}`, `$VAR`, the `:-` `-` `:?` `?` `:+` `+` operators
//! and the `$$` escape), with the rules of compose-go's `template` package, which is what
//! `docker compose` runs.
//!
//! A few of those rules are surprising and are kept on purpose, so that a file means here what
//! it means to `docker compose`:
//!
//! - The operand of an operator (`default` in `${VAR:-default}`) is expanded *before* the
//!   variable is looked at, so a problem inside an unused default is still reported.
//! - An operand ends at the brace that balances the opening `${`. When the braces never balance,
//!   it runs to the last `}` of the line; an operand never spans lines.
//! - Names are ASCII letters, digits and `_`, not starting with a digit. A `$` followed by
//!   anything that cannot start an expression (`$ `, `$1`, `$}`, a final `$`) stays a literal
//!   `$`; `${` that does not start a valid expression is an error.
//! - `${NAME[key]}` (compose-go's "named mappings", which `docker compose` does not enable) is
//!   left as it is.

use std::fmt;
use std::ops::Range;

use crate::compose::yaml::{Node, Scalar, Value};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceMap, Span};

/// How deeply operands may nest (`${A:-${B:-${C}}}` nests twice). Real files nest a level or
/// two; the bound keeps hostile input from exhausting the stack.
const MAX_NESTING: usize = 64;

/// The result of interpolating one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    pub value: String,
    /// Variables used without a value and without a default, in text order.
    pub unset: Vec<UnsetUse>,
}

/// A variable that was not set where it was used, so it read as an empty string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsetUse {
    pub name: String,
    /// The byte range of the whole `$VAR` or `${VAR}` expression in the interpolated text.
    pub range: Range<usize>,
}

/// Why a text could not be interpolated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpolationError {
    pub kind: InterpolationErrorKind,
    /// The byte range of the offending expression in the interpolated text.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpolationErrorKind {
    /// `${NAME:?message}` with `NAME` unset or empty, or `${NAME?message}` with `NAME` unset.
    /// `message` is the (interpolated) text after the operator, possibly empty.
    Required { name: String, message: String },
    /// A `${` that does not start a valid expression.
    InvalidSyntax,
    /// Operands nested deeper than any real file needs.
    TooDeeplyNested,
}

impl fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            InterpolationErrorKind::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            InterpolationErrorKind::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
            InterpolationErrorKind::InvalidSyntax => f.write_str("invalid interpolation syntax"),
            InterpolationErrorKind::TooDeeplyNested => write!(
                f,
                "interpolation nested more than {MAX_NESTING} levels deep"
            ),
        }
    }
}

impl std::error::Error for InterpolationError {}

/// Interpolates one text. `lookup` gives a variable's value, `None` when it is not set (an
/// empty value is set). The first error, in text order, is returned.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, InterpolationError> {
    let Expansion {
        value,
        unset,
        errors,
    } = expand(text, lookup);
    match errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(Interpolated { value, unset }),
    }
}

/// Escapes a text so that interpolating it gives it back: every `$` becomes `$$`.
#[must_use]
pub fn escape(text: &str) -> String {
    text.replace('$', "$$")
}

/// Interpolates every scalar value of a tree in place (mapping keys are never interpolated, as
/// in compose-go) and reports every problem found, located as precisely as the source allows.
///
/// A scalar whose text changes becomes a quoted one, so that an empty result stays an empty
/// string rather than turning into null, and `${PORT}` stays the string it was written as.
/// A scalar with an error keeps its text.
pub fn interpolate_tree(
    node: &mut Node,
    sources: &SourceMap,
    lookup: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) {
    let span = node.span;
    match &mut node.value {
        Value::Scalar(scalar) => interpolate_scalar(scalar, span, sources, lookup, diagnostics),
        Value::Seq(items) => {
            for item in items {
                interpolate_tree(item, sources, lookup, diagnostics);
            }
        }
        Value::Map(map) => {
            for (_, entry) in map.iter_mut() {
                interpolate_tree(&mut entry.value, sources, lookup, diagnostics);
            }
        }
    }
}

fn interpolate_scalar(
    scalar: &mut Scalar,
    span: Span,
    sources: &SourceMap,
    lookup: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) {
    if !scalar.text.contains('$') {
        return;
    }
    let expansion = expand(&scalar.text, lookup);
    let source = sources.text(span);
    let locate = |range: &Range<usize>| {
        source
            .and_then(|source| source_range(source, &scalar.text, range.clone()))
            .map_or(span, |found| span.sub(found.start, found.end))
    };
    report(&expansion, &scalar.text, &locate, diagnostics);
    if expansion.errors.is_empty() && expansion.value != scalar.text {
        scalar.text = expansion.value.into();
        scalar.plain = false;
    }
}

/// Everything interpolating a text found: unlike [`interpolate`], it goes on after an error
/// (the failed expression reads as empty) so that all problems can be reported at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Expansion {
    pub value: String,
    pub unset: Vec<UnsetUse>,
    pub errors: Vec<InterpolationError>,
}

pub(crate) fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Expansion {
    let mut expander = Expander {
        lookup,
        unset: Vec::new(),
        errors: Vec::new(),
    };
    let value = expander.expand(text, 0, 0);
    Expansion {
        value,
        unset: expander.unset,
        errors: expander.errors,
    }
}

/// Pushes the diagnostics for an expansion of `text`; `locate` turns a byte range of `text`
/// into a span of the source.
pub(crate) fn report(
    expansion: &Expansion,
    text: &str,
    locate: &dyn Fn(&Range<usize>) -> Span,
    diagnostics: &mut Diagnostics,
) {
    for unset in &expansion.unset {
        diagnostics.push(unset_diagnostic(&unset.name, locate(&unset.range)));
    }
    for error in &expansion.errors {
        let expression = text.get(error.range.clone()).unwrap_or_default();
        diagnostics.push(error_diagnostic(error, expression, locate(&error.range)));
    }
}

fn unset_diagnostic(name: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(
        Code::UnsetVariable,
        format!("the `{name}` variable is not set; using an empty string"),
    )
    .at(span)
    .label("not set")
    .help(format!(
        "set `{name}` in the environment or in `.env`, or give a default with `${{{name}:-default}}`"
    ))
}

fn error_diagnostic(error: &InterpolationError, expression: &str, span: Span) -> Diagnostic {
    match &error.kind {
        InterpolationErrorKind::Required { name, .. } => {
            Diagnostic::error(Code::RequiredVariable, error.to_string())
                .at(span)
                .label("required here")
                .help(format!("set `{name}` in the environment or in `.env`"))
        }
        InterpolationErrorKind::InvalidSyntax => Diagnostic::error(
            Code::InvalidInterpolation,
            format!("invalid interpolation syntax `{expression}`"),
        )
        .at(span)
        .label("not a valid `${...}` expression")
        .help(
            "write `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, \
             `${VAR?error}`, `${VAR:+alternative}` or `${VAR+alternative}`; \
             write `$$` for a literal `$`",
        ),
        InterpolationErrorKind::TooDeeplyNested => {
            Diagnostic::error(Code::InvalidInterpolation, error.to_string())
                .at(span)
                .help("simplify the nested defaults")
        }
    }
}

/// Where `range` of an interpolated `value` was written in `source`, the text the value was
/// read from. Equal texts map one to one. Otherwise (quotes, escapes, folded lines) the
/// expression is searched for in the source, taking its n-th occurrence in the value to be
/// its n-th occurrence in the source; `None` when it is not written there literally.
pub(crate) fn source_range(source: &str, value: &str, range: Range<usize>) -> Option<Range<usize>> {
    if source == value {
        return Some(range);
    }
    let expression = value.get(range.clone())?;
    if expression.is_empty() {
        return None;
    }
    let earlier = value.get(..range.start)?.matches(expression).count();
    let (start, _) = source.match_indices(expression).nth(earlier)?;
    Some(start..start + expression.len())
}

struct Expander<'l> {
    lookup: &'l dyn Fn(&str) -> Option<String>,
    unset: Vec<UnsetUse>,
    errors: Vec<InterpolationError>,
}

impl Expander<'_> {
    /// Expands `text`, which starts at byte `base` of the outermost text (ranges are reported
    /// in the outermost text).
    fn expand(&mut self, text: &str, base: usize, depth: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        while let Some(found) = text.get(pos..).and_then(|rest| rest.find('$')) {
            let dollar = pos + found;
            out.push_str(slice(text, pos..dollar));
            pos = self.expression(text, dollar, base, depth, &mut out);
        }
        out.push_str(text.get(pos..).unwrap_or_default());
        out
    }

    /// Expands the expression that starts with the `$` at `dollar`; returns where the text
    /// goes on.
    fn expression(
        &mut self,
        text: &str,
        dollar: usize,
        base: usize,
        depth: usize,
        out: &mut String,
    ) -> usize {
        let bytes = text.as_bytes();
        match bytes.get(dollar + 1) {
            Some(b'$') => {
                out.push('$');
                dollar + 2
            }
            Some(&c) if is_name_start(c) => {
                let end = name_end(bytes, dollar + 1);
                let name = slice(text, dollar + 1..end);
                self.variable(name, base + dollar..base + end, out);
                end
            }
            Some(b'{') => self.braced(text, dollar, base, depth, out),
            _ => {
                out.push('$');
                dollar + 1
            }
        }
    }

    fn variable(&mut self, name: &str, range: Range<usize>, out: &mut String) {
        match (self.lookup)(name) {
            Some(value) => out.push_str(&value),
            None => self.unset.push(UnsetUse {
                name: name.to_owned(),
                range,
            }),
        }
    }

    /// `${...}` starting at `dollar`.
    fn braced(
        &mut self,
        text: &str,
        dollar: usize,
        base: usize,
        depth: usize,
        out: &mut String,
    ) -> usize {
        let bytes = text.as_bytes();
        let name_start = dollar + 2;
        if !bytes.get(name_start).is_some_and(|&c| is_name_start(c)) {
            return self.invalid(text, dollar, base);
        }
        let name_end = name_end(bytes, name_start);
        let name = slice(text, name_start..name_end);
        match bytes.get(name_end) {
            Some(b'}') => {
                self.variable(name, base + dollar..base + name_end + 1, out);
                return name_end + 1;
            }
            Some(b'[') => {
                return match closing_brace(text, dollar, name_end + 1) {
                    Some(close) if named_mapping_follows(text, name_end) => {
                        out.push_str(slice(text, dollar..close + 1));
                        close + 1
                    }
                    _ => self.invalid(text, dollar, base),
                };
            }
            _ => {}
        }
        let Some((operator, operand_start)) = Operator::parse(bytes, name_end) else {
            return self.invalid(text, dollar, base);
        };
        let Some(close) = closing_brace(text, dollar, operand_start) else {
            return self.invalid(text, dollar, base);
        };
        let range = base + dollar..base + close + 1;
        if depth >= MAX_NESTING {
            self.errors.push(InterpolationError {
                kind: InterpolationErrorKind::TooDeeplyNested,
                range,
            });
            return close + 1;
        }
        // Like compose-go, expand the operand first, whether or not it ends up used.
        let operand = self.expand(
            slice(text, operand_start..close),
            base + operand_start,
            depth + 1,
        );
        match operator.apply((self.lookup)(name), operand) {
            Ok(value) => out.push_str(&value),
            Err(message) => self.errors.push(InterpolationError {
                kind: InterpolationErrorKind::Required {
                    name: name.to_owned(),
                    message,
                },
                range,
            }),
        }
        close + 1
    }

    /// Records a malformed `${` expression and skips it: up to the first `}` of the line, or
    /// to the end of the line.
    fn invalid(&mut self, text: &str, dollar: usize, base: usize) -> usize {
        let line_end = line_end(text, dollar);
        let end = text
            .get(dollar..line_end)
            .and_then(|rest| rest.find('}'))
            .map_or(line_end, |brace| dollar + brace + 1)
            .max(dollar + 2);
        self.errors.push(InterpolationError {
            kind: InterpolationErrorKind::InvalidSyntax,
            range: base + dollar..base + end,
        });
        end
    }
}

/// The operators of `${NAME<operator>operand}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    /// `:-` / `-`: the operand when the variable is unset.
    Default { colon: bool },
    /// `:?` / `?`: an error, with the operand as message, when the variable is unset.
    Required { colon: bool },
    /// `:+` / `+`: the operand when the variable is set.
    Alternative { colon: bool },
}

impl Operator {
    /// The operator at `at`, and where its operand starts.
    fn parse(bytes: &[u8], at: usize) -> Option<(Operator, usize)> {
        let colon = bytes.get(at) == Some(&b':');
        let symbol_at = if colon { at + 1 } else { at };
        let operator = match bytes.get(symbol_at)? {
            b'-' => Operator::Default { colon },
            b'?' => Operator::Required { colon },
            b'+' => Operator::Alternative { colon },
            _ => return None,
        };
        Some((operator, symbol_at + 1))
    }

    /// The expression's value, or the error message of a missing required variable. With the
    /// `:` forms an empty value counts as unset.
    fn apply(self, value: Option<String>, operand: String) -> Result<String, String> {
        let (Operator::Default { colon }
        | Operator::Required { colon }
        | Operator::Alternative { colon }) = self;
        let set = value.as_ref().is_some_and(|v| !(colon && v.is_empty()));
        match (self, set) {
            (Operator::Default { .. } | Operator::Required { .. }, true)
            | (Operator::Alternative { .. }, false) => Ok(value.unwrap_or_default()),
            (Operator::Default { .. }, false) | (Operator::Alternative { .. }, true) => Ok(operand),
            (Operator::Required { .. }, false) => Err(operand),
        }
    }
}

/// The `}` closing the `${` at `dollar`, for an operand starting at `operand_start`.
///
/// compose-go matches the expression with a regular expression whose operand is `.*}`: it runs
/// to the last `}` of the line. It then cuts at the first brace that balances the opening one,
/// counting every `{` (and skipping the character after it) and every `}`. Both steps are
/// reproduced here in one forward scan.
fn closing_brace(text: &str, dollar: usize, operand_start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let line_end = line_end(text, dollar);
    let mut open = 0usize;
    let mut last_brace = None;
    let mut i = dollar;
    while i < line_end {
        match bytes.get(i) {
            Some(b'}') => {
                if i >= operand_start {
                    last_brace = Some(i);
                }
                if open == 1 {
                    return Some(i);
                }
                open = open.saturating_sub(1);
            }
            Some(b'{') => {
                open += 1;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    last_brace
}

/// Whether compose-go's named-mapping pattern `NAME[key]...}` matches at the `[` at `bracket`.
fn named_mapping_follows(text: &str, bracket: usize) -> bool {
    let Some(line) = text.get(bracket..line_end(text, bracket)) else {
        return false;
    };
    line.match_indices(']').any(|(j, _)| {
        let after = line.get(j + 1..).unwrap_or_default();
        if after.starts_with('}') {
            return true;
        }
        let after = after.strip_prefix(':').unwrap_or(after);
        after.starts_with(['-', '+', '?', '}'])
            && after.get(1..).is_some_and(|rest| rest.contains('}'))
    })
}

fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

fn name_end(bytes: &[u8], start: usize) -> usize {
    start
        + bytes.get(start..).map_or(0, |rest| {
            rest.iter().take_while(|&&c| is_name_char(c)).count()
        })
}

/// The offset of the end of the line that `from` is on (its `\n`, or the end of the text).
pub(crate) fn line_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |offset| from + offset)
}

fn slice(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml;
    use crate::diag::Severity;
    use proptest::prelude::*;

    /// `FOO=first`, `BAR=` (set and empty), everything else unset: compose-go's test mapping.
    fn lookup(name: &str) -> Option<String> {
        match name {
            "FOO" => Some("first".into()),
            "BAR" => Some(String::new()),
            _ => None,
        }
    }

    fn value(text: &str) -> String {
        match interpolate(text, &lookup) {
            Ok(done) => done.value,
            Err(error) => panic!("{text:?} failed: {error}"),
        }
    }

    /// Each text expands to its value.
    fn expands(cases: &[(&str, &str)]) {
        for (text, expected) in cases {
            assert_eq!(value(text), *expected, "{text:?}");
        }
    }

    fn error(text: &str) -> InterpolationError {
        match interpolate(text, &lookup) {
            Ok(done) => panic!("{text:?} gave {:?}", done.value),
            Err(error) => error,
        }
    }

    #[test]
    fn braced_and_bare_variables_substitute() {
        expands(&[
            ("This $FOO var", "This first var"),
            ("This ${FOO} var", "This first var"),
            ("${FOO}${FOO}$FOO", "firstfirstfirst"),
        ]);
    }

    #[test]
    fn bare_name_stops_at_the_first_non_name_character() {
        expands(&[
            ("$FOO-bar", "first-bar"),
            ("$FOO.bar", "first.bar"),
            ("${FOO}bar", "firstbar"),
        ]);
    }

    #[test]
    fn unset_variable_reads_empty_and_is_recorded_with_its_range() {
        let done = interpolate("This ${missing} var $OTHER", &lookup).unwrap();
        assert_eq!(done.value, "This  var ");
        assert_eq!(
            done.unset,
            vec![
                UnsetUse {
                    name: "missing".into(),
                    range: 5..15
                },
                UnsetUse {
                    name: "OTHER".into(),
                    range: 20..26
                },
            ]
        );
    }

    #[test]
    fn empty_variable_is_set_and_not_reported() {
        let done = interpolate("This ${BAR} var", &lookup).unwrap();
        assert_eq!(done.value, "This  var");
        assert!(done.unset.is_empty());
    }

    #[test]
    fn colon_dash_default_applies_when_unset() {
        expands(&[("ok ${missing:-def}", "ok def")]);
    }

    #[test]
    fn colon_dash_default_applies_when_empty() {
        expands(&[("ok ${BAR:-def}", "ok def"), ("ok ${FOO:-def}", "ok first")]);
    }

    #[test]
    fn dash_default_applies_only_when_unset() {
        expands(&[
            ("ok ${missing-def}", "ok def"),
            ("ok ${BAR-def}", "ok "),
            ("ok ${FOO-def}", "ok first"),
        ]);
    }

    #[test]
    fn defaults_do_not_report_the_variable_as_unset() {
        let done = interpolate("${missing:-a}${missing-b}${missing:+c}", &lookup).unwrap();
        assert_eq!(done.value, "ab");
        assert!(done.unset.is_empty());
    }

    #[test]
    fn colon_question_errors_when_unset_or_empty() {
        for (text, name, message) in [
            (
                "not ok ${missing:?Mandatory Variable Unset}",
                "missing",
                "Mandatory Variable Unset",
            ),
            (
                "not ok ${BAR:?Mandatory Variable Empty}",
                "BAR",
                "Mandatory Variable Empty",
            ),
            ("not ok ${missing:?}", "missing", ""),
        ] {
            let error = error(text);
            assert_eq!(
                error.kind,
                InterpolationErrorKind::Required {
                    name: name.into(),
                    message: message.into()
                },
                "{text}"
            );
        }
        expands(&[("ok ${FOO:?err}", "ok first")]);
    }

    #[test]
    fn question_errors_only_when_unset() {
        assert!(matches!(
            error("${missing?err}").kind,
            InterpolationErrorKind::Required { .. }
        ));
        expands(&[("ok ${BAR?err}", "ok "), ("ok ${FOO?err}", "ok first")]);
    }

    #[test]
    fn required_error_message_reads_like_compose() {
        assert_eq!(
            error("${missing:?set it}").to_string(),
            "required variable missing is missing a value: set it"
        );
        assert_eq!(
            error("${missing?}").to_string(),
            "required variable missing is missing a value"
        );
    }

    #[test]
    fn colon_plus_substitutes_when_set_and_not_empty() {
        expands(&[
            ("ok ${FOO:+alt}", "ok alt"),
            ("ok ${BAR:+alt}", "ok "),
            ("ok ${missing:+alt}", "ok "),
        ]);
    }

    #[test]
    fn plus_substitutes_when_set_even_if_empty() {
        expands(&[
            ("ok ${FOO+alt}", "ok alt"),
            ("ok ${BAR+alt}", "ok alt"),
            ("ok ${missing+alt}", "ok "),
        ]);
    }

    #[test]
    fn operands_may_hold_nested_expressions() {
        expands(&[
            ("${A:-${B:-x}}", "x"),
            ("ok ${missing-$FOO}", "ok first"),
            ("ok ${missing-${FOO} ${FOO}}", "ok first first"),
            ("ok ${BAR:-${FOO}}", "ok first"),
            ("ok ${BAR+$FOO ${FOO:+second}}", "ok first second"),
            ("+ok ${missing:-${BAR-defaultValue}}", "+ok "),
        ]);
    }

    #[test]
    fn required_message_is_interpolated() {
        assert_eq!(
            error("not ok ${missing:?Mandatory Variable ${FOO}}").kind,
            InterpolationErrorKind::Required {
                name: "missing".into(),
                message: "Mandatory Variable first".into()
            }
        );
    }

    #[test]
    fn unused_operands_are_still_expanded_like_compose() {
        let done = interpolate("${FOO:-${nested}}", &lookup).unwrap();
        assert_eq!(done.value, "first");
        assert_eq!(done.unset.len(), 1);
        assert_eq!(done.unset[0].name, "nested");
        assert_eq!(done.unset[0].range, 7..16);
        assert!(interpolate("${FOO:-${nested:?needed}}", &lookup).is_err());
    }

    #[test]
    fn the_operator_is_the_one_right_after_the_name() {
        expands(&[("${missing-myerror?msg}", "myerror?msg")]);
        assert_eq!(
            error("${missing?bar-baz}").kind,
            InterpolationErrorKind::Required {
                name: "missing".into(),
                message: "bar-baz".into()
            }
        );
        assert_eq!(
            value("ok ${BAR:-/non:-alphanumeric}"),
            "ok /non:-alphanumeric"
        );
        expands(&[(":?ok ${BAR:-defaultValue}", ":?ok defaultValue")]);
    }

    #[test]
    fn dollar_dollar_is_a_literal_dollar() {
        expands(&[
            ("$${foo}", "${foo}"),
            ("$$FOO", "$FOO"),
            ("a$$$FOO", "a$first"),
            ("$$$$", "$$"),
        ]);
    }

    #[test]
    fn dollar_that_starts_no_expression_stays_literal() {
        for text in [
            "a $ string",
            "^REGEX$",
            "$}",
            "$",
            "$1",
            "cost: 5$ -$-",
            "é$ü",
        ] {
            expands(&[(text, text)]);
        }
    }

    #[test]
    fn malformed_braced_expressions_are_errors() {
        for text in [
            "${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}", "${VAR", "${A:x}", "${A:}",
            "${1A}", "${A:-x",
        ] {
            assert_eq!(
                error(text).kind,
                InterpolationErrorKind::InvalidSyntax,
                "{text}"
            );
        }
    }

    #[test]
    fn error_range_covers_the_expression() {
        assert_eq!(error("abc ${foo!x} def").range, 4..12);
        assert_eq!(error("abc ${foo").range, 4..9);
        assert_eq!(error("x ${missing:?m} y").range, 2..15);
    }

    #[test]
    fn operand_cannot_span_lines() {
        assert_eq!(
            error("${missing:-x\ny}").kind,
            InterpolationErrorKind::InvalidSyntax
        );
        expands(&[("${missing:-x}\n${FOO}", "x\nfirst")]);
    }

    #[test]
    fn braces_inside_operands_balance() {
        expands(&[
            ("${missing:-{x}}", "{x}"),
            ("${missing:-a{b}c} ${FOO}", "a{b}c first"),
            ("${missing:-x}}", "x}"),
        ]);
    }

    #[test]
    fn unbalanced_operand_runs_to_the_last_brace_of_the_line() {
        expands(&[("${missing:-{x}", "{x")]);
    }

    #[test]
    fn named_mapping_syntax_is_kept_verbatim() {
        expands(&[("${A[x]} $FOO", "${A[x]} first")]);
        assert_eq!(error("${A[x}").kind, InterpolationErrorKind::InvalidSyntax);
    }

    #[test]
    fn first_error_wins_but_expand_collects_all() {
        let expansion = expand("${a!} ${missing:?m} ${b!}", &lookup);
        assert_eq!(expansion.errors.len(), 3);
        assert_eq!(
            error("${a!} ${missing:?m}").kind,
            InterpolationErrorKind::InvalidSyntax
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 10_000;
        let text = format!("{}x{}", "${A:-".repeat(depth), "}".repeat(depth));
        assert_eq!(error(&text).kind, InterpolationErrorKind::TooDeeplyNested);
        let text = format!("{}x{}", "${A:-".repeat(10), "}".repeat(10));
        expands(&[(&text, "x")]);
    }

    #[test]
    fn escape_doubles_every_dollar() {
        assert_eq!(escape("a$b$$c"), "a$$b$$$$c");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn source_range_maps_equal_texts_one_to_one_and_searches_otherwise() {
        assert_eq!(source_range("a ${X}", "a ${X}", 2..6), Some(2..6));
        assert_eq!(
            source_range("\"a ${X} ${X}\"", "a ${X} ${X}", 7..11),
            Some(8..12)
        );
        assert_eq!(source_range("\"a \\x24{X}\"", "a ${X}", 2..6), None);
    }

    // ---- the tree ----------------------------------------------------------------------

    fn tree(text: &str) -> (Node, SourceMap) {
        let mut sources = SourceMap::new();
        let file = sources.add("compose.yaml", None, ".", text);
        let mut diagnostics = Diagnostics::new();
        let node = yaml::parse(file, text, &mut diagnostics).pop().unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        (node, sources)
    }

    fn interpolated(text: &str) -> (Node, SourceMap, Diagnostics) {
        let (mut node, sources) = tree(text);
        let mut diagnostics = Diagnostics::new();
        interpolate_tree(&mut node, &sources, &lookup, &mut diagnostics);
        (node, sources, diagnostics)
    }

    /// The tree of `text` interpolated, and where each diagnostic points: line, column, text.
    fn interpolated_places(text: &str) -> (Node, Vec<(usize, usize, String)>) {
        let (node, sources, diagnostics) = interpolated(text);
        let places = diagnostics.iter().map(|d| place(&sources, d)).collect();
        (node, places)
    }

    fn place(sources: &SourceMap, diagnostic: &Diagnostic) -> (usize, usize, String) {
        let span = diagnostic.span.unwrap();
        let (_, location) = sources.location(span).unwrap();
        (
            location.line,
            location.column,
            sources.text(span).unwrap().to_owned(),
        )
    }

    #[test]
    fn tree_values_are_interpolated_and_keys_are_not() {
        let (node, _, diagnostics) =
            interpolated("services:\n  $FOO:\n    image: ${FOO}:1\n    command: [a, $FOO]\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let service = node.at(&["services", "$FOO"]);
        assert_eq!(service.at(&["image"]).as_str(), Some("first:1"));
        assert_eq!(service.at(&["command", "1"]).as_str(), Some("first"));
        assert_eq!(service.at(&["command", "0"]).as_str(), Some("a"));
    }

    #[test]
    fn changed_scalars_become_quoted_so_empty_stays_a_string() {
        let (node, _, _) = interpolated("a: $BAR\nb: ${FOO}\nc: plain\nd: $$x\n");
        let a = node.at(&["a"]);
        assert!(!a.is_null());
        assert_eq!(a.as_str(), Some(""));
        assert!(!a.as_scalar().unwrap().plain);
        assert!(!node.at(&["b"]).as_scalar().unwrap().plain);
        assert!(node.at(&["c"]).as_scalar().unwrap().plain);
        assert_eq!(node.at(&["d"]).as_str(), Some("$x"));
    }

    #[test]
    fn unset_variable_warning_points_at_the_expression() {
        let (node, sources, diagnostics) =
            interpolated("services:\n  web:\n    image: repo/${NAME}:${TAG:-1}\n");
        assert_eq!(
            node.at(&["services", "web", "image"]).as_str(),
            Some("repo/:1")
        );
        let warnings: Vec<_> = diagnostics.iter().collect();
        assert_eq!(warnings.len(), 1);
        let warning = warnings[0];
        assert_eq!(warning.code, Code::UnsetVariable);
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(
            warning.message,
            "the `NAME` variable is not set; using an empty string"
        );
        assert!(
            warning
                .help
                .as_deref()
                .unwrap()
                .contains("${NAME:-default}")
        );
        assert_eq!(place(&sources, warning), (3, 17, "${NAME}".into()));
    }

    #[test]
    fn warning_in_a_quoted_scalar_points_at_the_expression() {
        let (_, places) = interpolated_places("a: \"x\\ty $FOO $NAME\"\nb: 'it''s $NAME'\n");
        assert_eq!(places, [(1, 15, "$NAME".into()), (2, 11, "$NAME".into())]);
    }

    #[test]
    fn warning_in_a_folded_plain_scalar_points_at_the_expression() {
        let (node, places) = interpolated_places("command: echo\n  ${NAME} and\n  ${NAME}\n");
        assert_eq!(node.at(&["command"]).as_str(), Some("echo  and "));
        assert_eq!(places, [(2, 3, "${NAME}".into()), (3, 3, "${NAME}".into())]);
    }

    #[test]
    fn warning_in_a_block_scalar_points_at_the_expression() {
        let (node, places) = interpolated_places("command: |\n  echo ${NAME}\n  echo $$HOME\n");
        assert_eq!(node.at(&["command"]).as_str(), Some("echo \necho $HOME\n"));
        assert_eq!(places, [(2, 8, "${NAME}".into())]);
    }

    #[test]
    fn expression_not_written_literally_falls_back_to_the_whole_scalar() {
        let (_, sources, diagnostics) = interpolated("a: \"\\x24NAME\"\n");
        let (line, column, text) = place(&sources, diagnostics.iter().next().unwrap());
        assert_eq!((line, column), (1, 4));
        assert_eq!(text, "\"\\x24NAME\"");
    }

    #[test]
    fn required_variable_is_an_error_with_the_users_message() {
        let (node, sources, diagnostics) = interpolated("a: x-${DB:?set the database}\n");
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.code, Code::RequiredVariable);
        assert!(error.is_error());
        assert_eq!(
            error.message,
            "required variable DB is missing a value: set the database"
        );
        assert_eq!(
            place(&sources, error),
            (1, 6, "${DB:?set the database}".into())
        );
        assert_eq!(node.at(&["a"]).as_str(), Some("x-${DB:?set the database}"));
    }

    #[test]
    fn invalid_syntax_is_an_error_with_help() {
        let (_, sources, diagnostics) = interpolated("a: cost ${x!}\n");
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.code, Code::InvalidInterpolation);
        assert!(error.help.as_deref().unwrap().contains("$$"));
        assert_eq!(place(&sources, error), (1, 9, "${x!}".into()));
    }

    #[test]
    fn every_problem_of_the_tree_is_reported() {
        let (_, _, diagnostics) =
            interpolated("a: ${x!}\nb: [\"${R:?r}\", $U1]\nc:\n  d: ${U2} ${y!}\n");
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                Code::InvalidInterpolation,
                Code::RequiredVariable,
                Code::UnsetVariable,
                Code::UnsetVariable,
                Code::InvalidInterpolation,
            ]
        );
    }

    // ---- properties --------------------------------------------------------------------

    fn defined(name: &'static str, value: Option<String>) -> impl Fn(&str) -> Option<String> {
        move |asked| if asked == name { value.clone() } else { None }
    }

    proptest! {
        #[test]
        fn text_without_dollar_is_unchanged(text in "[^$]*") {
            let done = interpolate(&text, &lookup).unwrap();
            prop_assert_eq!(done.value, text);
            prop_assert!(done.unset.is_empty());
        }

        #[test]
        fn escaped_text_interpolates_back_to_itself(text in any::<String>()) {
            let done = interpolate(&escape(&text), &lookup).unwrap();
            prop_assert_eq!(done.value, text);
        }

        #[test]
        fn defined_variable_substitutes_exactly_its_value(
            before in "[^$]*",
            after in "[^$]*",
            value in any::<String>(),
            braced in any::<bool>(),
        ) {
            // A bare `$V` would swallow name characters that follow it.
            let after = if braced { after } else { format!("-{after}") };
            let expression = if braced { "${V}" } else { "$V" };
            let text = format!("{before}{expression}{after}");
            let done = interpolate(&text, &defined("V", Some(value.clone()))).unwrap();
            prop_assert_eq!(done.value, format!("{before}{value}{after}"));
        }

        #[test]
        fn colon_dash_gives_the_value_or_the_default(
            value in proptest::option::of(any::<String>()),
            default in "[^${}\n]*",
        ) {
            let done = interpolate("${V:-DEFAULT}".replace("DEFAULT", &default).as_str(),
                &defined("V", value.clone())).unwrap();
            let expected = match value {
                Some(v) if !v.is_empty() => v,
                _ => default,
            };
            prop_assert_eq!(done.value, expected);
        }

        #[test]
        fn dash_gives_the_value_unless_unset(
            value in proptest::option::of(any::<String>()),
            default in "[^${}\n]*",
        ) {
            let done = interpolate(&format!("${{V-{default}}}"), &defined("V", value.clone()))
                .unwrap();
            prop_assert_eq!(done.value, value.unwrap_or(default));
        }

        #[test]
        fn interpolation_never_panics(text in any::<String>()) {
            let _ = interpolate(&text, &lookup);
        }

        #[test]
        fn interpolation_never_panics_on_dollar_heavy_text(text in "[${}:?+\\-a-zA-Z_ \n\\[\\]é]*") {
            let expansion = expand(&text, &lookup);
            for range in expansion.errors.iter().map(|e| e.range.clone())
                .chain(expansion.unset.iter().map(|u| u.range.clone()))
            {
                prop_assert!(text.get(range).is_some());
            }
        }
    }
}
