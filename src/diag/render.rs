//! Showing diagnostics: miette's graphical report for people, JSON for CI tools.

use std::fmt::Write as _;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Colours and Unicode box drawing, for a terminal.
    Fancy,
    /// The same layout without colour (not a terminal, or `NO_COLOR`).
    Plain,
}

/// Renders diagnostics one after another, followed by nothing else (the caller prints the
/// summary line).
#[must_use]
pub fn to_text(diagnostics: &[&Diagnostic], sources: &SourceMap, style: Style) -> String {
    let handler = handler(style);
    let mut out = String::new();
    for diagnostic in diagnostics {
        push_text(&handler, &mut out, diagnostic, sources);
    }
    out
}

/// [`to_text`], written to `out` one diagnostic at a time (a large project has megabytes of
/// notes, never held whole in memory).
pub fn write_text(
    diagnostics: &[&Diagnostic],
    sources: &SourceMap,
    style: Style,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let handler = handler(style);
    let mut text = String::new();
    for diagnostic in diagnostics {
        text.clear();
        push_text(&handler, &mut text, diagnostic, sources);
        out.write_all(text.as_bytes())?;
    }
    out.flush()
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = match style {
        Style::Fancy => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
        .with_links(false)
}

fn push_text(
    handler: &GraphicalReportHandler,
    out: &mut String,
    diagnostic: &Diagnostic,
    sources: &SourceMap,
) {
    let report = Report::new(diagnostic, sources);
    if handler.render_report(out, &report).is_err() {
        // Rendering only fails on a formatter error; fall back to one plain line.
        let _ = writeln!(out, "{}", one_line(diagnostic, sources));
    }
}

/// `file:line:col: severity[code]: message` — for logs and tests.
#[must_use]
pub fn one_line(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let place = diagnostic
        .span
        .and_then(|span| sources.location(span))
        .map(|(file, loc)| format!("{}:{}:{}: ", file.name, loc.line, loc.column))
        .unwrap_or_default();
    format!(
        "{place}{}[{}]: {}",
        severity_name(diagnostic.severity),
        diagnostic.code.as_str(),
        diagnostic.message
    )
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The JSON document `--format json` prints.
#[must_use]
pub fn to_json(diagnostics: &[&Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let place = |span: Option<Span>| {
        span.and_then(|span| {
            let (file, start) = sources.location(span)?;
            let end = file.location(span.end);
            Some(serde_json::json!({
                "file": file.name,
                "line": start.line,
                "column": start.column,
                "end_line": end.line,
                "end_column": end.column,
            }))
        })
    };
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let mut item = serde_json::json!({
                "severity": d.severity,
                "code": d.code.as_str(),
                "message": d.message,
            });
            if let (Some(object), Some(place)) = (item.as_object_mut(), place(d.span))
                && let Some(fields) = place.as_object()
            {
                object.extend(fields.clone());
            }
            if let Some(object) = item.as_object_mut() {
                if let Some(label) = &d.label {
                    object.insert("label".into(), label.clone().into());
                }
                if let Some(help) = &d.help {
                    object.insert("help".into(), help.clone().into());
                }
                if !d.related.is_empty() {
                    let related = d
                        .related
                        .iter()
                        .map(|r| {
                            let mut entry = place(Some(r.span)).unwrap_or_default();
                            if let Some(entry) = entry.as_object_mut() {
                                entry.insert("message".into(), r.message.clone().into());
                            }
                            entry
                        })
                        .collect::<Vec<_>>();
                    object.insert("related".into(), related.into());
                }
            }
            item
        })
        .collect();
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    serde_json::json!({
        "diagnostics": items,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "notes": count(Severity::Note),
    })
}

/// A diagnostic bound to its source text, in the shape miette renders.
#[derive(Debug)]
struct Report {
    message: String,
    code: &'static str,
    severity: Severity,
    help: Option<String>,
    source: Option<IndexedSource>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let mut report = Report {
            message: diagnostic.message.clone(),
            code: diagnostic.code.as_str(),
            severity: diagnostic.severity,
            help: diagnostic.help.clone(),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        if let Some(span) = diagnostic.span {
            report.attach(span, diagnostic.label.clone(), sources, true);
        }
        for related in &diagnostic.related {
            let same_file = diagnostic.span.is_some_and(|s| s.file == related.span.file);
            if same_file {
                report.attach(related.span, Some(related.message.clone()), sources, false);
            } else {
                let mut child = Report {
                    message: related.message.clone(),
                    code: diagnostic.code.as_str(),
                    severity: Severity::Note,
                    help: None,
                    source: None,
                    labels: Vec::new(),
                    related: Vec::new(),
                };
                child.attach(related.span, None, sources, true);
                report.related.push(child);
            }
        }
        report
    }

    fn attach(&mut self, span: Span, label: Option<String>, sources: &SourceMap, primary: bool) {
        let Some(file) = sources.get(span.file) else {
            return;
        };
        if self.source.is_none() {
            self.source = Some(IndexedSource {
                name: file.name.clone(),
                text: Arc::clone(&file.text),
                line_starts: Arc::clone(&file.line_starts),
            });
        }
        let source_span = SourceSpan::new((span.start as usize).into(), span.len());
        self.labels.push(if primary {
            LabeledSpan::new_primary_with_span(label, source_span)
        } else {
            LabeledSpan::new_with_span(label, source_span)
        });
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn sample() -> (SourceMap, Diagnostic) {
        let mut sources = SourceMap::new();
        let file = sources.add(
            "compose.yaml",
            None,
            ".",
            "services:\n  web:\n    imgae: nginx\n",
        );
        let diagnostic =
            Diagnostic::error(Code::UnknownKey, "unknown key `imgae` in service `web`")
                .at(Span::new(file, 21, 26))
                .label("not a service key")
                .help("did you mean `image`?");
        (sources, diagnostic)
    }

    /// The line index only narrows what miette reads: every span shows exactly as miette
    /// shows it from the whole file.
    #[test]
    fn indexed_sources_render_like_the_whole_file() {
        use std::fmt::Write as _;
        let text = (0..40).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "line{i}: value {i}");
            text
        });
        let mut sources = SourceMap::new();
        let file = sources.add("compose.yaml", None, ".", text.as_str());
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_context_lines(1)
            .with_links(false);
        let at = |line: usize| text.find(&format!("line{line}:")).unwrap();
        // Every line alone, and every pair of lines (a related place in the same file).
        let cases = (0..40).flat_map(|a| {
            std::iter::once((at(a), None)).chain((a + 1..40).map(move |b| (at(a), Some(at(b)))))
        });
        for (start, related) in cases {
            let mut diagnostic =
                Diagnostic::error(Code::UnknownKey, "x").at(Span::new(file, start, start + 4));
            if let Some(other) = related {
                diagnostic = diagnostic.related(Span::new(file, other, other + 4), "other");
            }
            let indexed = Report::new(&diagnostic, &sources);
            let mut whole = Report::new(&diagnostic, &sources);
            whole.source = None;
            let named = miette::NamedSource::new("compose.yaml", text.clone());
            let mut expected = String::new();
            let mut got = String::new();
            handler
                .render_report(&mut expected, &WithSource(&whole, &named))
                .unwrap();
            handler.render_report(&mut got, &indexed).unwrap();
            assert_eq!(got, expected, "span at {start}");
        }
    }

    /// A report whose source is miette's own, reading the whole file.
    struct WithSource<'a>(&'a Report, &'a miette::NamedSource<String>);

    impl std::fmt::Debug for WithSource<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            std::fmt::Debug::fmt(self.0, f)
        }
    }

    impl std::fmt::Display for WithSource<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            std::fmt::Display::fmt(self.0, f)
        }
    }

    impl std::error::Error for WithSource<'_> {}

    impl miette::Diagnostic for WithSource<'_> {
        fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
            self.0.code()
        }
        fn severity(&self) -> Option<miette::Severity> {
            self.0.severity()
        }
        fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
            self.0.help()
        }
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(self.1)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            self.0.labels()
        }
    }

    #[test]
    fn text_shows_file_line_column_code_and_help() {
        let (sources, diagnostic) = sample();
        let text = to_text(&[&diagnostic], &sources, Style::Plain);
        assert!(text.contains("compose.yaml:3:5"), "{text}");
        assert!(text.contains("unknown-key"), "{text}");
        assert!(text.contains("did you mean `image`?"), "{text}");
    }

    #[test]
    fn json_has_located_fields() {
        let (sources, diagnostic) = sample();
        let json = to_json(&[&diagnostic], &sources);
        let first = &json["diagnostics"][0];
        assert_eq!(first["code"], "unknown-key");
        assert_eq!(first["line"], 3);
        assert_eq!(first["column"], 5);
        assert_eq!(json["errors"], 1);
    }
}

/// A file as miette reads it, through its line index: miette only sees the lines around a
/// span, so printing many diagnostics of one large file does not rescan it from the start
/// for each one.
#[derive(Debug)]
struct IndexedSource {
    name: String,
    text: Arc<str>,
    line_starts: Arc<[u32]>,
}

impl IndexedSource {
    /// The index of the line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        crate::source::line_index(&self.line_starts, u32::try_from(offset).unwrap_or(u32::MAX))
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&start| start as usize)
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // A margin of lines beyond what is asked: miette decides the exact context itself.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 2);
        let last = self.line_of(span.offset() + span.len()) + context_lines_after + 2;
        let start = self.line_start(first);
        let end = self.line_start(last + 1).max(start);
        let window = self.text.get(start..end).ok_or(MietteError::OutOfBounds)?;
        let inner_span = SourceSpan::new(
            span.offset()
                .checked_sub(start)
                .ok_or(MietteError::OutOfBounds)?
                .into(),
            span.len(),
        );
        let inner = window.read_span(&inner_span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + start).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            // miette counts the lines from the start of the file to the end of the context
            // (and merges nearby snippets by that count): the same count, for the same output.
            inner.line_count() + first,
        )))
    }
}
