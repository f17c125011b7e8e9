//! Loading a project, step by step as `docker compose` does it: find the files and the
//! `.env`, read each file, interpolate it, bring in its `include`s, resolve its `extends`,
//! merge the files in order, read the typed model, and apply profiles.
//!
//! Every step reports into one [`Diagnostics`] list and goes on with what it has, so a single
//! run shows every problem of the project.

use std::path::{Path, PathBuf};

use crate::compose::env::Environment;
use crate::compose::merge::{merge, strip_resets};
use crate::compose::model::de::{Cx, FromNode, normalize};
use crate::compose::model::service::{self, Extends};
use crate::compose::model::{Include, Project};
use crate::compose::project::{
    FileArg, LoadOptions, find_default_files, is_remote, is_valid_project_name,
    normalize_project_name, split_compose_file,
};
use crate::compose::yaml::{self, Map, Node, Value};
use crate::compose::{dotenv, interpolate, normalize, profiles};
use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::hash::HashMap;
use crate::source::{FileId, SourceMap, Span, Spanned};

/// A loaded project and everything learnt while loading it.
#[derive(Debug)]
pub struct Loaded {
    /// The typed model; `None` when not even one Compose file could be read.
    pub project: Option<Project>,
    /// The project name (`-p`, `COMPOSE_PROJECT_NAME`, `name:`, or the directory name).
    pub name: String,
    /// The project directory: relative paths start here.
    pub directory: PathBuf,
    /// The variables the project was interpolated with.
    pub environment: Environment,
    /// The active profiles (`""` is the default profile, active unless `--profile` is given).
    pub profiles: Vec<String>,
    /// Services left out because none of their profiles is active.
    pub inactive_services: Vec<String>,
    /// The top-level resources no enabled service uses, left out of `project` as
    /// `docker compose` leaves them out (still checked, and named in suggestions).
    pub unused: Project,
    /// The variables of every `env_file` an enabled service reads, by path and format;
    /// a missing file is absent (an error when it is required).
    pub env_files: EnvFiles,
    /// Whether variables were interpolated (not with `--no-interpolate`).
    pub interpolated: bool,
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
}

/// An env file: its absolute path and its `format` (`None` for the `.env` format).
pub type EnvFileKey = (PathBuf, Option<String>);

/// The variables read from each env file, in file order.
pub type EnvFiles = indexmap::IndexMap<EnvFileKey, Vec<dotenv::EnvVar>>;

/// Loads the project the options describe. Never fails: problems are in `diagnostics`.
#[must_use]
pub fn load(options: &LoadOptions) -> Loaded {
    let mut loader = Loader {
        options,
        sources: SourceMap::new(),
        diagnostics: Diagnostics::new(),
    };
    let absolute = |p: &Path| options.working_dir.join(p);
    // `.env` and `COMPOSE_*` variables come from the working directory: the project
    // directory if given, else the directory of the first `-f` file, else the current one.
    let working_dir = options
        .project_directory
        .as_deref()
        .map(absolute)
        .or_else(|| {
            options.files.iter().find_map(|f| match f {
                FileArg::Path(p) => absolute(p).parent().map(Path::to_path_buf),
                FileArg::Stdin => None,
            })
        })
        .unwrap_or_else(|| options.working_dir.clone());
    let mut environment = loader.environment(&working_dir);
    let files = loader.compose_files(&environment, &working_dir);
    let directory = options
        .project_directory
        .as_deref()
        .map(absolute)
        .or_else(|| {
            files.iter().find_map(|f| match f {
                FileArg::Path(p) => p.parent().map(Path::to_path_buf),
                FileArg::Stdin => None,
            })
        })
        .unwrap_or_else(|| working_dir.clone());
    // Once the files are known (found in a parent directory, or named by `COMPOSE_FILE`),
    // `docker compose` reads the `.env` of the project directory too, for the variables
    // still unset.
    if options.env_files.is_empty() && directory != working_dir {
        let dot_env = directory.join(".env");
        if dot_env.is_file() {
            loader.add_env_files(&mut environment, &[dot_env], &directory, None);
        }
    }

    // `docker compose` settles the project name before it interpolates, and interpolates
    // with `COMPOSE_PROJECT_NAME` set to it.
    let explicit_name = loader.explicit_name(&environment);
    let parsed = loader.parse_all(&files, &directory, None);
    if options.interpolate {
        let early = explicit_name
            .clone()
            .unwrap_or_else(|| name_in_files(&parsed, &environment, &directory));
        environment.set("COMPOSE_PROJECT_NAME".to_owned(), early);
    }

    // Files being loaded, for `include` cycles.
    let mut stack: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| match f {
            FileArg::Path(p) => Some(p.clone()),
            FileArg::Stdin => None,
        })
        .collect();
    let tree = if files.is_empty() {
        None
    } else {
        loader.merge_scope(parsed, &environment, &mut stack)
    };
    let project = tree.map(|tree| loader.typed(tree));
    let name = loader.project_name(explicit_name, project.as_ref(), &directory);
    // As `docker compose` reads them: with no `--profile`, the items of `COMPOSE_PROFILES`,
    // where an empty item (or no variable at all) is the empty profile `""`, which
    // `profiles: ["", "debug"]` lists to be on by default.
    let profiles = if options.profiles.is_empty() {
        environment
            .get("COMPOSE_PROFILES")
            .unwrap_or_default()
            .split(',')
            .map(|p| p.trim().to_owned())
            .collect::<Vec<_>>()
    } else {
        options.profiles.clone()
    };
    let mut inactive_services = Vec::new();
    let mut unused = Project::default();
    let project = project.map(|mut project| {
        normalize::deduplicate(&mut project);
        inactive_services = profiles::apply(&mut project, &profiles, &mut loader.diagnostics);
        unused = profiles::drop_unused_resources(&mut project);
        project
    });
    let env_files = project
        .as_ref()
        .map(|p| loader.service_env_files(p, &environment))
        .unwrap_or_default();
    loader.diagnostics.sort();
    Loaded {
        project,
        name,
        directory,
        environment,
        profiles,
        inactive_services,
        unused,
        env_files,
        interpolated: options.interpolate,
        sources: loader.sources,
        diagnostics: loader.diagnostics,
    }
}

struct Loader<'o> {
    options: &'o LoadOptions,
    sources: SourceMap,
    diagnostics: Diagnostics,
}

/// Services of a file used by `extends`, after interpolation, keyed by file.
type ExtendsFiles = HashMap<FileId, Option<Map>>;

impl Loader<'_> {
    /// The process environment over the values of `--env-file`s or `.env`.
    fn environment(&mut self, working_dir: &Path) -> Environment {
        let mut environment = Environment::new(self.options.environment.clone());
        let files: Vec<PathBuf> = if self.options.env_files.is_empty() {
            Some(working_dir.join(".env"))
                .filter(|f| f.is_file())
                .into_iter()
                .collect()
        } else {
            // `docker compose` makes `--env-file` paths absolute from where it runs.
            self.options
                .env_files
                .iter()
                .map(|f| self.options.working_dir.join(f))
                .collect()
        };
        self.add_env_files(&mut environment, &files, working_dir, None);
        environment
    }

    /// Reads env files (a later file wins over an earlier one) and adds their variables to
    /// `environment` where it does not set them already: the environment a project is loaded
    /// in wins over its env files. `from` is the value that named the files, for errors.
    fn add_env_files(
        &mut self,
        environment: &mut Environment,
        files: &[PathBuf],
        base_dir: &Path,
        from: Option<Span>,
    ) {
        let mut from_files = Environment::default();
        for path in files {
            let Some(id) = self.read(&FileArg::Path(path.clone()), base_dir, from) else {
                continue;
            };
            let text = self.text(id);
            let lookup = |name: &str| {
                environment
                    .get(name)
                    .or_else(|| from_files.get(name))
                    .map(str::to_owned)
            };
            let vars = dotenv::parse(id, &text, &lookup, &mut self.diagnostics);
            for var in vars {
                if let Some(value) = var.value {
                    from_files.set(var.key, value);
                }
            }
        }
        for (name, value) in from_files.iter() {
            environment.set_default(name.to_owned(), value.to_owned());
        }
    }

    /// Reads the `env_file`s of the enabled services, as `docker compose` does while loading:
    /// a missing required file fails the project, a syntax error in one is reported here.
    fn service_env_files(&mut self, project: &Project, environment: &Environment) -> EnvFiles {
        let mut out = EnvFiles::new();
        for service in project.services.values() {
            for file in &service.env_file {
                let key = (file.path.clone(), file.format.clone());
                if out.contains_key(&key) {
                    continue;
                }
                if !file.path.is_file() {
                    if file.required {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::CannotRead,
                                format!("the env file {} is not found", file.path.display()),
                            )
                            .at(file.span)
                            .label("a required env file")
                            .help("create the file, or write `{path: …, required: false}` if it may be missing"),
                        );
                    }
                    continue;
                }
                let directory = file
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let Some(id) = self.read(
                    &FileArg::Path(file.path.clone()),
                    &directory,
                    Some(file.span),
                ) else {
                    continue;
                };
                let text = self.text(id);
                let vars = if file.format.as_deref() == Some("raw") {
                    dotenv::parse_raw(id, &text, &mut self.diagnostics)
                } else {
                    dotenv::parse(id, &text, &environment.lookup(), &mut self.diagnostics)
                };
                out.insert(key, vars);
            }
        }
        out
    }

    /// `-f` files, else `COMPOSE_FILE`, else the default names in the working directory or
    /// its parents (with the override file next to the one found).
    fn compose_files(&mut self, environment: &Environment, working_dir: &Path) -> Vec<FileArg> {
        if !self.options.files.is_empty() {
            return self
                .options
                .files
                .iter()
                .map(|f| match f {
                    FileArg::Path(p) => FileArg::Path(normalize(&self.options.working_dir.join(p))),
                    FileArg::Stdin => FileArg::Stdin,
                })
                .collect();
        }
        if let Some(value) = environment.get("COMPOSE_FILE").filter(|v| !v.is_empty()) {
            return split_compose_file(value, environment.get("COMPOSE_PATH_SEPARATOR"))
                .into_iter()
                .map(|f| FileArg::Path(normalize(&working_dir.join(f))))
                .collect();
        }
        if let Some(found) = find_default_files(working_dir) {
            return found.into_iter().map(FileArg::Path).collect();
        }
        self.diagnostics.push(
            Diagnostic::error(
                Code::NoComposeFile,
                format!(
                    "no Compose file found in {} or its parent directories",
                    working_dir.display()
                ),
            )
            .help(
                "name the file with `-f compose.yaml`, or run the command where `compose.yaml` is",
            ),
        );
        Vec::new()
    }

    /// Reads a file into the source map. Relative paths written in it resolve against
    /// `base_dir`. `from` is the value that named the file, for the error if it is missing.
    fn read(&mut self, file: &FileArg, base_dir: &Path, from: Option<Span>) -> Option<FileId> {
        match file {
            FileArg::Stdin => {
                let text = self.options.stdin.clone().unwrap_or_default();
                Some(self.sources.add("<stdin>", None, base_dir, text))
            }
            FileArg::Path(path) => {
                if let Some(id) = self.sources.find(path)
                    && self.sources.base_dir(id) == base_dir
                {
                    return Some(id);
                }
                match std::fs::read_to_string(path) {
                    Ok(text) => {
                        let name = display_name(path, &self.options.working_dir);
                        Some(self.sources.add(name, Some(path.clone()), base_dir, text))
                    }
                    Err(error) => {
                        let mut diagnostic = Diagnostic::error(
                            Code::CannotRead,
                            format!("cannot read {}: {error}", path.display()),
                        )
                        .help("check the path and that the file is readable");
                        if let Some(span) = from {
                            diagnostic = diagnostic.at(span).label("this file");
                        }
                        self.diagnostics.push(diagnostic);
                        None
                    }
                }
            }
        }
    }

    fn text(&self, id: FileId) -> std::sync::Arc<str> {
        self.sources.get(id).map_or_else(
            || std::sync::Arc::from(""),
            |f| std::sync::Arc::clone(&f.text),
        )
    }

    /// Reads, parses and interpolates one file into its documents (see [`Self::parsed`]).
    fn documents(&mut self, id: FileId, environment: &Environment) -> Vec<Node> {
        let documents = self.parsed(id);
        self.interpolated(documents, environment)
    }

    /// Parses one file into its documents (a file may hold several `---` documents; they
    /// merge in order). Every document is a mapping; an empty one is an empty mapping.
    fn parsed(&mut self, id: FileId) -> Vec<Node> {
        let text = self.text(id);
        let mut documents = yaml::parse(id, &text, &mut self.diagnostics);
        if documents.is_empty() {
            documents.push(Node::null(Span::new(id, 0, 0)));
        }
        documents
            .into_iter()
            .filter_map(|document| {
                if document.is_null() {
                    return Some(Node::map(Map::new(), document.span));
                }
                if document.as_map().is_none() {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::InvalidType,
                            format!(
                                "a Compose file is a mapping, found {}",
                                document.kind_name()
                            ),
                        )
                        .at(document.span)
                        .help("start the file with `services:`"),
                    );
                    return None;
                }
                Some(document)
            })
            .collect()
    }

    /// Interpolates parsed documents (unless interpolation is off).
    fn interpolated(&mut self, mut documents: Vec<Node>, environment: &Environment) -> Vec<Node> {
        if self.options.interpolate {
            for document in &mut documents {
                interpolate::interpolate_tree(
                    document,
                    &self.sources,
                    &environment.lookup(),
                    &mut self.diagnostics,
                );
            }
        }
        documents
    }

    /// Reads and parses the files of one project, in order.
    fn parse_all(
        &mut self,
        files: &[FileArg],
        directory: &Path,
        from: Option<Span>,
    ) -> Vec<Vec<Node>> {
        let mut parsed = Vec::with_capacity(files.len());
        for file in files {
            if let Some(id) = self.read(file, directory, from) {
                parsed.push(self.parsed(id));
            }
        }
        parsed
    }

    /// Loads the files of one project (the main one, or an included one) into one tree:
    /// each document with its includes and extends resolved, merged in order.
    fn load_scope(
        &mut self,
        files: &[FileArg],
        from: Option<Span>,
        environment: &Environment,
        directory: &Path,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Node> {
        let parsed = self.parse_all(files, directory, from);
        self.merge_scope(parsed, environment, stack)
    }

    /// Interpolates the parsed files of one project and merges them into one tree, each
    /// document with its includes and extends resolved.
    fn merge_scope(
        &mut self,
        parsed: Vec<Vec<Node>>,
        environment: &Environment,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Node> {
        let mut merged: Option<Node> = None;
        let mut extends_files = ExtendsFiles::default();
        for documents in parsed {
            for mut document in self.interpolated(documents, environment) {
                self.apply_includes(&mut document, environment, stack);
                self.apply_extends(&mut document, environment, &mut extends_files);
                merged = Some(match merged {
                    None => document,
                    Some(base) => merge(base, document, &[], &mut self.cx()),
                });
            }
        }
        merged.map(strip_resets)
    }

    /// Replaces the `include` key of a document by the resources of the included projects.
    fn apply_includes(
        &mut self,
        document: &mut Node,
        environment: &Environment,
        stack: &mut Vec<PathBuf>,
    ) {
        let Some(entry) = document.as_map_mut().and_then(|m| m.remove("include")) else {
            return;
        };
        let items = match entry.value.value {
            Value::Seq(items) => items,
            _ if entry.value.is_null() => Vec::new(),
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidType,
                        "`include` is a list of files or include entries",
                    )
                    .at(entry.value.span)
                    .help("write `include: [other/compose.yaml]`"),
                );
                return;
            }
        };
        for item in items {
            let Some(include) = self.include_entry(&item) else {
                continue;
            };
            let Some(first) = include.paths.first() else {
                continue;
            };
            if let Some(cyclic) = include.paths.iter().find(|p| stack.contains(p)) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::IncludeCycle,
                        format!("{} includes itself (through `include`)", cyclic.display()),
                    )
                    .at(item.span)
                    .label("this include closes the cycle")
                    .help("remove the `include` entry that leads back to a file being loaded"),
                );
                continue;
            }
            let directory = include
                .project_directory
                .clone()
                .or_else(|| first.parent().map(Path::to_path_buf))
                .unwrap_or_default();
            let mut env_files = include.env_files.clone();
            if env_files.is_empty() && directory.join(".env").is_file() {
                env_files.push(directory.join(".env"));
            }
            // The included project's env files fill in what the including environment does
            // not set (compose-go's `Environment.Clone().Merge(envFromFile)`).
            let mut included_env = environment.clone();
            self.add_env_files(&mut included_env, &env_files, &directory, Some(item.span));
            let files: Vec<FileArg> = include.paths.iter().cloned().map(FileArg::Path).collect();
            stack.extend(include.paths.iter().cloned());
            let sub = self.load_scope(&files, Some(item.span), &included_env, &directory, stack);
            stack.truncate(stack.len() - include.paths.len());
            if let Some(sub) = sub {
                self.import(document, sub, item.span);
            }
        }
    }

    /// An include entry with its paths made absolute; `None` when it is not one (reported)
    /// or names a remote source.
    fn include_entry(&mut self, item: &Node) -> Option<IncludeEntry> {
        let Include {
            path,
            env_file,
            project_directory,
            ..
        } = self.read_typed(item)?;
        let paths = path
            .iter()
            .map(|p| self.local_path(p))
            .collect::<Option<_>>()?;
        let env_files = env_file
            .iter()
            .map(|p| self.local_path(p))
            .collect::<Option<_>>()?;
        let project_directory = match &project_directory {
            Some(directory) => Some(self.local_path(directory)?),
            None => None,
        };
        Some(IncludeEntry {
            paths,
            env_files,
            project_directory,
        })
    }

    /// A path written in a file, made absolute from where that file's relative paths start;
    /// `None` (reported) for a remote source.
    fn local_path(&mut self, written: &Spanned<String>) -> Option<PathBuf> {
        if is_remote(written) {
            self.remote(&written.span, written);
            return None;
        }
        Some(crate::compose::model::de::resolve_path(
            self.sources.base_dir(written.span.file),
            written,
        ))
    }

    /// Reads a value with the model's reader, reporting into this load's diagnostics.
    fn read_typed<T: FromNode>(&mut self, node: &Node) -> Option<T> {
        T::from_node(node, &mut self.cx())
    }

    /// What the model's readers need: this load's diagnostics and sources.
    fn cx(&mut self) -> Cx<'_> {
        Cx::new(&mut self.diagnostics, &self.sources)
    }

    fn remote(&mut self, span: &Span, path: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::RemoteSource,
                format!("`{path}` is a remote source; compose2kube reads local files only"),
            )
            .at(*span)
            .help("fetch the file (git clone, download) and refer to the local copy"),
        );
    }

    /// Adds the resources of an included project to the including document. A resource both
    /// define must be the same, as `docker compose` requires.
    fn import(&mut self, document: &mut Node, included: Node, include_span: Span) {
        let (Some(target), Value::Map(included)) = (document.as_map_mut(), included.value) else {
            return;
        };
        for (section, entry) in included {
            let Value::Map(resources) = entry.value.value else {
                continue;
            };
            if target.get(&section).is_none_or(Node::is_null) {
                target.insert(
                    section.clone(),
                    entry.key_span,
                    Node::map(Map::new(), include_span),
                );
            }
            let Some(existing) = target.get_mut(&section).and_then(Node::as_map_mut) else {
                continue;
            };
            for (name, resource) in resources {
                match existing.entry(&name) {
                    Some(own) if own.value == resource.value => {}
                    Some(own) => {
                        let own_span = own.key_span;
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::IncludeConflict,
                                format!("`{section}.{name}` is defined here and in an included project"),
                            )
                            .at(own_span)
                            .related(resource.key_span, "the included definition")
                            .related(include_span, "included here")
                            .help("rename one of them, or change it in an override file (`-f`) instead of redefining it"),
                        );
                    }
                    None => {
                        existing.insert(name, resource.key_span, resource.value);
                    }
                }
            }
        }
    }

    /// Resolves `extends` of every service of a document.
    fn apply_extends(
        &mut self,
        document: &mut Node,
        environment: &Environment,
        files: &mut ExtendsFiles,
    ) {
        let Some(written) = document
            .as_map()
            .and_then(|m| m.get("services"))
            .and_then(Node::as_map)
        else {
            return;
        };
        let names: Vec<String> = written
            .iter()
            .filter(|(_, e)| e.value.as_map().is_some_and(|m| m.contains_key("extends")))
            .map(|(k, _)| k.as_str().to_owned())
            .collect();
        if names.is_empty() {
            return;
        }
        // Each service extends the services as written, not as already resolved.
        let services = written.clone();
        for name in names {
            let mut stack = Vec::new();
            let file = services
                .get(&name)
                .map_or(document.span.file, |n| n.span.file);
            if let Some(resolved) =
                self.resolve_extends(&services, file, &name, environment, files, &mut stack)
                && let Some(slot) = document
                    .as_map_mut()
                    .and_then(|m| m.get_mut("services"))
                    .and_then(Node::as_map_mut)
                    .and_then(|m| m.get_mut(&name))
            {
                *slot = resolved;
            }
        }
    }

    /// The service `name` of `services` with its `extends` chain merged in.
    fn resolve_extends(
        &mut self,
        services: &Map,
        file: FileId,
        name: &str,
        environment: &Environment,
        files: &mut ExtendsFiles,
        stack: &mut Vec<(FileId, String)>,
    ) -> Option<Node> {
        let service = services.get(name)?;
        let mut service = if service.is_null() {
            Node::map(Map::new(), service.span)
        } else {
            service.clone()
        };
        let Some(extends) = service.as_map_mut().and_then(|m| m.remove("extends")) else {
            return Some(service);
        };
        let Some(Extends {
            service: Some(base_name),
            file: base_file,
            ..
        }) = self.read_typed(&extends.value)
        else {
            return Some(service);
        };
        let Spanned {
            value: base_name,
            span: base_span,
        } = base_name;
        let (base_services, base_file_id) = match base_file {
            Some(path) => match self.extends_file(&path, environment, files) {
                Some(found) => found,
                None => return Some(service),
            },
            None => (services.clone(), file),
        };
        if stack
            .iter()
            .any(|(f, n)| *f == base_file_id && *n == base_name)
            || (base_file_id == file && base_name == name)
        {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::ExtendsCycle,
                    format!("service `{name}` extends `{base_name}`, which extends it back"),
                )
                .at(base_span)
                .help("break the cycle: one of the services must not extend the other"),
            );
            return Some(service);
        }
        if base_services.get(&base_name).is_none() {
            let suggestion = suggest(
                &base_name,
                base_services.keys().map(yaml::Text::as_str),
                || "name a service defined in that file".to_owned(),
            );
            self.diagnostics.push(
                Diagnostic::error(
                    Code::ExtendsUnknownService,
                    format!("service `{name}` extends `{base_name}`, which is not defined"),
                )
                .at(base_span)
                .help(suggestion),
            );
            return Some(service);
        }
        stack.push((file, name.to_owned()));
        let base = self.resolve_extends(
            &base_services,
            base_file_id,
            &base_name,
            environment,
            files,
            stack,
        );
        stack.pop();
        let base = base?;
        Some(merge(base, service, &["services", name], &mut self.cx()))
    }

    /// The services of a file named by `extends.file` (read once per load scope).
    fn extends_file(
        &mut self,
        path: &Spanned<String>,
        environment: &Environment,
        files: &mut ExtendsFiles,
    ) -> Option<(Map, FileId)> {
        let resolved = self.local_path(path)?;
        let directory = resolved.parent().map(Path::to_path_buf).unwrap_or_default();
        let id = self.read(&FileArg::Path(resolved), &directory, Some(path.span))?;
        if let std::collections::hash_map::Entry::Vacant(slot) = files.entry(id) {
            let services = self.documents(id, environment).into_iter().find_map(|d| {
                d.as_map()
                    .and_then(|m| m.get("services"))
                    .and_then(Node::as_map)
                    .cloned()
            });
            slot.insert(services);
        }
        Some((files.get(&id).cloned().flatten().unwrap_or_default(), id))
    }

    /// Reads the typed model from the merged tree.
    fn typed(&mut self, mut tree: Node) -> Project {
        // A service written as `name:` with nothing under it is an empty service. The short
        // syntaxes are rewritten here, where the tree is ours to change, so that reading a
        // service does not copy it to rewrite them.
        if let Some(services) = tree
            .as_map_mut()
            .and_then(|m| m.get_mut("services"))
            .and_then(Node::as_map_mut)
        {
            for (_, entry) in services.iter_mut() {
                if entry.value.is_null() {
                    entry.value = Node::map(Map::new(), entry.value.span);
                }
                if let Some(service) = entry.value.as_map_mut() {
                    service::canonicalize(service, &mut self.cx());
                }
            }
        }
        let project: Project = self.read_typed(&tree).unwrap_or_default();
        if let Some(version) = &project.version {
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::ObsoleteVersion,
                    "the top-level `version` is obsolete and ignored",
                )
                .at(version.span)
                .help("remove `version:`; the Compose Specification does not use it"),
            );
        }
        project
    }

    /// `-p`, else `COMPOSE_PROJECT_NAME` (from the environment or `.env`).
    fn explicit_name(&self, environment: &Environment) -> Option<String> {
        self.options.project_name.clone().or_else(|| {
            environment
                .get("COMPOSE_PROJECT_NAME")
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
        })
    }

    /// The project name: `explicit` (which must be valid as it is), else the top-level
    /// `name:` (normalised, with a warning when that changes it, as `docker compose` accepts
    /// it), else the directory's name.
    fn project_name(
        &mut self,
        explicit: Option<String>,
        project: Option<&Project>,
        directory: &Path,
    ) -> String {
        if let Some(name) = explicit {
            if !is_valid_project_name(&name) {
                self.diagnostics.push(
                    Diagnostic::error(Code::InvalidValue, format!("`{name}` is not a valid project name"))
                        .help(format!(
                            "use lower-case letters, digits, `-` and `_`, starting with a letter or digit, e.g. `{}`",
                            normalize_project_name(&name)
                        )),
                );
            }
            return name;
        }
        if let Some(name) = project
            .and_then(|p| p.name.as_ref())
            .filter(|n| !n.is_empty())
        {
            let normal = normalize_project_name(name);
            if normal != name.value {
                self.diagnostics.push(
                    Diagnostic::warning(
                        Code::InvalidValue,
                        format!("`{}` is not a valid project name; Docker Compose uses `{normal}`, and so does compose2kube", name.value),
                    )
                    .at(name.span)
                    .help(format!("write `name: {normal}`: lower-case letters, digits, `-` and `_`, starting with a letter or digit")),
                );
            }
            if !normal.is_empty() {
                return normal;
            }
        }
        let from_directory = directory
            .file_name()
            .map(|n| normalize_project_name(&n.to_string_lossy()))
            .unwrap_or_default();
        if from_directory.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(Code::InvalidValue, "the project has no name")
                    .help("give it one with `-p NAME` or a top-level `name:`"),
            );
        }
        from_directory
    }
}

/// An include entry with its paths made absolute.
struct IncludeEntry {
    paths: Vec<PathBuf>,
    env_files: Vec<PathBuf>,
    project_directory: Option<PathBuf>,
}

/// The project name before the files are interpolated, as compose-go finds it: the `name:`
/// of the last file that has one, interpolated on its own and normalised, else the
/// directory's name. Reads the documents the loader parsed (each file is parsed once).
fn name_in_files(parsed: &[Vec<Node>], environment: &Environment, directory: &Path) -> String {
    let written = parsed.iter().flatten().rev().find_map(|document| {
        document
            .as_map()
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .filter(|n| !n.is_empty())
    });
    let interpolated = written
        .map(|name| {
            interpolate::interpolate(name, &environment.lookup())
                .map_or_else(|_| name.to_owned(), |i| i.value)
        })
        .map(|name| normalize_project_name(&name))
        .filter(|name| !name.is_empty());
    interpolated.unwrap_or_else(|| {
        directory
            .file_name()
            .map(|n| normalize_project_name(&n.to_string_lossy()))
            .unwrap_or_default()
    })
}

/// A path as users should see it in messages: relative to where they run the command when
/// the file is below it.
fn display_name(path: &Path, working_dir: &Path) -> String {
    path.strip_prefix(working_dir)
        .unwrap_or(path)
        .display()
        .to_string()
}
