//! Finding the project the way `docker compose` does: which files (`-f`, `COMPOSE_FILE`, the
//! default names), which directory, which name, and which variables (`.env`, `--env-file`,
//! the process environment).
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{
    Project, assert_clean, assert_no_errors, env, environment, error_codes, image, load, service,
    service_names,
};
use compose2kube::compose::FileArg;

// ---- which files ---------------------------------------------------------------------------

#[test]
fn later_f_files_override_earlier_ones() {
    let p = Project::new();
    let a = p.write(
        "a.yaml",
        "services:\n  web:\n    image: a\n    user: alice\n",
    );
    let b = p.write("b.yaml", "services:\n  web:\n    image: b\n");

    let mut options = p.options();
    options.files = vec![FileArg::Path(a.clone()), FileArg::Path(b.clone())];
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("b"));
    assert_eq!(
        service(&loaded, "web")
            .user
            .as_ref()
            .map(compose2kube::source::Spanned::as_str),
        Some("alice")
    );

    options.files = vec![FileArg::Path(b), FileArg::Path(a)];
    assert_eq!(image(&load(&options), "web"), Some("a"));
}

#[test]
fn relative_f_files_resolve_against_the_working_directory() {
    let p = Project::new();
    p.write("sub/compose.yaml", "services:\n  web:\n    image: a\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path("sub/compose.yaml".into())];
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(loaded.directory, p.join("sub"));
}

#[test]
fn compose_file_variable_lists_the_files_with_the_default_separator() {
    let p = Project::new();
    p.write("a.yaml", "services:\n  web:\n    image: a\n");
    p.write("b.yaml", "services:\n  web:\n    image: b\n");
    let mut options = p.options();
    options.environment = env(&[("COMPOSE_FILE", "a.yaml:b.yaml")]);
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("b"));
}

#[test]
fn compose_path_separator_changes_how_compose_file_is_split() {
    let p = Project::new();
    p.write("a.yaml", "services:\n  web:\n    image: a\n");
    p.write("b.yaml", "services:\n  web:\n    image: b\n");
    let mut options = p.options();
    options.environment = env(&[
        ("COMPOSE_FILE", "b.yaml;a.yaml"),
        ("COMPOSE_PATH_SEPARATOR", ";"),
    ]);
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("a"));
}

#[test]
fn compose_file_variable_can_be_set_in_dot_env() {
    let p = Project::new();
    p.write("other.yaml", "services:\n  web:\n    image: other\n");
    p.write("compose.yaml", "services:\n  web:\n    image: default\n");
    p.write(".env", "COMPOSE_FILE=other.yaml\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("other"));
}

#[test]
fn f_option_wins_over_compose_file_variable() {
    let p = Project::new();
    let a = p.write("a.yaml", "services:\n  web:\n    image: a\n");
    p.write("b.yaml", "services:\n  web:\n    image: b\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path(a)];
    options.environment = env(&[("COMPOSE_FILE", "b.yaml")]);
    assert_eq!(image(&load(&options), "web"), Some("a"));
}

#[test]
fn default_file_in_the_working_directory_is_found() {
    let p = Project::new();
    p.write("compose.yaml", "services:\n  web:\n    image: a\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web"]);
    assert_eq!(loaded.directory, p.path());
}

#[test]
fn compose_yaml_is_preferred_over_docker_compose_yml() {
    let p = Project::new();
    p.write("docker-compose.yml", "services:\n  web:\n    image: old\n");
    p.write("compose.yaml", "services:\n  web:\n    image: new\n");
    assert_eq!(image(&load(&p.options()), "web"), Some("new"));
}

#[test]
fn docker_compose_yml_is_preferred_over_docker_compose_yaml() {
    // compose-go's DefaultFileNames: compose.yaml, compose.yml, docker-compose.yml,
    // docker-compose.yaml.
    let p = Project::new();
    p.write(
        "docker-compose.yaml",
        "services:\n  web:\n    image: yaml\n",
    );
    p.write("docker-compose.yml", "services:\n  web:\n    image: yml\n");
    assert_eq!(image(&load(&p.options()), "web"), Some("yml"));
}

#[test]
fn override_file_is_merged_after_the_main_file() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: a\n    user: alice\n",
    );
    p.write("compose.override.yaml", "services:\n  web:\n    image: b\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("b"));
    assert_eq!(
        service(&loaded, "web")
            .user
            .as_ref()
            .map(compose2kube::source::Spanned::as_str),
        Some("alice")
    );
}

#[test]
fn override_file_is_found_whatever_the_main_file_is_called() {
    // compose-go looks for the override names in one fixed order, independently of which
    // default file it found.
    let p = Project::new();
    p.write("docker-compose.yml", "services:\n  web:\n    image: a\n");
    p.write("compose.override.yaml", "services:\n  web:\n    image: b\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("b"));
}

#[test]
fn default_file_in_a_parent_directory_is_found_and_its_directory_is_the_project() {
    let p = Project::new();
    p.write("app/compose.yaml", "services:\n  web:\n    build: ./src\n");
    p.write(
        "app/compose.override.yaml",
        "services:\n  web:\n    image: b\n",
    );
    p.mkdir("app/src/deeper");
    let loaded = load(&p.options_in("app/src/deeper"));
    assert_clean(&loaded);
    assert_eq!(loaded.directory, p.join("app"));
    assert_eq!(loaded.name, "app");
    assert_eq!(image(&loaded, "web"), Some("b"));
    let build = service(&loaded, "web").build.as_ref().unwrap();
    assert_eq!(
        build.context.as_ref().unwrap().as_str(),
        p.join("app/src").to_str().unwrap()
    );
}

#[test]
fn dot_env_of_a_project_found_in_a_parent_directory_is_read() {
    // docker compose reads `.env` of the working directory, then (after finding the file)
    // the one of the project directory for variables still unset.
    let p = Project::new();
    p.write(
        "app/compose.yaml",
        "services:\n  web:\n    image: ${IMAGE}:${TAG}\n",
    );
    p.write("app/.env", "IMAGE=from-project\nTAG=project\n");
    p.write("app/src/.env", "TAG=working-dir\n");
    let loaded = load(&p.options_in("app/src"));
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("from-project:working-dir"));
}

#[test]
fn no_compose_file_is_an_error() {
    let p = Project::new();
    let loaded = load(&p.options());
    if loaded.project.is_some() {
        // A Compose file in a parent of the temporary directory: nothing to test here.
        eprintln!("a parent of {} holds a Compose file", p.path().display());
        return;
    }
    assert_eq!(error_codes(&loaded), ["no-compose-file"]);
}

#[test]
fn missing_f_file_is_an_error() {
    let p = Project::new();
    let mut options = p.options();
    options.files = vec![FileArg::Path("nope.yaml".into())];
    let loaded = load(&options);
    assert_eq!(error_codes(&loaded), ["cannot-read"]);
    assert!(loaded.project.is_none());
}

#[test]
fn stdin_is_read_with_the_working_directory_as_project_directory() {
    let p = Project::new();
    p.mkdir("here");
    let mut options = p.options_in("here");
    options.files = vec![FileArg::Stdin];
    options.stdin = Some("services:\n  web:\n    build: ./app\n".into());
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(loaded.directory, p.join("here"));
    assert_eq!(loaded.name, "here");
    let build = service(&loaded, "web").build.as_ref().unwrap();
    assert_eq!(
        build.context.as_ref().unwrap().as_str(),
        p.join("here/app").to_str().unwrap()
    );
}

#[test]
fn stdin_can_be_combined_with_files() {
    let p = Project::new();
    let base = p.write("compose.yaml", "services:\n  web:\n    image: a\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path(base), FileArg::Stdin];
    options.stdin = Some("services:\n  web:\n    image: from-stdin\n".into());
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("from-stdin"));
}

#[test]
fn project_directory_sets_relative_paths_name_and_dot_env() {
    let p = Project::new();
    let file = p.write(
        "files/compose.yaml",
        "services:\n  web:\n    image: ${IMAGE}\n    build: ./src\n",
    );
    p.write("files/.env", "IMAGE=wrong\n");
    p.write("elsewhere/.env", "IMAGE=right\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path(file)];
    options.project_directory = Some("elsewhere".into());
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(loaded.directory, p.join("elsewhere"));
    assert_eq!(loaded.name, "elsewhere");
    assert_eq!(image(&loaded, "web"), Some("right"));
    let build = service(&loaded, "web").build.as_ref().unwrap();
    assert_eq!(
        build.context.as_ref().unwrap().as_str(),
        p.join("elsewhere/src").to_str().unwrap()
    );
}

#[test]
fn project_directory_is_searched_for_default_files() {
    let p = Project::new();
    p.write("proj/compose.yaml", "services:\n  web:\n    image: a\n");
    p.mkdir("cwd");
    let mut options = p.options_in("cwd");
    options.project_directory = Some(p.join("proj"));
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web"]);
}

// ---- the project name ----------------------------------------------------------------------

fn named_project() -> Project {
    let p = Project::new();
    p.write(
        "My Dir.v2/compose.yaml",
        "name: from-file\nservices:\n  web:\n    image: a\n",
    );
    p
}

#[test]
fn project_name_option_wins_over_everything() {
    let p = named_project();
    let mut options = p.options_in("My Dir.v2");
    options.project_name = Some("from-flag".into());
    options.environment = env(&[("COMPOSE_PROJECT_NAME", "from-env")]);
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(loaded.name, "from-flag");
}

#[test]
fn compose_project_name_variable_wins_over_the_name_key() {
    let p = named_project();
    let mut options = p.options_in("My Dir.v2");
    options.environment = env(&[("COMPOSE_PROJECT_NAME", "from-env")]);
    assert_eq!(load(&options).name, "from-env");
}

#[test]
fn compose_project_name_can_be_set_in_dot_env() {
    let p = named_project();
    p.write("My Dir.v2/.env", "COMPOSE_PROJECT_NAME=from-dot-env\n");
    assert_eq!(load(&p.options_in("My Dir.v2")).name, "from-dot-env");
}

#[test]
fn name_key_wins_over_the_directory() {
    let p = named_project();
    assert_eq!(load(&p.options_in("My Dir.v2")).name, "from-file");
}

#[test]
fn name_key_is_interpolated() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "name: app-${STAGE}\nservices:\n  web:\n    image: a\n",
    );
    let mut options = p.options();
    options.environment = env(&[("STAGE", "prod")]);
    assert_eq!(load(&options).name, "app-prod");
}

#[test]
fn directory_name_is_normalised() {
    let p = Project::new();
    p.write(
        "My Dir.v2/compose.yaml",
        "services:\n  web:\n    image: a\n",
    );
    let loaded = load(&p.options_in("My Dir.v2"));
    assert_clean(&loaded);
    assert_eq!(loaded.name, "mydirv2");
}

#[test]
fn invalid_project_name_option_is_an_error() {
    let p = named_project();
    let mut options = p.options_in("My Dir.v2");
    options.project_name = Some("My Project".into());
    let loaded = load(&options);
    assert_eq!(error_codes(&loaded), ["invalid-value"]);
    let help = loaded.diagnostics.iter().next().unwrap().help.clone();
    assert!(help.unwrap().contains("myproject"));
}

#[test]
fn invalid_name_key_is_normalised_with_a_located_warning() {
    // `docker compose` normalises a `name:` it reads from a file (an explicit `-p` must be
    // valid as it is).
    let p = Project::new();
    p.write("compose.yaml", "name: My App\nservices: {}\n");
    let loaded = load(&p.options());
    assert_eq!(loaded.name, "myapp");
    assert!(!loaded.diagnostics.has_errors());
    let warning = loaded.diagnostics.iter().next().unwrap();
    assert_eq!(warning.code.as_str(), "invalid-value");
    assert!(warning.span.is_some() && warning.help.is_some());
}

// ---- variables -----------------------------------------------------------------------------

#[test]
fn dot_env_in_the_working_directory_is_used_for_interpolation() {
    let p = Project::new();
    p.write("compose.yaml", "services:\n  web:\n    image: app:${TAG}\n");
    p.write(".env", "TAG=1.0\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("app:1.0"));
}

#[test]
fn dot_env_is_read_next_to_the_first_f_file() {
    let p = Project::new();
    let file = p.write(
        "sub/compose.yaml",
        "services:\n  web:\n    image: app:${TAG}\n",
    );
    p.write("sub/.env", "TAG=sub\n");
    p.write(".env", "TAG=cwd\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path(file)];
    assert_eq!(image(&load(&options), "web"), Some("app:sub"));
}

#[test]
fn env_file_option_replaces_dot_env() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: ${IMAGE:-none}:${TAG:-none}\n",
    );
    p.write(".env", "IMAGE=dot-env\n");
    p.write("one.env", "TAG=one\n");
    p.write("two.env", "TAG=two\nIMAGE=two\n");
    let mut options = p.options();
    options.env_files = vec!["one.env".into()];
    assert_eq!(image(&load(&options), "web"), Some("none:one"));
    options.env_files = vec!["one.env".into(), "two.env".into()];
    assert_eq!(image(&load(&options), "web"), Some("two:two"));
}

#[test]
fn env_file_option_is_relative_to_the_working_directory() {
    // `docker compose -f deploy/compose.yaml --env-file deploy/prod.env`: docker compose makes
    // `--env-file` paths absolute from where it runs, not from the project directory.
    let p = Project::new();
    let file = p.write(
        "deploy/compose.yaml",
        "services:\n  web:\n    image: app:${TAG}\n",
    );
    p.write("deploy/prod.env", "TAG=prod\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path(file)];
    options.env_files = vec!["deploy/prod.env".into()];
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("app:prod"));
}

#[test]
fn env_file_option_replaces_the_dot_env_of_the_project_directory_too() {
    let p = Project::new();
    p.write(
        "app/compose.yaml",
        "services:\n  web:\n    image: app:${TAG:-none}\n",
    );
    p.write("app/.env", "TAG=dot-env\n");
    p.write("app/src/vars.env", "OTHER=1\n");
    let mut options = p.options_in("app/src");
    options.env_files = vec!["vars.env".into()];
    assert_eq!(image(&load(&options), "web"), Some("app:none"));
}

#[test]
fn missing_env_file_option_is_an_error() {
    let p = Project::new();
    p.write("compose.yaml", "services:\n  web:\n    image: a\n");
    let mut options = p.options();
    options.env_files = vec!["missing.env".into()];
    assert_eq!(error_codes(&load(&options)), ["cannot-read"]);
}

#[test]
fn process_environment_wins_over_dot_env() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: ${IMAGE}:${TAG}\n",
    );
    p.write(".env", "IMAGE=dot-env\nTAG=dot-env\n");
    let mut options = p.options();
    options.environment = env(&[("TAG", "process")]);
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("dot-env:process"));
}

#[test]
fn dot_env_sees_the_process_environment_and_earlier_lines() {
    let p = Project::new();
    p.write("compose.yaml", "services:\n  web:\n    image: ${IMAGE}\n");
    p.write(".env", "BASE=${REGISTRY}/team\nIMAGE=${BASE}/app\n");
    let mut options = p.options();
    options.environment = env(&[("REGISTRY", "registry.example.com")]);
    assert_eq!(
        image(&load(&options), "web"),
        Some("registry.example.com/team/app")
    );
}

#[test]
fn unset_variable_is_a_warning_and_becomes_empty() {
    let p = Project::new();
    p.write("compose.yaml", "services:\n  web:\n    image: app${TAG}\n");
    let loaded = load(&p.options());
    assert_no_errors(&loaded);
    assert_eq!(common::codes(&loaded), ["unset-variable"]);
    assert_eq!(image(&loaded, "web"), Some("app"));
}

#[test]
fn no_interpolate_keeps_variables_as_written() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: app:${TAG}\n    environment:\n      PRICE: $$5\n",
    );
    p.write(".env", "TAG=1.0\n");
    let mut options = p.options();
    options.interpolate = false;
    let loaded = load(&options);
    assert_clean(&loaded);
    assert!(!loaded.interpolated);
    assert_eq!(image(&loaded, "web"), Some("app:${TAG}"));
    assert_eq!(environment(&loaded, "web", "PRICE"), Some(Some("$$5")));
}

#[test]
fn dollar_dollar_is_a_literal_dollar_when_interpolating() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: a\n    environment:\n      PRICE: $$5\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(environment(&loaded, "web", "PRICE"), Some(Some("$5")));
}
