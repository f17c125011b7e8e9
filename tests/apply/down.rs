//! `down` and `--prune` (issue 9, problems 1–3): only objects of the project, only in the
//! namespace they are pointed at, a Namespace only when compose2kube created it for the project
//! and nothing else is in it, every deletion listed with the Namespace last.

use compose2kube::apply::namespace::{self, CREATED_FOR, Origin, Step};
use compose2kube::apply::prune::{
    self, Consent, Keep, NamespaceFate, TakeDown, consent, elsewhere, take_down, to_prune,
};
use compose2kube::apply::{LiveObject, ObjectRef};
use k8s_openapi::api::core::v1::Namespace;
use serde_json::json;

use crate::fixtures::{items, live, object};

fn namespaces() -> Vec<Namespace> {
    items("namespaces.json")
}

fn namespace_named(name: &str) -> Namespace {
    namespaces()
        .into_iter()
        .find(|n| n.metadata.name.as_deref() == Some(name))
        .unwrap()
}

fn deletions(plan: &TakeDown<'_>) -> Vec<String> {
    plan.deletions().iter().map(ToString::to_string).collect()
}

// Problem 1: `down -n nsa` deleted the Namespace nsb too.

#[test]
fn down_only_touches_the_target_namespace() {
    let listed = live("list-across-namespaces.json");
    let nsa = namespace_named("nsa");
    let plan = take_down(&listed, Some(&nsa), "shop", "nsa");
    assert_eq!(
        deletions(&plan),
        [
            "NetworkPolicy nsa/shop-default",
            "Deployment nsa/db",
            "Deployment nsa/web",
            "Service nsa/web",
            "PersistentVolumeClaim nsa/db-data",
            "Secret nsa/db-password",
            "ConfigMap nsa/web-config",
            "Namespace nsa",
        ]
    );
    assert!(
        plan.deletions()
            .iter()
            .all(|d| d.namespace.as_deref() == Some("nsa") || d.name == "nsa"),
        "nothing of nsb, which carries the same project"
    );
}

#[test]
fn prune_only_touches_the_target_namespace() {
    let listed = live("list-across-namespaces.json");
    // The conversion now makes only `web` (its ConfigMap, Service and Deployment).
    let desired = [
        object(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web-config"}}),
        ),
        object(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}})),
        object(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}})),
    ];
    let pruned: Vec<String> = to_prune(&listed, &desired, "shop", "nsa")
        .iter()
        .map(|o| o.id.to_string())
        .collect();
    assert_eq!(
        pruned,
        [
            "NetworkPolicy nsa/shop-default",
            "Deployment nsa/db",
            "PersistentVolumeClaim nsa/db-data",
            "Secret nsa/db-password",
        ],
        "never nsb's copy, never a Namespace, never the automatic objects"
    );
}

#[test]
fn prune_never_deletes_what_is_not_the_projects() {
    let listed = live("list-across-namespaces.json");
    let pruned: Vec<String> = to_prune(&listed, &[], "shop", "nsb")
        .iter()
        .map(|o| o.id.name.clone())
        .collect();
    for foreign in [
        "feature-flags",
        "shop-lookalike",
        "blog",
        "kube-root-ca.crt",
        "default",
    ] {
        assert!(
            !pruned.iter().any(|p| p == foreign),
            "{foreign}: {pruned:?}"
        );
    }
    assert_eq!(pruned.len(), 7, "{pruned:?}");
}

#[test]
fn prune_keeps_the_claims_a_statefulset_made_from_its_templates() {
    let listed = live("team-namespace.json");
    let desired = [object(json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "team"},
        "spec": {
            "selector": {"matchLabels": {"app.kubernetes.io/name": "db"}},
            "serviceName": "db",
            "template": {"metadata": {"labels": {"app.kubernetes.io/name": "db"}}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]
        }
    }))];
    let pruned: Vec<String> = to_prune(&listed, &desired, "shop", "team")
        .iter()
        .map(|o| o.id.to_string())
        .collect();
    assert!(
        !pruned.contains(&"PersistentVolumeClaim team/data-db-0".to_owned()),
        "{pruned:?}"
    );
    assert!(
        pruned.contains(&"Job team/migrate".to_owned()),
        "{pruned:?}"
    );
    assert!(!pruned.contains(&"StatefulSet team/db".to_owned()));
}

// Problem 2: `down -n team` deleted a namespace the user had made, with their ConfigMap.

#[test]
fn down_never_deletes_a_namespace_it_did_not_create() {
    let listed = live("team-namespace.json");
    for name in ["team", "legacy"] {
        // `legacy` carries the project's labels (an older compose2kube stamped them) but no
        // creation annotation: labels never make a Namespace the project's.
        let ns = namespace_named(name);
        let mut listed = listed.clone();
        for object in &mut listed {
            object.id.namespace = Some(name.to_owned());
        }
        let plan = take_down(&listed, Some(&ns), "shop", name);
        assert_eq!(
            plan.fate,
            NamespaceFate::Keep(Keep::NotCreated(Origin::NotCreatedByCompose2kube)),
            "{name}"
        );
        assert!(!deletions(&plan).iter().any(|d| d.starts_with("Namespace")));
        assert!(
            !deletions(&plan)
                .iter()
                .any(|d| d.contains("payments-settings")),
            "the user's ConfigMap stays"
        );
        assert_eq!(
            plan.kept_line().unwrap(),
            format!("kept Namespace {name} (it was not created by compose2kube)")
        );
    }
}

#[test]
fn apply_leaves_an_existing_namespace_exactly_as_it_was() {
    let desired = object(json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team", "labels": {
            "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "compose2kube"
        }}
    }));
    let compose2kube::emit::Object::Namespace(desired) = desired else {
        unreachable!()
    };
    let team = namespace_named("team");
    // Nothing is sent for it: no label, no annotation.
    assert_eq!(
        namespace::step(&desired, Some(&team), "shop"),
        Step::Leave(Origin::NotCreatedByCompose2kube)
    );
    assert_eq!(
        namespace::left_line("team", &Origin::NotCreatedByCompose2kube),
        "unchanged Namespace team (it already existed: left exactly as it is, and `down` keeps it)"
    );
    let shared = namespace_named("shared");
    assert_eq!(
        namespace::step(&desired, Some(&shared), "shop"),
        Step::Leave(Origin::CreatedForProject("blog".into()))
    );
    assert_eq!(
        namespace::step(&desired, Some(&namespace_named("going")), "shop"),
        Step::Terminating
    );
}

#[test]
fn a_namespace_compose2kube_creates_records_it_in_an_annotation() {
    let compose2kube::emit::Object::Namespace(desired) = object(json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "fresh", "labels": {
            "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "compose2kube"
        }}
    })) else {
        unreachable!()
    };
    let Step::Create(created) = namespace::step(&desired, None, "shop") else {
        panic!("an absent Namespace is created");
    };
    let body = serde_json::to_value(&*created).unwrap();
    assert_eq!(body["metadata"]["annotations"][CREATED_FOR], "shop");
    assert_eq!(
        body["metadata"]["labels"],
        json!({"app.kubernetes.io/managed-by": "compose2kube", "app.kubernetes.io/part-of": "shop"})
    );
    assert_eq!(
        namespace::origin(&created, "shop"),
        Origin::CreatedForThisProject
    );
}

#[test]
fn down_keeps_a_namespace_that_holds_objects_it_did_not_make() {
    let listed = live("list-across-namespaces.json");
    let nsb = namespace_named("nsb");
    let plan = take_down(&listed, Some(&nsb), "shop", "nsb");
    assert_eq!(plan.objects.len(), 7, "the project's objects still go");
    let NamespaceFate::Keep(Keep::HoldsOthers(others)) = &plan.fate else {
        panic!("{:?}", plan.fate);
    };
    let others: Vec<String> = others.iter().map(ToString::to_string).collect();
    // Not the automatic `kube-root-ca.crt` and `default`, nor the Pod a ReplicaSet owns.
    assert_eq!(
        others,
        [
            "ConfigMap nsb/feature-flags",
            "ConfigMap nsb/shop-lookalike",
            "Deployment nsb/blog"
        ]
    );
    assert_eq!(
        plan.kept_line().unwrap(),
        "kept Namespace nsb: it also holds 3 objects that compose2kube did not make for this project:\n  ConfigMap nsb/feature-flags\n  ConfigMap nsb/shop-lookalike\n  Deployment nsb/blog\n  delete them first, or delete the namespace with them: `kubectl delete namespace nsb`"
    );
}

#[test]
fn down_counts_a_bare_pod_but_not_controller_made_ones_or_service_account_tokens() {
    let mut listed = live("team-namespace.json");
    let mut team = namespace_named("team");
    team.metadata
        .annotations
        .get_or_insert_default()
        .insert(CREATED_FOR.into(), "shop".into());
    listed.retain(|o| o.id.name != "payments-settings");
    let plan = take_down(&listed, Some(&team), "shop", "team");
    assert_eq!(
        plan.fate,
        NamespaceFate::Keep(Keep::HoldsOthers(vec![ObjectRef {
            kind: "Pod".into(),
            namespace: Some("team".into()),
            name: "debug-shell".into(),
        }])),
        "the Job's Pod and the tokens of `default` and of the project's account are not counted"
    );
    listed.retain(|o| o.id.name != "debug-shell");
    let plan = take_down(&listed, Some(&team), "shop", "team");
    assert_eq!(plan.fate, NamespaceFate::Delete);
    assert_eq!(deletions(&plan).last().unwrap(), "Namespace team");
}

#[test]
fn down_never_deletes_a_system_namespace_or_another_projects() {
    let listed: Vec<LiveObject> = Vec::new();
    let default = namespace_named("default");
    let plan = take_down(&listed, Some(&default), "shop", "default");
    assert_eq!(plan.fate, NamespaceFate::Keep(Keep::System));
    let mut marked = namespace_named("kube-system");
    marked
        .metadata
        .annotations
        .get_or_insert_default()
        .insert(CREATED_FOR.into(), "shop".into());
    let plan = take_down(&listed, Some(&marked), "shop", "kube-system");
    assert_eq!(plan.fate, NamespaceFate::Keep(Keep::System));
    let shared = namespace_named("shared");
    let plan = take_down(&listed, Some(&shared), "shop", "shared");
    assert_eq!(
        plan.kept_line().unwrap(),
        "kept Namespace shared (compose2kube created it for project `blog`)"
    );
    let going = namespace_named("going");
    assert_eq!(
        take_down(&listed, Some(&going), "shop", "going").fate,
        NamespaceFate::Gone
    );
    assert_eq!(
        take_down(&listed, None, "shop", "absent").fate,
        NamespaceFate::Gone
    );
}

// Problem 3: `down` without `-n`, after `apply -n test1`, deleted test1 and listed nothing.

#[test]
fn down_without_n_looks_only_in_the_context_namespace_and_points_to_the_others() {
    let listed = live("list-across-namespaces.json");
    let default = namespace_named("default");
    let plan = take_down(&listed, Some(&default), "shop", "default");
    assert!(plan.deletions().is_empty(), "{:?}", deletions(&plan));
    assert_eq!(
        elsewhere(&namespaces(), "shop", "default"),
        ["legacy", "nsa", "nsb"],
        "a hint only: the namespaces that carry the project's marks"
    );
    assert_eq!(elsewhere(&namespaces(), "blog", "default"), ["shared"]);
}

#[test]
fn down_lists_every_deletion_with_the_namespace_last() {
    let listed = live("team-namespace.json");
    let mut team = namespace_named("team");
    team.metadata
        .annotations
        .get_or_insert_default()
        .insert(CREATED_FOR.into(), "shop".into());
    let listed: Vec<LiveObject> = listed
        .into_iter()
        .filter(|o| !["payments-settings", "debug-shell"].contains(&o.id.name.as_str()))
        .collect();
    let plan = take_down(&listed, Some(&team), "shop", "team");
    assert_eq!(
        deletions(&plan),
        [
            "HorizontalPodAutoscaler team/web",
            "Ingress team/web",
            "Job team/migrate",
            "StatefulSet team/db",
            "Service team/web",
            "PersistentVolumeClaim team/data-db-0",
            "RoleBinding team/shop-job-waiter",
            "Role team/shop-job-waiter",
            "ServiceAccount team/shop-job-waiter",
            "Namespace team",
        ]
    );
    assert_eq!(
        plan.question(),
        "Namespace team was created by compose2kube for this project and holds nothing else; delete it after its 9 objects?"
    );
}

#[test]
fn down_asks_before_deleting_a_namespace_and_keeps_it_without_an_answer() {
    assert_eq!(consent(false, true), Consent::Ask);
    assert_eq!(consent(false, false), Consent::Withheld);
    assert_eq!(consent(true, false), Consent::Given);
    let listed: Vec<LiveObject> = Vec::new();
    let nsa = namespace_named("nsa");
    let mut plan = take_down(&listed, Some(&nsa), "shop", "nsa");
    assert_eq!(plan.fate, NamespaceFate::Delete);
    // What the client does when the answer is no, or there is no terminal and no --yes.
    plan.fate = NamespaceFate::Keep(Keep::NotConfirmed);
    assert!(plan.deletions().is_empty());
    assert_eq!(
        plan.kept_line().unwrap(),
        "kept Namespace nsa (compose2kube created it; `down --yes` deletes it too)"
    );
    assert_eq!(
        prune::selector("shop"),
        "app.kubernetes.io/part-of=shop,app.kubernetes.io/managed-by=compose2kube"
    );
}
