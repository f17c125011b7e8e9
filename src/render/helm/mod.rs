//! A Helm chart from a converted project: `Chart.yaml`, `values.yaml` with one block per
//! Compose service, `values.schema.json`, and one template per object under `templates/`.
//!
//! The templates are the emitted objects themselves, with the values the chart exposes
//! replaced by template actions (see [`template`]), so that rendering the chart with its
//! default values gives the plain `convert` output, except for:
//!
//! - names: every object but a Service is named `<release>-<name>`; Services keep the Compose
//!   service names, which the containers use as host names (`global.prefixServiceNames`
//!   prefixes them too);
//! - labels: `helm.sh/chart` and `app.kubernetes.io/instance` on every object, and the
//!   instance label in every selector, so that two releases never select each other's Pods;
//! - Secrets: the Secrets of Compose `secrets:` are not in the chart unless asked
//!   (`inline_secrets`); by default the Pods use a Secret the user creates;
//! - the Namespace of `-n`: Helm installs into a namespace (`--namespace`,
//!   `--create-namespace`); `-n` becomes `global.namespaceOverride`.

pub mod template;

mod chart_files;
mod objects;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diag::{Code, Diagnostic};
use crate::emit::Object;
use crate::plan::{Plan, ServiceType};
use crate::render::image::ImageReference;
use crate::render::manifests::SERIALIZE_HELP;

/// What the chart is made with (`convert --format helm` flags).
#[derive(Clone, Debug)]
pub struct ChartOptions {
    /// `version` in `Chart.yaml` (`--chart-version`), a SemVer 2 version.
    pub version: String,
    /// `appVersion` in `Chart.yaml` (`--app-version`); by default the tag of the first
    /// service's image that has one, else `1.0.0`.
    pub app_version: Option<String>,
    /// Write the Secrets' data into `values.yaml` (`--helm-inline-secrets`).
    pub inline_secrets: bool,
}

impl Default for ChartOptions {
    fn default() -> Self {
        Self {
            version: "0.1.0".into(),
            app_version: None,
            inline_secrets: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HelmError {
    #[error("cannot write the chart: {0}")]
    Serialize(String),
    #[error("`{0}` is not a chart version")]
    Version(String),
    #[error(
        "the Compose service `{0}` has the name of a values key the chart reserves (`global`, `secrets`)"
    )]
    Reserved(String),
}

impl From<HelmError> for Diagnostic {
    fn from(error: HelmError) -> Self {
        let (code, help) = match &error {
            HelmError::Serialize(_) => (Code::CannotWrite, SERIALIZE_HELP),
            HelmError::Version(_) => (
                Code::InvalidValue,
                "Helm needs a SemVer 2 version such as 0.1.0 (`--chart-version 0.1.0`)",
            ),
            HelmError::Reserved(_) => (
                Code::InvalidValue,
                "rename the service to make a Helm chart",
            ),
        };
        Diagnostic::error(code, error.to_string()).help(help)
    }
}

/// The keys of `values.yaml` that are not Compose services.
const RESERVED: [&str; 2] = ["global", "secrets"];

/// The files of the chart: paths relative to the chart directory, and their text. Files
/// that can hold a comment start with a [`crate::render::manifests::Marker`] line (YAML, or
/// template text); `values.schema.json` holds the same sentence as its `$comment`.
pub fn chart(
    plan: &Plan,
    objects: &[Object],
    options: &ChartOptions,
) -> Result<Vec<(PathBuf, String)>, HelmError> {
    if !is_semver(&options.version) {
        return Err(HelmError::Version(options.version.clone()));
    }
    for workload in &plan.workloads {
        for member in &workload.group.members {
            if RESERVED.contains(&member.service.as_str()) {
                return Err(HelmError::Reserved(member.service.clone()));
            }
        }
    }
    let mut chart = objects::Chart::new(plan, objects, options);
    let mut files = Vec::new();
    for object in objects {
        if let Some((name, text)) = chart.template(object)? {
            files.push((PathBuf::from("templates").join(name), text));
        }
    }
    files.extend(chart.extra_templates());
    let values = chart.values();
    let app_version = options
        .app_version
        .clone()
        .or_else(|| chart.first_tag())
        .unwrap_or_else(|| "1.0.0".into());
    let mut head = vec![
        (
            PathBuf::from("Chart.yaml"),
            chart_files::chart_yaml(&plan.project, &options.version, &app_version)?,
        ),
        (
            PathBuf::from("values.yaml"),
            chart_files::values_yaml(&values)?,
        ),
        (
            PathBuf::from("values.schema.json"),
            schema::schema_json(&values)?,
        ),
        (
            PathBuf::from("templates/_helpers.tpl"),
            chart_files::helpers(&plan.project, &chart.notes().services),
        ),
        (
            PathBuf::from("templates/NOTES.txt"),
            chart_files::notes(&plan.project, &chart.notes()),
        ),
    ];
    head.append(&mut files);
    Ok(head)
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre-release` and `+build`.
fn is_semver(version: &str) -> bool {
    let (core, _build) = version.split_once('+').unwrap_or((version, ""));
    let (core, _pre) = core.split_once('-').unwrap_or((core, ""));
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

/// The template line that renders what follows only when the `service.type` value of the
/// block `var` (empty: the block in scope) makes the published ports reachable from outside
/// the cluster.
fn if_reachable_from_outside(var: &str) -> String {
    format!(
        "{{{{- if ne {var}.service.type \"{}\" }}}}",
        ServiceType::ClusterIp.as_str()
    )
}

/// An image reference as `repository` and `tag` (the tag keeps a digest: `1.0@sha256:…`).
fn split_image(image: &str) -> (String, String) {
    let reference = ImageReference::parse(image);
    match (reference.tag, reference.digest) {
        (Some(tag), Some(digest)) if !tag.is_empty() => {
            (reference.name.to_owned(), format!("{tag}@{digest}"))
        }
        (_, Some(digest)) => (format!("{}@{digest}", reference.name), String::new()),
        (tag, None) => (
            reference.name.to_owned(),
            tag.unwrap_or_default().to_owned(),
        ),
    }
}

/// What NOTES.txt tells: how to reach the services, the Service names, and the Secrets the
/// user provides.
#[derive(Clone, Debug, Default)]
pub(crate) struct Notes {
    pub reach: Vec<Reach>,
    pub services: Vec<String>,
    /// Secret name and its keys.
    pub secrets: BTreeMap<String, Vec<String>>,
}

/// How NOTES.txt tells to reach one Compose service.
#[derive(Clone, Debug)]
pub(crate) struct Reach {
    /// The Compose service (its values block).
    pub service: String,
    /// Its Service (a port-forward target) and the Service's ports.
    pub service_name: String,
    pub ports: Vec<i64>,
    /// Whether its block has `ingress` values.
    pub ingress: bool,
    /// The Service whose type `service.type` sets, when the block has one.
    pub exposed: Option<String>,
}

/// The values of one Compose service, in the order they are first set.
type ServiceValues = Map<String, Value>;

/// The values of the whole chart.
#[derive(Debug, Default)]
pub(crate) struct Values {
    pub global: Map<String, Value>,
    pub secrets: Map<String, Value>,
    pub services: IndexMap<String, ServiceValues>,
}

impl Values {
    pub fn to_value(&self) -> Value {
        let mut root = Map::new();
        root.insert("global".into(), Value::Object(self.global.clone()));
        if !self.secrets.is_empty() {
            root.insert("secrets".into(), Value::Object(self.secrets.clone()));
        }
        for (service, values) in &self.services {
            root.insert(service.clone(), Value::Object(values.clone()));
        }
        Value::Object(root)
    }
}

/// Names of the chart's objects, by kind.
pub(crate) type Names = BTreeSet<(&'static str, String)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_into_repository_and_tag() {
        let split = |i: &str| {
            let (r, t) = split_image(i);
            (r, t)
        };
        assert_eq!(split("nginx"), ("nginx".into(), String::new()));
        assert_eq!(split("nginx:1.27"), ("nginx".into(), "1.27".into()));
        assert_eq!(
            split("localhost:5000/app"),
            ("localhost:5000/app".into(), String::new())
        );
        assert_eq!(
            split("localhost:5000/app:2@sha256:ab"),
            ("localhost:5000/app".into(), "2@sha256:ab".into())
        );
        assert_eq!(
            split("app@sha256:ab"),
            ("app@sha256:ab".into(), String::new())
        );
    }

    #[test]
    fn chart_versions_must_be_semver() {
        assert!(is_semver("0.1.0"));
        assert!(is_semver("1.2.3-rc.1+build.5"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("v1.2.3"));
        assert!(!is_semver("1.2.3 "));
    }
}
