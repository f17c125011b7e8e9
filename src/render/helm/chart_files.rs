//! The chart's own files: `Chart.yaml`, `values.yaml`, `templates/_helpers.tpl` and
//! `templates/NOTES.txt`.

use std::fmt::Write as _;

use serde_json::json;

use super::template::go_string;
use super::{HelmError, Notes, Values};
use crate::render::manifests::{MARKER, TEMPLATE_MARKER};
use crate::render::to_yaml;

fn yaml(value: &serde_json::Value) -> Result<String, HelmError> {
    to_yaml(value).map_err(|e| HelmError::Serialize(e.to_string()))
}

pub fn chart_yaml(name: &str, version: &str, app_version: &str) -> Result<String, HelmError> {
    let chart = json!({
        "apiVersion": "v2",
        "name": name,
        "description": format!("{name}, converted from Docker Compose by compose2kube"),
        "type": "application",
        "version": version,
        "appVersion": app_version,
    });
    Ok(format!("{MARKER}\n{}", yaml(&chart)?))
}

pub fn values_yaml(values: &Values) -> Result<String, HelmError> {
    Ok(format!(
        "{MARKER}\n\
         # One block per Compose service (image, replicas, resources, env, service, ingress,\n\
         # persistence, scheduling, podAnnotations); `global` for the whole release; `secrets`\n\
         # for the Secrets the Pods mount. values.schema.json describes every key.\n{}",
        yaml(&values.to_value())?
    ))
}

/// The named templates every object template uses. `C` stands for the chart name.
const HELPERS: &str = r#"{{/*
C.name: the name of an object of this release, "<release>-<name>" (at most 63 characters).
Called with (list $ "<name>").
*/}}
{{- define "C.name" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" $root.Release.Name (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/*
C.serviceName: a Service keeps its Compose service name, which the containers use as a host
name; with global.prefixServiceNames it is "<release>-<name>" like every other object.
*/}}
{{- define "C.serviceName" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.global.prefixServiceNames -}}
{{- include "C.name" . -}}
{{- else -}}
{{- index . 1 -}}
{{- end -}}
{{- end }}

{{/*
C.secretName: secrets.<name>.existingSecret, else "<release>-<name>".
*/}}
{{- define "C.secretName" -}}
{{- $root := index . 0 -}}
{{- $secret := index $root.Values.secrets (index . 1) -}}
{{- if $secret.existingSecret -}}
{{- $secret.existingSecret -}}
{{- else -}}
{{- include "C.name" . -}}
{{- end -}}
{{- end }}

{{- define "C.namespace" -}}
{{- default .Release.Namespace .Values.global.namespaceOverride -}}
{{- end }}

{{/*
C.labels: the labels of every object; C.selectorLabels: the label every selector adds, so
that two releases never select each other's Pods.
*/}}
{{- define "C.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
{{ include "C.selectorLabels" . }}
{{- end }}

{{- define "C.selectorLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
C.image: "<repository>:<tag>", or the repository alone when the tag is empty.
*/}}
{{- define "C.image" -}}
{{- if .tag -}}
{{- printf "%s:%s" .repository .tag -}}
{{- else -}}
{{- .repository -}}
{{- end -}}
{{- end }}
"#;

pub fn helpers(chart: &str) -> String {
    format!(
        "{TEMPLATE_MARKER}\n{}",
        HELPERS.replace("C.", &format!("{chart}."))
    )
}

pub fn notes(chart: &str, notes: &Notes) -> String {
    let mut text = format!(
        "{TEMPLATE_MARKER}\n\
         {{{{ .Chart.Name }}}} {{{{ .Chart.Version }}}} is installed as the release {{{{ .Release.Name }}}} in the namespace {{{{ include \"{chart}.namespace\" . }}}}.\n"
    );
    if !notes.services.is_empty() {
        let _ = write!(
            text,
            "\nService names\n\
             {{{{- if .Values.global.prefixServiceNames }}}}\n\
             \x20 The Services are named \"{{{{ .Release.Name }}}}-<name>\" (global.prefixServiceNames): the\n\
             \x20 containers must be told the new host names, since they used the Compose service names.\n\
             {{{{- else }}}}\n\
             \x20 The Services keep the Compose service names ({}), because the containers\n\
             \x20 reach each other by them. Every other object is named \"{{{{ .Release.Name }}}}-<name>\" and\n\
             \x20 every selector has app.kubernetes.io/instance={{{{ .Release.Name }}}}, so releases never share\n\
             \x20 Pods; but a second release in this namespace would need the same Service names: install it\n\
             \x20 in another namespace, or set global.prefixServiceNames=true.\n\
             {{{{- end }}}}\n",
            notes.services.join(", ")
        );
    }
    if !notes.secrets.is_empty() {
        text.push_str("\nSecrets\n");
        for (name, keys) in &notes.secrets {
            let quoted = go_string(name);
            let from_files: Vec<String> = keys
                .iter()
                .map(|k| format!("--from-file={k}=<file>"))
                .collect();
            let _ = write!(
                text,
                "{{{{- if index .Values.secrets {quoted} \"data\" }}}}\n\
                 \x20 {name}: created by the chart from secrets.{name}.data.\n\
                 {{{{- else }}}}\n\
                 \x20 {name}: the Pods wait for a Secret you create (or name in secrets.{name}.existingSecret):\n\
                 \x20   kubectl create secret generic {{{{ include \"{chart}.secretName\" (list $ {quoted}) }}}} \\\n\
                 \x20     --namespace {{{{ include \"{chart}.namespace\" . }}}} {}\n\
                 {{{{- end }}}}\n",
                from_files.join(" ")
            );
        }
    }
    text
}
