//! When a workload counts as ready (`apply --wait`), and, when it is not, why: for each of its
//! Pods that is not ready, the phase, whether it was scheduled (`PodScheduled=False` with the
//! scheduler's reason and message, or no scheduling at all), each container that waits or
//! stopped (`ImagePullBackOff` with its message, `CrashLoopBackOff` with the last exit code),
//! the Pod's recent warning events; and each claim of those Pods that is not bound, with its
//! recent warning events (`FailedBinding`, `ProvisioningFailed`).
//!
//! Everything here reads objects as the API returns them (a list of the namespace's Pods, its
//! claims, its Warning events) and picks what concerns a workload itself, so that the client
//! only lists.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerStatus, Event, PersistentVolumeClaim, Pod, PodSpec, PodTemplateSpec,
};
use k8s_openapi::jiff::Timestamp;

use super::ObjectRef;
use crate::emit::Object;

/// How many warning events are shown per Pod or claim (the most recent).
const EVENTS_SHOWN: usize = 3;

/// Whether a workload, as read back from the cluster with its status, is ready: every
/// replica updated and ready (Deployment, StatefulSet), every node's Pod ready (DaemonSet),
/// the Job complete. A CronJob is ready once it exists; other kinds are not workloads.
#[must_use]
pub fn is_ready(object: &Object) -> bool {
    let generation = object.metadata().generation;
    match object {
        Object::Deployment(d) => {
            let wanted = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            d.status.as_ref().is_some_and(|s| {
                s.observed_generation >= generation
                    && s.updated_replicas.unwrap_or(0) >= wanted
                    && s.ready_replicas.unwrap_or(0) >= wanted
                    && s.unavailable_replicas.unwrap_or(0) == 0
            })
        }
        Object::StatefulSet(s) => {
            let wanted = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            s.status.as_ref().is_some_and(|s| {
                s.observed_generation >= generation && s.ready_replicas.unwrap_or(0) >= wanted
            })
        }
        Object::DaemonSet(d) => d.status.as_ref().is_some_and(|s| {
            s.observed_generation >= generation
                && s.number_ready >= s.desired_number_scheduled
                && s.updated_number_scheduled.unwrap_or(0) >= s.desired_number_scheduled
        }),
        Object::Job(j) => j
            .status
            .as_ref()
            .is_some_and(|s| s.succeeded.unwrap_or(0) >= 1),
        _ => true,
    }
}

/// Why a workload will never become ready, when it is known now: a Job that failed
/// (`Failed=True`, for example past its back-off limit).
#[must_use]
pub fn has_failed(object: &Object) -> Option<String> {
    let Object::Job(job) = object else {
        return None;
    };
    let failed = job
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Failed" && c.status == "True")?;
    Some(reason_and_message(
        failed.reason.as_deref(),
        failed.message.as_deref(),
    ))
}

/// The progress line of a workload that became ready.
#[must_use]
pub fn ready_line(id: &ObjectRef, seconds: u64) -> String {
    format!("ready {id} (after {seconds}s)")
}

/// The labels that select a workload's Pods: the selector of a Deployment, StatefulSet or
/// DaemonSet; for a Job its live selector (the controller's uid) when it has one, else its
/// template's labels; for a CronJob its Job template's labels.
#[must_use]
pub fn pod_labels(object: &Object) -> Option<&BTreeMap<String, String>> {
    match object {
        Object::Deployment(o) => o.spec.as_ref()?.selector.match_labels.as_ref(),
        Object::StatefulSet(o) => o.spec.as_ref()?.selector.match_labels.as_ref(),
        Object::DaemonSet(o) => o.spec.as_ref()?.selector.match_labels.as_ref(),
        Object::Job(o) => o
            .spec
            .as_ref()?
            .selector
            .as_ref()
            .and_then(|s| s.match_labels.as_ref())
            .or_else(|| template_labels(object)),
        Object::CronJob(_) => template_labels(object),
        _ => None,
    }
}

fn template_labels(object: &Object) -> Option<&BTreeMap<String, String>> {
    pod_template(object)?.metadata.as_ref()?.labels.as_ref()
}

/// The label selector of a workload's Pods (`key=value,…`), to list them.
#[must_use]
pub fn pod_selector(object: &Object) -> Option<String> {
    Some(
        pod_labels(object)?
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// The Pod template of a workload.
fn pod_template(object: &Object) -> Option<&PodTemplateSpec> {
    match object {
        Object::Deployment(o) => Some(&o.spec.as_ref()?.template),
        Object::StatefulSet(o) => Some(&o.spec.as_ref()?.template),
        Object::DaemonSet(o) => Some(&o.spec.as_ref()?.template),
        Object::Job(o) => Some(&o.spec.as_ref()?.template),
        Object::CronJob(o) => Some(&o.spec.as_ref()?.job_template.spec.as_ref()?.template),
        _ => None,
    }
}

/// The Pod spec of a workload's template (for its claims when it has no Pod yet).
fn pod_spec(object: &Object) -> Option<&PodSpec> {
    pod_template(object)?.spec.as_ref()
}

/// How far a workload got: `0 of 2 replicas ready`, `not complete (1 failed)`.
#[must_use]
pub fn progress(object: &Object) -> String {
    match object {
        Object::Deployment(d) => {
            let wanted = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = d.status.clone().unwrap_or_default();
            format!(
                "{} of {wanted} replicas ready, {} updated",
                status.ready_replicas.unwrap_or(0),
                status.updated_replicas.unwrap_or(0)
            )
        }
        Object::StatefulSet(s) => {
            let wanted = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let ready = s
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0);
            format!("{ready} of {wanted} replicas ready")
        }
        Object::DaemonSet(d) => {
            let status = d.status.clone().unwrap_or_default();
            format!(
                "{} of {} scheduled Pods ready",
                status.number_ready, status.desired_number_scheduled
            )
        }
        Object::Job(j) => {
            let status = j.status.clone().unwrap_or_default();
            let mut text = format!(
                "not complete ({} active, {} failed)",
                status.active.unwrap_or(0),
                status.failed.unwrap_or(0)
            );
            if let Some(why) = has_failed(object) {
                text = format!("failed: {why}");
            }
            text
        }
        _ => "not ready".to_owned(),
    }
}

/// Everything the cluster says about why the workload `id` is not ready. `live` is the
/// workload as read back (`None`: it is gone); `pods`, `claims` and `events` are what lists of
/// its namespace returned — anything about other objects is left out.
#[must_use]
pub fn report(
    id: &ObjectRef,
    live: Option<&Object>,
    pods: &[Pod],
    claims: &[PersistentVolumeClaim],
    events: &[Event],
) -> String {
    let Some(workload) = live else {
        return format!("{id}: does not exist any more");
    };
    let namespace = id.namespace.as_deref().unwrap_or_default();
    let mut lines = vec![format!("{id}: {}", progress(workload))];
    let labels = pod_labels(workload);
    let mut own: Vec<&Pod> = pods
        .iter()
        .filter(|p| {
            p.metadata
                .namespace
                .as_deref()
                .is_none_or(|n| n == namespace)
        })
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| labels.is_some_and(|l| selects(l, p)))
        .collect();
    own.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let mut claim_names: Vec<String> = Vec::new();
    if own.is_empty() {
        lines.push("  no Pod exists yet".to_owned());
        for line in controller_warnings(&id.name, namespace, events) {
            lines.push(format!("    {line}"));
        }
        claim_names.extend(pod_spec(workload).map(claims_of).unwrap_or_default());
    }
    for pod in own {
        if let Some(problem) = pod_problem(pod, events) {
            lines.extend(problem.into_iter().map(|l| format!("  {l}")));
            claim_names.extend(pod.spec.as_ref().map(claims_of).unwrap_or_default());
        }
    }
    claim_names.sort();
    claim_names.dedup();
    for name in claim_names {
        let claim = claims.iter().find(|c| {
            c.metadata.name.as_deref() == Some(&name)
                && c.metadata
                    .namespace
                    .as_deref()
                    .is_none_or(|n| n == namespace)
        });
        let problem = match claim {
            Some(claim) => claim_problem(claim, namespace, events),
            None => Some(vec![format!(
                "PersistentVolumeClaim {namespace}/{name}: does not exist"
            )]),
        };
        lines.extend(problem.into_iter().flatten().map(|l| format!("  {l}")));
    }
    lines.join("\n")
}

/// Whether a Pod carries every label of a selector.
fn selects(labels: &BTreeMap<String, String>, pod: &Pod) -> bool {
    let pod_labels = pod.metadata.labels.as_ref();
    labels
        .iter()
        .all(|(k, v)| pod_labels.and_then(|l| l.get(k)) == Some(v))
}

/// The claims a Pod mounts, by name.
fn claims_of(spec: &PodSpec) -> Vec<String> {
    spec.volumes
        .iter()
        .flatten()
        .filter_map(|v| Some(v.persistent_volume_claim.as_ref()?.claim_name.clone()))
        .collect()
}

/// Why a Pod is not ready, or `None` when it is (or has completed): a line for the Pod, then
/// indented lines for its scheduling, its containers and its recent warning events.
#[must_use]
pub fn pod_problem(pod: &Pod, events: &[Event]) -> Option<Vec<String>> {
    let status = pod.status.as_ref();
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    let ready = conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True");
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
    if ready || phase == "Succeeded" {
        return None;
    }
    let name = pod.metadata.name.as_deref().unwrap_or("?");
    let header = match status.and_then(|s| s.reason.as_deref()) {
        Some(reason) => format!(
            "Pod {name}: {phase} ({})",
            reason_and_message(Some(reason), status.and_then(|s| s.message.as_deref()))
        ),
        None => format!("Pod {name}: {phase}"),
    };
    let mut lines = vec![header];
    let scheduled = conditions.iter().find(|c| c.type_ == "PodScheduled");
    let on_a_node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty());
    match scheduled {
        Some(c) if c.status == "False" => lines.push(format!(
            "  PodScheduled=False: {}",
            reason_and_message(c.reason.as_deref(), c.message.as_deref())
        )),
        None if !on_a_node => lines.push(
            "  not scheduled: no scheduler has taken the Pod up yet (no PodScheduled condition; is kube-scheduler running?)".to_owned(),
        ),
        _ => {}
    }
    for condition in conditions.iter().filter(|c| {
        c.status == "False"
            && !matches!(
                c.type_.as_str(),
                "PodScheduled"
                    | "Ready"
                    | "ContainersReady"
                    | "Initialized"
                    | "PodReadyToStartContainers"
            )
    }) {
        lines.push(format!(
            "  {}=False: {}",
            condition.type_,
            reason_and_message(condition.reason.as_deref(), condition.message.as_deref())
        ));
    }
    let init = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or(&[]);
    let main = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    for (container, what) in init
        .iter()
        .map(|c| (c, "init container"))
        .chain(main.iter().map(|c| (c, "container")))
    {
        if let Some(line) = container_problem(container, what) {
            lines.push(format!("  {line}"));
        }
    }
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    lines.extend(
        warnings(events, "Pod", name, namespace)
            .into_iter()
            .map(|l| format!("  {l}")),
    );
    Some(lines)
}

/// What is wrong with a container, or `None` when nothing is (ready, or an init container
/// that completed).
fn container_problem(container: &ContainerStatus, what: &str) -> Option<String> {
    if container.ready {
        return None;
    }
    let name = &container.name;
    let state = container.state.as_ref();
    let last_exit = container
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .map(|t| {
            format!(
                ", last exit code {}{}",
                t.exit_code,
                t.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let restarts = match container.restart_count {
        0 => String::new(),
        1 => ", restarted once".to_owned(),
        n => format!(", restarted {n} times"),
    };
    if let Some(waiting) = state.and_then(|s| s.waiting.as_ref()) {
        let reason = waiting.reason.as_deref().unwrap_or("unknown reason");
        // The back-off message only repeats the container's name; the last exit says why.
        let message = match (reason, waiting.message.as_deref()) {
            ("CrashLoopBackOff", _) | (_, None) => String::new(),
            (_, Some(m)) => format!(": {}", m.trim()),
        };
        return Some(format!(
            "{what} {name}: waiting ({reason}){restarts}{last_exit}{message}"
        ));
    }
    if let Some(terminated) = state.and_then(|s| s.terminated.as_ref()) {
        if what == "init container" && terminated.exit_code == 0 {
            return None;
        }
        return Some(format!(
            "{what} {name}: exited with code {}{}{restarts}{}",
            terminated.exit_code,
            terminated
                .reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
            terminated
                .message
                .as_deref()
                .map(|m| format!(": {}", m.trim()))
                .unwrap_or_default()
        ));
    }
    if state.and_then(|s| s.running.as_ref()).is_some() {
        return Some(format!(
            "{what} {name}: running, not ready (its readiness probe does not pass){restarts}{last_exit}"
        ));
    }
    None
}

/// Why a claim is a problem, or `None` when it is bound: its phase and recent warnings.
#[must_use]
pub fn claim_problem(
    claim: &PersistentVolumeClaim,
    namespace: &str,
    events: &[Event],
) -> Option<Vec<String>> {
    let phase = claim
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending");
    if phase == "Bound" {
        return None;
    }
    let name = claim.metadata.name.as_deref().unwrap_or("?");
    let mut lines = vec![format!(
        "PersistentVolumeClaim {namespace}/{name}: {phase} (not bound to a volume)"
    )];
    lines.extend(
        warnings(events, "PersistentVolumeClaim", name, namespace)
            .into_iter()
            .map(|l| format!("  {l}")),
    );
    Some(lines)
}

/// The recent warnings about the controllers of a workload that has no Pod: the workload
/// itself and its ReplicaSets (`<name>-<hash>`), for example `FailedCreate` when a quota or
/// an admission policy refuses its Pods.
fn controller_warnings(workload: &str, namespace: &str, events: &[Event]) -> Vec<String> {
    let prefix = format!("{workload}-");
    let about: Vec<&Event> = events
        .iter()
        .filter(|e| {
            let object = &e.involved_object;
            let name = object.name.as_deref().unwrap_or_default();
            matches!(
                object.kind.as_deref(),
                Some("Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob")
            ) && (name == workload
                || (object.kind.as_deref() == Some("ReplicaSet") && name.starts_with(&prefix)))
                && object.namespace.as_deref().is_none_or(|n| n == namespace)
        })
        .collect();
    recent(&about)
}

/// The recent Warning events about one object (kind, name, namespace), oldest first, each
/// reason and message once (with how often it happened).
#[must_use]
pub fn warnings(events: &[Event], kind: &str, name: &str, namespace: &str) -> Vec<String> {
    let about: Vec<&Event> = events
        .iter()
        .filter(|e| {
            let object = &e.involved_object;
            object.kind.as_deref() == Some(kind)
                && object.name.as_deref() == Some(name)
                && object.namespace.as_deref().is_none_or(|n| n == namespace)
        })
        .collect();
    recent(&about)
}

fn recent(events: &[&Event]) -> Vec<String> {
    let mut warnings: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .collect();
    warnings.sort_by_key(|e| last_seen(e));
    // The latest of each reason and message, in the order they were last seen.
    let mut shown: Vec<(&str, &str, i32)> = Vec::new();
    for event in warnings {
        let reason = event.reason.as_deref().unwrap_or("?");
        let message = event.message.as_deref().unwrap_or("").trim();
        let count = event
            .series
            .as_ref()
            .and_then(|s| s.count)
            .or(event.count)
            .unwrap_or(1);
        if let Some(index) = shown
            .iter()
            .position(|(r, m, _)| *r == reason && *m == message)
        {
            let (_, _, before) = shown.remove(index);
            shown.push((reason, message, before.saturating_add(count)));
        } else {
            shown.push((reason, message, count));
        }
    }
    let skip = shown.len().saturating_sub(EVENTS_SHOWN);
    shown
        .into_iter()
        .skip(skip)
        .map(|(reason, message, count)| {
            let times = if count > 1 {
                format!(" ({count} times)")
            } else {
                String::new()
            };
            format!("event {reason}: {message}{times}")
        })
        .collect()
}

/// When an event was last seen: `lastTimestamp` (events of the core API), else the series'
/// last observation or `eventTime` (events of `events.k8s.io`, which the scheduler writes),
/// else when it was first seen or made.
fn last_seen(event: &Event) -> Option<Timestamp> {
    event
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| {
            event
                .series
                .as_ref()
                .and_then(|s| s.last_observed_time.as_ref())
                .map(|t| t.0)
        })
        .or_else(|| event.event_time.as_ref().map(|t| t.0))
        .or_else(|| event.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// `Reason: message`, or whichever of the two there is.
fn reason_and_message(reason: Option<&str>, message: Option<&str>) -> String {
    match (reason, message.map(str::trim).filter(|m| !m.is_empty())) {
        (Some(r), Some(m)) => format!("{r}: {m}"),
        (Some(r), None) => r.to_owned(),
        (None, Some(m)) => m.to_owned(),
        (None, None) => "no reason given".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

    use super::*;

    fn deployment(replicas: i32, ready: i32) -> Object {
        Object::Deployment(Deployment {
            metadata: ObjectMeta {
                generation: Some(2),
                ..ObjectMeta::default()
            },
            spec: Some(DeploymentSpec {
                replicas: Some(replicas),
                selector: LabelSelector {
                    match_labels: Some(BTreeMap::from([
                        ("app.kubernetes.io/name".to_owned(), "web".to_owned()),
                        ("app.kubernetes.io/part-of".to_owned(), "shop".to_owned()),
                    ])),
                    ..LabelSelector::default()
                },
                ..DeploymentSpec::default()
            }),
            status: Some(DeploymentStatus {
                observed_generation: Some(2),
                ready_replicas: Some(ready),
                updated_replicas: Some(replicas),
                ..DeploymentStatus::default()
            }),
        })
    }

    #[test]
    fn a_deployment_is_ready_when_every_replica_is() {
        assert!(is_ready(&deployment(2, 2)));
        assert!(!is_ready(&deployment(2, 1)));
        let Object::Deployment(mut stale) = deployment(1, 1) else {
            unreachable!()
        };
        if let Some(status) = stale.status.as_mut() {
            status.observed_generation = Some(1);
        }
        assert!(!is_ready(&Object::Deployment(stale)), "an old generation");
    }

    #[test]
    fn the_pod_selector_is_the_workloads_match_labels() {
        assert_eq!(
            pod_selector(&deployment(1, 1)).as_deref(),
            Some("app.kubernetes.io/name=web,app.kubernetes.io/part-of=shop")
        );
        assert_eq!(
            progress(&deployment(2, 1)),
            "1 of 2 replicas ready, 2 updated"
        );
    }

    #[test]
    fn reasons_and_messages_read_as_one_phrase() {
        assert_eq!(reason_and_message(Some("A"), Some(" b ")), "A: b");
        assert_eq!(reason_and_message(Some("A"), Some("")), "A");
        assert_eq!(reason_and_message(None, Some("b")), "b");
        assert_eq!(reason_and_message(None, None), "no reason given");
    }
}
