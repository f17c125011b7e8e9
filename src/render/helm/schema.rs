//! `values.schema.json`: a JSON Schema (draft 7) of the values, which Helm checks on every
//! install, upgrade and template.
//!
//! JSON has no comments, so the file says it was generated in a `$comment` (a keyword draft 7
//! defines for this), which is how compose2kube recognises it as its own
//! ([`crate::render::manifests::GENERATED`]).

use serde_json::{Map, Value, json};

use super::{HelmError, Values};
use crate::plan::{PathType, ServiceType};
use crate::render::manifests::GENERATED;

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn object(description: &str) -> Value {
    json!({ "type": "object", "description": description })
}

fn array(description: &str) -> Value {
    json!({ "type": "array", "description": description })
}

/// A mapping of exactly these properties: any other key is a typo, which Helm rejects
/// rather than ignores.
#[allow(clippy::needless_pass_by_value)]
fn closed(properties: Value) -> Value {
    json!({ "type": "object", "properties": properties, "additionalProperties": false })
}

/// The keys of one container's values, which every block has.
fn container_properties() -> Map<String, Value> {
    let properties = json!({
        "image": {
            "type": "object",
            "properties": {
                "repository": string("Image repository."),
                "tag": {
                    "type": ["string", "number"],
                    "description": "Image tag (empty: the repository alone); --set image.tag=16 gives a number, which is a tag too."
                },
                "pullPolicy": {
                    "type": "string",
                    "enum": ["", "Always", "IfNotPresent", "Never"],
                    "description": "imagePullPolicy (empty: the Kubernetes default)."
                }
            },
            "required": ["repository", "tag"],
            "additionalProperties": false
        },
        "resources": closed(json!({
            "limits": object("Resource limits, e.g. {memory: 256Mi}."),
            "requests": object("Resource requests, e.g. {cpu: 100m}."),
            "claims": array("Dynamic resource claims.")
        })),
        "env": {
            "type": "array",
            "description": "The container's environment, in order (a later entry may use $(EARLIER)).",
            "items": {
                "type": "object",
                "properties": {
                    "name": { "type": "string" },
                    "value": { "type": "string" },
                    "valueFrom": object("As in a container's env.")
                },
                "required": ["name"],
                "additionalProperties": false
            }
        }
    });
    match properties {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The keys of the block of a service that owns its Pod (the root of a Pod group).
fn pod_properties() -> Map<String, Value> {
    let mut properties = container_properties();
    let pod = json!({
        "service": closed(json!({
            "type": {
                "type": "string",
                "enum": ServiceType::SPEC_TYPES.map(ServiceType::as_str),
                "description": "NodePort or LoadBalancer: the published ports are reachable from outside the cluster."
            },
            "ports": array("The ports of that Service, as in a Service spec.")
        })),
        "ingress": {
            "type": "object",
            "properties": {
                "enabled": { "type": "boolean" },
                "annotations": { "type": "object", "additionalProperties": { "type": "string" } },
                "className": string("ingressClassName (empty: the cluster default)."),
                "hosts": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "host": string("Host name (empty: every host)."),
                            "paths": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "path": { "type": "string" },
                                        "pathType": {
                                            "type": "string",
                                            "enum": PathType::ALL.map(PathType::as_str)
                                        },
                                        "port": { "type": "integer" }
                                    },
                                    "required": ["path", "port"],
                                    "additionalProperties": false
                                }
                            }
                        },
                        "required": ["paths"],
                        "additionalProperties": false
                    }
                },
                "tls": array("As in an Ingress spec: secretName and hosts.")
            },
            "required": ["enabled"],
            "additionalProperties": false
        },
        "route": closed(json!({
            "hostnames": { "type": "array", "items": { "type": "string" } },
            "parentRefs": array("The Gateways it attaches to, as in an HTTPRoute spec.")
        })),
        "persistence": {
            "type": "object",
            "description": "One entry per Compose volume the service's Pod mounts.",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "enabled": {
                        "type": "boolean",
                        "description": "false: an emptyDir instead of a PersistentVolumeClaim."
                    },
                    "keep": {
                        "type": "boolean",
                        "description": "helm.sh/resource-policy: keep, so that helm uninstall (or enabled: false) leaves the claim and its data (false: Helm deletes it)."
                    },
                    "size": string("Requested storage, e.g. 1Gi."),
                    "storageClass": string("storageClassName (empty: the cluster default)."),
                    "accessModes": { "type": "array", "items": { "type": "string" } }
                },
                "required": ["enabled"],
                "additionalProperties": false
            }
        },
        "nodeSelector": { "type": "object", "additionalProperties": { "type": "string" } },
        "tolerations": array("The Pod's tolerations."),
        "affinity": object("The Pod's affinity."),
        "podAnnotations": { "type": "object", "additionalProperties": { "type": "string" } },
        "imagePullSecrets": array("The Pod's image pull Secrets (instead of global.imagePullSecrets).")
    });
    if let Value::Object(pod) = pod {
        properties.extend(pod);
    }
    properties
}

/// The keys of the block of a Deployment's or a StatefulSet's root service.
fn replicated_properties() -> Map<String, Value> {
    let mut properties = pod_properties();
    properties.insert(
        "replicas".into(),
        json!({
            "type": "integer",
            "minimum": 0,
            "description": "Pods of the Deployment or StatefulSet."
        }),
    );
    properties
}

/// The kind of a service's block, from what it holds: `replicas` only for the root of a
/// Deployment or StatefulSet, Pod settings (`nodeSelector`) only for a Pod's root; a sidecar
/// member has its container's values alone.
fn block_kind(values: &Map<String, Value>) -> &'static str {
    if values.contains_key("replicas") {
        "replicated"
    } else if values.contains_key("nodeSelector") {
        "pod"
    } else {
        "container"
    }
}

/// The schema of `values`, as JSON text.
pub fn schema_json(values: &Values) -> Result<String, HelmError> {
    let mut properties = Map::new();
    properties.insert(
        "global".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "imagePullSecrets": array("Image pull Secrets of every Pod, as [{name: ...}]."),
                "namespaceOverride": string("Namespace of every object (empty: the release namespace)."),
                "prefixServiceNames": {
                    "type": "boolean",
                    "description": "Name Services <release>-<name> too, so that two releases fit in one namespace (the wait containers and environment values that name a Service as a host follow; other host names do not)."
                }
            }
        }),
    );
    if !values.secrets.is_empty() {
        properties.insert(
            "secrets".into(),
            json!({
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "existingSecret": string("A Secret you create (empty: <release>-<name>)."),
                        "data": object("The Secret's data, base64 (--helm-inline-secrets): the chart creates the Secret.")
                    }
                }
            }),
        );
    }
    let mut definitions = Map::new();
    for (service, block) in &values.services {
        let kind = block_kind(block);
        properties.insert(
            service.clone(),
            json!({ "$ref": format!("#/definitions/{kind}") }),
        );
        if !definitions.contains_key(kind) {
            let block_properties = match kind {
                "replicated" => replicated_properties(),
                "pod" => pod_properties(),
                _ => container_properties(),
            };
            definitions.insert(kind.into(), closed(Value::Object(block_properties)));
        }
    }
    let schema = json!({
        "$comment": GENERATED,
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "definitions": definitions,
    });
    serde_json::to_string_pretty(&schema)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| HelmError::Serialize(e.to_string()))
}
