//! The fixtures of `tests/fixtures/apply/`: API list responses, read as the client reads them.

use std::path::PathBuf;

use compose2kube::apply::LiveObject;
use compose2kube::emit::{Kind, Object};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/apply")
        .join(name)
}

/// A fixture as JSON.
pub fn json(name: &str) -> Value {
    let text = std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The items of a list response.
pub fn raw_items(name: &str) -> Vec<Value> {
    json(name)["items"].as_array().unwrap().clone()
}

/// The items of a list response as a typed object (a PodList's Pods, an EventList's Events).
pub fn items<T: DeserializeOwned>(name: &str) -> Vec<T> {
    raw_items(name)
        .into_iter()
        .map(|item| serde_json::from_value(item).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

/// The items of a list response as `down` and `--prune` see them: kind and metadata.
pub fn live(name: &str) -> Vec<LiveObject> {
    raw_items(name)
        .iter()
        .map(|item| LiveObject::from_json(item["kind"].as_str().unwrap(), item).unwrap())
        .collect()
}

/// A typed object of a kind compose2kube makes, from its JSON.
pub fn object(item: Value) -> Object {
    let kind = Kind::from_name(item["kind"].as_str().unwrap()).unwrap();
    let object = match kind {
        Kind::Namespace => serde_json::from_value(item).map(Object::Namespace),
        Kind::ServiceAccount => serde_json::from_value(item).map(Object::ServiceAccount),
        Kind::Role => serde_json::from_value(item).map(Object::Role),
        Kind::RoleBinding => serde_json::from_value(item).map(Object::RoleBinding),
        Kind::ConfigMap => serde_json::from_value(item).map(Object::ConfigMap),
        Kind::Secret => serde_json::from_value(item).map(Object::Secret),
        Kind::PersistentVolumeClaim => {
            serde_json::from_value(item).map(Object::PersistentVolumeClaim)
        }
        Kind::Service => serde_json::from_value(item).map(Object::Service),
        Kind::Deployment => serde_json::from_value(item).map(Object::Deployment),
        Kind::StatefulSet => serde_json::from_value(item).map(Object::StatefulSet),
        Kind::DaemonSet => serde_json::from_value(item).map(Object::DaemonSet),
        Kind::Job => serde_json::from_value(item).map(Object::Job),
        Kind::CronJob => serde_json::from_value(item).map(Object::CronJob),
        Kind::NetworkPolicy => serde_json::from_value(item).map(Object::NetworkPolicy),
        Kind::Ingress => serde_json::from_value(item).map(Object::Ingress),
        Kind::HttpRoute => serde_json::from_value(item).map(Object::HttpRoute),
        Kind::HorizontalPodAutoscaler => {
            serde_json::from_value(item).map(Object::HorizontalPodAutoscaler)
        }
    };
    object.unwrap()
}

/// The objects of a list response of kinds compose2kube makes.
pub fn objects(name: &str) -> Vec<Object> {
    raw_items(name).into_iter().map(object).collect()
}

/// The objects `convert` makes of a Compose file (project `shop`), into `namespace` (`-n`).
pub fn convert(compose: &str, namespace: Option<&str>) -> Vec<Object> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("compose.yaml");
    std::fs::write(&file, format!("name: shop\n{compose}")).unwrap();
    let mut options = compose2kube::compose::LoadOptions::for_files([file.as_path()]);
    options.working_dir = dir.path().to_path_buf();
    options.environment = indexmap::IndexMap::new();
    let loaded = compose2kube::compose::load(&options);
    assert!(
        !compose2kube::check(&loaded)
            .iter()
            .any(compose2kube::diag::Diagnostic::is_error),
        "the fixture converts"
    );
    let convert_options = compose2kube::plan::ConvertOptions {
        namespace: namespace.map(str::to_owned),
        ..compose2kube::plan::ConvertOptions::default()
    };
    compose2kube::convert(&loaded, &convert_options).objects()
}

/// A small project with data, a claim, a Service and two workloads.
pub const SHOP: &str = "services:
  web:
    image: nginx:1.27
    ports: ['8080:80']
    depends_on: [api]
  api:
    image: ghcr.io/acme/api:1.4
    environment:
      DATABASE_URL: postgres://db/shop
    volumes:
      - uploads:/srv/uploads
volumes:
  uploads: {}
";
