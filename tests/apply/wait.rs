//! `apply --wait` (issue 9, problem 6): for each workload that is not ready, why — from the
//! Pods, claims and Warning events its namespace's lists return.

use compose2kube::apply::ObjectRef;
use compose2kube::apply::readiness::{self, has_failed, is_ready, pod_problem, progress, report};
use compose2kube::emit::Object;
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod};

use crate::fixtures::{items, objects};

fn workload(name: &str) -> Object {
    objects("workloads.json")
        .into_iter()
        .find(|o| o.name() == name)
        .unwrap()
}

fn id(object: &Object) -> ObjectRef {
    ObjectRef::of(object, "default")
}

/// The report for one workload of `workloads.json`, over the namespace's lists.
fn report_of(name: &str) -> String {
    let live = workload(name);
    let pods: Vec<Pod> = items("pods.json");
    let claims: Vec<PersistentVolumeClaim> = items("claims.json");
    let events: Vec<Event> = items("events.json");
    report(&id(&live), Some(&live), &pods, &claims, &events)
}

#[test]
fn wait_report_names_unscheduled_pods_and_unbound_claims() {
    // The cluster had no scheduler: the Pod has no condition at all, and the claim's
    // events say why it is not bound. (The other project's `backend` Pod is not ours.)
    assert_eq!(
        report_of("backend"),
        "Deployment shop/backend: 0 of 1 replicas ready, 1 updated
  Pod backend-5f7c9d8b6d-x7k2p: Pending
    not scheduled: no scheduler has taken the Pod up yet (no PodScheduled condition; is kube-scheduler running?)
  PersistentVolumeClaim shop/data: Pending (not bound to a volume)
    event FailedBinding: no persistent volumes available for this claim and no storage class is set (3 times)"
    );
}

#[test]
fn wait_report_gives_the_schedulers_reason_and_the_claims_events() {
    assert_eq!(
        report_of("worker"),
        "Deployment shop/worker: 0 of 1 replicas ready, 1 updated
  Pod worker-7b9f6c5d4-2mzqn: Pending
    PodScheduled=False: Unschedulable: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
    event FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling. (4 times)
  PersistentVolumeClaim shop/worker-cache: Pending (not bound to a volume)
    event ProvisioningFailed: storageclass.storage.k8s.io \"fast\" not found (2 times)"
    );
}

#[test]
fn wait_report_gives_the_last_exit_code_of_a_crash_looping_container() {
    assert_eq!(
        report_of("api"),
        "Deployment shop/api: 0 of 1 replicas ready, 1 updated
  Pod api-6c8d7f9b5-kq4tw: Running
    container api: waiting (CrashLoopBackOff), restarted 5 times, last exit code 1 (Error)
    event BackOff: Back-off restarting failed container api in pod api-6c8d7f9b5-kq4tw_shop(9c0d0019-1e2f-4a3b-8c4d-5e6f7a8b9c0d) (21 times)"
    );
}

#[test]
fn wait_report_names_image_pull_back_off_with_the_pull_error() {
    // Normal events (BackOff while pulling) and the same Pod name's events in another
    // namespace are left out.
    assert_eq!(
        report_of("web"),
        "Deployment shop/web: 0 of 1 replicas ready, 1 updated
  Pod web-6d4cf56db6-8fj2q: Pending
    container web: waiting (ImagePullBackOff): Back-off pulling image \"nginx:nope\": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nope\": not found
    event Failed: Failed to pull image \"nginx:nope\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nope\": not found (4 times)
    event Failed: Error: ErrImagePull (4 times)
    event Failed: Error: ImagePullBackOff (7 times)"
    );
}

#[test]
fn wait_report_of_a_workload_without_pods_gives_its_replica_sets_warnings() {
    assert_eq!(
        report_of("mailer"),
        "Deployment shop/mailer: 0 of 1 replicas ready, 0 updated
  no Pod exists yet
    event FailedCreate: pods \"mailer-7d5c9b8f6-\" is forbidden: exceeded quota: compute, requested: limits.memory=512Mi, used: limits.memory=2Gi, limited: limits.memory=2Gi (9 times)
  PersistentVolumeClaim shop/mailer-spool: does not exist"
    );
}

#[test]
fn a_failed_job_is_reported_without_waiting_out_the_timeout() {
    let job = workload("migrate");
    assert!(!is_ready(&job));
    assert_eq!(
        has_failed(&job).as_deref(),
        Some("BackoffLimitExceeded: Job has reached the specified backoff limit")
    );
    assert_eq!(
        progress(&job),
        "failed: BackoffLimitExceeded: Job has reached the specified backoff limit"
    );
    // Its Pods are found by the live selector (the controller's uid).
    assert_eq!(
        readiness::pod_selector(&job).as_deref(),
        Some("batch.kubernetes.io/controller-uid=f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f")
    );
    assert_eq!(has_failed(&workload("api")), None);
}

#[test]
fn progress_is_one_line_per_workload_when_it_becomes_ready() {
    let cache = workload("cache");
    assert!(is_ready(&cache));
    assert_eq!(
        readiness::ready_line(&id(&cache), 12),
        "ready Deployment shop/cache (after 12s)"
    );
    for name in ["backend", "worker", "api", "web", "mailer"] {
        assert!(!is_ready(&workload(name)), "{name}");
    }
    let pods: Vec<Pod> = items("pods.json");
    let ready = pods
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some("cache-58d9c7b6f-v2xlp"))
        .unwrap();
    assert_eq!(pod_problem(ready, &[]), None, "a ready Pod has no problem");
}

#[test]
fn a_workload_that_is_gone_says_so() {
    let web = workload("web");
    assert_eq!(
        report(&id(&web), None, &[], &[], &[]),
        "Deployment shop/web: does not exist any more"
    );
}
