//! When a workload counts as ready (`apply --wait`), and, when it is not, which of its Pods is
//! not and why: the waiting or terminated reason of each container, and the Pod's warning
//! events (scheduling failures, image pulls, failed probes).

use k8s_openapi::api::core::v1::{Event, Pod};

use crate::emit::Object;

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

/// The label selector of a workload's Pods (`key=value,…`), to list them.
#[must_use]
pub fn pod_selector(object: &Object) -> Option<String> {
    let labels = match object {
        Object::Deployment(o) => o.spec.as_ref()?.selector.match_labels.as_ref(),
        Object::StatefulSet(o) => o.spec.as_ref()?.selector.match_labels.as_ref(),
        Object::DaemonSet(o) => o.spec.as_ref()?.selector.match_labels.as_ref(),
        Object::Job(o) => o.spec.as_ref()?.template.metadata.as_ref()?.labels.as_ref(),
        Object::CronJob(o) => o
            .spec
            .as_ref()?
            .job_template
            .spec
            .as_ref()?
            .template
            .metadata
            .as_ref()?
            .labels
            .as_ref(),
        _ => None,
    }?;
    Some(
        labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Why a Pod is not ready, or `None` when it is: one line for the Pod, then one per container
/// that is waiting or has stopped, and the Pod's last warning events (at most three).
#[must_use]
pub fn pod_problem(pod: &Pod, events: &[Event]) -> Option<String> {
    let status = pod.status.as_ref();
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    let succeeded = status.and_then(|s| s.phase.as_deref()) == Some("Succeeded");
    if ready || succeeded {
        return None;
    }
    let name = pod.metadata.name.as_deref().unwrap_or("?");
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
    let mut lines = vec![format!("Pod {name} is not ready ({phase})")];
    let containers = status
        .into_iter()
        .flat_map(|s| {
            s.init_container_statuses
                .iter()
                .flatten()
                .chain(s.container_statuses.iter().flatten())
        })
        .filter(|c| !c.ready);
    for container in containers {
        let state = container.state.as_ref();
        if let Some(waiting) = state.and_then(|s| s.waiting.as_ref()) {
            lines.push(format!(
                "  container {}: waiting: {}{}",
                container.name,
                waiting.reason.as_deref().unwrap_or("unknown reason"),
                waiting
                    .message
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            ));
        } else if let Some(terminated) = state.and_then(|s| s.terminated.as_ref()) {
            lines.push(format!(
                "  container {}: exited with code {}{}",
                container.name,
                terminated.exit_code,
                terminated
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ));
        } else {
            lines.push(format!(
                "  container {}: running, not ready (readiness probe)",
                container.name
            ));
        }
    }
    let mut warnings: Vec<&Event> = events
        .iter()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .collect();
    warnings.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    let skip = warnings.len().saturating_sub(3);
    for event in warnings.iter().skip(skip) {
        lines.push(format!(
            "  event {}: {}",
            event.reason.as_deref().unwrap_or("?"),
            event.message.as_deref().unwrap_or("").trim()
        ));
    }
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStatus};
    use k8s_openapi::api::core::v1::{
        ContainerState, ContainerStateWaiting, ContainerStatus, PodCondition, PodStatus,
    };
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
        stale.status.as_mut().unwrap().observed_generation = Some(1);
        assert!(!is_ready(&Object::Deployment(stale)), "an old generation");
    }

    #[test]
    fn the_pod_selector_is_the_workloads_match_labels() {
        assert_eq!(
            pod_selector(&deployment(1, 1)).as_deref(),
            Some("app.kubernetes.io/name=web,app.kubernetes.io/part-of=shop")
        );
    }

    #[test]
    fn a_pod_that_is_not_ready_says_which_container_waits_and_the_warnings() {
        let pod = Pod {
            metadata: ObjectMeta {
                name: Some("web-7d9f".into()),
                ..ObjectMeta::default()
            },
            status: Some(PodStatus {
                phase: Some("Pending".into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: "False".into(),
                    ..PodCondition::default()
                }]),
                container_statuses: Some(vec![ContainerStatus {
                    name: "web".into(),
                    ready: false,
                    state: Some(ContainerState {
                        waiting: Some(ContainerStateWaiting {
                            reason: Some("ImagePullBackOff".into()),
                            message: Some("Back-off pulling image \"nginx:nope\"".into()),
                        }),
                        ..ContainerState::default()
                    }),
                    ..ContainerStatus::default()
                }]),
                ..PodStatus::default()
            }),
            ..Pod::default()
        };
        let events = [
            Event {
                type_: Some("Normal".into()),
                reason: Some("Scheduled".into()),
                ..Event::default()
            },
            Event {
                type_: Some("Warning".into()),
                reason: Some("Failed".into()),
                message: Some("Failed to pull image \"nginx:nope\": not found".into()),
                ..Event::default()
            },
        ];
        assert_eq!(
            pod_problem(&pod, &events).unwrap(),
            "Pod web-7d9f is not ready (Pending)\n  container web: waiting: ImagePullBackOff (Back-off pulling image \"nginx:nope\")\n  event Failed: Failed to pull image \"nginx:nope\": not found"
        );
    }

    #[test]
    fn a_ready_pod_has_no_problem() {
        let pod = Pod {
            status: Some(PodStatus {
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    ..PodCondition::default()
                }]),
                ..PodStatus::default()
            }),
            ..Pod::default()
        };
        assert_eq!(pod_problem(&pod, &[]), None);
    }
}
