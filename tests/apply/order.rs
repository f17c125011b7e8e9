//! The apply order (issue 9, problem 7): defined once, by `emit::Kind`; `convert` writes its
//! objects in it, `apply` sends them in it, `down` deletes in its reverse.

use std::path::PathBuf;

use compose2kube::apply::{LiveObject, order, prune};
use compose2kube::emit::{Kind, Object};

use crate::fixtures::{SHOP, convert, live};

/// The objects of every convert fixture that converts with default options, `-n shop`.
fn every_fixture() -> Vec<(String, Vec<Object>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        let file = dir.join("compose.yaml");
        if !file.exists() {
            continue;
        }
        let mut options = compose2kube::compose::LoadOptions::for_files([file.as_path()]);
        options.working_dir.clone_from(&dir);
        options.environment = indexmap::IndexMap::new();
        let loaded = compose2kube::compose::load(&options);
        if compose2kube::check(&loaded)
            .iter()
            .any(compose2kube::diag::Diagnostic::is_error)
        {
            continue;
        }
        let convert_options = compose2kube::plan::ConvertOptions {
            namespace: Some("shop".into()),
            ..compose2kube::plan::ConvertOptions::default()
        };
        let objects = compose2kube::convert(&loaded, &convert_options).objects();
        all.push((
            dir.file_name().unwrap().to_string_lossy().into_owned(),
            objects,
        ));
    }
    all
}

#[test]
fn convert_writes_objects_in_the_order_apply_sends_them() {
    let fixtures = every_fixture();
    assert!(fixtures.len() > 40, "{}", fixtures.len());
    let mut kinds_seen = std::collections::BTreeSet::new();
    for (name, objects) in &fixtures {
        let sent = order::for_apply(objects);
        assert_eq!(sent.len(), objects.len());
        assert!(
            sent.iter().zip(objects).all(|(s, o)| std::ptr::eq(*s, o)),
            "{name}: apply reorders nothing convert wrote"
        );
        let stages: Vec<u8> = objects.iter().map(|o| o.typed_kind().stage()).collect();
        assert!(stages.is_sorted(), "{name}: {stages:?}");
        assert_eq!(
            objects.first().map(Object::typed_kind),
            Some(Kind::Namespace),
            "{name}"
        );
        kinds_seen.extend(objects.iter().map(Object::typed_kind));
    }
    // The fixtures exercise most kinds; every one is in the single list.
    assert!(kinds_seen.len() >= 12, "{kinds_seen:?}");
    assert!(kinds_seen.iter().all(|k| Kind::ALL.contains(k)));
}

#[test]
fn every_kind_is_named_as_it_is_written() {
    for (name, objects) in every_fixture() {
        for object in &objects {
            let json = serde_json::to_value(object).unwrap();
            assert_eq!(json["kind"], object.typed_kind().as_str(), "{name}");
            assert_eq!(Kind::from_name(object.kind()), Some(object.typed_kind()));
        }
    }
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ConfigMap",
            "Secret",
            "PersistentVolumeClaim",
            "Service",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "CronJob",
            "NetworkPolicy",
            "Ingress",
            "HTTPRoute",
            "HorizontalPodAutoscaler",
        ]
    );
}

#[test]
fn down_deletes_in_the_reverse_of_the_apply_order() {
    let listed = live("team-namespace.json");
    let plan = prune::take_down(&listed, None, "shop", "team");
    let ranks: Vec<Kind> = plan.objects.iter().filter_map(|o| o.kind()).collect();
    let mut reversed = ranks.clone();
    reversed.sort_by(|a, b| b.cmp(a));
    assert_eq!(ranks, reversed);
    let objects = convert(SHOP, Some("shop"));
    let as_live: Vec<LiveObject> = objects
        .iter()
        .map(|o| {
            let mut metadata = o.metadata().clone();
            metadata.namespace.get_or_insert_with(|| "shop".into());
            LiveObject::new(o.kind(), metadata)
        })
        .collect();
    let mut doomed: Vec<&LiveObject> = as_live.iter().collect();
    order::sort_for_deletion(&mut doomed);
    let mut applied: Vec<String> = objects
        .iter()
        .map(|o| o.typed_kind().as_str().to_owned())
        .collect();
    applied.dedup();
    let mut deleted: Vec<String> = doomed.iter().map(|o| o.id.kind.clone()).collect();
    deleted.dedup();
    applied.reverse();
    assert_eq!(deleted, applied);
}
