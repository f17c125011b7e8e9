//! The `compose2kube` command line: parse flags, call the library, print, choose the exit
//! code (0 ok, 1 invalid input, 2 usage error).

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};

use compose2kube::compose::{self, FileArg, LoadOptions, Loaded};
use compose2kube::diag::render::{self, Style};
use compose2kube::diag::{Diagnostic, Severity};

/// Convert Docker Compose applications into Kubernetes objects that keep their network
/// behaviour, and say exactly what could not be carried over.
#[derive(Parser)]
#[command(
    name = "compose2kube",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(flatten)]
    project: ProjectArgs,
    #[command(subcommand)]
    command: Command,
}

/// How to find and read the Compose project (the same flags as `docker compose`).
#[derive(Args, Clone)]
struct ProjectArgs {
    /// Compose file to read (repeatable; `-` for standard input). Default: `COMPOSE_FILE`,
    /// else compose.yaml / docker-compose.yml in this directory or a parent.
    #[arg(short = 'f', long = "file", value_name = "FILE", global = true)]
    files: Vec<PathBuf>,
    /// Directory relative paths start from (default: the first file's directory).
    #[arg(long, value_name = "DIR", global = true)]
    project_directory: Option<PathBuf>,
    /// Project name (default: `COMPOSE_PROJECT_NAME`, the top-level `name:`, or the directory).
    #[arg(short = 'p', long, value_name = "NAME", global = true)]
    project_name: Option<String>,
    /// Variables file to use instead of `.env` (repeatable).
    #[arg(long = "env-file", value_name = "FILE", global = true)]
    env_files: Vec<PathBuf>,
    /// Profile to enable (repeatable; default: `COMPOSE_PROFILES`).
    #[arg(long = "profile", value_name = "NAME", global = true)]
    profiles: Vec<String>,
    /// Do not interpolate `${VARIABLES}`.
    #[arg(long, global = true)]
    no_interpolate: bool,
}

/// How problems are reported.
#[derive(Args, Clone)]
struct ReportArgs {
    /// `text` for people, `json` for CI tools (printed on standard output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check the project; print every problem with its place and what to do.
    Check {
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Print the resolved project (merged, interpolated, long syntax) as Compose YAML.
    Config {
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Print a shell completion script.
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Completion { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "compose2kube",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Check { report } => {
            let loaded = load(&cli.project);
            let diagnostics = compose2kube::check(&loaded);
            finish(&loaded, &diagnostics, &report)
        }
        Command::Config { report } => {
            let loaded = load(&cli.project);
            let diagnostics = compose2kube::check(&loaded);
            let code = finish(&loaded, &diagnostics, &report);
            if code == ExitCode::SUCCESS {
                match compose2kube::render::config::render(&loaded) {
                    Ok(yaml) => print_stdout(&yaml),
                    Err(error) => {
                        eprintln!("error: cannot write the model as YAML: {error}");
                        return ExitCode::from(1);
                    }
                }
            }
            code
        }
    }
}

fn load(args: &ProjectArgs) -> Loaded {
    let mut options = LoadOptions::from_process();
    options.files = args
        .files
        .iter()
        .map(|f| {
            if f.as_os_str() == "-" {
                FileArg::Stdin
            } else {
                FileArg::Path(f.clone())
            }
        })
        .collect();
    if options.files.contains(&FileArg::Stdin) {
        let mut text = String::new();
        if let Err(error) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("error: cannot read standard input: {error}");
        }
        options.stdin = Some(text);
    }
    options
        .project_directory
        .clone_from(&args.project_directory);
    options.project_name.clone_from(&args.project_name);
    options.env_files.clone_from(&args.env_files);
    options.profiles.clone_from(&args.profiles);
    options.interpolate = !args.no_interpolate;
    compose::load(&options)
}

/// Prints the diagnostics and a summary, and picks the exit code.
fn finish(loaded: &Loaded, diagnostics: &[Diagnostic], report: &ReportArgs) -> ExitCode {
    let shown: Vec<&Diagnostic> = diagnostics.iter().collect();
    let errors = shown
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = shown
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    match report.format {
        Format::Json => {
            let json = render::to_json(&shown, &loaded.sources);
            print_stdout(&format!("{json:#}\n"));
        }
        Format::Text => {
            let stderr = std::io::stderr();
            let style = if stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                Style::Fancy
            } else {
                Style::Plain
            };
            let mut out = stderr.lock();
            let _ = out.write_all(render::to_text(&shown, &loaded.sources, style).as_bytes());
            if !shown.is_empty() {
                let _ = writeln!(out, "{}", summary(errors, warnings));
            }
        }
    }
    if errors > 0 || (report.strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
}
