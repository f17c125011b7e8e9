//! One template per object: which fields become values, which names get the release prefix,
//! and which selectors get the release's instance label.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use super::template::{Hole, Template, go_string};
use super::{
    ChartOptions, HelmError, Names, Notes, Reach, Values, if_reachable_from_outside, split_image,
};
use crate::emit::{self, Object};
use crate::plan::labels::MANAGED_BY;
use crate::plan::ordering::{self, Wait};
use crate::plan::{
    NetworkService, PathType, Plan, ServicePort, ServicePurpose, ServiceType, Workload, names,
    services,
};
use crate::render::manifests::Marker;

/// The annotation that makes Helm leave an object in place on uninstall and upgrade.
const RESOURCE_POLICY: &str = "helm.sh/resource-policy";

/// The order of the keys of one service's values.
const SERVICE_KEYS: [&str; 12] = [
    "image",
    "replicas",
    "resources",
    "env",
    "service",
    "ingress",
    "persistence",
    "nodeSelector",
    "tolerations",
    "affinity",
    "podAnnotations",
    "imagePullSecrets",
];

/// The chart being made: what every template needs to know, and the values found so far.
pub(crate) struct Chart<'a> {
    plan: &'a Plan,
    objects: &'a [Object],
    /// The chart name, which prefixes the names of the helper templates.
    helpers: String,
    options: &'a ChartOptions,
    names: Names,
    /// Claim name → the service whose values hold its persistence settings, and the key.
    claim_owners: BTreeMap<String, (String, String)>,
    /// Ingress objects written as a service's ingress template.
    ingresses_done: BTreeSet<String>,
    extra: Vec<(PathBuf, String)>,
    values: Values,
    notes: Notes,
}

/// One template: the template proper and the variables holding services' values.
#[derive(Default)]
struct Doc {
    template: Template,
    vars: BTreeMap<String, String>,
}

impl Doc {
    /// The variable holding a service's values (declared on first use).
    fn var(&mut self, service: &str) -> String {
        if let Some(var) = self.vars.get(service) {
            return var.clone();
        }
        let base: String = service
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut var = format!("${base}");
        let mut n = 2;
        while self.vars.values().any(|v| *v == var) {
            var = format!("${base}_{n}");
            n += 1;
        }
        self.template.prelude.push(format!(
            "{{{{- {var} := index .Values {} }}}}",
            go_string(service)
        ));
        self.vars.insert(service.to_owned(), var.clone());
        var
    }

    fn hole(&mut self, hole: Hole) -> Value {
        self.template.hole(hole)
    }

    /// Adds entries to a mapping from a template (`include`).
    fn include(&mut self, map: &mut Map<String, Value>, expr: String) {
        let key = self.template.key("include");
        let value = self.template.hole(Hole::Include(expr));
        map.insert(key, value);
    }
}

/// The mapping at `key`, created when missing.
fn object_at<'v>(map: &'v mut Map<String, Value>, key: &str) -> Option<&'v mut Map<String, Value>> {
    map.entry(key)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

fn objects_in<'v>(
    map: &'v mut Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'v mut Map<String, Value>> {
    map.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

fn string_at(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl<'a> Chart<'a> {
    pub fn new(plan: &'a Plan, objects: &'a [Object], options: &'a ChartOptions) -> Self {
        let names: Names = objects
            .iter()
            .map(|o| (o.kind(), o.name().to_owned()))
            .collect();
        let mut values = Values::default();
        values
            .global
            .insert("imagePullSecrets".into(), Value::Array(Vec::new()));
        values.global.insert(
            "namespaceOverride".into(),
            Value::String(plan.namespace.clone().unwrap_or_default()),
        );
        values
            .global
            .insert("prefixServiceNames".into(), Value::Bool(false));
        for workload in &plan.workloads {
            for member in &workload.group.members {
                values.services.entry(member.service.clone()).or_default();
            }
        }
        let mut claim_owners: BTreeMap<String, (String, String)> = BTreeMap::new();
        for workload in &plan.workloads {
            for volume in &workload.volumes {
                let Some(claim_name) = volume.claim_name() else {
                    continue;
                };
                let Some(claim) = plan.claims.iter().find(|c| c.name == claim_name) else {
                    continue;
                };
                if claim_owners.contains_key(&claim.name) {
                    continue;
                }
                let owner = workload.group.root.clone();
                let taken = claim_owners
                    .values()
                    .any(|(o, key)| *o == owner && *key == claim.volume);
                let key = if taken || claim.volume.is_empty() {
                    claim.name.clone()
                } else {
                    claim.volume.clone()
                };
                claim_owners.insert(claim.name.clone(), (owner, key));
            }
        }
        Self {
            plan,
            objects,
            helpers: plan.project.clone(),
            options,
            names,
            claim_owners,
            ingresses_done: BTreeSet::new(),
            extra: Vec::new(),
            values,
            notes: Notes::default(),
        }
    }

    fn has(&self, kind: &'static str, name: &str) -> bool {
        self.names.contains(&(kind, name.to_owned()))
    }

    /// The release's name of an object of `kind`: `<release>-<name>`, cut to what the kind
    /// allows (see [`name_limit`]); a Job's changes with each revision.
    fn name_expr(&self, kind: &str, name: &str) -> String {
        if kind == "Job" {
            return format!(
                "include \"{}.jobName\" (list $ {})",
                self.helpers,
                go_string(name)
            );
        }
        format!(
            "include \"{}.name\" (list $ {} {})",
            self.helpers,
            go_string(name),
            name_limit(kind)
        )
    }

    fn service_name_expr(&self, name: &str) -> String {
        format!(
            "include \"{}.serviceName\" (list $ {})",
            self.helpers,
            go_string(name)
        )
    }

    fn secret_name_expr(&self, name: &str) -> String {
        format!(
            "include \"{}.secretName\" (list $ {})",
            self.helpers,
            go_string(name)
        )
    }

    fn labels(&self) -> String {
        format!("\"{}.labels\" $", self.helpers)
    }

    fn selector_labels(&self) -> String {
        format!("\"{}.selectorLabels\" $", self.helpers)
    }

    fn service_values(&mut self, service: &str) -> &mut Map<String, Value> {
        self.values.services.entry(service.to_owned()).or_default()
    }

    /// The template of one object (`None` for objects the chart leaves out or writes
    /// another way): its file name and text.
    pub fn template(&mut self, object: &Object) -> Result<Option<(String, String)>, HelmError> {
        let kind = object.kind();
        let name = object.name().to_owned();
        if matches!(object, Object::Namespace(_))
            || (matches!(object, Object::Ingress(_)) && self.ingresses_done.contains(&name))
        {
            return Ok(None);
        }
        let mut value =
            serde_json::to_value(object).map_err(|e| HelmError::Serialize(e.to_string()))?;
        let Some(map) = value.as_object_mut() else {
            return Ok(None);
        };
        let mut doc = Doc::default();
        self.metadata(&mut doc, map, kind, &name);
        match object {
            Object::Service(_) => self.service(&mut doc, map, &name)?,
            Object::Deployment(_)
            | Object::StatefulSet(_)
            | Object::DaemonSet(_)
            | Object::Job(_)
            | Object::CronJob(_) => self.workload(&mut doc, map, kind, &name),
            Object::Secret(_) => self.secret(&mut doc, map, &name),
            Object::PersistentVolumeClaim(_) => self.claim(&mut doc, map, &name),
            Object::NetworkPolicy(_) => self.policy(&mut doc, map),
            Object::HorizontalPodAutoscaler(_) => {
                if let Some(target) = map
                    .get_mut("spec")
                    .and_then(Value::as_object_mut)
                    .and_then(|s| s.get_mut("scaleTargetRef"))
                    .and_then(Value::as_object_mut)
                {
                    let kind = string_at(target, "kind").unwrap_or_default();
                    let target_name = string_at(target, "name").unwrap_or_default();
                    let known = ["Deployment", "StatefulSet"]
                        .into_iter()
                        .find(|k| *k == kind)
                        .is_some_and(|k| self.has(k, &target_name));
                    if known {
                        let hole = doc.hole(Hole::Scalar(self.name_expr(&kind, &target_name)));
                        target.insert("name".into(), hole);
                    }
                }
            }
            Object::RoleBinding(_) => self.role_binding(&mut doc, map),
            Object::HttpRoute(_) => self.http_route(&mut doc, map, &name),
            Object::Ingress(_) => self.further_ingress(&mut doc, map, &name),
            _ => {}
        }
        let text = doc.template.render(Marker::Yaml.line(), &value)?;
        Ok(Some((format!("{name}-{}.yaml", kind.to_lowercase()), text)))
    }

    /// Name (prefixed but for Services), chart labels, and the namespace override.
    fn metadata(&self, doc: &mut Doc, map: &mut Map<String, Value>, kind: &str, name: &str) {
        let Some(meta) = object_at(map, "metadata") else {
            return;
        };
        meta.remove("namespace");
        let expr = if kind == "Service" {
            self.service_name_expr(name)
        } else {
            self.name_expr(kind, name)
        };
        meta.insert("name".into(), doc.hole(Hole::Scalar(expr)));
        if let Some(labels) = object_at(meta, "labels") {
            doc.include(labels, self.labels());
            managed_by_helm(doc, labels);
        }
        let namespace = doc.hole(Hole::OptionalString(
            "$.Values.global.namespaceOverride".into(),
        ));
        meta.insert("namespace".into(), namespace);
    }

    /// A Service: its selector takes the release's label. The block's `service` values (`type`
    /// and `ports`) act on the Service that carries what Compose publishes:
    /// - `<name>-published` when the conversion made one (NodePort, LoadBalancer); `ClusterIP`
    ///   leaves it out, since the primary Service carries those ports in the cluster anyway;
    /// - else the primary Service, when every port it has leads to a published port, so that
    ///   nothing Compose keeps internal becomes reachable from outside;
    /// - else a `<name>-published` the chart renders only when the type is not `ClusterIP`.
    fn service(
        &mut self,
        doc: &mut Doc,
        map: &mut Map<String, Value>,
        name: &str,
    ) -> Result<(), HelmError> {
        self.notes.services.push(name.to_owned());
        let Some(spec) = object_at(map, "spec") else {
            return Ok(());
        };
        if let Some(selector) = object_at(spec, "selector") {
            doc.include(selector, self.selector_labels());
        }
        let plan = self.plan;
        let Some(planned) = plan.services.iter().find(|s| s.name == name) else {
            return Ok(());
        };
        let service = planned.service.clone();
        if !self.values.services.contains_key(&service) {
            return Ok(());
        }
        let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
        match planned.purpose {
            ServicePurpose::Published => {
                let var = doc.var(&service);
                self.exposed(doc, spec, &var, &service, planned.kind);
                doc.template.prelude.push(if_reachable_from_outside(&var));
                doc.template.postlude.push("{{- end }}".into());
            }
            ServicePurpose::Primary if !headless => {
                let exposed = match exposure(plan, planned) {
                    Exposure::Own(published) => Some(published),
                    Exposure::Primary => {
                        let var = doc.var(&service);
                        self.exposed(doc, spec, &var, &service, planned.kind);
                        Some(name.to_owned())
                    }
                    Exposure::OnDemand(published) => {
                        self.published_on_demand(planned, published)?
                    }
                    Exposure::None => None,
                };
                let ports: Vec<i64> = planned.ports.iter().map(|p| i64::from(p.port)).collect();
                if let Some(first) = ports.first() {
                    self.ingress(&service, name, &json!(first), &planned.labels)?;
                }
                self.notes.reach.push(Reach {
                    service: service.clone(),
                    service_name: name.to_owned(),
                    ingress: !ports.is_empty(),
                    ports,
                    exposed,
                });
            }
            // The other names of the Pods answer on the same ports, and go out with them.
            ServicePurpose::Alias { .. } | ServicePurpose::ContainerName { .. } if !headless => {
                let primary = plan
                    .services
                    .iter()
                    .find(|s| s.service == service && s.purpose == ServicePurpose::Primary);
                if let Some(primary) = primary
                    && primary.ports == planned.ports
                    && matches!(exposure(plan, primary), Exposure::Primary)
                {
                    let var = doc.var(&service);
                    self.exposed(doc, spec, &var, &service, planned.kind);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `type` and `ports` of the Service `spec` become the block's `service` values.
    fn exposed(
        &mut self,
        doc: &mut Doc,
        spec: &mut Map<String, Value>,
        var: &str,
        service: &str,
        kind: ServiceType,
    ) {
        let ports = spec.get("ports").cloned().unwrap_or(json!([]));
        let mut values = Map::new();
        values.insert("type".into(), json!(kind.as_str()));
        values.insert("ports".into(), ports);
        self.service_values(service)
            .insert("service".into(), Value::Object(values));
        let hole = doc.hole(Hole::Scalar(format!("{var}.service.type | quote")));
        spec.insert("type".into(), hole);
        let hole = doc.hole(Hole::Block(format!("{var}.service.ports")));
        spec.insert("ports".into(), hole);
    }

    /// The template of a `<name>-published` Service for the published ports of a service
    /// whose primary Service also has internal ports: rendered only when `service.type` is
    /// NodePort or LoadBalancer. Its name, or `None` when that name is taken.
    fn published_on_demand(
        &mut self,
        primary: &NetworkService,
        published: &[ServicePort],
    ) -> Result<Option<String>, HelmError> {
        let name = services::published_service_name(&primary.service);
        if self.has("Service", &name) {
            return Ok(None);
        }
        let outside = NetworkService {
            name: name.clone(),
            purpose: ServicePurpose::Published,
            kind: ServiceType::ClusterIp,
            ports: published.to_vec(),
            external_traffic_policy: None,
            ..primary.clone()
        };
        let mut value = serde_json::to_value(Object::Service(emit::service(&outside)))
            .map_err(|e| HelmError::Serialize(e.to_string()))?;
        let Some(map) = value.as_object_mut() else {
            return Ok(None);
        };
        let mut doc = Doc::default();
        self.metadata(&mut doc, map, "Service", &name);
        let var = doc.var(&primary.service);
        if let Some(spec) = object_at(map, "spec") {
            if let Some(selector) = object_at(spec, "selector") {
                doc.include(selector, self.selector_labels());
            }
            self.exposed(&mut doc, spec, &var, &primary.service, outside.kind);
        }
        doc.template.prelude.push(if_reachable_from_outside(&var));
        doc.template.postlude.push("{{- end }}".into());
        let text = doc.template.render(Marker::Yaml.line(), &value)?;
        self.extra.push((
            PathBuf::from(format!("templates/{name}-service.yaml")),
            text,
        ));
        Ok(Some(name))
    }

    /// The Ingress template of a service with ports: the plain Ingress when the service has
    /// one (`kompose.service.expose`), else a disabled one to the first port.
    fn ingress(
        &mut self,
        service: &str,
        service_name: &str,
        port: &Value,
        service_labels: &crate::plan::labels::Labels,
    ) -> Result<(), HelmError> {
        let plain = self
            .plan
            .ingresses
            .iter()
            .filter(|i| i.service == service)
            .find_map(|i| {
                self.objects
                    .iter()
                    .find(|o| matches!(o, Object::Ingress(_)) && o.name() == i.name)
            })
            .and_then(|o| serde_json::to_value(o).ok());
        let (name, labels, values) = match &plain {
            Some(ingress) => {
                let spec = ingress.get("spec").cloned().unwrap_or(Value::Null);
                let hosts = ingress_hosts(&spec);
                (
                    ingress
                        .pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    ingress
                        .pointer("/metadata/labels")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default(),
                    json!({
                        "enabled": true,
                        "annotations": ingress.pointer("/metadata/annotations").cloned().unwrap_or(json!({})),
                        "className": spec.get("ingressClassName").cloned().unwrap_or(json!("")),
                        "hosts": hosts,
                        "tls": spec.get("tls").cloned().unwrap_or(json!([])),
                    }),
                )
            }
            None => (
                names::label(service),
                service_labels
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect(),
                json!({
                    "enabled": false,
                    "annotations": {},
                    "className": "",
                    "hosts": [{ "host": "", "paths": [{ "path": "/", "pathType": PathType::default().as_str(), "port": port }] }],
                    "tls": [],
                }),
            ),
        };
        self.ingresses_done.insert(name.clone());
        self.service_values(service)
            .insert("ingress".into(), values);
        let mut doc = Doc::default();
        let var = doc.var(service);
        doc.template
            .prelude
            .push(format!("{{{{- if {var}.ingress.enabled }}}}"));
        doc.template.postlude.push("{{- end }}".into());
        let backend = self.service_name_expr(service_name);
        let spec = ingress_spec(&var, &backend);
        let mut map = Map::new();
        map.insert("apiVersion".into(), json!("networking.k8s.io/v1"));
        map.insert("kind".into(), json!("Ingress"));
        let annotations = doc.hole(Hole::Block(format!("{var}.ingress.annotations")));
        map.insert(
            "metadata".into(),
            json!({ "labels": labels, "annotations": annotations }),
        );
        self.metadata(&mut doc, &mut map, "Ingress", &name);
        let spec_hole = doc.hole(Hole::Lines(spec));
        map.insert("spec".into(), spec_hole);
        let text = doc
            .template
            .render(Marker::Yaml.line(), &Value::Object(map))?;
        self.extra.push((
            PathBuf::from(format!("templates/{name}-ingress.yaml")),
            text,
        ));
        Ok(())
    }

    /// A service's further Ingresses (one per proxy router; the first is the values-driven
    /// template of `ingress`): their backends name Services through the chart's helper, and
    /// `<service>.ingress.className` sets their class too.
    fn further_ingress(&mut self, doc: &mut Doc, map: &mut Map<String, Value>, name: &str) {
        let plan = self.plan;
        let service = plan
            .ingresses
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.service.clone());
        let Some(spec) = object_at(map, "spec") else {
            return;
        };
        if let Some(Value::Array(rules)) = spec.get_mut("rules") {
            for backend in rules
                .iter_mut()
                .filter_map(|r| r.pointer_mut("/http/paths").and_then(Value::as_array_mut))
                .flatten()
                .filter_map(|p| {
                    p.pointer_mut("/backend/service")
                        .and_then(Value::as_object_mut)
                })
            {
                let target = string_at(backend, "name").unwrap_or_default();
                let hole = doc.hole(Hole::Scalar(self.service_name_expr(&target)));
                backend.insert("name".into(), hole);
            }
        }
        let Some(service) = service.filter(|s| self.values.services.contains_key(s)) else {
            return;
        };
        let original = spec
            .get("ingressClassName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let var = doc.var(&service);
        let hole = doc.hole(Hole::OptionalString(format!(
            "dig \"ingress\" \"className\" \"\" {var} | default {}",
            go_string(&original)
        )));
        spec.insert("ingressClassName".into(), hole);
    }

    /// The first HTTPRoute of a service takes its hostnames and Gateway from
    /// `<service>.route`; every HTTPRoute names its Service through the chart's helper.
    fn http_route(&mut self, doc: &mut Doc, map: &mut Map<String, Value>, name: &str) {
        let plan = self.plan;
        let Some(planned) = plan.http_routes.iter().find(|r| r.name == name) else {
            return;
        };
        let Some(spec) = object_at(map, "spec") else {
            return;
        };
        if let Some(Value::Array(rules)) = spec.get_mut("rules") {
            for backend in rules
                .iter_mut()
                .filter_map(|r| r.get_mut("backendRefs").and_then(Value::as_array_mut))
                .flatten()
                .filter_map(Value::as_object_mut)
            {
                let service = string_at(backend, "name").unwrap_or_default();
                let hole = doc.hole(Hole::Scalar(self.service_name_expr(&service)));
                backend.insert("name".into(), hole);
            }
        }
        let service = planned.service.clone();
        let taken = self
            .values
            .services
            .get(&service)
            .is_none_or(|v| v.contains_key("route"));
        if taken {
            return;
        }
        let var = doc.var(&service);
        let values = json!({
            "hostnames": spec.get("hostnames").cloned().unwrap_or(json!([])),
            "parentRefs": spec.get("parentRefs").cloned().unwrap_or(json!([])),
        });
        spec.insert(
            "hostnames".into(),
            doc.hole(Hole::Block(format!("{var}.route.hostnames"))),
        );
        spec.insert(
            "parentRefs".into(),
            doc.hole(Hole::Block(format!("{var}.route.parentRefs"))),
        );
        self.service_values(&service).insert("route".into(), values);
    }

    fn workload(&mut self, doc: &mut Doc, map: &mut Map<String, Value>, kind: &str, name: &str) {
        let plan = self.plan;
        let Some(workload) = plan
            .workloads
            .iter()
            .find(|w| w.name == name && w.kind.name() == kind)
        else {
            return;
        };
        let root = workload.group.root.clone();
        let var = doc.var(&root);
        let Some(spec) = object_at(map, "spec") else {
            return;
        };
        if matches!(kind, "Deployment" | "StatefulSet") {
            // Always a value, so that `helm show values` shows it; when Compose sets none,
            // the object leaves the Kubernetes default (1) unwritten, as the plain output does.
            let hole = match spec.get("replicas").cloned() {
                Some(replicas) => {
                    self.service_values(&root)
                        .insert("replicas".into(), replicas);
                    Hole::Scalar(format!("{var}.replicas"))
                }
                None => {
                    self.service_values(&root)
                        .insert("replicas".into(), json!(1));
                    Hole::IfScalar {
                        condition: format!("ne (int {var}.replicas) 1"),
                        expr: format!("{var}.replicas"),
                    }
                }
            };
            let hole = doc.hole(hole);
            spec.insert("replicas".into(), hole);
        }
        if let Some(labels) = spec
            .get_mut("selector")
            .and_then(Value::as_object_mut)
            .and_then(|s| s.get_mut("matchLabels"))
            .and_then(Value::as_object_mut)
        {
            doc.include(labels, self.selector_labels());
        }
        if let Some(service) = string_at(spec, "serviceName")
            && self.has("Service", &service)
        {
            let hole = doc.hole(Hole::Scalar(self.service_name_expr(&service)));
            spec.insert("serviceName".into(), hole);
        }
        let template = if kind == "CronJob" {
            spec.get_mut("jobTemplate")
                .and_then(|t| t.get_mut("spec"))
                .and_then(|s| s.get_mut("template"))
        } else {
            spec.get_mut("template")
        };
        if let Some(template) = template.and_then(Value::as_object_mut) {
            self.pod_template(doc, template, workload, &var);
        }
    }

    fn pod_template(
        &mut self,
        doc: &mut Doc,
        template: &mut Map<String, Value>,
        workload: &Workload,
        var: &str,
    ) {
        let root = &workload.group.root;
        if let Some(meta) = object_at(template, "metadata") {
            if let Some(labels) = object_at(meta, "labels") {
                doc.include(labels, self.selector_labels());
                managed_by_helm(doc, labels);
            }
            let annotations = meta.remove("annotations").unwrap_or(json!({}));
            self.service_values(root)
                .insert("podAnnotations".into(), annotations);
            let hole = doc.hole(Hole::Block(format!("{var}.podAnnotations")));
            meta.insert("annotations".into(), hole);
        }
        if let Some(spec) = template.get_mut("spec").and_then(Value::as_object_mut) {
            self.pod_spec(doc, spec, workload, var);
        }
    }

    fn pod_spec(
        &mut self,
        doc: &mut Doc,
        spec: &mut Map<String, Value>,
        workload: &Workload,
        var: &str,
    ) {
        let root = &workload.group.root;
        for key in ["initContainers", "containers"] {
            for container in objects_in(spec, key) {
                self.container(doc, container, workload);
            }
        }
        for (key, empty) in [
            ("nodeSelector", json!({})),
            ("tolerations", json!([])),
            ("affinity", json!({})),
        ] {
            let current = spec.remove(key).unwrap_or(empty);
            self.service_values(root).insert(key.into(), current);
            let hole = doc.hole(Hole::Block(format!("{var}.{key}")));
            spec.insert(key.into(), hole);
        }
        if let Some(secrets) = spec.remove("imagePullSecrets") {
            self.service_values(root)
                .insert("imagePullSecrets".into(), secrets);
        }
        let hole = doc.hole(Hole::Block(format!(
            "default $.Values.global.imagePullSecrets {var}.imagePullSecrets"
        )));
        spec.insert("imagePullSecrets".into(), hole);
        if let Some(account) = string_at(spec, "serviceAccountName")
            && self.has("ServiceAccount", &account)
        {
            let hole = doc.hole(Hole::Scalar(self.name_expr("ServiceAccount", &account)));
            spec.insert("serviceAccountName".into(), hole);
        }
        for volume in objects_in(spec, "volumes") {
            self.volume(doc, volume);
        }
        for constraint in objects_in(spec, "topologySpreadConstraints") {
            if let Some(labels) = constraint
                .get_mut("labelSelector")
                .and_then(Value::as_object_mut)
                .and_then(|s| s.get_mut("matchLabels"))
                .and_then(Value::as_object_mut)
            {
                doc.include(labels, self.selector_labels());
            }
        }
    }

    fn volume(&self, doc: &mut Doc, volume: &mut Map<String, Value>) {
        self.references(doc, volume, "configMap", "name");
        self.references(doc, volume, "secret", "secretName");
        if let Some(projected) = volume.get_mut("projected").and_then(Value::as_object_mut) {
            for source in objects_in(projected, "sources") {
                self.references(doc, source, "configMap", "name");
                self.references(doc, source, "secret", "name");
            }
        }
        let claim = volume
            .get("persistentVolumeClaim")
            .and_then(|c| c.get("claimName"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(claim) = claim
            && let Some((owner, key)) = self.claim_owners.get(&claim)
        {
            let owner = doc.var(owner);
            let read_only = volume
                .get("persistentVolumeClaim")
                .and_then(|c| c.get("readOnly"))
                .and_then(Value::as_bool);
            let mut lines = vec![
                (
                    0,
                    format!(
                        "{{{{- if index {owner}.persistence {} \"enabled\" }}}}",
                        go_string(key)
                    ),
                ),
                (0, "persistentVolumeClaim:".to_owned()),
                (
                    2,
                    format!(
                        "claimName: {{{{ {} }}}}",
                        self.name_expr("PersistentVolumeClaim", &claim)
                    ),
                ),
            ];
            if let Some(read_only) = read_only {
                lines.push((2, format!("readOnly: {read_only}")));
            }
            lines.extend([
                (0, "{{- else }}".to_owned()),
                (0, "emptyDir: {}".to_owned()),
                (0, "{{- end }}".to_owned()),
            ]);
            let hole = doc.hole(Hole::Lines(lines));
            volume.insert("persistentVolumeClaim".into(), hole);
        }
    }

    /// `map[source][field]` names a ConfigMap or Secret of the chart: its release name.
    fn references(&self, doc: &mut Doc, map: &mut Map<String, Value>, source: &str, field: &str) {
        let Some(inner) = map.get_mut(source).and_then(Value::as_object_mut) else {
            return;
        };
        let Some(name) = string_at(inner, field) else {
            return;
        };
        let expr = match source {
            "configMap" | "configMapRef" | "configMapKeyRef" if self.has("ConfigMap", &name) => {
                self.name_expr("ConfigMap", &name)
            }
            "secret" | "secretRef" | "secretKeyRef" if self.has("Secret", &name) => {
                self.secret_name_expr(&name)
            }
            _ => return,
        };
        inner.insert(field.into(), doc.hole(Hole::Scalar(expr)));
    }

    fn container(
        &mut self,
        doc: &mut Doc,
        container: &mut Map<String, Value>,
        workload: &Workload,
    ) {
        for env in objects_in(container, "env") {
            if let Some(from) = env.get_mut("valueFrom").and_then(Value::as_object_mut) {
                self.references(doc, from, "configMapKeyRef", "name");
                self.references(doc, from, "secretKeyRef", "name");
            }
        }
        for env in objects_in(container, "envFrom") {
            self.references(doc, env, "configMapRef", "name");
            self.references(doc, env, "secretRef", "name");
        }
        let name = string_at(container, "name").unwrap_or_default();
        let Some(member) = workload.group.members.iter().find(|m| m.container == name) else {
            if let Some(wait) = workload
                .waits
                .iter()
                .find(|w| ordering::wait_container_name(w) == name)
            {
                self.wait_reference(doc, container, wait);
            }
            return;
        };
        let service = member.service.clone();
        let var = doc.var(&service);
        if let Some(image) = string_at(container, "image") {
            let (repository, tag) = split_image(&image);
            let pull = container
                .remove("imagePullPolicy")
                .unwrap_or_else(|| json!(""));
            self.service_values(&service).insert(
                "image".into(),
                json!({ "repository": repository, "tag": tag, "pullPolicy": pull }),
            );
            let hole = doc.hole(Hole::Scalar(format!(
                "include \"{}.image\" {var}.image | quote",
                self.helpers
            )));
            container.insert("image".into(), hole);
            let hole = doc.hole(Hole::OptionalString(format!("{var}.image.pullPolicy")));
            container.insert("imagePullPolicy".into(), hole);
        }
        let resources = container.remove("resources").unwrap_or(json!({}));
        self.service_values(&service)
            .insert("resources".into(), resources);
        let hole = doc.hole(Hole::Block(format!("{var}.resources")));
        container.insert("resources".into(), hole);
        let plain_env = container
            .get("env")
            .and_then(Value::as_array)
            .is_none_or(|env| {
                env.iter().all(|e| {
                    e.as_object()
                        .is_some_and(|e| e.keys().all(|k| k == "name" || k == "value"))
                })
            });
        if plain_env {
            let env = container.remove("env").unwrap_or(json!([]));
            self.service_values(&service).insert("env".into(), env);
            let hole = doc.hole(Hole::Block(format!(
                "include \"{}.env\" (list $ {var}.env) | fromYamlArray",
                self.helpers
            )));
            container.insert("env".into(), hole);
        }
    }

    /// The object a wait container waits for (the plan's [`Wait`]), named as in the release:
    /// the script's word that names it becomes a template expression.
    fn wait_reference(&self, doc: &mut Doc, container: &mut Map<String, Value>, wait: &Wait) {
        let (target, expr) = match wait {
            Wait::Job { job, .. } if self.has("Job", job) => {
                (job.clone(), self.name_expr("Job", job))
            }
            Wait::Ready { service, .. } => {
                let name = ordering::ready_service_name(service);
                if !self.has("Service", &name) {
                    return;
                }
                let expr = self.service_name_expr(&name);
                (name, expr)
            }
            Wait::Job { .. } => return,
        };
        for key in ["command", "args"] {
            let Some(items) = container.get_mut(key).and_then(Value::as_array_mut) else {
                continue;
            };
            for item in items {
                let Some(text) = item.as_str() else {
                    continue;
                };
                // The name stands alone in the script (`job/NAME `, `nslookup NAME `).
                let split = text.match_indices(target.as_str()).find_map(|(at, _)| {
                    let before = text.get(..at)?;
                    let after = text.get(at + target.len()..)?;
                    let alone = matches!(before.chars().last(), Some('/' | ' '))
                        && matches!(after.chars().next(), None | Some(' ' | ';'));
                    alone.then_some((before, after))
                });
                if let Some((before, after)) = split {
                    let hole = format!(
                        "print {} ({expr}) {} | quote",
                        go_string(before),
                        go_string(after),
                    );
                    *item = doc.hole(Hole::Scalar(hole));
                }
            }
        }
    }

    fn secret(&mut self, doc: &mut Doc, map: &mut Map<String, Value>, name: &str) {
        let data = map.get("data").cloned().unwrap_or(json!({}));
        let keys = data
            .as_object()
            .map(|d| d.keys().cloned().collect())
            .unwrap_or_default();
        self.notes.secrets.insert(name.to_owned(), keys);
        let mut values = Map::new();
        values.insert("existingSecret".into(), json!(""));
        if self.options.inline_secrets {
            values.insert("data".into(), data);
        }
        self.values
            .secrets
            .insert(name.to_owned(), Value::Object(values));
        doc.template.prelude.push(format!(
            "{{{{- $_secret := index .Values.secrets {} }}}}",
            go_string(name)
        ));
        doc.template.prelude.push("{{- if $_secret.data }}".into());
        doc.template.postlude.push("{{- end }}".into());
        let hole = doc.hole(Hole::Block("$_secret.data".into()));
        map.insert("data".into(), hole);
    }

    fn claim(&mut self, doc: &mut Doc, map: &mut Map<String, Value>, name: &str) {
        let Some((owner, key)) = self.claim_owners.get(name).cloned() else {
            return;
        };
        let var = doc.var(&owner);
        let Some(spec) = object_at(map, "spec") else {
            return;
        };
        let size = spec
            .get("resources")
            .and_then(|r| r.get("requests"))
            .and_then(|r| r.get("storage"))
            .cloned()
            .unwrap_or(json!(""));
        let values = json!({
            "enabled": true,
            "keep": true,
            "size": size,
            "storageClass": spec.get("storageClassName").cloned().unwrap_or(json!("")),
            "accessModes": spec.get("accessModes").cloned().unwrap_or(json!([])),
        });
        if let Value::Object(persistence) = self
            .service_values(&owner)
            .entry("persistence")
            .or_insert_with(|| json!({}))
        {
            persistence.insert(key.clone(), values);
        }
        doc.template.prelude.push(format!(
            "{{{{- $_claim := index {var}.persistence {} }}}}",
            go_string(&key)
        ));
        doc.template
            .prelude
            .push("{{- if $_claim.enabled }}".into());
        doc.template.postlude.push("{{- end }}".into());
        let hole = doc.hole(Hole::Block("$_claim.accessModes".into()));
        spec.insert("accessModes".into(), hole);
        let hole = doc.hole(Hole::OptionalString("$_claim.storageClass".into()));
        spec.insert("storageClassName".into(), hole);
        if let Some(requests) = object_at(spec, "resources").and_then(|r| object_at(r, "requests"))
        {
            let hole = doc.hole(Hole::Scalar("$_claim.size | quote".into()));
            requests.insert("storage".into(), hole);
        }
        // `helm uninstall`, or an upgrade that turns the claim off, keeps it and its data.
        if let Some(meta) = object_at(map, "metadata") {
            let keep = Hole::IfScalar {
                condition: "$_claim.keep".into(),
                expr: "\"keep\"".into(),
            };
            match meta.get_mut("annotations").and_then(Value::as_object_mut) {
                Some(annotations) => {
                    let hole = doc.hole(keep);
                    annotations.insert(RESOURCE_POLICY.into(), hole);
                }
                None => {
                    let key = doc.template.key("annotations");
                    let hole = doc.hole(Hole::Lines(vec![
                        (0, "{{- if $_claim.keep }}".to_owned()),
                        (0, "annotations:".to_owned()),
                        (2, format!("{RESOURCE_POLICY}: keep")),
                        (0, "{{- end }}".to_owned()),
                    ]));
                    meta.insert(key, hole);
                }
            }
        }
    }

    /// The policy applies to this release's Pods, and admits this release's Pods.
    fn policy(&self, doc: &mut Doc, map: &mut Map<String, Value>) {
        let Some(spec) = object_at(map, "spec") else {
            return;
        };
        if let Some(labels) =
            object_at(spec, "podSelector").and_then(|s| object_at(s, "matchLabels"))
        {
            doc.include(labels, self.selector_labels());
        }
        for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
            for rule in objects_in(spec, direction) {
                for peer in objects_in(rule, peers) {
                    if peer.contains_key("namespaceSelector") || !peer.contains_key("podSelector") {
                        continue;
                    }
                    if let Some(labels) =
                        object_at(peer, "podSelector").and_then(|s| object_at(s, "matchLabels"))
                    {
                        doc.include(labels, self.selector_labels());
                    }
                }
            }
        }
    }

    fn role_binding(&self, doc: &mut Doc, map: &mut Map<String, Value>) {
        if let Some(role) = map.get_mut("roleRef").and_then(Value::as_object_mut)
            && let Some(name) = string_at(role, "name")
            && self.has("Role", &name)
        {
            role.insert(
                "name".into(),
                doc.hole(Hole::Scalar(self.name_expr("Role", &name))),
            );
        }
        for subject in objects_in(map, "subjects") {
            if let Some(name) = string_at(subject, "name")
                && self.has("ServiceAccount", &name)
            {
                subject.insert(
                    "name".into(),
                    doc.hole(Hole::Scalar(self.name_expr("ServiceAccount", &name))),
                );
                let namespace = doc.hole(Hole::Scalar(format!(
                    "include \"{}.namespace\" $ | quote",
                    self.helpers
                )));
                subject.insert("namespace".into(), namespace);
            }
        }
    }

    /// Templates written besides the objects' own (the services' Ingresses).
    pub fn extra_templates(&mut self) -> Vec<(PathBuf, String)> {
        std::mem::take(&mut self.extra)
    }

    /// The values, each service's keys in a fixed order.
    pub fn values(&self) -> Values {
        let services = self
            .values
            .services
            .iter()
            .map(|(service, values)| {
                let mut sorted = Map::new();
                for key in SERVICE_KEYS {
                    if let Some(value) = values.get(key) {
                        sorted.insert(key.into(), value.clone());
                    }
                }
                for (key, value) in values {
                    if !sorted.contains_key(key) {
                        sorted.insert(key.clone(), value.clone());
                    }
                }
                (service.clone(), sorted)
            })
            .collect();
        Values {
            global: self.values.global.clone(),
            secrets: self.values.secrets.clone(),
            services,
        }
    }

    /// The tag of the first service image that has one (without a digest), not `latest`.
    pub fn first_tag(&self) -> Option<String> {
        self.values.services.values().find_map(|values| {
            let tag = values.get("image")?.get("tag")?.as_str()?;
            let tag = tag.split('@').next().unwrap_or_default();
            (!tag.is_empty() && tag != "latest").then(|| tag.to_owned())
        })
    }

    pub fn notes(&self) -> Notes {
        self.notes.clone()
    }
}

/// The spec of a service's Ingress, from its values: one rule per host, one path per entry,
/// to the service's Service.
fn ingress_spec(var: &str, backend: &str) -> Vec<(usize, String)> {
    vec![
        (0, "spec:".to_owned()),
        (0, format!("{{{{- with {var}.ingress.className }}}}")),
        (2, "ingressClassName: {{ . | quote }}".to_owned()),
        (0, "{{- end }}".to_owned()),
        (2, "rules:".to_owned()),
        (0, format!("{{{{- range {var}.ingress.hosts }}}}")),
        (2, "-".to_owned()),
        (0, "{{- with .host }}".to_owned()),
        (4, "host: {{ . | quote }}".to_owned()),
        (0, "{{- end }}".to_owned()),
        (4, "http:".to_owned()),
        (6, "paths:".to_owned()),
        (0, "{{- range .paths }}".to_owned()),
        (6, "- path: {{ .path | quote }}".to_owned()),
        (
            8,
            format!(
                "pathType: {{{{ .pathType | default \"{}\" }}}}",
                PathType::default().as_str()
            ),
        ),
        (8, "backend:".to_owned()),
        (10, "service:".to_owned()),
        (12, format!("name: {{{{ {backend} }}}}")),
        (12, "port:".to_owned()),
        (14, "number: {{ .port }}".to_owned()),
        (0, "{{- end }}".to_owned()),
        (0, "{{- end }}".to_owned()),
        (0, format!("{{{{- with {var}.ingress.tls }}}}")),
        (2, "tls:".to_owned()),
        (0, "{{- toYaml . | nindent 4 }}".to_owned()),
        (0, "{{- end }}".to_owned()),
    ]
}

/// The longest name an object of `kind` may have. Services are DNS labels (63); a Job's name
/// is also a label value of its Pods (63); a CronJob's Jobs and a StatefulSet's revisions
/// add 11 characters to a name that must stay a label value (52); others are DNS subdomains.
fn name_limit(kind: &str) -> usize {
    match kind {
        "Service" | "Job" => 63,
        "CronJob" | "StatefulSet" => 52,
        _ => 253,
    }
}

/// Helm is what manages a release's objects (`helm install` would set the label anyway).
fn managed_by_helm(doc: &mut Doc, labels: &mut Map<String, Value>) {
    if labels.contains_key(MANAGED_BY) {
        let hole = doc.hole(Hole::Scalar("$.Release.Service | quote".into()));
        labels.insert(MANAGED_BY.into(), hole);
    }
}

/// Which Service a block's `service.type` exposes (see [`Chart::service`]).
enum Exposure<'p> {
    /// The conversion's `<name>-published` Service (by name).
    Own(String),
    /// The primary Service (and the service's other names), which has no internal port.
    Primary,
    /// A `<name>-published` Service of these ports, which the chart adds when asked.
    OnDemand(&'p [ServicePort]),
    /// Nothing: the service publishes no port.
    None,
}

fn exposure<'p>(plan: &'p Plan, primary: &NetworkService) -> Exposure<'p> {
    if let Some(own) = plan
        .services
        .iter()
        .find(|s| s.service == primary.service && s.purpose == ServicePurpose::Published)
    {
        return Exposure::Own(own.name.clone());
    }
    let Some(published) = plan.published_ports.get(&primary.service) else {
        return Exposure::None;
    };
    let internal = primary.ports.iter().any(|p| {
        !published
            .iter()
            .any(|q| q.target_port == p.target_port && q.protocol == p.protocol)
    });
    if internal {
        Exposure::OnDemand(published)
    } else {
        Exposure::Primary
    }
}

/// `ingress.hosts` values of a plain Ingress spec: each rule's host and paths.
fn ingress_hosts(spec: &Value) -> Vec<Value> {
    spec.get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|rule| {
            let paths: Vec<Value> = rule
                .pointer("/http/paths")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    json!({
                        "path": p.get("path").cloned().unwrap_or(json!("/")),
                        "pathType": p.get("pathType").cloned().unwrap_or_else(|| json!(PathType::default().as_str())),
                        "port": p.pointer("/backend/service/port/number").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect();
            json!({
                "host": rule.get("host").cloned().unwrap_or(json!("")),
                "paths": paths,
            })
        })
        .collect()
}
