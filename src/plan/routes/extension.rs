//! `x-kubernetes.expose` of a service, for files without proxy labels:
//!
//! ```yaml
//! x-kubernetes:
//!   expose: {host: app.example.com, path: /, tls: app-tls, className: nginx,
//!            annotations: {…}, port: 8080}
//! ```
//!
//! `host` may be a list; `tls` is `true` (the Secret `<name>-tls`) or a Secret name; `port`
//! defaults to the service's only declared port. Other keys of `x-kubernetes` are reported.

use std::collections::BTreeMap;

use crate::compose::model::Service;
use crate::compose::yaml::{Node, Value};
use crate::plan::routes::{Alternative, Origin, Route, Tls, default_port, valid_host, valid_path};
use crate::plan::{HttpMatch, PathMatch};
use crate::report::{Entry, Report};

const KEY: &str = "x-kubernetes";

/// Whether the service has an `x-kubernetes.expose` block.
pub fn has_block(service: &Service) -> bool {
    expose(service).is_some()
}

fn expose(service: &Service) -> Option<&Node> {
    match &service.extensions.get(KEY)?.value {
        Value::Map(map) => map.get("expose"),
        _ => None,
    }
}

fn text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar(scalar) => Some(&scalar.text),
        _ => None,
    }
}

/// The route of `x-kubernetes.expose`.
// One block per key of the block, in order.
#[allow(clippy::too_many_lines)]
pub fn route(name: &str, service: &Service, report: &mut Report) -> Option<Route> {
    let block = service.extensions.get(KEY)?;
    if let Value::Map(map) = &block.value {
        for (key, entry) in map.iter().filter(|(k, _)| *k != "expose") {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &format!("{KEY}.{key}"),
                    Some(entry.key_span),
                    "compose2kube reads only `expose` from `x-kubernetes`",
                )
                .help("use the command-line flags or `kompose.*` labels for other settings"),
            );
        }
    }
    let node = expose(service)?;
    let origin = Origin::new(format!("{KEY}.expose"), Some(node.span));
    let Value::Map(map) = &node.value else {
        report.add(
            Entry::unsupported(
                Some(name),
                &origin.key,
                origin.span,
                "`expose` is not a mapping",
            )
            .help("write `expose: {host: app.example.com, path: /}`"),
        );
        return None;
    };
    let field = |key: &str| {
        Origin::new(
            format!("{KEY}.expose.{key}"),
            map.entry(key).map(|e| e.key_span),
        )
    };
    let bad = |key: &str, why: &str, report: &mut Report| {
        let origin = field(key);
        report.add(
            Entry::unsupported(
                Some(name),
                &origin.key,
                origin.span,
                format!("{why}: the route is not made"),
            )
            .help("see `x-kubernetes.expose` in the README"),
        );
    };
    let hosts: Vec<String> = match map.get("host").map(|h| &h.value) {
        None => Vec::new(),
        Some(Value::Scalar(s)) => vec![s.text.as_str().to_ascii_lowercase()],
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(text)
            .map(str::to_ascii_lowercase)
            .collect(),
        Some(Value::Map(_)) => {
            bad("host", "`host` is a host name or a list of them", report);
            return None;
        }
    };
    if let Some(host) = hosts.iter().find(|h| !valid_host(h)) {
        bad(
            "host",
            &format!("`{host}` is not a host name an Ingress or HTTPRoute accepts"),
            report,
        );
        return None;
    }
    let path = map.get("path").and_then(text).unwrap_or("/").to_owned();
    if !valid_path(&path) {
        bad(
            "path",
            &format!("`{path}` is not an absolute URL path"),
            report,
        );
        return None;
    }
    let port = match map.get("port").and_then(text) {
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port > 0 => i32::from(port),
            _ => {
                bad("port", &format!("`{port}` is not a port number"), report);
                return None;
            }
        },
        None => default_port(
            name,
            service,
            &origin,
            "add `port: PORT` to `x-kubernetes.expose`",
            report,
        )?,
    };
    let tls = match map.get("tls").and_then(text) {
        None | Some("false") => None,
        Some("true") => Some(Tls {
            secret: None,
            origin: field("tls"),
        }),
        Some(secret) => Some(Tls {
            secret: Some(secret.to_owned()),
            origin: field("tls"),
        }),
    };
    let mut annotations = BTreeMap::new();
    if let Some(Value::Map(entries)) = map.get("annotations").map(|a| &a.value) {
        for (key, entry) in entries.iter() {
            annotations.insert(
                key.as_str().to_owned(),
                text(&entry.value).unwrap_or_default().to_owned(),
            );
        }
    }
    for (key, entry) in map.iter() {
        if !["host", "path", "tls", "className", "annotations", "port"].contains(&key.as_str()) {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &format!("{KEY}.expose.{key}"),
                    Some(entry.key_span),
                    "not a key of `x-kubernetes.expose`",
                )
                .help("use host, path, tls, className, annotations or port"),
            );
        }
    }
    let request = HttpMatch {
        path: Some((PathMatch::PathPrefix, path)),
        ..HttpMatch::default()
    };
    let alternatives = if hosts.is_empty() {
        vec![Alternative {
            host: None,
            request,
        }]
    } else {
        hosts
            .into_iter()
            .map(|host| Alternative {
                host: Some(host),
                request: request.clone(),
            })
            .collect()
    };
    Some(Route {
        tls,
        class_name: map.get("className").and_then(text).map(str::to_owned),
        annotations,
        ..Route::new(name, String::new(), origin, alternatives, port)
    })
}
