//! The check before the apply (issue 9, problems 4 and 5): `apply --dry-run=server -n fresh`
//! into a namespace that does not exist yet checks every object, and a refusal of any object
//! applies nothing and is reported with all the others.

use compose2kube::apply::failure::ApiFailure;
use compose2kube::apply::namespace::{self, Step};
use compose2kube::apply::validate::{
    self, Check, Outcome, Send, Verdict, check_for, refused, stand_in, stand_in_body,
};
use compose2kube::apply::{ObjectRef, order, target_namespace};
use compose2kube::emit::Object;
use k8s_openapi::api::core::v1::Namespace;
use serde_json::json;

use crate::fixtures::{SHOP, convert, items};

/// A `Status` as the API server returns it, read the way the client reads it.
fn failure(object: &ObjectRef, status: serde_json::Value) -> ApiFailure {
    let status: kube::core::Status = serde_json::from_value(status).unwrap();
    ApiFailure::from_status(object.clone(), &status)
}

fn id(kind: &str, namespace: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.into(),
        namespace: Some(namespace.into()),
        name: name.into(),
    }
}

/// How `apply -n <namespace>` sends the objects of `SHOP`, given the live Namespace.
fn plan(
    objects: &[Object],
    live: Option<&Namespace>,
    stand_in_namespace: Option<&str>,
) -> Vec<(String, Send)> {
    let target = target_namespace(objects, "default");
    let step = objects.iter().find_map(|o| match o {
        Object::Namespace(desired) => Some(namespace::step(desired, live, "shop")),
        _ => None,
    });
    let missing = matches!(step, Some(Step::Create(_))).then_some(target.as_str());
    validate::sends(
        &order::for_apply(objects),
        step.as_ref(),
        missing,
        stand_in_namespace,
        "default",
    )
    .into_iter()
    .map(|(_, id, send)| (id.to_string(), send))
    .collect()
}

// Problem 4: the dry run into a namespace that does not exist failed every object.

#[test]
fn dry_run_into_a_new_namespace_checks_its_objects_in_a_stand_in() {
    let objects = convert(SHOP, Some("fresh"));
    let stand = stand_in("fresh", &[("default", true), ("default", true)]);
    assert_eq!(stand, Some("default"));
    let sends = plan(&objects, None, stand);
    let (first, create) = &sends[0];
    assert_eq!(first, "Namespace fresh");
    assert!(matches!(create, Send::CreateNamespace(_)), "{create:?}");
    assert!(sends.len() > 4, "{sends:?}");
    for (id, send) in &sends[1..] {
        assert!(id.contains(" fresh/"), "{id}");
        assert_eq!(
            send,
            &Send::Apply {
                stand_in: Some("default".into())
            },
            "{id}"
        );
    }
}

#[test]
fn into_an_existing_namespace_everything_is_checked_where_it_goes() {
    let objects = convert(SHOP, Some("team"));
    let team: Vec<Namespace> = items("namespaces.json");
    let team = team
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some("team"))
        .unwrap();
    let sends = plan(&objects, Some(team), Some("default"));
    assert!(
        matches!(&sends[0].1, Send::Skip(line) if line.starts_with("unchanged Namespace team"))
    );
    assert!(
        sends[1..]
            .iter()
            .all(|(_, send)| *send == Send::Apply { stand_in: None })
    );
    // Without `-n` the context's namespace is the target, and nothing stands in for it: if it
    // does not exist, the real apply fails too, and the dry run says so.
    let objects = convert(SHOP, None);
    assert_eq!(target_namespace(&objects, "dev"), "dev");
    assert_eq!(
        check_for(&id("Service", "dev", "web"), None, Some("default")),
        Check::InPlace
    );
}

#[test]
fn a_stand_in_check_creates_under_a_generated_name_and_touches_nothing_there() {
    let objects = convert(SHOP, Some("fresh"));
    let deployment = objects
        .iter()
        .find(|o| matches!(o, Object::Deployment(_)))
        .unwrap();
    let body = serde_json::to_value(deployment).unwrap();
    let sent = stand_in_body(&body, "default");
    assert_eq!(sent["metadata"]["namespace"], "default");
    assert_eq!(
        sent["metadata"]["generateName"],
        format!("{}-", deployment.name())
    );
    assert!(
        sent["metadata"].get("name").is_none(),
        "no object of `default` is named"
    );
    assert_eq!(sent["metadata"]["labels"], body["metadata"]["labels"]);
    assert_eq!(
        sent["spec"], body["spec"],
        "the object itself is what is checked"
    );
    assert_eq!(sent["kind"], "Deployment");
}

#[test]
fn the_dry_run_says_what_a_stand_in_did_not_check() {
    assert_eq!(
        validate::stand_in_note("fresh", "default", 5),
        "note: namespace `fresh` does not exist yet, so its 5 objects were checked by a dry-run creation in namespace `default` under generated names. Not checked: the objects' own names, and the quotas, limit ranges and admission policies that would apply in `fresh` rather than in `default`"
    );
    assert!(
        validate::no_stand_in_note("fresh", 1).contains("its 1 namespaced object was not checked")
    );
}

#[test]
fn a_refusal_in_the_stand_in_says_where_it_was_checked_and_a_forbidden_one_is_unchecked() {
    let web = id("Deployment", "fresh", "web");
    let invalid = failure(
        &web,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Deployment.apps \"web-x7k2p\" is invalid: spec.template.spec.containers[0].image: Required value",
            "reason": "Invalid",
            "details": {"name": "web-x7k2p", "group": "apps", "kind": "Deployment", "causes": [
                {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.template.spec.containers[0].image"}
            ]},
            "code": 422
        }),
    );
    let Outcome::Refused(refusal) = refused(invalid, &Check::StandIn("default".into())) else {
        panic!("an invalid object is refused wherever it is checked");
    };
    assert_eq!(
        refusal.to_string(),
        "Deployment fresh/web: Invalid (422): Deployment.apps \"web-x7k2p\" is invalid: spec.template.spec.containers[0].image: Required value\n  spec.template.spec.containers[0].image: Required value\n  (checked in namespace `default` under a generated name, as its own namespace does not exist yet)"
    );
    let forbidden = failure(
        &web,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "deployments.apps is forbidden: User \"alice\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"default\"",
            "reason": "Forbidden",
            "details": {"group": "apps", "kind": "deployments"},
            "code": 403
        }),
    );
    let outcome = refused(forbidden, &Check::StandIn("default".into()));
    let Outcome::Unchecked { object, why } = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(object, &web);
    assert!(why.starts_with("forbidden in namespace `default`"), "{why}");
    let verdict = Verdict::of(vec![outcome]);
    assert!(
        verdict.passed(),
        "a check that could not be made refuses nothing"
    );
    assert!(verdict.unchecked_lines()[0].starts_with("not checked Deployment fresh/web: "));
}

#[test]
fn a_namespace_that_does_not_exist_is_named_with_how_to_create_it() {
    // What the issue saw: every object of `apply --dry-run=server -n fresh`.
    let text = failure(
        &id("ConfigMap", "fresh", "web-config"),
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "namespaces \"fresh\" not found", "reason": "NotFound",
            "details": {"name": "fresh", "kind": "namespaces"}, "code": 404
        }),
    )
    .to_string();
    assert_eq!(
        text,
        "ConfigMap fresh/web-config: NotFound (404): namespaces \"fresh\" not found\n  help: the namespace does not exist; create it, or apply with `-n NAME` (compose2kube then creates it)"
    );
}

// Problem 5: a conflict stopped apply half-way, with the objects before it applied.

#[test]
fn every_refusal_of_the_check_is_reported_and_nothing_is_applied() {
    let web = id("Deployment", "shop", "web");
    let service = id("Service", "shop", "web");
    let conflict = failure(
        &web,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas",
            "reason": "Conflict",
            "details": {"name": "web", "group": "apps", "kind": "deployments", "causes": [
                {"reason": "FieldManagerConflict", "message": "conflict with \"kubectl-edit\" using apps/v1", "field": ".spec.replicas"}
            ]},
            "code": 409
        }),
    );
    let invalid = failure(
        &service,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
            "reason": "Invalid",
            "details": {"name": "web", "kind": "Service", "causes": [
                {"reason": "FieldValueInvalid", "message": "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767", "field": "spec.ports[0].nodePort"}
            ]},
            "code": 422
        }),
    );
    let verdict = Verdict::of(vec![
        Outcome::Passed,
        refused(invalid, &Check::InPlace),
        Outcome::Passed,
        refused(conflict, &Check::InPlace),
        Outcome::Passed,
    ]);
    assert!(!verdict.passed());
    assert_eq!(
        verdict.report(true),
        "the API server would refuse 2 of 5 objects; nothing was applied:
Service shop/web: Invalid (422): Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767
  spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767
Deployment shop/web: Conflict (409): Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas
  .spec.replicas: conflict with \"kubectl-edit\" using apps/v1
  help: another field manager owns these fields; `--force-conflicts` takes them over
help: fix them and apply again, or apply the others with `--continue-on-error`"
    );
    assert!(
        verdict
            .report(false)
            .starts_with("the API server would refuse 2 of 5 objects:\n"),
        "a dry run applies nothing anyway"
    );
}
