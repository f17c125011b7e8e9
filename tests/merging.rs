//! Putting a project together from several places: `-f` files merged in order, `!reset` and
//! `!override`, `extends`, `include`, and profiles.
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{
    Project, assert_clean, env, environment, error_codes, image, load, located_error, service,
    service_names,
};
use compose2kube::compose::FileArg;

fn files(p: &Project, names: &[&str]) -> compose2kube::compose::LoadOptions {
    let mut options = p.options();
    options.files = names.iter().map(|n| FileArg::Path(p.join(n))).collect();
    options
}

fn port_targets(loaded: &compose2kube::compose::Loaded, name: &str) -> Vec<u16> {
    service(loaded, name)
        .ports
        .iter()
        .map(|p| p.value.target)
        .collect()
}

// ---- several -f files ----------------------------------------------------------------------

#[test]
fn mappings_merge_sequences_append_and_scalars_are_replaced() {
    let p = Project::new();
    p.write(
        "a.yaml",
        "services:\n  web:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1', B: '1'}\n    command: [run, a]\n",
    );
    p.write(
        "b.yaml",
        "services:\n  web:\n    image: b\n    ports: ['81:81', '80:80']\n    environment: [B=2, C=3]\n    command: [run]\n  db:\n    image: postgres\n",
    );
    let loaded = load(&files(&p, &["a.yaml", "b.yaml"]));
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "db"]);
    assert_eq!(image(&loaded, "web"), Some("b"));
    // Appended, and the repeated 80:80 appears once.
    assert_eq!(port_targets(&loaded, "web"), [80, 81]);
    assert_eq!(environment(&loaded, "web", "A"), Some(Some("1")));
    assert_eq!(environment(&loaded, "web", "B"), Some(Some("2")));
    assert_eq!(environment(&loaded, "web", "C"), Some(Some("3")));
    let command = service(&loaded, "web").command.as_ref().unwrap();
    assert_eq!(
        serde_json::to_value(&command.value).unwrap(),
        serde_json::json!(["run"])
    );
}

#[test]
fn reset_tag_removes_the_inherited_value() {
    let p = Project::new();
    p.write(
        "a.yaml",
        "services:\n  web:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1'}\n  debug:\n    image: busybox\n",
    );
    p.write(
        "b.yaml",
        "services:\n  web:\n    ports: !reset []\n    environment: !reset {}\n  debug: !reset\n",
    );
    let loaded = load(&files(&p, &["a.yaml", "b.yaml"]));
    assert_clean(&loaded);
    assert!(service(&loaded, "web").ports.is_empty());
    assert!(service(&loaded, "web").environment.is_empty());
    assert_eq!(service_names(&loaded), ["web"]);
}

#[test]
fn override_tag_replaces_instead_of_merging() {
    let p = Project::new();
    p.write(
        "a.yaml",
        "services:\n  web:\n    image: a\n    ports: ['80:80']\n    environment: {A: '1'}\n",
    );
    p.write(
        "b.yaml",
        "services:\n  web:\n    ports: !override ['81:81']\n    environment: !override {B: '2'}\n",
    );
    let loaded = load(&files(&p, &["a.yaml", "b.yaml"]));
    assert_clean(&loaded);
    assert_eq!(port_targets(&loaded, "web"), [81]);
    assert_eq!(environment(&loaded, "web", "A"), None);
    assert_eq!(environment(&loaded, "web", "B"), Some(Some("2")));
}

#[test]
fn reset_in_the_first_file_is_ignored() {
    let p = Project::new();
    p.write(
        "a.yaml",
        "services:\n  web:\n    image: a\n    ports: !reset ['80']\n",
    );
    let loaded = load(&files(&p, &["a.yaml"]));
    assert_clean(&loaded);
    assert!(service(&loaded, "web").ports.is_empty());
}

#[test]
fn merge_of_incompatible_kinds_is_a_located_error() {
    let p = Project::new();
    p.write(
        "a.yaml",
        "services:\n  web:\n    image: a\n    deploy: {replicas: 2}\n",
    );
    p.write("b.yaml", "services:\n  web:\n    deploy: [2]\n");
    let loaded = load(&files(&p, &["a.yaml", "b.yaml"]));
    assert!(error_codes(&loaded).contains(&"invalid-type"));
}

#[test]
fn a_name_listed_twice_in_an_override_file_is_reported_there() {
    // As in a single file: the override's list is checked before it merges.
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: web\n    depends_on: [db]\n  db:\n    image: db\n",
    );
    p.write(
        "compose.override.yaml",
        "services:\n  web:\n    depends_on: [db, db]\n",
    );
    let loaded = load(&p.options());
    let d = located_error(&loaded, "duplicate-key");
    assert_eq!(d.message, "`db` is listed twice in `depends_on`");
    let (file, place) = loaded.sources.location(d.span.unwrap()).unwrap();
    assert_eq!(
        (file.name.as_str(), place.line, place.column),
        ("compose.override.yaml", 3, 22)
    );
}

#[test]
fn service_model_lists_merge_by_name() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: web\n    models: [chat]\nmodels:\n  chat: {model: ai/chat}\n  embed: {model: ai/embed}\n",
    );
    p.write(
        "compose.override.yaml",
        "services:\n  web:\n    models: [embed]\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    let models: Vec<&str> = service(&loaded, "web")
        .rare()
        .models
        .keys()
        .map(compose2kube::source::Spanned::as_str)
        .collect();
    assert_eq!(models, ["chat", "embed"]);
}

// ---- extends -------------------------------------------------------------------------------

#[test]
fn extends_a_service_of_the_same_file() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  base:\n    image: base\n    environment: {A: '1', B: '1'}\n  web:\n    extends: base\n    environment: {B: '2'}\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("base"));
    assert_eq!(environment(&loaded, "web", "A"), Some(Some("1")));
    assert_eq!(environment(&loaded, "web", "B"), Some(Some("2")));
    assert!(service(&loaded, "web").extends.is_none());
}

#[test]
fn extends_a_service_of_another_file() {
    let p = Project::new();
    p.write(
        "common.yaml",
        "services:\n  app:\n    image: common\n    user: alice\n",
    );
    p.write(
        "compose.yaml",
        "services:\n  web:\n    extends:\n      file: common.yaml\n      service: app\n    user: bob\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web"]);
    assert_eq!(image(&loaded, "web"), Some("common"));
    assert_eq!(
        service(&loaded, "web")
            .user
            .as_ref()
            .map(compose2kube::source::Spanned::as_str),
        Some("bob")
    );
}

#[test]
fn extends_is_transitive_across_files() {
    let p = Project::new();
    p.write(
        "lib/root.yaml",
        "services:\n  root:\n    image: root\n    environment: {LEVEL: root, ROOT: '1'}\n",
    );
    p.write(
        "lib/middle.yaml",
        "services:\n  middle:\n    extends: {file: root.yaml, service: root}\n    environment: {LEVEL: middle}\n",
    );
    p.write(
        "compose.yaml",
        "services:\n  web:\n    extends: {file: lib/middle.yaml, service: middle}\n  other:\n    extends: web\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    for name in ["web", "other"] {
        assert_eq!(image(&loaded, name), Some("root"));
        assert_eq!(environment(&loaded, name, "LEVEL"), Some(Some("middle")));
        assert_eq!(environment(&loaded, name, "ROOT"), Some(Some("1")));
    }
}

#[test]
fn relative_paths_of_an_extended_service_resolve_against_its_own_file() {
    let p = Project::new();
    p.write(
        "lib/base.yaml",
        "services:\n  base:\n    build: ./app\n    env_file: ./base.env\n    volumes: ['./data:/data']\n",
    );
    p.write("lib/base.env", "A=1\n");
    p.write(
        "compose.yaml",
        "services:\n  web:\n    extends: {file: lib/base.yaml, service: base}\n    volumes: ['./logs:/logs']\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    let web = service(&loaded, "web");
    let lib = p.join("lib");
    assert_eq!(
        web.build
            .as_ref()
            .unwrap()
            .context
            .as_ref()
            .unwrap()
            .as_str(),
        lib.join("app").to_str().unwrap()
    );
    assert_eq!(web.env_file[0].path, lib.join("base.env"));
    let sources: Vec<&str> = web
        .volumes
        .iter()
        .map(|v| v.source.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(
        sources,
        [
            lib.join("data").to_str().unwrap(),
            p.join("logs").to_str().unwrap()
        ]
    );
}

#[test]
fn extends_cycle_is_a_located_error() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n",
    );
    let loaded = load(&p.options());
    assert!(!loaded.diagnostics.is_empty());
    assert!(
        error_codes(&loaded).iter().all(|c| *c == "extends-cycle"),
        "{}",
        common::describe(&loaded)
    );
}

#[test]
fn a_service_extending_itself_is_a_cycle() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  a:\n    image: x\n    extends: a\n",
    );
    let loaded = load(&p.options());
    located_error(&loaded, "extends-cycle");
}

#[test]
fn extends_cycle_across_files_is_a_located_error() {
    let p = Project::new();
    p.write(
        "one.yaml",
        "services:\n  a:\n    extends: {file: two.yaml, service: b}\n",
    );
    p.write(
        "two.yaml",
        "services:\n  b:\n    extends: {file: one.yaml, service: a}\n",
    );
    let loaded = load(&files(&p, &["one.yaml"]));
    located_error(&loaded, "extends-cycle");
}

#[test]
fn extends_unknown_service_is_a_located_error_with_a_suggestion() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  base:\n    image: x\n  web:\n    extends: bsae\n",
    );
    let loaded = load(&p.options());
    let d = located_error(&loaded, "extends-unknown-service");
    assert_eq!(d.help.as_deref(), Some("did you mean `base`?"));
    assert_eq!(
        loaded.sources.text(d.span.unwrap()),
        Some("bsae"),
        "points at the name"
    );
}

#[test]
fn extends_of_a_missing_file_is_a_located_error() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    extends: {file: nope.yaml, service: base}\n",
    );
    let loaded = load(&p.options());
    located_error(&loaded, "cannot-read");
}

#[test]
fn an_extends_file_that_is_not_a_string_is_a_located_error() {
    // Not read as "the same file": the value is wrong, and saying so beats guessing.
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  base:\n    image: base\n  web:\n    extends: {service: base, file: [other.yaml]}\n",
    );
    let loaded = load(&p.options());
    located_error(&loaded, "invalid-type");
}

// ---- include -------------------------------------------------------------------------------

#[test]
fn included_project_adds_its_resources() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include: [db/compose.yaml]\nservices:\n  web:\n    image: web\n    depends_on: [db]\n",
    );
    p.write(
        "db/compose.yaml",
        "services:\n  db:\n    image: postgres\n    volumes: ['data:/var/lib/postgresql']\nvolumes:\n  data: {}\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "db"]);
    assert!(
        loaded
            .project
            .as_ref()
            .unwrap()
            .volumes
            .contains_key("data")
    );
    assert!(loaded.project.as_ref().unwrap().include.is_empty());
}

#[test]
fn included_project_resolves_paths_against_its_own_directory() {
    let p = Project::new();
    p.write("compose.yaml", "include:\n  - path: sub/compose.yaml\n");
    p.write(
        "sub/compose.yaml",
        "services:\n  api:\n    build: ./app\n    volumes: ['./conf:/conf']\n",
    );
    let loaded = load(&p.options());
    assert_clean(&loaded);
    let api = service(&loaded, "api");
    assert_eq!(
        api.build
            .as_ref()
            .unwrap()
            .context
            .as_ref()
            .unwrap()
            .as_str(),
        p.join("sub/app").to_str().unwrap()
    );
    assert_eq!(
        api.volumes[0].source.as_ref().unwrap().as_str(),
        p.join("sub/conf").to_str().unwrap()
    );
}

#[test]
fn include_project_directory_overrides_the_included_file_directory() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include:\n  - path: files/compose.yaml\n    project_directory: other\n",
    );
    p.write(
        "files/compose.yaml",
        "services:\n  api:\n    build: ./app\n",
    );
    p.mkdir("other");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(
        service(&loaded, "api")
            .build
            .as_ref()
            .unwrap()
            .context
            .as_ref()
            .unwrap()
            .as_str(),
        p.join("other/app").to_str().unwrap()
    );
}

#[test]
fn included_project_reads_its_own_dot_env() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include: [sub/compose.yaml]\nservices:\n  web:\n    image: web:${TAG:-unset}\n",
    );
    p.write(
        "sub/compose.yaml",
        "services:\n  api:\n    image: api:${TAG}\n",
    );
    p.write("sub/.env", "TAG=sub\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "api"), Some("api:sub"));
    // The included project's variables stay in the included project.
    assert_eq!(image(&loaded, "web"), Some("web:unset"));
}

#[test]
fn include_env_file_is_read_relative_to_the_including_file() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include:\n  - path: sub/compose.yaml\n    env_file: [vars/one.env, vars/two.env]\n",
    );
    p.write(
        "sub/compose.yaml",
        "services:\n  api:\n    image: ${IMAGE}:${TAG}\n",
    );
    p.write("sub/.env", "TAG=ignored\nIMAGE=ignored\n");
    p.write("vars/one.env", "IMAGE=one\nTAG=one\n");
    p.write("vars/two.env", "TAG=two\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "api"), Some("one:two"));
}

#[test]
fn including_project_environment_wins_over_the_included_env_file() {
    // compose-go merges the included env file under the including project's environment
    // (compose-spec/compose-go#449), as the process environment wins over `.env`.
    let p = Project::new();
    p.write("compose.yaml", "include: [sub/compose.yaml]\n");
    p.write(
        "sub/compose.yaml",
        "services:\n  api:\n    image: ${IMAGE}:${TAG}\n",
    );
    p.write("sub/.env", "TAG=sub\nIMAGE=sub\n");
    p.write(".env", "IMAGE=main\n");
    let mut options = p.options();
    options.environment = env(&[("TAG", "process")]);
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "api"), Some("main:process"));
}

#[test]
fn identical_resources_may_be_defined_on_both_sides_of_an_include() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include: [sub/compose.yaml]\nservices:\n  web:\n    image: web\nnetworks:\n  shared: {driver: bridge}\n",
    );
    p.write(
        "sub/compose.yaml",
        "services:\n  api:\n    image: api\nnetworks:\n  shared: {driver: bridge}\n",
    );
    assert_clean(&load(&p.options()));
}

#[test]
fn include_conflict_is_a_located_error() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include: [sub/compose.yaml]\nservices:\n  api:\n    image: mine\n",
    );
    p.write("sub/compose.yaml", "services:\n  api:\n    image: theirs\n");
    let loaded = load(&p.options());
    let d = located_error(&loaded, "include-conflict");
    assert_eq!(d.related.len(), 2);
    assert_eq!(image(&loaded, "api"), Some("mine"));
}

#[test]
fn include_cycle_is_a_located_error() {
    let p = Project::new();
    p.write("compose.yaml", "include: [a/compose.yaml]\nservices: {}\n");
    p.write(
        "a/compose.yaml",
        "include: [../b/compose.yaml]\nservices:\n  a:\n    image: a\n",
    );
    p.write(
        "b/compose.yaml",
        "include: [../a/compose.yaml]\nservices:\n  b:\n    image: b\n",
    );
    let loaded = load(&p.options());
    located_error(&loaded, "include-cycle");
}

#[test]
fn include_of_itself_is_a_cycle() {
    let p = Project::new();
    p.write("compose.yaml", "include: [compose.yaml]\nservices: {}\n");
    let loaded = load(&p.options());
    located_error(&loaded, "include-cycle");
}

#[test]
fn include_of_a_missing_file_is_a_located_error() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "include: [nope/compose.yaml]\nservices: {}\n",
    );
    let loaded = load(&p.options());
    located_error(&loaded, "cannot-read");
}

#[test]
fn a_mistyped_include_path_is_a_located_error() {
    let p = Project::new();
    p.write("a.yaml", "services:\n  a:\n    image: a\n");
    p.write(
        "compose.yaml",
        "include:\n  - path: [a.yaml, {file: b.yaml}]\nservices: {}\n",
    );
    let loaded = load(&p.options());
    located_error(&loaded, "invalid-type");
    assert_eq!(service_names(&loaded), ["a"]);
}

#[test]
fn include_and_extends_work_together() {
    let p = Project::new();
    p.write("compose.yaml", "include: [dir/included.yaml]\n");
    p.write(
        "dir/included.yaml",
        "services:\n  service:\n    extends: {file: extended.yaml, service: service}\n",
    );
    p.write("dir/extended.yaml", "services:\n  service:\n    build: .\n");
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(
        service(&loaded, "service")
            .build
            .as_ref()
            .unwrap()
            .context
            .as_ref()
            .unwrap()
            .as_str(),
        p.join("dir").to_str().unwrap()
    );
}

// ---- profiles ------------------------------------------------------------------------------

const PROFILES: &str = "services:
  web:
    image: web
  debug:
    image: busybox
    profiles: [debug]
  admin:
    image: admin
    profiles: [tools]
    depends_on: [db]
  db:
    image: postgres
    profiles: [data]
";

fn profiles_project() -> Project {
    let p = Project::new();
    p.write("compose.yaml", PROFILES);
    p
}

#[test]
fn services_with_an_inactive_profile_are_left_out() {
    let p = profiles_project();
    let loaded = load(&p.options());
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web"]);
    assert_eq!(loaded.inactive_services, ["debug", "admin", "db"]);
}

#[test]
fn profile_option_enables_its_services() {
    let p = profiles_project();
    let mut options = p.options();
    options.profiles = vec!["debug".into()];
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "debug"]);
    assert_eq!(loaded.profiles, ["debug"]);
}

#[test]
fn compose_profiles_variable_enables_profiles() {
    let p = profiles_project();
    let mut options = p.options();
    options.environment = env(&[("COMPOSE_PROFILES", "debug, data")]);
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "debug", "db"]);
}

#[test]
fn profile_option_wins_over_compose_profiles() {
    let p = profiles_project();
    let mut options = p.options();
    options.profiles = vec!["data".into()];
    options.environment = env(&[("COMPOSE_PROFILES", "debug")]);
    assert_eq!(service_names(&load(&options)), ["web", "db"]);
}

#[test]
fn star_enables_every_profile() {
    let p = profiles_project();
    let mut options = p.options();
    options.profiles = vec!["*".into()];
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "debug", "admin", "db"]);
    assert!(loaded.inactive_services.is_empty());
}

#[test]
fn dependency_of_an_enabled_service_is_pulled_in() {
    let p = profiles_project();
    let mut options = p.options();
    options.profiles = vec!["tools".into()];
    let loaded = load(&options);
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "admin", "db"]);
}

#[test]
fn unknown_profile_is_a_warning() {
    let p = profiles_project();
    let mut options = p.options();
    options.profiles = vec!["debgu".into()];
    let loaded = load(&options);
    assert_eq!(common::codes(&loaded), ["unknown-profile"]);
    assert!(!loaded.diagnostics.has_errors());
}
