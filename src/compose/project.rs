//! Finding the project: which files, which directory, which name, which variables — the way
//! `docker compose` decides them.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

/// A Compose file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileArg {
    Path(PathBuf),
    /// `-f -`: read the standard input (its text is in [`LoadOptions::stdin`]).
    Stdin,
}

/// Everything that decides how a project loads, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `-f` files, in order; empty means `COMPOSE_FILE` or the default names.
    pub files: Vec<FileArg>,
    /// `--project-directory`.
    pub project_directory: Option<PathBuf>,
    /// `-p/--project-name`.
    pub project_name: Option<String>,
    /// `--env-file`, in order; empty means `.env` in the working directory.
    pub env_files: Vec<PathBuf>,
    /// `--profile`; empty means `COMPOSE_PROFILES`.
    pub profiles: Vec<String>,
    /// `false` with `--no-interpolate`.
    pub interpolate: bool,
    /// The directory the command runs in.
    pub working_dir: PathBuf,
    /// The process environment (injected so tests do not depend on the real one).
    pub environment: IndexMap<String, String>,
    /// The text of `-f -`.
    pub stdin: Option<String>,
}

impl LoadOptions {
    /// Options for the current process: its working directory and environment.
    #[must_use]
    pub fn from_process() -> Self {
        Self {
            interpolate: true,
            working_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            environment: std::env::vars().collect(),
            ..Self::default()
        }
    }

    /// Options for reading the given files with an empty environment (handy in tests).
    #[must_use]
    pub fn for_files(files: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            files: files.into_iter().map(|f| FileArg::Path(f.into())).collect(),
            interpolate: true,
            working_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            ..Self::default()
        }
    }
}

/// The names `docker compose` looks for, in its order of preference (compose-go's
/// `DefaultFileNames`).
pub const DEFAULT_FILE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The override file names, in order of preference. `docker compose` takes the first one that
/// exists next to the file it found, whatever that file is called.
pub const DEFAULT_OVERRIDE_FILE_NAMES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Looks for a default Compose file in `dir` and its parents, as `docker compose` does.
/// Returns the file and its override file, if there is one.
#[must_use]
pub fn find_default_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut current = Some(dir);
    while let Some(dir) = current {
        let first = |names: &[&str]| {
            names
                .iter()
                .map(|name| dir.join(name))
                .find(|candidate| candidate.is_file())
        };
        if let Some(found) = first(DEFAULT_FILE_NAMES) {
            return Some(
                std::iter::once(found)
                    .chain(first(DEFAULT_OVERRIDE_FILE_NAMES))
                    .collect(),
            );
        }
        current = dir.parent();
    }
    None
}

/// Makes a project name valid the way `docker compose` does for directory names: lower case,
/// only `a-z`, `0-9`, `_` and `-`, starting with a letter or digit.
#[must_use]
pub fn normalize_project_name(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_owned()
}

/// Whether a project name given explicitly (`-p`, `name:`) is valid as it is.
#[must_use]
pub fn is_valid_project_name(name: &str) -> bool {
    !name.is_empty() && normalize_project_name(name) == name
}

/// Splits `COMPOSE_FILE` by `COMPOSE_PATH_SEPARATOR` (default `:` on Unix, `;` on Windows).
#[must_use]
pub fn split_compose_file(value: &str, separator: Option<&str>) -> Vec<String> {
    let default = if cfg!(windows) { ";" } else { ":" };
    let separator = separator.filter(|s| !s.is_empty()).unwrap_or(default);
    value
        .split(separator)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a path names a remote source (`git@…`, `https://…`, `oci://…`, `remote:…`), which
/// compose2kube does not fetch. A Windows drive (`C:\…`) is not a scheme.
#[must_use]
pub fn is_remote(path: &str) -> bool {
    if path.starts_with("git@") {
        return true;
    }
    match path.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_normalize_like_docker_compose() {
        assert_eq!(
            normalize_project_name("UNNORMALIZED PATH"),
            "unnormalizedpath"
        );
        assert_eq!(normalize_project_name("_My.App-2"), "myapp-2");
    }

    #[test]
    fn explicit_names_must_already_be_normal() {
        assert!(is_valid_project_name("my_project-1"));
        assert!(!is_valid_project_name("My Project"));
        assert!(!is_valid_project_name(""));
    }

    #[test]
    fn compose_file_splits_by_the_path_separator() {
        assert_eq!(
            split_compose_file("a.yaml:b.yaml", None),
            ["a.yaml", "b.yaml"]
        );
        assert_eq!(
            split_compose_file("a.yaml,b.yaml", Some(",")),
            ["a.yaml", "b.yaml"]
        );
    }

    #[test]
    fn remote_sources_are_recognised_but_windows_drives_are_not() {
        assert!(is_remote("remote:cycle/compose.yaml"));
        assert!(is_remote("https://github.com/x/y.git"));
        assert!(is_remote("git@github.com:x/y.git"));
        assert!(!is_remote("C:\\docker\\compose.yaml"));
        assert!(!is_remote("./base.yaml"));
    }

    #[test]
    fn default_files_are_found_in_parent_directories_with_their_override() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("compose.yaml"), "services: {}\n").unwrap();
        std::fs::write(dir.path().join("compose.override.yaml"), "services: {}\n").unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let files = find_default_files(&sub).unwrap();
        assert_eq!(
            files,
            [
                dir.path().join("compose.yaml"),
                dir.path().join("compose.override.yaml")
            ]
        );
    }
}
