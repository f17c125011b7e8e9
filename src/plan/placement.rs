//! Where Pods run: `platform` as a node selector, `deploy.placement` constraints as required
//! node affinity, spread preferences as topology spread constraints.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PodAffinityTerm, PodAntiAffinity, PodSpec, TopologySpreadConstraint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::compose::model::Service;
use crate::plan::names;
use crate::report::{Entry, Report};
use crate::source::Spanned;

const OS: &str = "kubernetes.io/os";
const ARCH: &str = "kubernetes.io/arch";
const HOSTNAME: &str = "kubernetes.io/hostname";

/// Sets the placement of the Pod of `service` (its root).
pub fn apply(
    name: &str,
    service: &Service,
    selector: &BTreeMap<String, String>,
    pod: &mut PodSpec,
    report: &mut Report,
) {
    if let Some(platform) = &service.rare().platform {
        pod.node_selector = node_selector(name, platform, report);
    }
    let Some(placement) = service.deploy.as_ref().and_then(|d| d.placement.as_ref()) else {
        return;
    };
    let requirements = requirements(name, &placement.constraints, report);
    let mut affinity = Affinity::default();
    if !requirements.is_empty() {
        affinity.node_affinity = Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(requirements),
                    match_fields: None,
                }],
            }),
            preferred_during_scheduling_ignored_during_execution: None,
        });
    }
    let pod_selector = LabelSelector {
        match_labels: Some(selector.clone()),
        ..LabelSelector::default()
    };
    if let Some(max) = &placement.max_replicas_per_node {
        if max.value == 1 {
            affinity.pod_anti_affinity = Some(PodAntiAffinity {
                required_during_scheduling_ignored_during_execution: Some(vec![PodAffinityTerm {
                    label_selector: Some(pod_selector.clone()),
                    topology_key: HOSTNAME.into(),
                    ..PodAffinityTerm::default()
                }]),
                ..PodAntiAffinity::default()
            });
        } else {
            report.add(
                Entry::unsupported(Some(name), "deploy.placement.max_replicas_per_node", Some(max.span), "Kubernetes can keep Pods apart (one per node) but not cap them at a number per node")
                    .help("use 1, or a topology spread constraint"),
            );
        }
    }
    if affinity != Affinity::default() {
        pod.affinity = Some(affinity);
    }
    pod.topology_spread_constraints = spread(name, &placement.preferences, &pod_selector, report);
}

/// `platform: os/arch[/variant]` as the standard node labels.
fn node_selector(
    name: &str,
    platform: &Spanned<String>,
    report: &mut Report,
) -> Option<BTreeMap<String, String>> {
    let mut parts = platform.split('/');
    let mut node_selector = BTreeMap::new();
    if let Some(os) = parts.next().filter(|s| !s.is_empty()) {
        node_selector.insert(OS.to_owned(), os.to_owned());
    }
    if let Some(arch) = parts.next().filter(|s| !s.is_empty()) {
        node_selector.insert(ARCH.to_owned(), arch.to_owned());
    }
    if let Some(variant) = parts.next() {
        report.add(Entry::approximated(
            Some(name),
            "platform",
            Some(platform.span),
            format!("nodes have no standard label for the CPU variant `{variant}`; only the OS and architecture are required"),
        ));
    }
    (!node_selector.is_empty()).then_some(node_selector)
}

/// Swarm constraints (`node.hostname==x`, `node.labels.k!=v`, …) as node selector
/// requirements.
fn requirements(
    name: &str,
    constraints: &[Spanned<String>],
    report: &mut Report,
) -> Vec<NodeSelectorRequirement> {
    let mut requirements = Vec::new();
    for constraint in constraints {
        let (key, operator, value) = if let Some((k, v)) = constraint.split_once("!=") {
            (k.trim(), "NotIn", v.trim())
        } else if let Some((k, v)) = constraint.split_once("==") {
            (k.trim(), "In", v.trim())
        } else {
            report.add(Entry::unsupported(
                Some(name),
                "deploy.placement.constraints",
                Some(constraint.span),
                "a constraint is `KEY==VALUE` or `KEY!=VALUE`",
            ));
            continue;
        };
        let node_key = match key {
            "node.hostname" => HOSTNAME.to_owned(),
            "node.platform.os" => OS.to_owned(),
            "node.platform.arch" => ARCH.to_owned(),
            "node.role" => {
                let manager = (value == "manager") == (operator == "In");
                report.add(Entry::approximated(
                    Some(name),
                    "deploy.placement.constraints",
                    Some(constraint.span),
                    "Swarm managers are taken to be the control-plane nodes",
                ));
                requirements.push(NodeSelectorRequirement {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    operator: if manager { "Exists" } else { "DoesNotExist" }.into(),
                    values: None,
                });
                continue;
            }
            other => match other.strip_prefix("node.labels.") {
                Some(label) => label.to_owned(),
                None => {
                    report.add(
                        Entry::unsupported(
                            Some(name),
                            "deploy.placement.constraints",
                            Some(constraint.span),
                            format!("`{other}` has no Kubernetes node label"),
                        )
                        .help("use `node.hostname`, `node.platform.*` or `node.labels.*`"),
                    );
                    continue;
                }
            },
        };
        if names::label_value(value) != value {
            report.add(Entry::unsupported(
                Some(name),
                "deploy.placement.constraints",
                Some(constraint.span),
                format!("`{value}` is not a valid label value"),
            ));
            continue;
        }
        requirements.push(NodeSelectorRequirement {
            key: node_key,
            operator: operator.into(),
            values: Some(vec![value.to_owned()]),
        });
    }
    requirements
}

/// Spread preferences (`spread: node.labels.zone`) as topology spread constraints.
fn spread(
    name: &str,
    preferences: &[Spanned<crate::compose::model::deploy::PlacementPreference>],
    pod_selector: &LabelSelector,
    report: &mut Report,
) -> Option<Vec<TopologySpreadConstraint>> {
    let mut spread = Vec::new();
    for preference in preferences {
        let Some(label) = preference.spread.as_ref() else {
            continue;
        };
        match label.strip_prefix("node.labels.") {
            Some(key) => spread.push(TopologySpreadConstraint {
                max_skew: 1,
                topology_key: key.to_owned(),
                when_unsatisfiable: "ScheduleAnyway".into(),
                label_selector: Some(pod_selector.clone()),
                ..TopologySpreadConstraint::default()
            }),
            None => report.add(Entry::unsupported(
                Some(name),
                "deploy.placement.preferences",
                Some(label.span),
                "only `node.labels.*` can be spread over",
            )),
        }
    }
    (!spread.is_empty()).then_some(spread)
}
