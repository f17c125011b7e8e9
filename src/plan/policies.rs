//! Isolation: Compose networks as NetworkPolicies.
//!
//! Kubernetes has one flat network; Compose networks isolate groups of services. Each Compose
//! network becomes a NetworkPolicy selecting the Pods on it (labelled here with each network
//! they are on) that lets in traffic from the other Pods on it — so Pods on a common network reach each
//! other and Pods that share none cannot, exactly as in Compose. Policies add up, so a Pod
//! on two networks is reachable from both. An `internal: true` network also restricts egress to
//! its members and cluster DNS; other networks allow any egress. Published ports stay
//! reachable from outside the cluster, and `network_mode: none` denies everything.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::compose::model::networking::NamespaceMode;
use crate::hash::IndexSet;
use crate::plan::pods::PodGroups;
use crate::plan::{Context, NetworkPolicies, Plan, Policy, labels, names};
use crate::report::{Entry, Report};

/// What a policy allows.
#[derive(Clone, Debug, PartialEq)]
pub enum Rules {
    /// The spec as written, without its `podSelector` (the policy's own).
    Spec(NetworkPolicySpec),
    /// Ingress from anywhere to these ports (number, protocol): a Pod's published ports.
    /// Kept as the ports, as nearly every Pod of a large project has such a policy: the spec
    /// is made when the object is written.
    Published(Vec<(i32, String)>),
}

impl Rules {
    /// The spec, without its `podSelector`.
    #[must_use]
    pub fn spec(&self) -> NetworkPolicySpec {
        match self {
            Self::Spec(spec) => spec.clone(),
            Self::Published(ports) => NetworkPolicySpec {
                pod_selector: None,
                policy_types: Some(vec!["Ingress".into()]),
                ingress: Some(vec![NetworkPolicyIngressRule {
                    from: Some(
                        ["0.0.0.0/0", "::/0"]
                            .iter()
                            .map(|cidr| NetworkPolicyPeer {
                                ip_block: Some(IPBlock {
                                    cidr: (*cidr).to_owned(),
                                    except: None,
                                }),
                                ..NetworkPolicyPeer::default()
                            })
                            .collect(),
                    ),
                    ports: Some(
                        ports
                            .iter()
                            .map(|(port, protocol)| NetworkPolicyPort {
                                port: Some(IntOrString::Int(*port)),
                                protocol: Some(protocol.clone()),
                                end_port: None,
                            })
                            .collect(),
                    ),
                }]),
                egress: None,
            },
        }
    }
}

/// Whether NetworkPolicies are generated for the project's networks (and its Pods carry
/// a label per network they are on, which the policies select them by).
pub fn enabled(context: &Context) -> bool {
    match context.options.network_policies {
        NetworkPolicies::Always => true,
        NetworkPolicies::Never => false,
        NetworkPolicies::Auto => context.project.networks.iter().any(|(name, network)| {
            name.as_str() != "default" || network.internal.as_ref().is_some_and(|i| i.value)
        }),
    }
}

/// Plans the policies; they select the Pods by the network labels each Pod carries when
/// [`enabled`] ([`crate::plan::Workload::pod_labels`]).
pub fn plan(context: &Context, groups: &PodGroups, plan: &mut Plan, report: &mut Report) {
    let none_mode = none_mode_policies(context, groups, plan, report);
    if !enabled(context) {
        return;
    }
    // The networks some Pod is on, in the order the Pods name them.
    let mut used: IndexSet<&str> = IndexSet::default();
    for workload in &plan.workloads {
        used.extend(workload.networks.iter().map(String::as_str));
    }
    let mut policies: Vec<Policy> = used
        .iter()
        .map(|network| network_policy(context, network))
        .collect();
    policies.extend(
        plan.workloads
            .iter()
            .filter(|w| !none_mode.contains(&w.name) && !w.pod.host_network())
            .filter_map(|w| published_policy(context, w)),
    );
    plan.policies.extend(policies);
}

/// The Pods on a network.
fn network_selector(context: &Context, network: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([
            (labels::network(network), "true".to_owned()),
            (
                labels::PART_OF.to_owned(),
                names::label_value(&context.name),
            ),
        ])),
        ..LabelSelector::default()
    }
}

/// Egress to the cluster DNS (CoreDNS/kube-dns in `kube-system`).
fn dns_egress() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "kubernetes.io/metadata.name".to_owned(),
                    "kube-system".to_owned(),
                )])),
                ..LabelSelector::default()
            }),
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "k8s-app".to_owned(),
                    "kube-dns".to_owned(),
                )])),
                ..LabelSelector::default()
            }),
            ..NetworkPolicyPeer::default()
        }]),
        ports: Some(
            ["UDP", "TCP"]
                .iter()
                .map(|protocol| NetworkPolicyPort {
                    port: Some(IntOrString::Int(53)),
                    protocol: Some((*protocol).to_owned()),
                    end_port: None,
                })
                .collect(),
        ),
    }
}

/// `network_mode: none`: a policy that denies all traffic of the Pod. Returns the workloads
/// it applies to.
fn none_mode_policies(
    context: &Context,
    groups: &PodGroups,
    plan: &mut Plan,
    report: &mut Report,
) -> Vec<String> {
    let mut out = Vec::new();
    if context.options.network_policies == NetworkPolicies::Never {
        return out;
    }
    for group in &groups.groups {
        let Some(root) = context.project.services.get(group.root.as_str()) else {
            continue;
        };
        let Some(mode) = root
            .network_mode
            .as_ref()
            .filter(|m| m.value == NamespaceMode::None)
        else {
            continue;
        };
        report.add(
            Entry::approximated(
                Some(&group.root),
                "network_mode",
                Some(mode.span),
                "a Pod always has a network; a NetworkPolicy denies all its traffic instead",
            )
            .help("the cluster's network plugin must enforce NetworkPolicies (Calico, Cilium, …)"),
        );
        plan.policies.push(Policy {
            name: names::joined(&[&group.name, "no-network"]),
            labels: labels::common(context, &group.root),
            pod_selector: labels::selector(context, &group.name),
            rules: Rules::Spec(NetworkPolicySpec {
                pod_selector: None,
                policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                ingress: None,
                egress: None,
            }),
            purpose: format!(
                "`{}` has `network_mode: none`: no traffic in or out",
                group.root
            ),
        });
        out.push(group.name.clone());
    }
    out
}

/// The policy of one Compose network: its Pods reach each other; an internal network also
/// keeps their egress inside it (plus DNS).
fn network_policy(context: &Context, network: &str) -> Policy {
    let project = context.project;
    let definition = project.networks.get(network);
    let internal = definition
        .and_then(|n| n.internal.as_ref())
        .is_some_and(|i| i.value);
    let members = network_selector(context, network);
    let egress = if internal {
        vec![
            NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    pod_selector: Some(members.clone()),
                    ..NetworkPolicyPeer::default()
                }]),
                ports: None,
            },
            dns_egress(),
        ]
    } else {
        vec![NetworkPolicyEgressRule::default()]
    };
    Policy {
        name: names::joined(&[&context.name, "network", network]),
        labels: labels::common(context, network),
        pod_selector: Arc::new(members.match_labels.clone().into_iter().flatten().collect()),
        rules: Rules::Spec(NetworkPolicySpec {
            pod_selector: None,
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![NetworkPolicyPeer {
                    pod_selector: Some(members),
                    ..NetworkPolicyPeer::default()
                }]),
                ports: None,
            }]),
            egress: Some(egress),
        }),
        purpose: if internal {
            format!(
                "network `{network}` (internal): Pods on it reach each other and nothing outside but DNS"
            )
        } else {
            format!("network `{network}`: Pods on it reach each other")
        },
    }
}

/// Published ports stay reachable from outside the cluster.
fn published_policy(context: &Context, workload: &crate::plan::Workload) -> Option<Policy> {
    let project = context.project;
    let published: Vec<(i32, String)> = workload
        .group
        .members
        .iter()
        .filter_map(|m| project.services.get(m.service.as_str()))
        .flat_map(|s| {
            // Every `ports` entry is published: without a host port Docker picks a free one.
            s.ports
                .iter()
                .map(|p| (i32::from(p.target), p.protocol().to_uppercase()))
        })
        .collect();
    if published.is_empty() {
        return None;
    }
    Some(Policy {
        name: names::joined(&[&workload.name, "published"]),
        labels: labels::common(context, &workload.group.root),
        pod_selector: Arc::clone(&workload.selector),
        rules: Rules::Published(published),
        purpose: format!(
            "published ports of `{}`: reachable from outside the cluster",
            workload.group.root
        ),
    })
}
