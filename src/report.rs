//! The translation report: what happened to every Compose key that did not carry over
//! exactly.
//!
//! Planning records each key it reads as translated (silently), approximated (a note: it
//! works, but differently) or unsupported (a warning: it is dropped, and why). Nothing else may
//! be dropped: a key that is read and neither translated nor reported is a bug.

use std::borrow::Cow;

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::Span;

/// How a Compose key carried over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Translated, but Kubernetes behaves somewhat differently.
    Approximated,
    /// Not translated: Kubernetes has no equivalent (or compose2kube does not do it).
    Unsupported,
}

/// One key that did not carry over exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub outcome: Outcome,
    /// The Compose service, when the key belongs to one.
    pub service: Option<String>,
    /// The key, as a path (`healthcheck.start_interval`, `networks.front.ipam`).
    pub key: String,
    pub span: Option<Span>,
    /// What happened, in one sentence. Most are fixed texts, kept without a copy: a large
    /// project has tens of thousands of entries.
    pub message: Cow<'static, str>,
    /// What the user can do about it.
    pub help: Option<Cow<'static, str>>,
}

/// Everything the translation could not carry over exactly, in the order found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    entries: Vec<Entry>,
    /// Problems found while planning: errors that make the translation wrong, and warnings
    /// with a code of their own.
    errors: Vec<Diagnostic>,
}

impl Report {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a key that did not carry over exactly.
    pub fn add(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Records a problem that makes the Compose file impossible to translate faithfully.
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    /// Records a warning that has a code of its own (not `unsupported`).
    pub fn warning(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    #[must_use]
    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    /// The report as diagnostics, in source order: approximations are notes, unsupported
    /// keys warnings, and planning errors errors.
    #[must_use]
    pub fn to_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.errors.clone();
        out.extend(self.entries.iter().map(|entry| {
            let (severity, code) = match entry.outcome {
                Outcome::Approximated => (Severity::Note, Code::Approximated),
                Outcome::Unsupported => (Severity::Warning, Code::Unsupported),
            };
            let mut diagnostic = Diagnostic::new(severity, code, entry.headline());
            diagnostic.span = entry.span;
            diagnostic.help = entry.help.as_deref().map(str::to_owned);
            diagnostic
        }));
        let mut sorted: crate::diag::Diagnostics = out.into_iter().collect();
        sorted.sort();
        sorted.into_vec()
    }
}

impl Entry {
    /// A key that works, but not exactly as in Compose.
    pub fn approximated(
        service: Option<&str>,
        key: &str,
        span: Option<Span>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Outcome::Approximated, service, key, span, message.into())
    }

    /// A key that is not carried over.
    pub fn unsupported(
        service: Option<&str>,
        key: &str,
        span: Option<Span>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Outcome::Unsupported, service, key, span, message.into())
    }

    fn new(
        outcome: Outcome,
        service: Option<&str>,
        key: &str,
        span: Option<Span>,
        message: Cow<'static, str>,
    ) -> Self {
        Self {
            outcome,
            service: service.map(str::to_owned),
            key: key.to_owned(),
            span,
            message,
            help: None,
        }
    }

    /// The diagnostic's message: `` `key` of service `name`: message ``, built in one
    /// allocation (a large project has thousands).
    fn headline(&self) -> String {
        let service = self.service.as_deref();
        let mut text = String::with_capacity(
            self.key.len()
                + self.message.len()
                + service.map_or(0, |s| s.len() + " of service ``".len())
                + "``: ".len(),
        );
        text.push('`');
        text.push_str(&self.key);
        text.push('`');
        if let Some(service) = service {
            text.push_str(" of service `");
            text.push_str(service);
            text.push('`');
        }
        text.push_str(": ");
        text.push_str(&self.message);
        text
    }

    /// Adds what the user can do about it.
    #[must_use]
    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }
}
