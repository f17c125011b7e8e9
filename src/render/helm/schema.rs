//! `values.schema.json`: a JSON Schema (draft 7) of the values, which Helm checks on every
//! install, upgrade and template.
//!
//! JSON has no comments, so the file says it was generated in a `$comment` (a keyword draft 7
//! defines for this), which is how compose2kube recognises it as its own
//! ([`crate::render::manifests::SCHEMA_MARKER`]).

use serde_json::{Map, Value, json};

use super::{HelmError, Values};
use crate::render::manifests::SCHEMA_MARKER;

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn object(description: &str) -> Value {
    json!({ "type": "object", "description": description })
}

fn array(description: &str) -> Value {
    json!({ "type": "array", "description": description })
}

/// The schema of one service's values (every key optional: a service has only those that
/// apply to it).
fn service() -> Value {
    json!({
        "type": "object",
        "properties": {
            "image": {
                "type": "object",
                "properties": {
                    "repository": string("Image repository."),
                    "tag": string("Image tag (empty: the repository alone)."),
                    "pullPolicy": {
                        "type": "string",
                        "enum": ["", "Always", "IfNotPresent", "Never"],
                        "description": "imagePullPolicy (empty: the Kubernetes default)."
                    }
                },
                "required": ["repository", "tag"]
            },
            "replicas": {
                "type": "integer",
                "minimum": 0,
                "description": "Pods of a Deployment or StatefulSet (absent: the Kubernetes default, 1)."
            },
            "resources": object("The container's resources (requests, limits)."),
            "env": {
                "type": "array",
                "description": "The container's environment, in order (a later entry may use $(EARLIER)).",
                "items": {
                    "type": "object",
                    "properties": { "name": { "type": "string" }, "value": { "type": "string" } },
                    "required": ["name"]
                }
            },
            "service": {
                "type": "object",
                "properties": {
                    "type": {
                        "type": "string",
                        "enum": ["ClusterIP", "NodePort", "LoadBalancer"]
                    },
                    "ports": array("The Service's ports, as in a Service spec.")
                }
            },
            "ingress": ingress(),
            "route": route(),
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
                        "size": string("Requested storage, e.g. 1Gi."),
                        "storageClass": string("storageClassName (empty: the cluster default)."),
                        "accessModes": { "type": "array", "items": { "type": "string" } }
                    },
                    "required": ["enabled"]
                }
            },
            "nodeSelector": { "type": "object", "additionalProperties": { "type": "string" } },
            "tolerations": array("The Pod's tolerations."),
            "affinity": object("The Pod's affinity."),
            "podAnnotations": { "type": "object", "additionalProperties": { "type": "string" } },
            "imagePullSecrets": array("The Pod's image pull Secrets (instead of global.imagePullSecrets).")
        }
    })
}

/// `<service>.ingress`: the service's first Ingress.
fn ingress() -> Value {
    json!({
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
                                        "enum": ["Prefix", "Exact", "ImplementationSpecific"]
                                    },
                                    "port": { "type": "integer" }
                                },
                                "required": ["path", "port"]
                            }
                        }
                    },
                    "required": ["paths"]
                }
            },
            "tls": array("As in an Ingress spec: secretName and hosts.")
        },
        "required": ["enabled"]
    })
}

/// `<service>.route`: the service's first HTTPRoute.
fn route() -> Value {
    json!({
        "type": "object",
        "description": "The service's (first) HTTPRoute.",
        "properties": {
            "hostnames": { "type": "array", "items": { "type": "string" } },
            "parentRefs": array("The Gateways it attaches to, as in an HTTPRoute spec.")
        }
    })
}

/// The schema of `values`, as JSON text.
pub fn schema_json(values: &Values) -> Result<String, HelmError> {
    let mut properties = Map::new();
    properties.insert(
        "global".into(),
        json!({
            "type": "object",
            "properties": {
                "imagePullSecrets": array("Image pull Secrets of every Pod, as [{name: ...}]."),
                "namespaceOverride": string("Namespace of every object (empty: the release namespace)."),
                "prefixServiceNames": {
                    "type": "boolean",
                    "description": "Name Services <release>-<name> too (the containers must then be given the new host names)."
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
                    "properties": {
                        "existingSecret": string("A Secret you create (empty: <release>-<name>)."),
                        "data": object("The Secret's data, base64 (--helm-inline-secrets): the chart creates the Secret.")
                    }
                }
            }),
        );
    }
    for service in values.services.keys() {
        properties.insert(service.clone(), json!({ "$ref": "#/definitions/service" }));
    }
    let schema = json!({
        "$comment": SCHEMA_MARKER,
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": properties,
        "definitions": { "service": service() },
    });
    serde_json::to_string_pretty(&schema)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| HelmError::Serialize(e.to_string()))
}
