//! The chart's own files: `Chart.yaml`, `values.yaml`, `templates/_helpers.tpl` and
//! `templates/NOTES.txt`.

use std::fmt::Write as _;

use serde_json::json;

use super::template::go_string;
use super::{HelmError, Notes, Reach, Values, if_reachable_from_outside};
use crate::render::manifests::Marker;
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
    Ok(Marker::Yaml.mark(&yaml(&chart)?))
}

pub fn values_yaml(values: &Values) -> Result<String, HelmError> {
    Ok(Marker::Yaml.mark(&format!(
        "# One block per Compose service (image, replicas, resources, env, service, ingress,\n\
         # persistence, scheduling, podAnnotations); `global` for the whole release; `secrets`\n\
         # for the Secrets the Pods mount. values.schema.json describes every key.\n{}",
        yaml(&values.to_value())?
    )))
}

/// The named templates every object template uses. `C` stands for the chart name.
const HELPERS: &str = r#"{{/*
C.fit: a name of at most LIMIT characters; a name that must be cut keeps "-" and 8 characters
of the SHA-256 of the whole name at its end, so that two long names stay distinct.
Called with (list "<name>" LIMIT).
*/}}
{{- define "C.fit" -}}
{{- $name := index . 0 -}}
{{- $limit := int (index . 1) -}}
{{- if le (len $name) $limit -}}
{{- $name -}}
{{- else -}}
{{- printf "%s-%s" (trunc (int (sub $limit 9)) $name | trimSuffix "-") (sha256sum $name | trunc 8) -}}
{{- end -}}
{{- end }}

{{/*
C.name: the name of an object of this release, "<release>-<name>", fitted to the kind's
limit (63 for a Service or a Job, 52 for a CronJob or a StatefulSet, else 253).
Called with (list $ "<name>" LIMIT).
*/}}
{{- define "C.name" -}}
{{- $root := index . 0 -}}
{{- include "C.fit" (list (printf "%s-%s" $root.Release.Name (index . 1)) (index . 2)) -}}
{{- end }}

{{/*
C.jobName: a Job's Pod template cannot change, so each upgrade runs a Job of its own:
"<release>-<name>" at the first revision, "<release>-<name>-r<revision>" after it (Helm
deletes the Job of the revision before). Called with (list $ "<name>").
*/}}
{{- define "C.jobName" -}}
{{- $root := index . 0 -}}
{{- $name := printf "%s-%s" $root.Release.Name (index . 1) -}}
{{- if gt (int $root.Release.Revision) 1 -}}
{{- $name = printf "%s-r%d" $name (int $root.Release.Revision) -}}
{{- end -}}
{{- include "C.fit" (list $name 63) -}}
{{- end }}

{{/*
C.serviceName: a Service keeps its Compose service name, which the containers use as a host
name; with global.prefixServiceNames it is "<release>-<name>" like every other object.
*/}}
{{- define "C.serviceName" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.global.prefixServiceNames -}}
{{- include "C.name" (list $root (index . 1) 63) -}}
{{- else -}}
{{- index . 1 -}}
{{- end -}}
{{- end }}

{{/*
C.env: a container's environment (list $ ENV) as YAML. With global.prefixServiceNames, a
value that names a Service of the chart as a host gets the Service's new name: the whole
value ("db"), host:port entries of a list ("db:5432,cache:6379"), and a URL's or an
address's host ("postgres://u@db:5432/x", "//db/"). The YAML ends in a newline, so that a
last value ending in one keeps it.
*/}}
{{- define "C.env" -}}
{{- $root := index . 0 -}}
{{- $env := index . 1 -}}
{{- if $root.Values.global.prefixServiceNames -}}
{{- $out := list -}}
{{- range $entry := $env -}}
{{- if and (kindIs "map" $entry) (kindIs "string" $entry.value) -}}
{{- $value := $entry.value -}}
{{- range $service := list SERVICES -}}
{{- $new := include "C.serviceName" (list $root $service) -}}
{{- range $pass := list 1 2 -}}
{{- $value = regexReplaceAll (printf "(^|,)%s(:[0-9]+)?(,|$)" $service) $value (printf "${1}%s${2}${3}" $new) -}}
{{- end -}}
{{- $value = regexReplaceAll (printf "(//|@)%s([:/?#]|$)" $service) $value (printf "${1}%s${2}" $new) -}}
{{- end -}}
{{- $out = append $out (merge (dict "value" $value) $entry) -}}
{{- else -}}
{{- $out = append $out $entry -}}
{{- end -}}
{{- end -}}
{{- printf "%s\n" (toYaml $out) -}}
{{- else -}}
{{- printf "%s\n" (toYaml $env) -}}
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
{{- include "C.name" (list $root (index . 1) 253) -}}
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
C.image: "<repository>:<tag>", or the repository alone when the tag is empty (a number
from --set image.tag=16 is a tag too).
*/}}
{{- define "C.image" -}}
{{- if .tag -}}
{{- printf "%s:%v" .repository .tag -}}
{{- else -}}
{{- .repository -}}
{{- end -}}
{{- end }}
"#;

/// The helpers of a chart whose Services are `services` (the host names `C.env` rewrites).
pub fn helpers(chart: &str, services: &[String]) -> String {
    let services: Vec<String> = services.iter().map(|s| go_string(s)).collect();
    Marker::Template.mark(&HELPERS.replace("C.", &format!("{chart}.")).replace(
        "list SERVICES",
        format!("list {}", services.join(" ")).trim_end(),
    ))
}

pub fn notes(chart: &str, notes: &Notes) -> String {
    let mut text = Marker::Template.mark(&format!(
        "{{{{ .Chart.Name }}}} {{{{ .Chart.Version }}}} is installed as the release {{{{ .Release.Name }}}} in the namespace {{{{ include \"{chart}.namespace\" . }}}}.\n"
    ));
    if !notes.reach.is_empty() {
        text.push_str("\nReaching the application\n");
        for reach in &notes.reach {
            reach_lines(&mut text, chart, reach);
        }
    }
    if !notes.services.is_empty() {
        let _ = write!(
            text,
            "\nService names\n\
             {{{{- if .Values.global.prefixServiceNames }}}}\n\
             \x20 The Services are named \"{{{{ .Release.Name }}}}-<name>\" (global.prefixServiceNames), so that\n\
             \x20 several releases fit in one namespace. The chart gives the new names to the wait containers\n\
             \x20 and to environment values that name a Service as a host (\"db\", \"db:5432\", \"//db/\",\n\
             \x20 \"@db:5432\"); host names in commands, files or other values must be changed by you.\n\
             {{{{- else }}}}\n\
             \x20 The Services keep the Compose service names ({}), because the containers\n\
             \x20 reach each other by them. Every other object is named \"{{{{ .Release.Name }}}}-<name>\" and\n\
             \x20 every selector has app.kubernetes.io/instance={{{{ .Release.Name }}}}, so releases never share\n\
             \x20 Pods; but a second release in this namespace would need the same Service names, and Helm\n\
             \x20 refuses to install it (they belong to this release): install it in another namespace, or\n\
             \x20 set global.prefixServiceNames=true.\n\
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

/// How one service is reached: its Ingress URLs when the Ingress is on, a port-forward to its
/// Service, and its NodePort or LoadBalancer Service when `service.type` asks for one.
fn reach_lines(text: &mut String, chart: &str, reach: &Reach) {
    let quoted = go_string(&reach.service);
    let namespace = format!("{{{{ include \"{chart}.namespace\" $ }}}}");
    let _ = write!(
        text,
        "{{{{- with index .Values {quoted} }}}}\n\x20 {}:\n",
        reach.service
    );
    if reach.ingress {
        text.push_str(
            "{{- if .ingress.enabled }}\n\
             {{- $scheme := ternary \"https\" \"http\" (not (empty .ingress.tls)) }}\n\
             {{- range $host := .ingress.hosts }}{{ range $path := $host.paths }}\n\
             \x20   {{ $scheme }}://{{ $host.host | default \"<the address of the Ingress>\" }}{{ $path.path }}\n\
             {{- end }}{{ end }}\n\
             {{- end }}\n",
        );
    }
    // Local ports below 1024 need root: 80 is forwarded from 8080, unless a port of the
    // Service takes that number already (the same listener, most often: `8080:80`).
    let mut locals = Vec::new();
    let mut forwards = Vec::new();
    let (high, low): (Vec<i64>, Vec<i64>) = reach.ports.iter().partition(|p| **p >= 1024);
    for port in high.into_iter().chain(low) {
        let local = if port < 1024 { port + 8000 } else { port };
        if !locals.contains(&local) {
            locals.push(local);
            forwards.push(format!("{local}:{port}"));
        }
    }
    let _ = writeln!(
        text,
        "\x20   kubectl port-forward --namespace {namespace} svc/{{{{ include \"{chart}.serviceName\" (list $ {}) }}}} {}",
        go_string(&reach.service_name),
        forwards.join(" ")
    );
    if let Some(exposed) = &reach.exposed {
        let _ = write!(
            text,
            "{}\n\
             \x20   kubectl get service --namespace {namespace} {{{{ include \"{chart}.serviceName\" (list $ {}) }}}}  (its {{{{ .service.type }}}} address)\n\
             {{{{- end }}}}\n",
            if_reachable_from_outside(""),
            go_string(exposed)
        );
    }
    text.push_str("{{- end }}\n");
}
