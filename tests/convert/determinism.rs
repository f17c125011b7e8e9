//! Same input, same bytes: converting twice (in one process, and in separate runs of the
//! binary, whose hash maps are seeded differently) gives identical output, as a stream and as
//! a directory of files; and the command line prints exactly what the library renders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use compose2kube::render::manifests;

use crate::fixtures::{Fixture, app_name, convert_file, corpus_files, environment};

/// The binary, run in the directory of `file` with only the given variables (like `env -i`).
fn convert_command(file: &Path, args: &[String]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_compose2kube"));
    command
        .current_dir(file.parent().unwrap())
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .args(["convert", "-f"])
        .arg(file.file_name().unwrap())
        .args(args);
    command
}

fn run(mut command: Command) -> String {
    let output = command.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Every file of a directory with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("the output directory")
        .filter_map(Result::ok)
        .map(|e| {
            (
                PathBuf::from(e.file_name()),
                std::fs::read(e.path()).expect("a written file"),
            )
        })
        .collect()
}

/// A name, a Compose file, the `convert` flags and the environment.
type Input = (
    String,
    PathBuf,
    Vec<String>,
    indexmap::IndexMap<String, String>,
);

/// What to convert: every fixture that converts, and every corpus file.
fn inputs() -> Vec<Input> {
    let fixtures = Fixture::all()
        .into_iter()
        .filter(|f| f.convert().errors().is_empty())
        .map(|f| (f.name.clone(), f.compose_file(), f.args, environment()));
    let corpus = corpus_files()
        .into_iter()
        .map(|f| (app_name(&f), f, Vec::new(), indexmap::IndexMap::new()));
    fixtures.chain(corpus).collect()
}

#[test]
fn converting_twice_in_one_process_gives_identical_bytes() {
    for (name, file, args, env) in inputs() {
        let first = convert_file(&file, &args, env.clone());
        let second = convert_file(&file, &args, env);
        assert_eq!(first.yaml, second.yaml, "{name}: YAML differs");
        assert_eq!(
            manifests::json(&first.objects).unwrap(),
            manifests::json(&second.objects).unwrap(),
            "{name}: JSON differs"
        );
        assert_eq!(
            first.report_lines(Path::new("/")),
            second.report_lines(Path::new("/")),
            "{name}: the report differs"
        );
    }
}

#[test]
fn the_command_line_prints_what_the_library_renders_on_every_run() {
    for (name, file, args, env) in inputs() {
        let expected = convert_file(&file, &args, env.clone()).yaml;
        for run_number in 1..=2 {
            let mut command = convert_command(&file, &args);
            command.envs(&env);
            assert!(
                run(command) == expected,
                "{name}: run {run_number} of the binary differs from the library"
            );
        }
    }
}

#[test]
fn writing_a_directory_twice_gives_identical_files() {
    for (name, file, args, env) in inputs() {
        let out = tempfile::tempdir().unwrap();
        let mut written = Vec::new();
        for target in ["first", "second"] {
            let path = out.path().join(target);
            let mut command = convert_command(&file, &args);
            command.envs(&env).arg("-o").arg(&path);
            run(command);
            written.push(files(&path));
        }
        assert!(!written[0].is_empty(), "{name}: nothing written");
        assert_eq!(written[0], written[1], "{name}: the directories differ");
    }
}
