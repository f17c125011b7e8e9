//! The thin part of `apply` and `down` that talks to the API server (the `apply` feature):
//! server-side apply, list by label, delete, and read back workloads, Pods and events. What to
//! send, in which order, and what to delete is decided by the pure modules next to this one.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Namespace, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use super::failure::ApiFailure;
use super::{LiveObject, ObjectRef, order, prune, readiness};
use crate::emit::Object;

/// The field manager of every change compose2kube makes.
pub const FIELD_MANAGER: &str = "compose2kube";

/// How to reach the cluster and what `apply` does besides applying.
#[derive(Clone, Debug, Default)]
#[allow(clippy::struct_excessive_bools)] // command-line switches
pub struct Settings {
    /// The kubeconfig context (default: the current one).
    pub context: Option<String>,
    /// Validate on the server without persisting anything.
    pub dry_run: bool,
    /// Wait until the workloads are ready.
    pub wait: bool,
    /// How long to wait, and the limit of a connection attempt.
    pub timeout: Duration,
    /// Delete the project's objects that the conversion no longer makes.
    pub prune: bool,
    /// Take over fields another field manager owns.
    pub force_conflicts: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("cannot read the kubeconfig: {0}")]
    Kubeconfig(String),
    #[error("cannot reach the cluster at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("{0}")]
    Api(Box<ApiFailure>),
    #[error("{object}: {message}")]
    Request { object: ObjectRef, message: String },
    #[error("cannot start the client: {0}")]
    Runtime(String),
    #[error("not ready after {seconds}s:\n{problems}")]
    NotReady { seconds: u64, problems: String },
}

/// A connected client and where namespaced objects without a namespace go.
struct Cluster {
    client: Client,
    url: String,
    default_namespace: String,
}

/// `apply`: every object server-side applied in dependency order, one progress line each
/// through `progress`; then `--prune` and `--wait`.
pub fn apply(
    objects: &[Object],
    project: &str,
    settings: &Settings,
    progress: &mut dyn FnMut(&str),
) -> Result<(), ApplyError> {
    runtime()?.block_on(async {
        let cluster = connect(settings).await?;
        let suffix = if settings.dry_run {
            " (server dry run)"
        } else {
            ""
        };
        let mut params = PatchParams::apply(FIELD_MANAGER);
        params.force = settings.force_conflicts;
        params.dry_run = settings.dry_run;
        for object in order::for_apply(objects) {
            let id = ObjectRef::of(object, &cluster.default_namespace);
            let api = cluster.api(&id)?;
            let body = serde_json::to_value(object).map_err(|e| ApplyError::Request {
                object: id.clone(),
                message: e.to_string(),
            })?;
            api.patch(&id.name, &params, &Patch::Apply(&body))
                .await
                .map_err(|e| cluster.error(&id, e))?;
            progress(&format!("applied {id}{suffix}"));
        }
        if settings.prune {
            let desired: Vec<ObjectRef> = objects
                .iter()
                .map(|o| ObjectRef::of(o, &cluster.default_namespace))
                .collect();
            let mut namespaces: Vec<String> =
                desired.iter().filter_map(|d| d.namespace.clone()).collect();
            if namespaces.is_empty() {
                namespaces.push(cluster.default_namespace.clone());
            }
            namespaces.sort();
            namespaces.dedup();
            let live = cluster.list(project, &namespaces).await?;
            for doomed in prune::to_prune(&live, &desired, project) {
                cluster.delete(&doomed.id, settings.dry_run).await?;
                progress(&format!("pruned {}{suffix}", doomed.id));
            }
        }
        if settings.wait && !settings.dry_run {
            cluster.wait(objects, settings.timeout, progress).await?;
        }
        Ok(())
    })
}

/// `down`: every object of the project in `namespace` (default: the context's), and its
/// Namespace, deleted in reverse dependency order. Returns how many were deleted.
pub fn down(
    project: &str,
    namespace: Option<&str>,
    settings: &Settings,
    progress: &mut dyn FnMut(&str),
) -> Result<usize, ApplyError> {
    runtime()?.block_on(async {
        let cluster = connect(settings).await?;
        let namespace = namespace.map_or_else(|| cluster.default_namespace.clone(), str::to_owned);
        let live = cluster.list(project, &[namespace]).await?;
        let doomed = prune::to_take_down(&live, project);
        let suffix = if settings.dry_run {
            " (server dry run)"
        } else {
            ""
        };
        for object in &doomed {
            cluster.delete(&object.id, settings.dry_run).await?;
            progress(&format!("deleted {}{suffix}", object.id));
        }
        Ok(doomed.len())
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ApplyError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApplyError::Runtime(e.to_string()))
}

async fn connect(settings: &Settings) -> Result<Cluster, ApplyError> {
    let kubeconfig = Kubeconfig::read().map_err(|e| ApplyError::Kubeconfig(e.to_string()))?;
    let options = KubeConfigOptions {
        context: settings.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| ApplyError::Kubeconfig(e.to_string()))?;
    let limit = settings.timeout.min(Duration::from_secs(30));
    config.connect_timeout = Some(limit);
    config.read_timeout = Some(settings.timeout.max(Duration::from_secs(30)));
    let url = config.cluster_url.to_string();
    let default_namespace = config.default_namespace.clone();
    let client = Client::try_from(config).map_err(|e| ApplyError::Unreachable {
        url: url.clone(),
        message: e.to_string(),
    })?;
    Ok(Cluster {
        client,
        url,
        default_namespace,
    })
}

/// The API resource of a kind compose2kube makes.
fn resource(kind: &str) -> Option<ApiResource> {
    Some(match kind {
        "Namespace" => ApiResource::erase::<Namespace>(&()),
        "ServiceAccount" => ApiResource::erase::<ServiceAccount>(&()),
        "Role" => ApiResource::erase::<Role>(&()),
        "RoleBinding" => ApiResource::erase::<RoleBinding>(&()),
        "ConfigMap" => ApiResource::erase::<ConfigMap>(&()),
        "Secret" => ApiResource::erase::<Secret>(&()),
        "PersistentVolumeClaim" => ApiResource::erase::<PersistentVolumeClaim>(&()),
        "Service" => ApiResource::erase::<Service>(&()),
        "Deployment" => ApiResource::erase::<Deployment>(&()),
        "StatefulSet" => ApiResource::erase::<StatefulSet>(&()),
        "DaemonSet" => ApiResource::erase::<DaemonSet>(&()),
        "Job" => ApiResource::erase::<Job>(&()),
        "CronJob" => ApiResource::erase::<CronJob>(&()),
        "NetworkPolicy" => ApiResource::erase::<NetworkPolicy>(&()),
        "Ingress" => ApiResource::erase::<Ingress>(&()),
        "HorizontalPodAutoscaler" => ApiResource::erase::<HorizontalPodAutoscaler>(&()),
        _ => return None,
    })
}

impl Cluster {
    fn api(&self, id: &ObjectRef) -> Result<Api<DynamicObject>, ApplyError> {
        let resource = resource(&id.kind).ok_or_else(|| ApplyError::Request {
            object: id.clone(),
            message: "compose2kube does not manage this kind".into(),
        })?;
        Ok(match &id.namespace {
            Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, &resource),
            None => Api::all_with(self.client.clone(), &resource),
        })
    }

    /// An error about one object: the server's refusal with its fields, or why the cluster
    /// could not be reached.
    fn error(&self, id: &ObjectRef, error: kube::Error) -> ApplyError {
        match error {
            kube::Error::Api(status) => {
                ApplyError::Api(Box::new(ApiFailure::from_status(id.clone(), &status)))
            }
            kube::Error::HyperError(_) | kube::Error::Service(_) => ApplyError::Unreachable {
                url: self.url.clone(),
                message: error_chain(&error),
            },
            other => ApplyError::Request {
                object: id.clone(),
                message: error_chain(&other),
            },
        }
    }

    /// Every object of the project in these namespaces, and its Namespaces.
    async fn list(
        &self,
        project: &str,
        namespaces: &[String],
    ) -> Result<Vec<LiveObject>, ApplyError> {
        let params = ListParams::default().labels(&prune::selector(project));
        let mut live = Vec::new();
        for kind in order::KINDS {
            let scopes: Vec<Option<String>> = if order::is_cluster_scoped(kind) {
                vec![None]
            } else {
                namespaces.iter().cloned().map(Some).collect()
            };
            for namespace in scopes {
                let id = ObjectRef {
                    kind: kind.to_owned(),
                    namespace: namespace.clone(),
                    name: String::new(),
                };
                let listed = match self.api(&id)?.list(&params).await {
                    Ok(list) => list.items,
                    // A kind the cluster does not serve has no objects of the project.
                    Err(kube::Error::Api(status)) if status.code == 404 => Vec::new(),
                    Err(error) => return Err(self.error(&id, error)),
                };
                live.extend(listed.into_iter().map(|item| LiveObject {
                    id: ObjectRef {
                        kind: kind.to_owned(),
                        namespace: item.metadata.namespace.clone(),
                        name: item.metadata.name.clone().unwrap_or_default(),
                    },
                    labels: item.metadata.labels.unwrap_or_default(),
                }));
            }
        }
        Ok(live)
    }

    async fn delete(&self, id: &ObjectRef, dry_run: bool) -> Result<(), ApplyError> {
        let mut params = DeleteParams::background();
        params.dry_run = dry_run;
        match self.api(id)?.delete(&id.name, &params).await {
            Ok(_) => Ok(()),
            // Already gone: what was asked for.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(error) => Err(self.error(id, error)),
        }
    }

    /// Polls the workloads until all are ready or the time is up; then says which Pods are
    /// not ready and why.
    async fn wait(
        &self,
        objects: &[Object],
        timeout: Duration,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), ApplyError> {
        let deadline = Instant::now() + timeout;
        let mut pending: Vec<&Object> = objects
            .iter()
            .filter(|o| order::is_workload(o.kind()))
            .collect();
        loop {
            let mut still = Vec::new();
            for object in pending {
                let id = ObjectRef::of(object, &self.default_namespace);
                let live = self.read_workload(&id).await?;
                if live.as_ref().is_some_and(readiness::is_ready) {
                    progress(&format!("ready {id}"));
                } else {
                    still.push(object);
                }
            }
            pending = still;
            if pending.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let mut problems = Vec::new();
        for object in pending {
            let id = ObjectRef::of(object, &self.default_namespace);
            problems.push(format!("{id}"));
            problems.extend(self.pod_problems(&id, object).await?);
        }
        Err(ApplyError::NotReady {
            seconds: timeout.as_secs(),
            problems: problems.join("\n"),
        })
    }

    /// A workload as it is on the cluster, with its status.
    async fn read_workload(&self, id: &ObjectRef) -> Result<Option<Object>, ApplyError> {
        let namespace = id.namespace.as_deref().unwrap_or(&self.default_namespace);
        let client = self.client.clone();
        let result = match id.kind.as_str() {
            "Deployment" => Api::<Deployment>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::Deployment)),
            "StatefulSet" => Api::<StatefulSet>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::StatefulSet)),
            "DaemonSet" => Api::<DaemonSet>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::DaemonSet)),
            "Job" => Api::<Job>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::Job)),
            "CronJob" => Api::<CronJob>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::CronJob)),
            _ => Ok(None),
        };
        result.map_err(|e| self.error(id, e))
    }

    /// What is wrong with each Pod of a workload that is not ready.
    async fn pod_problems(
        &self,
        id: &ObjectRef,
        object: &Object,
    ) -> Result<Vec<String>, ApplyError> {
        let Some(selector) = readiness::pod_selector(object) else {
            return Ok(Vec::new());
        };
        let namespace = id.namespace.as_deref().unwrap_or(&self.default_namespace);
        let pods = Api::<Pod>::namespaced(self.client.clone(), namespace)
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| self.error(id, e))?;
        if pods.items.is_empty() {
            return Ok(vec![
                "  no Pod was created (see `kubectl describe`)".to_owned(),
            ]);
        }
        let events = Api::<Event>::namespaced(self.client.clone(), namespace);
        let mut problems = Vec::new();
        for pod in &pods.items {
            let name = pod.metadata.name.clone().unwrap_or_default();
            let fields = format!("involvedObject.kind=Pod,involvedObject.name={name}");
            let pod_events = events
                .list(&ListParams::default().fields(&fields))
                .await
                .map(|l| l.items)
                .unwrap_or_default();
            if let Some(problem) = readiness::pod_problem(pod, &pod_events) {
                problems.push(indent(&problem));
            }
        }
        Ok(problems)
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An error and its sources on one line (`connection refused` is usually the last).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
