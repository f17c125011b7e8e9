//! The thin part of `apply` and `down` that talks to the API server (the `apply` feature):
//! read, dry-run, server-side apply, list and delete. What to send, in which order, how to
//! check it first, what to delete and what to say about workloads that are not ready is
//! decided by the pure modules next to this one.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Namespace, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams,
    Preconditions,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use super::failure::ApiFailure;
use super::namespace::{self, Step};
use super::prune::{self, Consent, Keep, NamespaceFate};
use super::validate::{self, Check, Outcome, Send, Verdict};
use super::{LiveObject, ObjectRef, order, readiness};
use crate::emit::{Kind, Object};

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
    /// Apply without checking the whole set first; go on past a refused object.
    pub continue_on_error: bool,
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
    /// The check before the apply (or the dry run) found refusals: the whole report.
    #[error("{0}")]
    Refused(String),
    #[error(
        "{failure}\n{applied} of {total} objects had been applied before it (the server-side dry run had passed: something changed on the cluster since)"
    )]
    Stopped {
        failure: Box<ApiFailure>,
        applied: usize,
        total: usize,
    },
    #[error("{} of {total} objects were refused (the others were applied; nothing was pruned or waited for):\n{}", failures.len(), failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Refusals {
        failures: Vec<ApiFailure>,
        total: usize,
    },
    #[error(
        "Namespace {0} is being deleted; apply again once it is gone (`kubectl get namespace {0}`)"
    )]
    NamespaceTerminating(String),
}

/// What `down` did.
#[derive(Clone, Debug, Default)]
pub struct Downed {
    /// The namespace it looked in.
    pub namespace: String,
    pub deleted: usize,
    /// Other namespaces that carry the project's marks (only when nothing was found here).
    pub elsewhere: Vec<String>,
}

/// A connected client and where namespaced objects without a namespace go.
struct Cluster {
    client: Client,
    url: String,
    default_namespace: String,
}

/// `apply`: check every object with a server-side dry run and apply nothing if one is refused
/// (unless `continue_on_error`); then apply them in order, one progress line each through
/// `progress`; then `--prune` and `--wait`.
pub fn apply(
    objects: &[Object],
    project: &str,
    settings: &Settings,
    progress: &mut dyn FnMut(&str),
) -> Result<(), ApplyError> {
    runtime()?.block_on(async {
        let cluster = connect(settings).await?;
        let target = super::target_namespace(objects, &cluster.default_namespace);
        let ordered = order::for_apply(objects);
        let live_namespace = cluster.namespace(&target).await?;
        let step = objects.iter().find_map(|o| match o {
            Object::Namespace(desired) => {
                Some(namespace::step(desired, live_namespace.as_ref(), project))
            }
            _ => None,
        });
        if step == Some(Step::Terminating)
            || (step.is_none()
                && live_namespace
                    .as_ref()
                    .is_some_and(namespace::is_terminating))
        {
            return Err(ApplyError::NamespaceTerminating(target));
        }
        let missing = matches!(step, Some(Step::Create(_))).then_some(target.as_str());
        let stand_in = match missing {
            Some(missing) => cluster.stand_in(missing).await?,
            None => None,
        };
        let sends = validate::sends(
            &ordered,
            step.as_ref(),
            missing,
            stand_in.as_deref(),
            &cluster.default_namespace,
        );
        if settings.dry_run || !settings.continue_on_error {
            let verdict = cluster
                .check(&sends, settings, missing, stand_in.as_deref(), progress)
                .await?;
            if settings.dry_run {
                if settings.prune && live_namespace.is_some() {
                    cluster
                        .prune(objects, project, &target, true, progress)
                        .await?;
                }
                return if verdict.passed() {
                    Ok(())
                } else {
                    Err(ApplyError::Refused(verdict.report(false)))
                };
            }
            if !verdict.passed() {
                return Err(ApplyError::Refused(verdict.report(true)));
            }
        }
        cluster.apply_all(&sends, settings, progress).await?;
        if settings.prune && live_namespace.is_some() {
            cluster
                .prune(objects, project, &target, false, progress)
                .await?;
        }
        if settings.wait {
            cluster.wait(objects, settings.timeout, progress).await?;
        }
        Ok(())
    })
}

/// A namespace's name, Pods, claims and Warning events, for the `--wait` report.
type NamespaceState = (String, Vec<Pod>, Vec<PersistentVolumeClaim>, Vec<Event>);

/// `down`: every object of the project in `namespace` (default: the context's), in reverse
/// apply order, and the Namespace last when compose2kube created it for the project, nothing
/// else is in it, and `consent` allows (`ask` asks the question on a terminal).
pub fn down(
    project: &str,
    namespace: Option<&str>,
    settings: &Settings,
    consent: Consent,
    ask: &mut dyn FnMut(&str) -> bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Downed, ApplyError> {
    runtime()?.block_on(async {
        let cluster = connect(settings).await?;
        let target = namespace.map_or_else(|| cluster.default_namespace.clone(), str::to_owned);
        let live = cluster.list(&target, None, true).await?;
        let live_namespace = cluster.namespace(&target).await?;
        let mut plan = prune::take_down(&live, live_namespace.as_ref(), project, &target);
        if plan.fate == NamespaceFate::Delete {
            let go = match consent {
                Consent::Given => true,
                Consent::Withheld => false,
                Consent::Ask => settings.dry_run || ask(&plan.question()),
            };
            if !go {
                plan.fate = NamespaceFate::Keep(Keep::NotConfirmed);
            }
        }
        let suffix = if settings.dry_run {
            " (server dry run)"
        } else {
            ""
        };
        let deletions = plan.deletions();
        for id in &deletions {
            let uid = (id.kind == Kind::Namespace.as_str())
                .then(|| live_namespace.as_ref()?.metadata.uid.clone())
                .flatten();
            cluster.delete(id, settings.dry_run, uid).await?;
            progress(&format!("deleted {id}{suffix}"));
        }
        if let Some(line) = plan.kept_line() {
            progress(&line);
        }
        let elsewhere = if deletions.is_empty() {
            cluster.marked_namespaces(project, &target).await
        } else {
            Vec::new()
        };
        Ok(Downed {
            namespace: target,
            deleted: deletions.len(),
            elsewhere,
        })
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
fn resource(kind: Kind) -> ApiResource {
    match kind {
        Kind::Namespace => ApiResource::erase::<Namespace>(&()),
        Kind::ServiceAccount => ApiResource::erase::<ServiceAccount>(&()),
        Kind::Role => ApiResource::erase::<Role>(&()),
        Kind::RoleBinding => ApiResource::erase::<RoleBinding>(&()),
        Kind::ConfigMap => ApiResource::erase::<ConfigMap>(&()),
        Kind::Secret => ApiResource::erase::<Secret>(&()),
        Kind::PersistentVolumeClaim => ApiResource::erase::<PersistentVolumeClaim>(&()),
        Kind::Service => ApiResource::erase::<Service>(&()),
        Kind::Deployment => ApiResource::erase::<Deployment>(&()),
        Kind::StatefulSet => ApiResource::erase::<StatefulSet>(&()),
        Kind::DaemonSet => ApiResource::erase::<DaemonSet>(&()),
        Kind::Job => ApiResource::erase::<Job>(&()),
        Kind::CronJob => ApiResource::erase::<CronJob>(&()),
        Kind::NetworkPolicy => ApiResource::erase::<NetworkPolicy>(&()),
        Kind::Ingress => ApiResource::erase::<Ingress>(&()),
        Kind::HorizontalPodAutoscaler => ApiResource::erase::<HorizontalPodAutoscaler>(&()),
        // The `gateway-api` crate's types implement an older kube's traits.
        Kind::HttpRoute => ApiResource {
            group: "gateway.networking.k8s.io".into(),
            version: "v1".into(),
            api_version: crate::emit::HttpRoute::API_VERSION.into(),
            kind: "HTTPRoute".into(),
            plural: "httproutes".into(),
        },
    }
}

impl Cluster {
    fn api(&self, id: &ObjectRef) -> Result<Api<DynamicObject>, ApplyError> {
        let kind = Kind::from_name(&id.kind).ok_or_else(|| ApplyError::Request {
            object: id.clone(),
            message: "compose2kube does not manage this kind".into(),
        })?;
        Ok(self.api_in(kind, id.namespace.as_deref()))
    }

    fn api_in(&self, kind: Kind, namespace: Option<&str>) -> Api<DynamicObject> {
        let resource = resource(kind);
        match namespace {
            Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, &resource),
            None => Api::all_with(self.client.clone(), &resource),
        }
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

    /// A Namespace as it is (`None`: it does not exist). One the user may not read is taken
    /// as an existing Namespace that compose2kube did not create: it is never sent or deleted.
    async fn namespace(&self, name: &str) -> Result<Option<Namespace>, ApplyError> {
        match Api::<Namespace>::all(self.client.clone())
            .get_opt(name)
            .await
        {
            Ok(found) => Ok(found),
            Err(kube::Error::Api(status)) if status.code == 403 => Ok(Some(Namespace {
                metadata: ObjectMeta {
                    name: Some(name.to_owned()),
                    ..ObjectMeta::default()
                },
                ..Namespace::default()
            })),
            Err(error) => Err(self.error(&namespace_ref(name), error)),
        }
    }

    /// The namespace to check objects in when `missing` does not exist yet: the context's,
    /// else `default`, whichever exists.
    async fn stand_in(&self, missing: &str) -> Result<Option<String>, ApplyError> {
        let mut candidates = Vec::new();
        for name in [self.default_namespace.as_str(), "default"] {
            let exists = self
                .namespace(name)
                .await?
                .is_some_and(|n| !namespace::is_terminating(&n));
            candidates.push((name, exists));
        }
        Ok(validate::stand_in(missing, &candidates).map(str::to_owned))
    }

    /// The check before the apply: every object sent as a dry run, every refusal gathered.
    /// In a dry run (`--dry-run=server`) each object that passes gets its progress line.
    async fn check(
        &self,
        sends: &[(&Object, ObjectRef, Send)],
        settings: &Settings,
        missing: Option<&str>,
        stand_in: Option<&str>,
        progress: &mut dyn FnMut(&str),
    ) -> Result<Verdict, ApplyError> {
        let mut outcomes = Vec::new();
        for (object, id, send) in sends {
            let (result, check, line) = match send {
                Send::Skip(line) => {
                    if settings.dry_run {
                        progress(line);
                    }
                    continue;
                }
                Send::CreateNamespace(ns) => (
                    self.create_namespace(ns, true).await,
                    Check::InPlace,
                    format!("created {id} (server dry run)"),
                ),
                Send::Apply {
                    stand_in: Some(stand_in),
                } => (
                    self.create_in(object, stand_in).await,
                    Check::StandIn(stand_in.clone()),
                    format!("applied {id} (server dry run, checked in namespace `{stand_in}`)"),
                ),
                Send::Apply { stand_in: None } => {
                    if stand_in.is_none()
                        && id.namespace.is_some()
                        && id.namespace.as_deref() == missing
                    {
                        // No namespace could stand in (said once after the checks).
                        continue;
                    }
                    (
                        self.server_side_apply(object, id, settings, true).await,
                        Check::InPlace,
                        format!("applied {id} (server dry run)"),
                    )
                }
            };
            outcomes.push(match result {
                Ok(()) => {
                    if settings.dry_run {
                        progress(&line);
                    }
                    Outcome::Passed
                }
                Err(error) => match self.error(id, error) {
                    ApplyError::Api(failure) => validate::refused(*failure, &check),
                    other => return Err(other),
                },
            });
        }
        let verdict = Verdict::of(outcomes);
        if let Some(missing) = missing {
            let count = sends
                .iter()
                .filter(|(_, id, _)| id.namespace.as_deref() == Some(missing))
                .count();
            progress(&match stand_in {
                Some(stand_in) => validate::stand_in_note(missing, stand_in, count),
                None => validate::no_stand_in_note(missing, count),
            });
        }
        for line in verdict.unchecked_lines() {
            progress(&line);
        }
        Ok(verdict)
    }

    /// The real apply, in order. A refusal stops it (the check before had passed, so this is
    /// news), unless `continue_on_error`: then every refusal is gathered.
    async fn apply_all(
        &self,
        sends: &[(&Object, ObjectRef, Send)],
        settings: &Settings,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), ApplyError> {
        let total = sends.len();
        let mut failures = Vec::new();
        let mut applied = 0;
        for (object, id, send) in sends {
            let result = match send {
                Send::Skip(line) => {
                    progress(line);
                    continue;
                }
                Send::CreateNamespace(ns) => match self.create_namespace(ns, false).await {
                    // Made by someone else since it was read: left as it is.
                    Err(kube::Error::Api(status)) if status.code == 409 => {
                        progress(&namespace::left_line(
                            &id.name,
                            &namespace::Origin::NotCreatedByCompose2kube,
                        ));
                        continue;
                    }
                    other => other.map(|()| "created"),
                },
                Send::Apply { .. } => self
                    .server_side_apply(object, id, settings, false)
                    .await
                    .map(|()| "applied"),
            };
            match result {
                Ok(verb) => {
                    applied += 1;
                    progress(&format!("{verb} {id}"));
                }
                Err(error) => match self.error(id, error) {
                    ApplyError::Api(failure) if settings.continue_on_error => {
                        progress(&format!("refused {id}"));
                        failures.push(*failure);
                    }
                    ApplyError::Api(failure) => {
                        return Err(ApplyError::Stopped {
                            failure,
                            applied,
                            total,
                        });
                    }
                    other => return Err(other),
                },
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(ApplyError::Refusals { failures, total })
        }
    }

    async fn server_side_apply(
        &self,
        object: &Object,
        id: &ObjectRef,
        settings: &Settings,
        dry_run: bool,
    ) -> Result<(), kube::Error> {
        let mut params = PatchParams::apply(FIELD_MANAGER);
        params.force = settings.force_conflicts;
        params.dry_run = dry_run;
        let api = self.api_in(kind_of(object), id.namespace.as_deref());
        api.patch(&id.name, &params, &Patch::Apply(object))
            .await
            .map(|_| ())
    }

    /// A dry-run creation of `object` in `stand_in` under a generated name.
    async fn create_in(&self, object: &Object, stand_in: &str) -> Result<(), kube::Error> {
        let body = serde_json::to_value(object).map_err(kube::Error::SerdeError)?;
        let body: DynamicObject = serde_json::from_value(validate::stand_in_body(&body, stand_in))
            .map_err(kube::Error::SerdeError)?;
        let params = PostParams {
            dry_run: true,
            field_manager: Some(FIELD_MANAGER.to_owned()),
        };
        self.api_in(kind_of(object), Some(stand_in))
            .create(&params, &body)
            .await
            .map(|_| ())
    }

    async fn create_namespace(&self, ns: &Namespace, dry_run: bool) -> Result<(), kube::Error> {
        let params = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.to_owned()),
        };
        Api::<Namespace>::all(self.client.clone())
            .create(&params, ns)
            .await
            .map(|_| ())
    }

    /// `--prune`: the project's objects in `namespace` that the conversion no longer makes.
    async fn prune(
        &self,
        objects: &[Object],
        project: &str,
        namespace: &str,
        dry_run: bool,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), ApplyError> {
        let suffix = if dry_run { " (server dry run)" } else { "" };
        let live = self
            .list(namespace, Some(&prune::selector(project)), false)
            .await?;
        for doomed in prune::to_prune(&live, objects, project, namespace) {
            self.delete(&doomed.id, dry_run, None).await?;
            progress(&format!("pruned {}{suffix}", doomed.id));
        }
        Ok(())
    }

    /// The objects of every namespaced kind compose2kube makes in `namespace` (only those
    /// matching `selector` when there is one), and its Pods when `pods`: their metadata.
    async fn list(
        &self,
        namespace: &str,
        selector: Option<&str>,
        pods: bool,
    ) -> Result<Vec<LiveObject>, ApplyError> {
        let mut params = ListParams::default();
        if let Some(selector) = selector {
            params = params.labels(selector);
        }
        let mut live = Vec::new();
        for kind in Kind::ALL.into_iter().filter(|k| !k.is_cluster_scoped()) {
            let id = ObjectRef {
                kind: kind.as_str().to_owned(),
                namespace: Some(namespace.to_owned()),
                name: String::new(),
            };
            let listed = match self
                .api_in(kind, Some(namespace))
                .list_metadata(&params)
                .await
            {
                Ok(list) => list.items,
                // A kind the cluster does not serve has no objects.
                Err(kube::Error::Api(status)) if status.code == 404 => Vec::new(),
                Err(error) => return Err(self.error(&id, error)),
            };
            live.extend(listed.into_iter().map(|item| {
                LiveObject::new(kind.as_str(), with_namespace(item.metadata, namespace))
            }));
        }
        if pods {
            let id = ObjectRef {
                kind: "Pod".into(),
                namespace: Some(namespace.to_owned()),
                name: String::new(),
            };
            let listed = Api::<Pod>::namespaced(self.client.clone(), namespace)
                .list_metadata(&params)
                .await
                .map_err(|e| self.error(&id, e))?;
            live.extend(
                listed
                    .items
                    .into_iter()
                    .map(|item| LiveObject::new("Pod", with_namespace(item.metadata, namespace))),
            );
        }
        Ok(live)
    }

    /// The Namespaces other than `target` that carry the project's labels or were created for
    /// it (a hint for `down`; nothing when they cannot be listed).
    async fn marked_namespaces(&self, project: &str, target: &str) -> Vec<String> {
        let params = ListParams::default().labels(&prune::selector(project));
        match Api::<Namespace>::all(self.client.clone())
            .list(&params)
            .await
        {
            Ok(list) => prune::elsewhere(&list.items, project, target),
            Err(_) => Vec::new(),
        }
    }

    async fn delete(
        &self,
        id: &ObjectRef,
        dry_run: bool,
        uid: Option<String>,
    ) -> Result<(), ApplyError> {
        let mut params = DeleteParams::background();
        params.dry_run = dry_run;
        params.preconditions = uid.map(|uid| Preconditions {
            uid: Some(uid),
            resource_version: None,
        });
        match self.api(id)?.delete(&id.name, &params).await {
            Ok(_) => Ok(()),
            // Already gone: what was asked for.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(error) => Err(self.error(id, error)),
        }
    }

    /// Polls the workloads until all are ready, one has failed for good, or the time is up;
    /// one line per workload as it becomes ready; then says what is wrong with the others.
    async fn wait(
        &self,
        objects: &[Object],
        timeout: Duration,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), ApplyError> {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut pending: Vec<ObjectRef> = objects
            .iter()
            .filter(|o| o.typed_kind().is_workload())
            .map(|o| ObjectRef::of(o, &self.default_namespace))
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        progress(&format!(
            "waiting for {} {} to be ready (at most {}s)",
            pending.len(),
            if pending.len() == 1 {
                "workload"
            } else {
                "workloads"
            },
            timeout.as_secs()
        ));
        let mut failed = false;
        loop {
            let mut still = Vec::new();
            for id in pending {
                let live = self.read_workload(&id).await?;
                match &live {
                    Some(l) if readiness::is_ready(l) => {
                        progress(&readiness::ready_line(&id, started.elapsed().as_secs()));
                    }
                    Some(l) if readiness::has_failed(l).is_some() => {
                        failed = true;
                        still.push(id);
                    }
                    _ => still.push(id),
                }
            }
            pending = still;
            if pending.is_empty() {
                return Ok(());
            }
            if failed || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let mut problems = Vec::new();
        let mut listed: Option<NamespaceState> = None;
        for id in &pending {
            let namespace = id.namespace.clone().unwrap_or_default();
            if listed.as_ref().is_none_or(|(n, ..)| *n != namespace) {
                listed = Some(self.namespace_state(&namespace).await?);
            }
            let live = self.read_workload(id).await?;
            if let Some((_, pods, claims, events)) = &listed {
                problems.push(readiness::report(id, live.as_ref(), pods, claims, events));
            }
        }
        Err(ApplyError::NotReady {
            seconds: started.elapsed().as_secs(),
            problems: problems.join("\n"),
        })
    }

    /// The Pods, claims and Warning events of a namespace (events only when they may be read).
    async fn namespace_state(&self, namespace: &str) -> Result<NamespaceState, ApplyError> {
        let id = |kind: &str| ObjectRef {
            kind: kind.into(),
            namespace: Some(namespace.to_owned()),
            name: String::new(),
        };
        let pods = Api::<Pod>::namespaced(self.client.clone(), namespace)
            .list(&ListParams::default())
            .await
            .map_err(|e| self.error(&id("Pod"), e))?
            .items;
        let claims = Api::<PersistentVolumeClaim>::namespaced(self.client.clone(), namespace)
            .list(&ListParams::default())
            .await
            .map_err(|e| self.error(&id("PersistentVolumeClaim"), e))?
            .items;
        let events = Api::<Event>::namespaced(self.client.clone(), namespace)
            .list(&ListParams::default().fields("type=Warning"))
            .await
            .map(|l| l.items)
            .unwrap_or_default();
        Ok((namespace.to_owned(), pods, claims, events))
    }

    /// A workload as it is on the cluster, with its status.
    async fn read_workload(&self, id: &ObjectRef) -> Result<Option<Object>, ApplyError> {
        let namespace = id.namespace.as_deref().unwrap_or(&self.default_namespace);
        let client = self.client.clone();
        let result = match Kind::from_name(&id.kind) {
            Some(Kind::Deployment) => Api::<Deployment>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::Deployment)),
            Some(Kind::StatefulSet) => Api::<StatefulSet>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::StatefulSet)),
            Some(Kind::DaemonSet) => Api::<DaemonSet>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::DaemonSet)),
            Some(Kind::Job) => Api::<Job>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::Job)),
            Some(Kind::CronJob) => Api::<CronJob>::namespaced(client, namespace)
                .get_opt(&id.name)
                .await
                .map(|o| o.map(Object::CronJob)),
            _ => Ok(None),
        };
        result.map_err(|e| self.error(id, e))
    }
}

fn kind_of(object: &Object) -> Kind {
    object.typed_kind()
}

fn namespace_ref(name: &str) -> ObjectRef {
    ObjectRef {
        kind: Kind::Namespace.as_str().to_owned(),
        namespace: None,
        name: name.to_owned(),
    }
}

/// List items of a namespaced list carry their namespace; this makes sure.
fn with_namespace(mut metadata: ObjectMeta, namespace: &str) -> ObjectMeta {
    if metadata.namespace.is_none() {
        metadata.namespace = Some(namespace.to_owned());
    }
    metadata
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
