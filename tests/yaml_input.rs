//! The shapes a Compose file can take: several YAML documents, nothing at all, something that
//! is not a mapping, anchors and `<<` merge keys.
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fmt::Write as _;

use common::{
    Project, assert_clean, environment, image, load, located_error, service, service_names,
};
use compose2kube::compose::FileArg;

fn load_text(text: &str) -> compose2kube::compose::Loaded {
    let p = Project::new();
    let mut options = p.options();
    options.files = vec![FileArg::Stdin];
    options.stdin = Some(text.to_owned());
    load(&options)
}

#[test]
fn documents_of_one_file_merge_in_order() {
    let loaded = load_text(
        "services:\n  web:\n    image: a\n    user: alice\n---\nservices:\n  web:\n    image: b\n---\nservices:\n  db:\n    image: postgres\n",
    );
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web", "db"]);
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
fn empty_documents_between_others_are_skipped() {
    let loaded = load_text("---\n---\nservices:\n  web:\n    image: a\n---\n# nothing\n");
    assert_clean(&loaded);
    assert_eq!(service_names(&loaded), ["web"]);
}

#[test]
fn empty_file_is_an_empty_project() {
    for text in ["", "# only a comment\n", "---\n", "~\n"] {
        let loaded = load_text(text);
        assert_clean(&loaded);
        let project = loaded.project.as_ref().expect("a project");
        assert!(project.services.is_empty(), "{text:?}");
    }
}

#[test]
fn file_that_is_a_list_is_a_located_error() {
    let loaded = load_text("- services:\n    web:\n      image: a\n");
    let d = located_error(&loaded, "invalid-type");
    assert!(d.message.contains("a list"), "{}", d.message);
}

#[test]
fn file_that_is_a_string_is_a_located_error() {
    let loaded = load_text("just some text\n");
    located_error(&loaded, "invalid-type");
}

#[test]
fn syntax_error_is_located_and_later_files_still_load() {
    let p = Project::new();
    let broken = p.write("broken.yaml", "services:\n  web: [unclosed\n");
    let good = p.write("good.yaml", "services:\n  db:\n    image: postgres\n");
    let mut options = p.options();
    options.files = vec![FileArg::Path(broken), FileArg::Path(good)];
    let loaded = load(&options);
    located_error(&loaded, "yaml-syntax");
    assert_eq!(service_names(&loaded), ["db"]);
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let loaded = load_text(
        "x-env: &env\n  LOG: debug\nservices:\n  web:\n    image: &img app:1\n    environment: *env\n  worker:\n    image: *img\n    environment: *env\n",
    );
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "worker"), Some("app:1"));
    assert_eq!(environment(&loaded, "worker", "LOG"), Some(Some("debug")));
}

#[test]
fn merge_keys_with_several_anchors_let_the_first_and_explicit_keys_win() {
    let loaded = load_text(
        "x-a: &a\n  image: from-a\n  user: a\n  environment: {FROM: a}\nx-b: &b\n  image: from-b\n  working_dir: /b\n  hostname: b\nservices:\n  web:\n    <<: [*a, *b]\n    hostname: web\n",
    );
    assert_clean(&loaded);
    let web = service(&loaded, "web");
    assert_eq!(image(&loaded, "web"), Some("from-a"));
    assert_eq!(
        web.user.as_ref().map(compose2kube::source::Spanned::as_str),
        Some("a")
    );
    assert_eq!(
        web.working_dir
            .as_ref()
            .map(compose2kube::source::Spanned::as_str),
        Some("/b")
    );
    assert_eq!(
        web.hostname
            .as_ref()
            .map(compose2kube::source::Spanned::as_str),
        Some("web")
    );
    assert_eq!(environment(&loaded, "web", "FROM"), Some(Some("a")));
}

#[test]
fn merge_key_of_a_single_anchor_works() {
    let loaded = load_text(
        "x-base: &base\n  image: base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: web\n",
    );
    assert_clean(&loaded);
    assert_eq!(image(&loaded, "web"), Some("web"));
    assert_eq!(
        service(&loaded, "web").restart.as_deref(),
        Some(&compose2kube::compose::model::service::Restart::Always)
    );
}

#[test]
fn merge_key_of_a_scalar_is_a_located_error() {
    let loaded = load_text("services:\n  web:\n    <<: nope\n    image: a\n");
    located_error(&loaded, "invalid-merge-key");
}

#[test]
fn yaml_bomb_stops_with_a_located_error() {
    let mut text = String::from("x-0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        writeln!(text, "x-{i}: &a{i} [{items}]").unwrap();
    }
    text.push_str("services: {}\n");
    let loaded = load_text(&text);
    located_error(&loaded, "alias-limit");
}

#[test]
fn duplicate_keys_are_a_located_error() {
    let loaded = load_text("services:\n  web:\n    image: a\n    image: b\n");
    located_error(&loaded, "duplicate-key");
}
