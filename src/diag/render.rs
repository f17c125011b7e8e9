//! Showing diagnostics: miette's graphical report for people, JSON for CI tools.

use std::fmt::Write as _;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::wrap::Plain;
use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

mod graphical;

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
    let mut handlers = Handlers::new(style);
    let mut out = String::new();
    for diagnostic in diagnostics {
        handlers.push_text(&mut out, diagnostic, sources);
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
    let mut handlers = Handlers::new(style);
    let mut text = String::new();
    for diagnostic in diagnostics {
        text.clear();
        handlers.push_text(&mut text, diagnostic, sources);
        out.write_all(text.as_bytes())?;
    }
    out.flush()
}

/// The columns of miette's report.
const WIDTH: usize = 100;
/// The columns miette wraps a message to: the width less a margin of 2 and the message's
/// indent (`  × `, `  ⚠ ` or `  ☞ ` on the first line, `  │ ` on the others: 4 columns).
const MESSAGE_WIDTH: usize = WIDTH - 2 - 4;
/// The columns miette wraps a help to: the width less a margin of 2 and the help's indent
/// (`  help: ` on the first line, as many spaces on the others: 8 columns).
const HELP_WIDTH: usize = WIDTH - 2 - 8;

/// miette's graphical handler in our layout, twice: wrapping text as miette does it (with
/// textwrap), and not wrapping it, for reports whose text is wrapped here already (see
/// [`super::wrap`]): the same report, a fraction of the time. In front of them, the same
/// handler drawn here ([`graphical`]) for the reports of the usual shape: the same report
/// again, a fraction of that time.
struct Handlers {
    drawn: graphical::Graphical,
    wrapping: GraphicalReportHandler,
    prewrapped: GraphicalReportHandler,
}

impl Handlers {
    fn new(style: Style) -> Self {
        let theme = match style {
            Style::Fancy => GraphicalTheme::unicode(),
            Style::Plain => GraphicalTheme::unicode_nocolor(),
        };
        let drawn = graphical::Graphical::new(&theme);
        let wrapping = GraphicalReportHandler::new_themed(theme)
            .with_width(WIDTH)
            .with_context_lines(1)
            .with_links(false);
        Self {
            drawn,
            prewrapped: wrapping.clone().with_wrap_lines(false),
            wrapping,
        }
    }

    fn push_text(&mut self, out: &mut String, diagnostic: &Diagnostic, sources: &SourceMap) {
        let report = Report::new(diagnostic, sources);
        let start = out.len();
        if !self.drawn.draw(out, &report) && self.render(out, &report).is_err() {
            // Rendering fails on a span outside its source (which no parsed file gives) or a
            // formatter error: what miette wrote so far goes, one plain line stands instead.
            out.truncate(start);
            let _ = writeln!(out, "{}", one_line(diagnostic, sources));
        }
    }

    fn render(&self, out: &mut String, report: &Report<'_>) -> std::fmt::Result {
        let handler = if report.is_prewrapped() {
            &self.prewrapped
        } else {
            &self.wrapping
        };
        handler.render_report(out, report)
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
struct Report<'a> {
    message: Text<'a>,
    code: &'static str,
    severity: Severity,
    help: Option<Text<'a>>,
    source: Option<IndexedSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    /// The report of `diagnostic`, its texts prewrapped when every one of them is [`Plain`],
    /// else all as written.
    fn new(diagnostic: &'a Diagnostic, sources: &'a SourceMap) -> Self {
        let mut report = Report {
            message: Text::new(&diagnostic.message, MESSAGE_WIDTH),
            code: diagnostic.code.as_str(),
            severity: diagnostic.severity,
            help: diagnostic
                .help
                .as_deref()
                .map(|help| Text::new(help, HELP_WIDTH)),
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
                    message: Text::new(&related.message, MESSAGE_WIDTH),
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
        if !report
            .texts()
            .all(|text| matches!(text, Text::Prewrapped(..)))
        {
            report.as_written();
        }
        report
    }

    /// Whether the texts are prewrapped, which [`Report::new`] makes all or none of them.
    fn is_prewrapped(&self) -> bool {
        matches!(self.message, Text::Prewrapped(..))
    }

    /// The texts miette wraps: the message, the help, and those of the related reports.
    fn texts(&self) -> impl Iterator<Item = Text<'a>> + '_ {
        let related = self
            .related
            .iter()
            .flat_map(|r| std::iter::once(r.message).chain(r.help));
        std::iter::once(self.message)
            .chain(self.help)
            .chain(related)
    }

    fn as_written(&mut self) {
        self.message = self.message.as_written();
        self.help = self.help.map(Text::as_written);
        for related in &mut self.related {
            related.as_written();
        }
    }

    fn attach(&mut self, span: Span, label: Option<String>, sources: &'a SourceMap, primary: bool) {
        let Some(file) = sources.get(span.file) else {
            return;
        };
        if self.source.is_none() {
            self.source = Some(IndexedSource {
                name: &file.name,
                text: &file.text,
                line_starts: &file.line_starts,
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

/// A text miette wraps (a message, a help), in the form the report's handler wants.
#[derive(Clone, Copy, Debug)]
enum Text<'a> {
    /// As written, for the handler that wraps.
    AsWritten(&'a str),
    /// Wrapped here to the columns given, for the handler that does not wrap.
    Prewrapped(Plain<'a>, usize),
}

impl<'a> Text<'a> {
    fn new(text: &'a str, width: usize) -> Self {
        Plain::new(text).map_or(Self::AsWritten(text), |plain| {
            Self::Prewrapped(plain, width)
        })
    }

    fn as_written(self) -> Self {
        match self {
            Self::Prewrapped(plain, _) => Self::AsWritten(plain.as_str()),
            as_written @ Self::AsWritten(_) => as_written,
        }
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::AsWritten(text) => f.write_str(text),
            Self::Prewrapped(plain, width) => plain.fill(width, f),
        }
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.message, f)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
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
            .map(|help| Box::new(help) as Box<dyn std::fmt::Display>)
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

    /// Every span of texts with empty lines, a last line with and without its line end, and
    /// Windows line ends, in the contexts miette asks for (and more): read through the line
    /// index exactly as miette reads the whole text.
    #[test]
    fn indexed_sources_read_every_span_as_miette_reads_the_whole_text() {
        let texts = [
            "a: 1\nbb:\n\n  - ccc\nd: 4\n",
            "x\n\ny: 22\nz",
            "\nfirst\r\nsecond\r\n\r\nthird",
            "one line",
        ];
        for text in texts {
            let mut sources = SourceMap::new();
            let id = sources.add("f.yaml", None, ".", text);
            let file = sources.get(id).unwrap();
            let indexed = IndexedSource {
                name: &file.name,
                text: &file.text,
                line_starts: &file.line_starts,
            };
            for start in 0..=text.len() {
                for len in 0..=text.len() - start {
                    for (before, after) in [(0, 0), (1, 1), (2, 2), (0, 1), (1, 0)] {
                        let span = SourceSpan::new(start.into(), len);
                        let read = |contents: &dyn SpanContents<'_>| {
                            (
                                contents.data().to_vec(),
                                *contents.span(),
                                contents.line(),
                                contents.column(),
                                contents.line_count(),
                            )
                        };
                        let expected = text.read_span(&span, before, after).map(|c| read(&*c));
                        let got = indexed.read_span(&span, before, after).map(|c| read(&*c));
                        assert_eq!(
                            got.ok(),
                            expected.ok(),
                            "{text:?} at {start}+{len}, context {before} {after}"
                        );
                    }
                }
            }
        }
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
    struct WithSource<'a>(&'a Report<'a>, &'a miette::NamedSource<String>);

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

    /// What the handler that wraps shows of `diagnostic` (miette as configured before texts
    /// were prewrapped and reports drawn here), what [`Handlers`] shows, and whether it drew
    /// the report itself.
    fn rendered_both_ways(
        handlers: &mut Handlers,
        diagnostic: &Diagnostic,
        sources: &SourceMap,
    ) -> (String, String, bool) {
        let mut got = String::new();
        handlers.push_text(&mut got, diagnostic, sources);
        let mut report = Report::new(diagnostic, sources);
        let drawn = handlers.drawn.draw(&mut String::new(), &report);
        report.as_written();
        let mut expected = String::new();
        if handlers
            .wrapping
            .render_report(&mut expected, &report)
            .is_err()
        {
            // A span miette cannot read: the one plain line `push_text` falls back to.
            expected = format!("{}\n", one_line(diagnostic, sources));
        }
        (expected, got, drawn)
    }

    /// Asserts that `diagnostic` shows as miette shows it in both styles; returns in how many
    /// of them [`Handlers`] drew it itself.
    pub(super) fn assert_renders_as_miette_wraps_it(
        diagnostic: &Diagnostic,
        sources: &SourceMap,
    ) -> usize {
        let mut drawn = 0;
        for style in [Style::Plain, Style::Fancy] {
            let (expected, got, here) =
                rendered_both_ways(&mut Handlers::new(style), diagnostic, sources);
            assert_eq!(
                got,
                expected,
                "{style:?}: {}",
                one_line(diagnostic, sources)
            );
            drawn += usize::from(here);
        }
        drawn
    }

    /// Long messages and helps, long words, hyphens, places in other files: prewrapped, and
    /// texts left to miette (other Unicode, line breaks, leading spaces) beside them.
    #[test]
    fn long_texts_render_as_miette_wraps_them() {
        let (mut sources, sample) = sample();
        let other = sources.add("other.yaml", None, ".", "x: 1\n");
        let long = "service `web` publishes port 8080 on the host, which a Kubernetes Service \
                    of type NodePort cannot do: a node port is in 30000-32767 (the cluster's \
                    --service-node-port-range), so it is approximated by a ClusterIP Service \
                    and a port-forward, see docs/networking.md#published-ports-and-node-ports";
        let word = "a-very-long-word/".repeat(12);
        let texts = [
            long.to_owned(),
            format!("{word} {long}"),
            format!("{long} {word}"),
            "mount `./data:/var/lib/data:ro,z` as a read-only-volume (hostPath) \
             — non-ASCII is left to miette"
                .to_owned(),
            format!("  leading spaces {long}"),
            format!("two\nlines {long}"),
        ];
        for message in &texts {
            for help in &texts {
                let mut diagnostic = sample.clone();
                diagnostic.message.clone_from(message);
                diagnostic.help = Some(help.clone());
                assert_renders_as_miette_wraps_it(&diagnostic, &sources);
                let related = diagnostic.related(Span::new(other, 0, 1), message.clone());
                assert_renders_as_miette_wraps_it(&related, &sources);
            }
        }
    }

    /// The diagnostics of a project: its file loaded, checked and (when that found no error)
    /// converted in its directory.
    fn project_diagnostics(file: &std::path::Path) -> (crate::compose::Loaded, Vec<Diagnostic>) {
        let mut options = crate::compose::LoadOptions::for_files([file]);
        options.working_dir = file.parent().unwrap().to_path_buf();
        let loaded = crate::compose::load(&options);
        let mut diagnostics = crate::check(&loaded);
        if !diagnostics.iter().any(Diagnostic::is_error) {
            let converted = crate::convert(&loaded, &crate::plan::ConvertOptions::default());
            diagnostics.extend(converted.report.to_diagnostics());
        }
        (loaded, diagnostics)
    }

    /// Every diagnostic of the shared corpus (each of its YAML files a project) and of the
    /// benchmark's generated project, in both styles; nearly all of them drawn here.
    #[test]
    fn corpus_diagnostics_render_as_miette_wraps_them() {
        fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    yaml_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = root.join("../shared/corpus");
        let mut files = Vec::new();
        yaml_files(&corpus, &mut files);
        files.sort();
        let bench = tempfile::tempdir().unwrap();
        let generated = std::process::Command::new("python3")
            .arg(root.join("bench/generate.py"))
            .arg("60")
            .output()
            .unwrap();
        assert!(generated.status.success(), "bench/generate.py failed");
        let bench_file = bench.path().join("compose.yaml");
        std::fs::write(&bench_file, generated.stdout).unwrap();
        files.push(bench_file);
        let (mut rendered, mut drawn) = (0, 0);
        for file in &files {
            let (loaded, diagnostics) = project_diagnostics(file);
            for diagnostic in &diagnostics {
                drawn += assert_renders_as_miette_wraps_it(diagnostic, &loaded.sources);
            }
            rendered += 2 * diagnostics.len();
        }
        assert!(
            rendered > 2000,
            "only {rendered} reports of {}",
            corpus.display()
        );
        assert!(
            drawn * 100 >= rendered * 95,
            "only {drawn} of {rendered} reports drawn here"
        );
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
struct IndexedSource<'a> {
    name: &'a str,
    text: &'a str,
    line_starts: &'a [u32],
}

impl<'a> IndexedSource<'a> {
    /// The index of the line holding `offset`, which is also the number of `\n` before it.
    fn line_of(&self, offset: usize) -> usize {
        crate::source::line_index(self.line_starts, u32::try_from(offset).unwrap_or(u32::MAX))
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&start| start as usize)
    }

    /// The end of a line's text, before its `\n` (or at the end of the text).
    fn line_end(&self, line: usize) -> usize {
        self.line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&start| start as usize - 1)
    }

    /// What miette reads of the whole text (`context_info` in its `source_impls.rs`) for the
    /// bytes `start..end` (at least one, within the text), found in the line index instead of
    /// counting lines from the start, in lines without `\r` (which miette takes for a line end
    /// and the index does not): the one computation behind [`IndexedSource::read_indexed`]
    /// and the snippets [`graphical`] draws, so both show the same lines. The context before
    /// starts `before` lines above the span's first line (at the span itself for none); the
    /// context after ends with the `after`-th line end after the line end that follows the
    /// span's last byte (right after the span for none).
    fn context(&self, start: usize, end: usize, before: usize, after: usize) -> Context {
        let line = self.line_of(start);
        let first_line = line.saturating_sub(before);
        let from = if before == 0 {
            start
        } else {
            self.line_start(first_line)
        };
        let end_line = self.line_of(end);
        // The context after ends at the start of a line, whose index is the line of `to`, or
        // past the last line start, at the end of the text, in the last line.
        let (to, to_line) = if after == 0 {
            (end, end_line)
        } else {
            let line = end_line + after + 1;
            (
                self.line_start(line),
                line.min(self.line_starts.len().saturating_sub(1)),
            )
        };
        // miette gives a column with no context before, but forgets it at a line end after
        // the span.
        let column = if before == 0 && to_line == end_line {
            start - self.line_start(line)
        } else {
            0
        };
        Context {
            first_line,
            from,
            to,
            column,
            // miette counts the lines from the start of the file to the end of the context
            // (and merges nearby snippets by that count): the same count, for the same output.
            line_count: to_line,
        }
    }

    /// [`IndexedSource::context`] as miette's contents, for the spans it covers.
    fn read_indexed(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Option<MietteSpanContents<'a>> {
        let start = span.offset();
        let end = start.checked_add(span.len())?;
        if span.is_empty() || end > self.text.len() {
            return None;
        }
        let context = self.context(start, end, before, after);
        let read = self
            .text
            .get(self.line_start(context.first_line)..context.to)?;
        if read.contains('\r') {
            return None;
        }
        Some(MietteSpanContents::new_named(
            self.name.to_owned(),
            self.text.get(context.from..context.to)?.as_bytes(),
            SourceSpan::new(context.from.into(), context.to - context.from),
            context.first_line,
            context.column,
            context.line_count,
        ))
    }

    /// What miette reads of the whole text, read by miette from the lines around the span
    /// (with a margin: miette decides the exact context itself), for the spans
    /// [`IndexedSource::read_indexed`] does not take.
    fn read_window(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<MietteSpanContents<'a>, MietteError> {
        // miette's own reader indexes past the text's end for such a span (and panics).
        if span.offset().saturating_add(span.len()) > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(span.offset()).saturating_sub(before + 2);
        let last = self.line_of(span.offset() + span.len()) + after + 2;
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
        let inner = window.read_span(&inner_span, before, after)?;
        Ok(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + start).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        ))
    }
}

/// What miette reads around a span: [`IndexedSource::context`].
#[derive(Clone, Copy, Debug)]
struct Context {
    /// The index of the first line read.
    first_line: usize,
    /// Where the read starts: the start of the first line, or the span's with no context.
    from: usize,
    /// Where the read ends.
    to: usize,
    /// The span's column (in bytes) with no context before, else 0.
    column: usize,
    /// What miette calls the line count: the index of the line holding `to`.
    line_count: usize,
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = match self.read_indexed(span, context_lines_before, context_lines_after) {
            Some(contents) => contents,
            None => self.read_window(span, context_lines_before, context_lines_after)?,
        };
        Ok(Box::new(contents))
    }
}
