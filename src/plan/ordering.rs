//! The order things start in: `depends_on`.
//!
//! Kubernetes starts Pods in no particular order, but the containers of one Pod can be
//! ordered: init containers run one after the other, and native sidecars (init containers
//! with `restartPolicy: Always`) start in order and keep running. So:
//!
//! - inside a Pod, the sidecars and init containers ([`crate::plan::pods`] chose them) start
//!   in dependency order; a sidecar another container waits for with `service_healthy` gets a
//!   startup probe, so the next container starts only once it is healthy;
//! - across Pods, `service_healthy` becomes an init container that waits until the
//!   dependency's name resolves to a ready Pod (readiness comes from its healthcheck), and
//!   `service_completed_successfully` an init container that waits for the dependency's Job;
//! - `service_started` needs nothing: the dependent's connections must retry anyway.

use crate::hash::{IndexMap, IndexSet};
use k8s_openapi::api::core::v1::{Container, SecurityContext};
use k8s_openapi::api::rbac::v1::PolicyRule;

use crate::compose::model::depends_on::Condition;
use crate::plan::pods::{Member, PodGroups, Role};
use crate::plan::{Context, JobWaiter, Plan, labels, names};
use crate::report::{Entry, Report};

/// What ordering decided, beyond the roles written into the Pod groups.
#[derive(Clone, Debug, Default)]
pub struct Order {
    /// Init containers and sidecars of each Pod (by group name), in start order.
    pub init_sequence: IndexMap<String, Vec<String>>,
    /// Waits each Pod (by group name) does before anything else starts.
    pub waits: IndexMap<String, Vec<Wait>>,
    /// Services whose readiness another Pod waits for: they get a headless Service whose
    /// name resolves only to ready Pods.
    pub ready_checked: IndexSet<String>,
    /// Jobs other Pods wait for through the API.
    pub awaited_jobs: IndexSet<String>,
}

/// Something a Pod waits for before its containers start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// A service's Pods are ready. `required: false` gives up after the timeout instead of
    /// failing.
    Ready { service: String, required: bool },
    /// A Job (named by its workload) completed. `required: false` starts anyway when it does
    /// not complete in time (or does not exist).
    Job {
        job: String,
        service: String,
        required: bool,
    },
}

/// Decides the start order inside each Pod (whose roles [`crate::plan::pods`] decided) and the
/// waits across Pods.
pub fn order(context: &Context, groups: &PodGroups, report: &mut Report) -> Order {
    let mut order = Order::default();
    for group in &groups.groups {
        order
            .init_sequence
            .insert(group.name.clone(), init_sequence(context, &group.members));
    }
    plan_waits(context, groups, &mut order, report);
    order
}

/// The init containers and sidecars of a Pod in dependency order (project order among
/// independent ones).
fn init_sequence(context: &Context, members: &[Member]) -> Vec<String> {
    let services = &context.project.services;
    let early: Vec<&str> = members
        .iter()
        .filter(|m| m.role != Role::Main)
        .map(|m| m.service.as_str())
        .collect();
    let mut done: Vec<String> = Vec::new();
    while done.len() < early.len() {
        let next = early.iter().find(|s| {
            !done.iter().any(|d| d == *s)
                && services.get(**s).is_none_or(|svc| {
                    svc.depends_on.keys().all(|dep| {
                        !early.contains(&dep.as_str()) || done.iter().any(|d| d == dep.as_str())
                    })
                })
        });
        // A cycle (reported by the check stage) keeps the remaining ones in project order.
        let next = next.or_else(|| early.iter().find(|s| !done.iter().any(|d| d == *s)));
        match next {
            Some(service) => done.push((*service).to_owned()),
            None => break,
        }
    }
    done
}

/// Waits across Pods, and the notes on dependencies that need nothing.
fn plan_waits(context: &Context, groups: &PodGroups, order: &mut Order, report: &mut Report) {
    let services = &context.project.services;
    for (name, service) in services {
        let Some(group) = groups.of(name) else {
            continue;
        };
        for (dependency, depends) in &service.depends_on {
            if depends.restart {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        &format!("depends_on.{}.restart", dependency.value),
                        depends.keys.get("restart").or(Some(dependency.span)),
                        "Kubernetes does not restart a Pod when a Pod it depends on restarts",
                    )
                    .help("make the service reconnect when its dependency comes back"),
                );
            }
            let Some(target) = services.get(dependency.as_str()) else {
                // Absent and `required: false`: tolerated. Absent and required: reported by
                // the check stage.
                continue;
            };
            if groups.same_pod(name, dependency) {
                continue;
            }
            let waits = order.waits.entry(group.name.clone()).or_default();
            match depends.condition {
                Condition::Started => report.add(
                    Entry::approximated(
                        Some(name),
                        &format!("depends_on.{}", dependency.value),
                        Some(depends.condition_span().unwrap_or(dependency.span)),
                        format!("Kubernetes starts `{name}` without waiting for `{}` to start", dependency.value),
                    )
                    .help("nothing to do if the service retries its connections, as it must on a cluster"),
                ),
                Condition::Healthy => {
                    if target.healthcheck.is_none() {
                        report.add(
                            Entry::approximated(
                                Some(name),
                                &format!("depends_on.{}", dependency.value),
                                Some(depends.condition_span().unwrap_or(dependency.span)),
                                format!("`{}` has no healthcheck, so \"healthy\" means \"running\"", dependency.value),
                            )
                            .help(format!("give `{}` a healthcheck", dependency.value)),
                        );
                    }
                    let wait = Wait::Ready { service: dependency.value.clone(), required: depends.required };
                    if !waits.contains(&wait) {
                        waits.push(wait);
                    }
                    order.ready_checked.insert(dependency.value.clone());
                }
                Condition::CompletedSuccessfully => {
                    let Some(job_group) = groups.of(dependency) else { continue };
                    if target.runs_once() {
                        let wait = Wait::Job { job: job_group.name.clone(), service: dependency.value.clone(), required: depends.required };
                        if !waits.contains(&wait) {
                            waits.push(wait);
                        }
                        order.awaited_jobs.insert(job_group.name.clone());
                    } else {
                        report.add(
                            Entry::unsupported(
                                Some(name),
                                &format!("depends_on.{}", dependency.value),
                                Some(depends.condition_span().unwrap_or(dependency.span)),
                                format!(
                                    "`{}` keeps running (it has no `restart: no`), so it never completes; nothing waits for it",
                                    dependency.value
                                ),
                            )
                            .help(format!("set `restart: \"no\"` on `{}` if it is a one-shot task", dependency.value)),
                        );
                    }
                }
            }
        }
    }
    order.waits.retain(|_, waits| !waits.is_empty());
}

/// The name of the headless Service that resolves only to ready Pods of a service.
#[must_use]
pub fn ready_service_name(service: &str) -> String {
    names::joined(&[&names::service(service), "headless"])
}

/// The name of the init container that performs a wait.
#[must_use]
pub fn wait_container_name(wait: &Wait) -> String {
    match wait {
        Wait::Ready { service, .. } | Wait::Job { service, .. } => {
            names::joined(&["wait-for", service])
        }
    }
}

/// How wait init containers run (`--wait-image`, `--job-wait-image`, `--wait-timeout`). The
/// plan keeps these and each Pod's waits rather than the containers (about 2 KB each), which
/// [`wait_container`] makes when the Pod is written.
#[derive(Clone, Debug, Default)]
pub struct WaitSettings {
    pub image: String,
    pub job_image: String,
    /// Seconds before a wait gives up.
    pub timeout: u64,
}

impl WaitSettings {
    #[must_use]
    pub fn of(context: &Context) -> Self {
        Self {
            image: context.options.wait_image.clone(),
            job_image: context.options.job_wait_image.clone(),
            timeout: context.options.wait_timeout,
        }
    }
}

/// The init container that performs a wait.
#[must_use]
pub fn wait_container(settings: &WaitSettings, wait: &Wait) -> Container {
    let timeout = settings.timeout;
    let (name, image, script) = match wait {
        Wait::Ready { service, required } => {
            let host = ready_service_name(service);
            let give_up = if *required {
                format!("echo \"{service} is not ready after {timeout}s\" >&2; exit 1")
            } else {
                format!(
                    "echo \"{service} is not ready after {timeout}s; starting anyway (required: false)\"; exit 0"
                )
            };
            (
                wait_container_name(wait),
                settings.image.clone(),
                format!(
                    "end=$(( $(date +%s) + {timeout} )); until nslookup {host} >/dev/null 2>&1; do if [ \"$(date +%s)\" -ge \"$end\" ]; then {give_up}; fi; echo \"waiting for {service} to be ready\"; sleep 2; done"
                ),
            )
        }
        Wait::Job {
            job,
            service,
            required,
        } => {
            let wait_for =
                format!("kubectl wait --for=condition=complete job/{job} --timeout={timeout}s");
            let script = if *required {
                wait_for
            } else {
                format!(
                    "{wait_for} || echo \"{service} did not complete after {timeout}s; starting anyway (required: false)\""
                )
            };
            (
                wait_container_name(wait),
                settings.job_image.clone(),
                script,
            )
        }
    };
    Container {
        name,
        image: Some(image),
        command: Some(vec!["/bin/sh".into(), "-c".into(), script]),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            run_as_non_root: Some(true),
            run_as_user: Some(65534),
            ..SecurityContext::default()
        }),
        ..Container::default()
    }
}

/// The identity that lets wait containers read Jobs, when any Pod waits for one.
pub fn job_waiters(context: &Context, order: &Order, plan: &mut Plan, report: &mut Report) {
    if order.awaited_jobs.is_empty() {
        return;
    }
    let namespace = context.options.namespace.clone().unwrap_or_else(|| {
        report.add(
            Entry::approximated(None, "depends_on", None, "Pods that wait for Jobs read them with the ServiceAccount `job-waiter`, bound in the namespace `default`")
                .help("convert with `-n NAMESPACE` when deploying elsewhere"),
        );
        "default".to_owned()
    });
    plan.job_waiters.push(JobWaiter {
        name: job_waiter_name(context),
        labels: labels::common(context, "job-waiter"),
        namespace,
        // What `kubectl wait --for=condition=complete job/NAME` does: get the Job, and list and
        // watch it until the condition holds.
        rules: vec![PolicyRule {
            api_groups: Some(vec!["batch".into()]),
            resources: Some(vec!["jobs".into()]),
            verbs: vec!["get".into(), "list".into(), "watch".into()],
            ..PolicyRule::default()
        }],
    });
}

/// The ServiceAccount of Pods that wait for Jobs.
#[must_use]
pub fn job_waiter_name(context: &Context) -> String {
    names::joined(&[&context.name, "job-waiter"])
}
