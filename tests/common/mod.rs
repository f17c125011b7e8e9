//! Helpers shared by the loader tests: a temporary project directory to write Compose files
//! into, load options with an injected environment, and short accessors on the result.
#![allow(
    dead_code,
    clippy::option_option,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use compose2kube::compose::model::Service;
use compose2kube::compose::{self, LoadOptions, Loaded};
use compose2kube::diag::{Diagnostic, render};
use indexmap::IndexMap;

/// A temporary directory holding the files of one test.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The directory (canonical, so paths compare equal to what the loader computes).
    pub fn path(&self) -> PathBuf {
        self.dir.path().canonicalize().unwrap()
    }

    /// `path()` joined with a relative path.
    pub fn join(&self, relative: &str) -> PathBuf {
        self.path().join(relative)
    }

    /// Writes a file (creating its directories) and returns its absolute path.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Creates a directory and returns its absolute path.
    pub fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    /// Options for running in `relative` (a directory of the project, `""` for its root),
    /// with an empty environment.
    pub fn options_in(&self, relative: &str) -> LoadOptions {
        LoadOptions {
            interpolate: true,
            working_dir: self.join(relative),
            environment: IndexMap::new(),
            ..LoadOptions::default()
        }
    }

    /// Options for running in the project root with an empty environment.
    pub fn options(&self) -> LoadOptions {
        self.options_in("")
    }
}

/// An environment from `NAME=value` pairs.
pub fn env(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Every diagnostic, one line each, for assertion messages.
pub fn describe(loaded: &Loaded) -> String {
    loaded
        .diagnostics
        .iter()
        .map(|d| render::one_line(d, &loaded.sources))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The codes of all diagnostics, in order.
pub fn codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The codes of the error diagnostics, in order.
pub fn error_codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect()
}

/// Panics with every diagnostic unless the load reported no error.
pub fn assert_no_errors(loaded: &Loaded) {
    assert!(
        !loaded.diagnostics.has_errors(),
        "unexpected errors:\n{}",
        describe(loaded)
    );
}

/// Panics with every diagnostic unless the load reported nothing at all.
pub fn assert_clean(loaded: &Loaded) {
    assert!(
        loaded.diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        describe(loaded)
    );
}

/// The only diagnostic with `code`, which must be an error with a place in a file.
pub fn located_error<'a>(loaded: &'a Loaded, code: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == code)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{code}` diagnostic:\n{}",
        describe(loaded)
    );
    let diagnostic = found[0];
    assert!(diagnostic.is_error(), "{}", describe(loaded));
    let span = diagnostic.span.expect("the error has a place");
    assert!(
        loaded.sources.location(span).is_some(),
        "the error points into a known file"
    );
    diagnostic
}

/// Loads and returns the result.
pub fn load(options: &LoadOptions) -> Loaded {
    compose::load(options)
}

/// The names of the services, in order.
pub fn service_names(loaded: &Loaded) -> Vec<String> {
    loaded
        .project
        .as_ref()
        .expect("a project")
        .services
        .keys()
        .map(|k| k.value.clone())
        .collect()
}

/// One service of the loaded project.
pub fn service<'a>(loaded: &'a Loaded, name: &str) -> &'a Service {
    loaded
        .project
        .as_ref()
        .expect("a project")
        .services
        .get(name)
        .unwrap_or_else(|| panic!("no service `{name}`; have {:?}", service_names(loaded)))
}

/// The image of a service.
pub fn image<'a>(loaded: &'a Loaded, name: &str) -> Option<&'a str> {
    service(loaded, name)
        .image
        .as_ref()
        .map(compose2kube::source::Spanned::as_str)
}

/// A variable of a service's `environment` (`Some(None)` for a bare name).
pub fn environment<'a>(loaded: &'a Loaded, name: &str, variable: &str) -> Option<Option<&'a str>> {
    service(loaded, name)
        .environment
        .get(variable)
        .map(|v| v.as_ref().map(compose2kube::source::Spanned::as_str))
}

/// The path of a file, written with `/` whatever the platform, for messages.
pub fn display(path: &Path) -> String {
    path.display().to_string()
}
