//! `kompose.service.expose` (with `.tls-secret` and `.ingress-class-name`): a route to the
//! service's first port, as kompose makes it.

use crate::compose::model::Service;
use crate::plan::kompose::{
    SERVICE_EXPOSE, SERVICE_EXPOSE_INGRESS_CLASS, SERVICE_EXPOSE_TLS_SECRET, label, name_override,
};
use crate::plan::routes::{Alternative, Origin, Route, Tls};
use crate::plan::{HttpMatch, PathMatch, names};
use crate::report::{Entry, Report};

/// The route of `kompose.service.expose`, if the service has the label.
pub fn route(name: &str, service: &Service, report: &mut Report) -> Option<Route> {
    let expose = label(service, SERVICE_EXPOSE)?;
    let origin = Origin::new(format!("labels.{SERVICE_EXPOSE}"), Some(expose.span));
    let first = service
        .ports
        .first()
        .map(|p| i32::from(p.target))
        .or_else(|| {
            service
                .expose
                .iter()
                .find_map(|e| crate::plan::container::expose_ports(e).first().copied())
        });
    let Some(port) = first else {
        report.add(
            Entry::unsupported(
                Some(name),
                &origin.key,
                origin.span,
                "the service has no port to route to",
            )
            .help("publish the port the Ingress should reach"),
        );
        return None;
    };
    let alternatives: Vec<Alternative> = if expose.eq_ignore_ascii_case("true") {
        vec![Alternative {
            host: None,
            request: HttpMatch {
                path: Some((PathMatch::PathPrefix, "/".into())),
                ..HttpMatch::default()
            },
        }]
    } else {
        expose
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(|entry| {
                let (host, path) = entry
                    .split_once('/')
                    .map_or((entry, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
                Alternative {
                    host: Some(host.to_owned()),
                    request: HttpMatch {
                        path: Some((PathMatch::PathPrefix, path)),
                        ..HttpMatch::default()
                    },
                }
            })
            .collect()
    };
    let tls = label(service, SERVICE_EXPOSE_TLS_SECRET).map(|secret| Tls {
        secret: Some(secret.value.clone()),
        origin: Origin::new(
            format!("labels.{SERVICE_EXPOSE_TLS_SECRET}"),
            Some(secret.span),
        ),
    });
    Some(Route {
        object_name: Some(
            name_override(service).map_or_else(|| names::label(name), |n| n.value.clone()),
        ),
        tls,
        class_name: label(service, SERVICE_EXPOSE_INGRESS_CLASS).map(|c| c.value.clone()),
        ..Route::new(name, String::new(), origin, alternatives, port)
    })
}

/// With `--expose none`, a `kompose.service.expose` label is reported.
pub fn report_unused(name: &str, service: &Service, report: &mut Report) {
    if let Some(expose) = label(service, SERVICE_EXPOSE) {
        report.add(
            Entry::unsupported(
                Some(name),
                &format!("labels.{SERVICE_EXPOSE}"),
                Some(expose.span),
                "no Ingress is made (`--expose none`)",
            )
            .help("convert with `--expose ingress` or `--expose gateway`"),
        );
    }
}
