//! miette's graphical report, drawn here byte for byte for the shape nearly every report of ours
//! has, without miette's per-line `format!`s, label clones and trait objects.
//!
//! miette 7.6's `GraphicalReportHandler` (`handlers/graphical.rs`) spent a fifth of a large
//! `convert` drawing the notes. [`Graphical::draw`] follows its `render_report_inner` step by
//! step for reports whose texts are prewrapped (see [`super::super::wrap`]), whose labels each
//! underline at least one byte of one line of printable ASCII (not its line end) at distinct
//! offsets and have at most one line of text, and whose shown lines hold no tab and no `\r`.
//! On those, miette's gutters for spans over several lines, its widths of tabs and other
//! Unicode, its markers of empty spans and its labels over several lines never come into play.
//! Any other report is left to miette, which draws it as before.

use miette::{GraphicalTheme, LabeledSpan, ThemeCharacters};

use super::{IndexedSource, Report, Severity, Text};

/// The escape sequences owo-colors writes around a text in one of the theme's styles (none at
/// all in the colourless theme), taken from the style itself.
struct Paint {
    prefix: String,
    suffix: String,
}

/// The [`Paint`] of one of the theme's styles (a macro: the style's type is owo-colors', a
/// crate of miette's that we do not name).
macro_rules! paint {
    ($style:expr) => {
        Paint {
            prefix: $style.prefix_formatter().to_string(),
            suffix: $style.suffix_formatter().to_string(),
        }
    };
}

impl Paint {
    fn push(&self, out: &mut String, text: &str) {
        out.push_str(&self.prefix);
        out.push_str(text);
        out.push_str(&self.suffix);
    }
}

/// How a severity looks: its style, and the indents of its message's first and other lines
/// (`render_causes`: two spaces, the icon or a bar in the style, a space).
struct Look {
    paint: Paint,
    first: String,
    rest: String,
}

impl Look {
    fn new(paint: Paint, icon: &str, vbar: char) -> Self {
        let mut first = String::from("  ");
        paint.push(&mut first, icon);
        first.push(' ');
        let mut rest = String::from("  ");
        paint.push(&mut rest, vbar.encode_utf8(&mut [0; 4]));
        rest.push(' ');
        Self { paint, first, rest }
    }
}

/// miette's graphical handler in our layout (context lines 1, no links, no cause chains, no
/// footer), drawing in one theme.
pub(super) struct Graphical {
    chars: ThemeCharacters,
    error: Look,
    warning: Look,
    advice: Look,
    /// `  help: ` in the help's style (`render_footer`).
    help: String,
    /// The fixed runs of what miette writes around a context's lines, joined once with their
    /// colours: the box's top (after its indent) up to the place, after the place, before and
    /// after a line's number, the gutter of a row under a line, and the box's bottom.
    top: String,
    place_end: String,
    linum_start: String,
    linum_end: String,
    under_line: String,
    bottom: String,
    /// The labels' styles, given in turn in the order of their offsets.
    highlights: Vec<Highlight>,
    spaces: Run,
    underlines: Run,
    /// The text being indented, reused from one report to the next.
    text: String,
    /// The columns of the underlines' bars on the line being drawn.
    bars: Vec<usize>,
}

/// The indent of a help's other lines (as wide as `  help: `).
const HELP_REST: &str = "        ";

impl Graphical {
    pub(super) fn new(theme: &GraphicalTheme) -> Self {
        let styles = &theme.styles;
        let chars = theme.characters.clone();
        let mut help = String::new();
        paint!(styles.help).push(&mut help, "  help: ");
        let (link, linum) = (paint!(styles.link), paint!(styles.linum));
        Self {
            error: Look::new(paint!(styles.error), &chars.error, chars.vbar),
            warning: Look::new(paint!(styles.warning), &chars.warning, chars.vbar),
            advice: Look::new(paint!(styles.advice), &chars.advice, chars.vbar),
            help,
            top: format!("{}{}[{}", chars.ltop, chars.hbar, link.prefix),
            place_end: format!("{}]\n", link.suffix),
            linum_start: format!(" {}", linum.prefix),
            linum_end: format!("{} {} ", linum.suffix, chars.vbar),
            under_line: format!("{} ", chars.vbar_break),
            bottom: format!("{}{}\n", chars.lbot, chars.hbar.to_string().repeat(4)),
            highlights: styles
                .highlights
                .iter()
                .map(|style| Highlight::new(paint!(style), &chars))
                .collect(),
            spaces: Run::new(' '),
            underlines: Run::new(chars.underline),
            text: String::new(),
            chars,
            bars: Vec::new(),
        }
    }

    /// Appends the report to `out` as miette's handler would, and says so; when the report is
    /// not of the shape drawn here, leaves `out` as it was and returns false.
    pub(super) fn draw(&mut self, out: &mut String, report: &Report<'_>) -> bool {
        let start = out.len();
        if self.report(out, report, None).is_some() {
            true
        } else {
            out.truncate(start);
            false
        }
    }

    /// `render_report_inner` for a report, and `render_related` for each related report
    /// (which miette draws the same way after a line naming its severity, with the source of
    /// the report it is related to when it has none).
    fn report(
        &mut self,
        out: &mut String,
        report: &Report<'_>,
        parent_source: Option<&IndexedSource<'_>>,
    ) -> Option<()> {
        let source = report.source.as_ref().or(parent_source);
        // render_header: the code (which ours always have) in the severity's style, then an
        // empty line.
        let look = match report.severity {
            Severity::Error => &self.error,
            Severity::Warning => &self.warning,
            Severity::Note => &self.advice,
        };
        look.paint.push(out, report.code);
        out.push_str("\n\n");
        // render_causes: the message, and no cause chain (ours have no sources).
        push_text(&mut self.text, out, report.message, &look.first, &look.rest)?;
        self.snippets(out, report, source)?;
        // render_footer.
        if let Some(help) = report.help {
            push_text(&mut self.text, out, help, &self.help, HELP_REST)?;
        }
        for related in &report.related {
            out.push('\n');
            out.push_str(match related.severity {
                Severity::Error => "Error: ",
                Severity::Warning => "Warning: ",
                Severity::Note => "Advice: ",
            });
            self.report(out, related, source)?;
        }
        Some(())
    }

    /// `render_snippets`: the labels in the order of their offsets, one context each, merged
    /// with the one before when miette's line count says they overlap, each context drawn.
    fn snippets(
        &mut self,
        out: &mut String,
        report: &Report<'_>,
        source: Option<&IndexedSource<'_>>,
    ) -> Option<()> {
        let Some(source) = source else {
            return Some(());
        };
        let mut labels = report
            .labels
            .iter()
            .map(|label| Label::new(source, label))
            .collect::<Option<Vec<_>>>()?;
        // miette sorts with `sort_unstable_by_key`: equal offsets could come in either order.
        labels.sort_by_key(|label| label.start);
        if labels.windows(2).any(|pair| match pair {
            [left, right] => left.start == right.start,
            _ => false,
        }) {
            return None;
        }
        let mut contexts: Vec<Shown> = Vec::with_capacity(labels.len());
        for label in &labels {
            let right = source.context(label.start, label.end, 1, 1);
            if let Some(left) = contexts.last_mut()
                && left.context.first_line + left.context.line_count >= right.first_line
            {
                // One context from the left label's start to the furthest end, which miette
                // reads again (and, the span being within the text, always can).
                left.end = left.end.max(label.end);
                left.context = source.context(left.start, left.end, 1, 1);
                continue;
            }
            contexts.push(Shown {
                start: label.start,
                end: label.end,
                context: right,
            });
        }
        for shown in &contexts {
            self.context(out, source, shown, &labels)?;
        }
        Some(())
    }

    /// `render_context`: the box around the context's lines, the underlines and label texts
    /// under the lines that hold labels (of all the report's labels: miette passes them all).
    fn context(
        &mut self,
        out: &mut String,
        source: &IndexedSource<'_>,
        shown: &Shown,
        labels: &[Label<'_>],
    ) -> Option<()> {
        let first_line = shown.context.first_line;
        let last_line = source.line_of(shown.context.to.checked_sub(1)?);
        let width = decimal_digits(last_line + 1);
        // The place given is the primary label's among those in the context, else the first's.
        let mut in_context = labels
            .iter()
            .filter(|label| shown.start <= label.start && label.end <= shown.end);
        let primary = in_context
            .clone()
            .find(|label| label.primary)
            .or_else(|| in_context.next())?;
        let place = source.context(primary.start, primary.end, 0, 0);
        self.spaces.push(out, width + 2);
        out.push_str(&self.top);
        out.push_str(source.name);
        out.push(':');
        push_decimal(out, place.first_line + 1);
        out.push(':');
        push_decimal(out, place.column + 1);
        out.push_str(&self.place_end);
        for line in first_line..=last_line {
            let text = source
                .text
                .get(source.line_start(line)..source.line_end(line))?;
            if text.bytes().any(|byte| byte == b'\t' || byte == b'\r') {
                return None;
            }
            out.push_str(&self.linum_start);
            // Right-aligned, as miette formats numbers to a width.
            self.spaces
                .push(out, width.saturating_sub(decimal_digits(line + 1)));
            push_decimal(out, line + 1);
            out.push_str(&self.linum_end);
            out.push_str(text);
            out.push('\n');
            // The labels of a line are neighbours among labels in the order of their offsets.
            let from = labels.partition_point(|label| label.line < line);
            let to = labels.partition_point(|label| label.line <= line);
            if let Some(on_line) = labels.get(from..to)
                && !on_line.is_empty()
            {
                self.highlights(out, source.line_start(line), width, on_line, from)?;
            }
        }
        self.spaces.push(out, width + 2);
        out.push_str(&self.bottom);
        Some(())
    }

    /// `render_single_line_highlights` for the labels of one line (`first` the index of the
    /// first of them among all, which gives their styles): the underlines, each from where
    /// the one before ended at the least, then a row per label with text, the last first,
    /// with a bar under each label before it.
    fn highlights(
        &mut self,
        out: &mut String,
        line_start: usize,
        width: usize,
        on_line: &[Label<'_>],
        first: usize,
    ) -> Option<()> {
        self.no_linum(out, width);
        let mut highest = 0;
        self.bars.clear();
        for (index, label) in on_line.iter().enumerate() {
            let paint = &self.highlight(first + index)?.paint;
            let start = (label.start - line_start).max(highest);
            let end = (label.end - line_start).max(start + 1);
            // miette's `(start + end) / 2`, rounded down.
            let bar = usize::midpoint(start, end);
            out.push_str(&paint.prefix);
            self.spaces.push(out, start - highest);
            self.underlines.push(out, bar - start);
            out.push(if label.text.is_some() {
                self.chars.underbar
            } else {
                self.chars.underline
            });
            self.underlines.push(out, end - bar - 1);
            out.push_str(&paint.suffix);
            highest = highest.max(end);
            self.bars.push(bar);
        }
        out.push('\n');
        for (index, label) in on_line.iter().enumerate().rev() {
            let Some(text) = label.text else {
                continue;
            };
            self.no_linum(out, width);
            let mut column = 1;
            for (other, &bar) in self.bars.iter().enumerate() {
                while column < bar + 1 {
                    out.push(' ');
                    column += 1;
                }
                // miette compares labels by text and span; the spans here all differ.
                if other == index {
                    let highlight = self.highlight(first + index)?;
                    out.push_str(&highlight.label_start);
                    out.push_str(text);
                    out.push_str(&highlight.label_end);
                    break;
                }
                out.push_str(&self.highlight(first + other)?.bar);
                column += 1;
            }
        }
        Some(())
    }

    /// The style of the label at `index` in the order of offsets: the theme's in turn.
    fn highlight(&self, index: usize) -> Option<&Highlight> {
        self.highlights
            .get(index.checked_rem(self.highlights.len())?)
    }

    /// `write_no_linum`: the gutter of a row under a line.
    fn no_linum(&self, out: &mut String, width: usize) {
        self.spaces.push(out, width + 2);
        out.push_str(&self.under_line);
    }
}

/// A prewrapped text after its indents, as miette's `wrap` writes it when it does not wrap
/// (each line after an indent, the indent without trailing spaces before a blank line),
/// and the line end miette writes after it. `scratch` holds the wrapped text meanwhile.
fn push_text(
    scratch: &mut String,
    out: &mut String,
    text: Text<'_>,
    first: &str,
    rest: &str,
) -> Option<()> {
    let Text::Prewrapped(plain, width) = text else {
        return None;
    };
    scratch.clear();
    plain.fill(width, scratch).ok()?;
    for (index, line) in scratch.split_terminator('\n').enumerate() {
        let indent = if index == 0 {
            first
        } else {
            out.push('\n');
            rest
        };
        if line.trim().is_empty() {
            out.push_str(indent.trim_end());
        } else {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    if scratch.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    Some(())
}

/// A label's style, and what miette writes in it under the line (`write_label_text`): the
/// bar under a label whose text is in a row below, and around the label's text, which is
/// styled on its own and then again with the corner before it.
struct Highlight {
    paint: Paint,
    bar: String,
    label_start: String,
    label_end: String,
}

impl Highlight {
    fn new(paint: Paint, chars: &ThemeCharacters) -> Self {
        let Paint { prefix, suffix } = &paint;
        Self {
            bar: format!("{prefix}{}{suffix}", chars.vbar),
            label_start: format!(
                "{prefix}{}{} {prefix}",
                chars.lbot,
                chars.hbar.to_string().repeat(2)
            ),
            label_end: format!("{suffix}{suffix}\n"),
            paint,
        }
    }
}

/// A label as drawn here: one line of printable ASCII holds its bytes.
struct Label<'a> {
    start: usize,
    end: usize,
    /// The index of its line.
    line: usize,
    text: Option<&'a str>,
    primary: bool,
}

impl<'a> Label<'a> {
    fn new(source: &IndexedSource<'_>, label: &'a LabeledSpan) -> Option<Self> {
        let start = label.offset();
        let end = start.checked_add(label.len())?;
        let line = source.line_of(start);
        let text = label.label();
        let drawn_here = start < end
            && end <= source.line_end(line)
            && source
                .text
                .get(source.line_start(line)..source.line_end(line))?
                .bytes()
                .all(|byte| (b' '..=b'~').contains(&byte))
            && !text.is_some_and(|text| text.contains('\n'));
        drawn_here.then_some(Self {
            start,
            end,
            line,
            text,
            primary: label.primary(),
        })
    }
}

/// A context miette draws: the span it was read for (a label's, or several merged), and
/// what was read.
struct Shown {
    start: usize,
    end: usize,
    context: super::Context,
}

/// How many digits miette gives the line numbers (those of the last line shown).
fn decimal_digits(number: usize) -> usize {
    number.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Writes a number in decimal, as `Display` does.
fn push_decimal(out: &mut String, number: usize) {
    if number >= 10 {
        push_decimal(out, number / 10);
    }
    if let Some(&digit) = b"0123456789".get(number % 10) {
        out.push(char::from(digit));
    }
}

/// A character repeated, written a slice of a prepared run at a time rather than a
/// character at a time.
struct Run {
    text: String,
    width: usize,
}

/// How many characters a [`Run`] holds.
const RUN: usize = 64;

impl Run {
    fn new(character: char) -> Self {
        Self {
            text: std::iter::repeat_n(character, RUN).collect(),
            width: character.len_utf8(),
        }
    }

    fn push(&self, out: &mut String, mut count: usize) {
        while count > 0 {
            let now = count.min(RUN);
            out.push_str(self.text.get(..now * self.width).unwrap_or_default());
            count -= now;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use proptest::prelude::*;

    use super::super::tests::assert_renders_as_miette_wraps_it;
    use crate::diag::{Code, Diagnostic, Severity};
    use crate::source::{SourceMap, Span};

    /// Lines `key<i>: value <i>`, one to `count`.
    fn numbered_lines(count: usize) -> String {
        (1..=count).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "key{i}: value {i}");
            text
        })
    }

    /// The offset of column `column` (from 1) of line `line` (from 1).
    fn at(text: &str, line: usize, column: usize) -> usize {
        text.split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum::<usize>()
            + column
            - 1
    }

    /// The shapes drawn here, each drawn in both styles and shown as miette shows it: one
    /// label with and without text, on the first, a middle and the last line (with and
    /// without a line end), line numbers from 9 to 10 and 99 to 100 digits, two labels on a
    /// line, labels on lines just near enough to share a context and just far enough for two,
    /// related places in another file, every severity.
    #[test]
    fn usual_shapes_are_drawn_here_as_miette_draws_them() {
        let text = numbered_lines(120);
        let mut sources = SourceMap::new();
        let file = sources.add("compose.yaml", None, ".", text.as_str());
        let last = sources.add("last.yaml", None, ".", "a: 1\nb: 22");
        let other = sources.add("other.yaml", None, ".", "x: 1\n");
        let span = |line, column, len| {
            let start = at(&text, line, column);
            Span::new(file, start, start + len)
        };
        let mut cases = Vec::new();
        for line in [1, 2, 9, 10, 11, 50, 99, 100, 101, 120] {
            for severity in [Severity::Error, Severity::Warning, Severity::Note] {
                let diagnostic = Diagnostic::new(severity, Code::UnknownKey, "a message")
                    .at(span(line, 1, 3))
                    .help("a help");
                cases.push(diagnostic.clone());
                cases.push(diagnostic.clone().label("a label"));
                cases.push(
                    diagnostic
                        .label("a label")
                        .related(span(line, 8, 5), "here too"),
                );
            }
            // miette merges the contexts of lines `l` and `r` (from 1) when `r <= 2 l + 1`.
            let boundary = [2 * line + 1, 2 * line + 2];
            let others = [1, 3, 12, 30, 98, 102, 119].into_iter().chain(boundary);
            for other_line in others.filter(|&other_line| other_line <= 120) {
                cases.push(
                    Diagnostic::warning(Code::UnknownKey, "two places")
                        .at(span(line, 3, 2))
                        .label("first")
                        .related(span(other_line, 2, 4), "second")
                        .related(Span::new(other, 0, 1), "elsewhere"),
                );
            }
        }
        cases.push(Diagnostic::error(Code::UnknownKey, "at the end").at(Span::new(last, 8, 10)));
        cases.push(
            Diagnostic::error(Code::UnknownKey, "at the end")
                .at(Span::new(last, 0, 1))
                .label("first")
                .related(Span::new(last, 9, 10), "last"),
        );
        for diagnostic in &cases {
            assert_eq!(
                assert_renders_as_miette_wraps_it(diagnostic, &sources),
                2,
                "not drawn here: {diagnostic:?}"
            );
        }
    }

    /// A line of source text: mostly printable ASCII, sometimes empty, with a tab, a `\r` or
    /// other Unicode.
    fn source_line() -> impl Strategy<Value = String> {
        prop_oneof![
            40 => "[ -~]{0,24}",
            6 => Just(String::new()),
            1 => "[ -~]{0,8}\t[ -~]{0,8}",
            1 => "[ -~]{0,8}\r",
            1 => "[ -~]{0,8}é[ -~]{0,8}",
        ]
    }

    /// A source text of a few lines, or of about a hundred (line numbers of three digits).
    fn source_text() -> impl Strategy<Value = String> {
        let count = prop_oneof![1..14_usize, 96..104_usize];
        (count, any::<bool>()).prop_flat_map(|(count, line_end)| {
            prop::collection::vec(source_line(), count).prop_map(move |lines| {
                let mut text = lines.join("\n");
                if line_end {
                    text.push('\n');
                }
                text
            })
        })
    }

    /// A message, a help or a label: words of ASCII, sometimes long enough to wrap, sometimes
    /// with other Unicode or a line break.
    fn words() -> impl Strategy<Value = String> {
        prop_oneof![
            24 => "[a-z`(]{1,10}( [a-z`.,:;()/-]{1,12}){0,24}",
            1 => "[ -~]{0,40}",
            1 => "[a-z]{1,8} é[a-z ]{0,20}",
            1 => "[a-z]{1,8}\n[a-z ]{0,20}",
        ]
    }

    /// A place: mostly within the text of one line, else within one line from its start to
    /// past its end (over its line end, or the end of the text), sometimes anywhere, empty, or
    /// past the end.
    #[derive(Clone, Debug)]
    struct Place {
        kind: PlaceKind,
        line: usize,
        start: usize,
        len: usize,
    }

    #[derive(Clone, Copy, Debug)]
    enum PlaceKind {
        LineText,
        Line,
        Anywhere,
    }

    fn place() -> impl Strategy<Value = Place> {
        let kind = prop_oneof![
            6 => Just(PlaceKind::LineText),
            3 => Just(PlaceKind::Line),
            1 => Just(PlaceKind::Anywhere),
        ];
        (kind, any::<usize>(), 0..40_usize, 0..12_usize).prop_map(|(kind, line, start, len)| {
            Place {
                kind,
                line,
                start,
                len,
            }
        })
    }

    impl Place {
        fn span(&self, sources: &SourceMap, file: crate::source::FileId) -> Span {
            let text = &sources.get(file).unwrap().text;
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let line_start = starts[self.line % starts.len()];
            let line_len = text[line_start..]
                .find('\n')
                .unwrap_or(text.len() - line_start);
            let (start, end) = match self.kind {
                PlaceKind::LineText => {
                    let start = line_start + self.start % line_len.max(1);
                    let rest = line_start + line_len - start;
                    (start, start + 1 + self.len % rest.max(1))
                }
                PlaceKind::Line => {
                    let start = line_start + self.start % (line_len + 1);
                    // Up to one byte past the line's text.
                    (
                        start,
                        start + self.len % (line_start + line_len + 2 - start),
                    )
                }
                PlaceKind::Anywhere => {
                    let start = self.start * 7 + self.line % 97;
                    (start, start + self.len * 5)
                }
            };
            Span::new(file, start, end)
        }
    }

    #[derive(Clone, Debug)]
    struct Case {
        text: String,
        other_text: String,
        severity: Severity,
        code: usize,
        message: String,
        help: Option<String>,
        place: Option<(Place, Option<String>)>,
        related: Vec<(bool, Place, String)>,
    }

    fn case() -> impl Strategy<Value = Case> {
        let severity = prop_oneof![
            Just(Severity::Error),
            Just(Severity::Warning),
            Just(Severity::Note)
        ];
        (
            (source_text(), source_text(), severity, any::<usize>()),
            words(),
            prop::option::weighted(0.8, words()),
            prop::option::weighted(0.9, (place(), prop::option::of(words()))),
            prop::collection::vec((prop::bool::weighted(0.7), place(), words()), 0..3),
        )
            .prop_map(
                |((text, other_text, severity, code), message, help, place, related)| Case {
                    text,
                    other_text,
                    severity,
                    code,
                    message,
                    help,
                    place,
                    related,
                },
            )
    }

    impl Case {
        fn diagnostic(&self) -> (SourceMap, Diagnostic) {
            let mut sources = SourceMap::new();
            let file = sources.add("compose.yaml", None, ".", self.text.as_str());
            let other = sources.add("other/compose.yaml", None, ".", self.other_text.as_str());
            let code = Code::ALL[self.code % Code::ALL.len()];
            let mut diagnostic = Diagnostic::new(self.severity, code, self.message.clone());
            diagnostic.help.clone_from(&self.help);
            if let Some((place, label)) = &self.place {
                diagnostic.span = Some(place.span(&sources, file));
                diagnostic.label.clone_from(label);
            }
            for (same_file, place, message) in &self.related {
                let span = place.span(&sources, if *same_file { file } else { other });
                diagnostic = diagnostic.related(span, message.clone());
            }
            (sources, diagnostic)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Random diagnostics show as miette shows them, whether drawn here or by miette.
        #[test]
        fn random_diagnostics_render_as_miette_renders_them(case in case()) {
            let (sources, diagnostic) = case.diagnostic();
            assert_renders_as_miette_wraps_it(&diagnostic, &sources);
        }
    }
}
