//! A Kustomize layout: `base/` holds one file per object and a `kustomization.yaml` that lists
//! them, and builds to exactly the objects of the plain conversion; each
//! `overlays/<name>/kustomization.yaml` builds on the base with an example change (an image tag
//! and a Deployment's replicas) for the user to edit.
//!
//! Every file starts with the [`Marker::Yaml`] line, so a second run replaces them and never a
//! user's file (see [`manifests::write_files`]).

use std::path::{Path, PathBuf};

use k8s_openapi::Resource as _;
use k8s_openapi::api::apps::v1::Deployment;
use serde_json::{Value, json};

use super::manifests::{self, Format, Marker, WriteError};
use crate::diag::{Code, Diagnostic};
use crate::emit::Object;
use crate::plan::labels::PART_OF;
use crate::render::image::ImageReference;

/// The file Kustomize reads in every directory.
pub const KUSTOMIZATION: &str = "kustomization.yaml";

const API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";

#[derive(Debug, thiserror::Error)]
pub enum KustomizeError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("`{name}` is not an overlay name: {reason}")]
    OverlayName { name: String, reason: &'static str },
}

impl From<KustomizeError> for Diagnostic {
    fn from(error: KustomizeError) -> Self {
        match error {
            KustomizeError::Write(error) => error.into(),
            KustomizeError::OverlayName { .. } => {
                Diagnostic::error(Code::InvalidValue, error.to_string())
                    .help("name the overlay with one path component, such as `--overlay prod`")
            }
        }
    }
}

/// Whether `name` can name an overlay directory (`overlays/<name>`): one path component that
/// is not hidden, so the overlay is found where its name says.
pub fn check_overlay_name(name: &str) -> Result<(), KustomizeError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.starts_with('.') {
        Some("it starts with `.`")
    } else if name.contains(['/', '\\']) {
        Some("it contains a path separator")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(KustomizeError::OverlayName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Every file of the layout under `dir`, with its text: the base's objects and
/// kustomization, then one kustomization per overlay, in the order given.
pub fn files(
    dir: &Path,
    objects: &[Object],
    overlays: &[String],
) -> Result<Vec<(PathBuf, String)>, KustomizeError> {
    let base = dir.join("base");
    let mut files = Vec::with_capacity(objects.len() + overlays.len() + 1);
    let mut resources = Vec::with_capacity(objects.len());
    for object in objects {
        let name = manifests::file_name(object, Format::YAML);
        files.push((
            base.join(&name),
            manifests::file_text(object, Format::YAML)?,
        ));
        resources.push(name);
    }
    files.push((
        base.join(KUSTOMIZATION),
        base_kustomization(objects, &resources)?,
    ));
    for name in overlays {
        check_overlay_name(name)?;
        files.push((
            dir.join("overlays").join(name).join(KUSTOMIZATION),
            overlay_kustomization(name, objects)?,
        ));
    }
    Ok(files)
}

/// The base: the objects as they are. The project label is declared with `labels:` (so
/// resources a user adds to the base get it too) only when every object already carries it,
/// so that the base builds to exactly the plain conversion.
fn base_kustomization(objects: &[Object], resources: &[String]) -> Result<String, WriteError> {
    let mut kustomization = json!({
        "apiVersion": API_VERSION,
        "kind": "Kustomization",
        "resources": resources,
    });
    if let Some(project) = common_project(objects)
        && let Some(map) = kustomization.as_object_mut()
    {
        map.insert(
            "labels".into(),
            json!([{ "pairs": { PART_OF: project }, "includeSelectors": false }]),
        );
    }
    Ok(Marker::Yaml.mark(&format!(
        "# The converted objects; `kubectl kustomize` builds them unchanged.\n{}",
        yaml(&kustomization)?
    )))
}

/// The `app.kubernetes.io/part-of` value every object has, if they all have the same one.
fn common_project(objects: &[Object]) -> Option<&str> {
    let mut values = objects.iter().map(|o| {
        o.metadata()
            .labels
            .as_ref()
            .and_then(|labels| labels.get(PART_OF))
            .map(String::as_str)
    });
    let first = values.next()??;
    values.all(|v| v == Some(first)).then_some(first)
}

/// An overlay on the base with two example changes, each explained in the file's header.
fn overlay_kustomization(name: &str, objects: &[Object]) -> Result<String, WriteError> {
    let example = OverlayExample::of(objects);
    let mut header = vec![
        Marker::Yaml.line().to_owned(),
        format!("# Overlay `{name}`: the base (../../base) with the changes below; edit them."),
    ];
    let mut kustomization = json!({
        "apiVersion": API_VERSION,
        "kind": "Kustomization",
        "resources": ["../../base"],
    });
    let Some(map) = kustomization.as_object_mut() else {
        return Err(WriteError::Serialize {
            what: "the overlay".into(),
            message: "not a mapping".into(),
        });
    };
    if let Some(image) = &example.image {
        header.push(format!(
            "# - images: every container that runs `{}` runs tag `{}` (the tag it has now;",
            image.name, image.tag
        ));
        header.push("#   change `newTag` to roll out another version).".to_owned());
        map.insert(
            "images".into(),
            json!([{ "name": image.name, "newTag": image.tag }]),
        );
    }
    if let Some(replicas) = &example.replicas {
        header.push(format!(
            "# - patches: the Deployment `{}` runs {} replicas instead of {}.",
            replicas.deployment, replicas.to, replicas.from
        ));
        let mut metadata = json!({ "name": replicas.deployment });
        if let (Some(namespace), Some(metadata)) = (&replicas.namespace, metadata.as_object_mut()) {
            metadata.insert("namespace".into(), json!(namespace));
        }
        let patch = json!({
            "apiVersion": Deployment::API_VERSION,
            "kind": Deployment::KIND,
            "metadata": metadata,
            "spec": { "replicas": replicas.to },
        });
        map.insert("patches".into(), json!([{ "patch": yaml(&patch)? }]));
    }
    Ok(format!("{}\n{}", header.join("\n"), yaml(&kustomization)?))
}

fn yaml(value: &Value) -> Result<String, WriteError> {
    super::to_yaml(value).map_err(|e| WriteError::Serialize {
        what: "a kustomization".into(),
        message: e.to_string(),
    })
}

/// What an overlay changes, as an example.
#[derive(Debug, Default, PartialEq, Eq)]
struct OverlayExample {
    image: Option<ImageTag>,
    replicas: Option<Replicas>,
}

/// An `images:` entry: Kustomize sets the tag of every container running `name`.
#[derive(Debug, PartialEq, Eq)]
struct ImageTag {
    name: String,
    tag: String,
}

/// A strategic-merge patch of a Deployment's replicas.
#[derive(Debug, PartialEq, Eq)]
struct Replicas {
    deployment: String,
    namespace: Option<String>,
    from: i32,
    to: i32,
}

impl OverlayExample {
    /// The first Deployment gets one more replica; the first image with a tag (else the
    /// first without a digest, as `latest`) has its tag pinned, which changes nothing until
    /// the user edits it.
    fn of(objects: &[Object]) -> Self {
        let replicas = objects.iter().find_map(|object| match object {
            Object::Deployment(deployment) => {
                let from = deployment
                    .spec
                    .as_ref()
                    .and_then(|s| s.replicas)
                    .unwrap_or(1);
                Some(Replicas {
                    deployment: object.name().to_owned(),
                    namespace: object.metadata().namespace.clone(),
                    from,
                    to: from.saturating_add(1),
                })
            }
            _ => None,
        });
        let images: Vec<(&str, Option<&str>)> = objects
            .iter()
            .flat_map(container_images)
            .filter_map(split_image)
            .collect();
        let image = images
            .iter()
            .find(|(_, tag)| tag.is_some())
            .or_else(|| images.first())
            .map(|(name, tag)| ImageTag {
                name: (*name).to_owned(),
                tag: tag.unwrap_or("latest").to_owned(),
            });
        Self { image, replicas }
    }
}

/// The images of a workload's Pod template, containers first.
fn container_images(object: &Object) -> Vec<&str> {
    let spec = match object {
        Object::Deployment(o) => o.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
        Object::StatefulSet(o) => o.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
        Object::DaemonSet(o) => o.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
        Object::Job(o) => o.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
        Object::CronJob(o) => o
            .spec
            .as_ref()
            .and_then(|s| s.job_template.spec.as_ref())
            .and_then(|s| s.template.spec.as_ref()),
        _ => None,
    };
    spec.map(|pod| {
        pod.containers
            .iter()
            .chain(pod.init_containers.iter().flatten())
            .filter_map(|c| c.image.as_deref())
            .collect()
    })
    .unwrap_or_default()
}

/// An image reference as Kustomize's `images:` names it: the name and the tag, if any.
/// References with a digest are left out: a tag would not choose what runs.
fn split_image(image: &str) -> Option<(&str, Option<&str>)> {
    let reference = ImageReference::parse(image);
    let usable =
        reference.digest.is_none() && !reference.name.is_empty() && reference.tag != Some("");
    usable.then_some((reference.name, reference.tag))
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
    use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, Service};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            labels: Some([(PART_OF.to_owned(), "shop".to_owned())].into()),
            ..ObjectMeta::default()
        }
    }

    fn deployment(name: &str, images: &[&str], replicas: Option<i32>) -> Object {
        Object::Deployment(Deployment {
            metadata: meta(name),
            spec: Some(DeploymentSpec {
                replicas,
                template: PodTemplateSpec {
                    spec: Some(PodSpec {
                        containers: images
                            .iter()
                            .map(|i| Container {
                                name: "c".into(),
                                image: Some((*i).to_owned()),
                                ..Container::default()
                            })
                            .collect(),
                        ..PodSpec::default()
                    }),
                    ..PodTemplateSpec::default()
                },
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        })
    }

    #[test]
    fn image_references_split_at_the_tag_not_at_a_registry_port() {
        assert_eq!(split_image("nginx"), Some(("nginx", None)));
        assert_eq!(split_image("nginx:1.27"), Some(("nginx", Some("1.27"))));
        assert_eq!(
            split_image("localhost:5000/shop/web"),
            Some(("localhost:5000/shop/web", None))
        );
        assert_eq!(
            split_image("localhost:5000/web:2"),
            Some(("localhost:5000/web", Some("2")))
        );
        assert_eq!(split_image("web@sha256:abc"), None);
        assert_eq!(split_image("web:"), None);
    }

    #[test]
    fn the_example_pins_the_first_tagged_image_and_adds_a_replica_to_the_first_deployment() {
        let objects = [
            deployment("web", &["web", "redis:7"], None),
            deployment("api", &["api:2"], Some(3)),
        ];
        let example = OverlayExample::of(&objects);
        assert_eq!(
            example.image,
            Some(ImageTag {
                name: "redis".into(),
                tag: "7".into()
            })
        );
        assert_eq!(
            example.replicas,
            Some(Replicas {
                deployment: "web".into(),
                namespace: None,
                from: 1,
                to: 2
            })
        );
    }

    #[test]
    fn the_base_lists_every_object_file_and_the_project_label() {
        let objects = [
            deployment("web", &["nginx"], None),
            Object::Service(Service {
                metadata: meta("web"),
                ..Service::default()
            }),
        ];
        let files = files(Path::new("out"), &objects, &["prod".to_owned()]).unwrap();
        let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "out/base/web-deployment.yaml",
                "out/base/web-service.yaml",
                "out/base/kustomization.yaml",
                "out/overlays/prod/kustomization.yaml"
            ]
        );
        let base = &files[2].1;
        assert!(base.starts_with(Marker::Yaml.line()), "{base}");
        assert!(
            base.contains("resources:\n- web-deployment.yaml\n- web-service.yaml\n"),
            "{base}"
        );
        assert!(base.contains("app.kubernetes.io/part-of: shop"), "{base}");
        let overlay = &files[3].1;
        assert!(overlay.contains("- ../../base"), "{overlay}");
        assert!(overlay.contains("newTag: latest"), "{overlay}");
        assert!(overlay.contains("replicas: 2"), "{overlay}");
    }

    #[test]
    fn without_a_common_project_label_the_base_declares_none() {
        let mut other = deployment("api", &["api"], None);
        other.metadata_mut().labels = None;
        let objects = [deployment("web", &["web"], None), other];
        let files = files(Path::new("out"), &objects, &[]).unwrap();
        assert!(!files[2].1.contains("labels:"));
    }

    #[test]
    fn overlay_names_are_one_visible_path_component() {
        for bad in ["", "..", ".hidden", "a/b", "a\\b"] {
            assert!(check_overlay_name(bad).is_err(), "{bad}");
        }
        check_overlay_name("prod").unwrap();
    }
}
