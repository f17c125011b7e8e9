//! HTTP routing as the reverse proxy did it: Ingresses or Gateway API HTTPRoutes from
//! Traefik router labels ([`traefik`]), caddy-docker-proxy labels ([`caddy`]), an
//! `x-kubernetes.expose` block ([`extension`]) and `kompose.service.expose` ([`kompose`]).
//!
//! Every source becomes [`Route`]s first: the requests a router accepts as alternatives
//! (host, path, method, headers, query), the container port it sends them to, TLS, and the
//! middlewares that change the request. [`Exposure::plan`] then writes each route as an
//! Ingress or an HTTPRoute (`--expose`), reporting at the label what that kind of object
//! cannot say. The proxy container itself ([`proxy`]) is left out: the cluster's Ingress
//! controller or Gateway takes its place (with an explicit `--expose`).

pub mod caddy;
pub mod extension;
pub mod kompose;
pub mod proxy;
pub mod rule;
pub mod traefik;

use std::collections::{BTreeMap, BTreeSet};

use crate::compose::model::Project;
use crate::plan::{
    Context, Expose, GatewayRef, HttpFilter, HttpMatch, HttpRoute, HttpRouteRule, Ingress,
    IngressRule, PathMatch, PathType, Plan, RedirectScheme, ServicePurpose, labels, names,
};
use crate::report::{Entry, Report};
use crate::source::Span;

/// The annotation cert-manager reads on an Ingress to issue its TLS Secret.
pub const CERT_MANAGER_ISSUER: &str = "cert-manager.io/cluster-issuer";

/// Where a route was written, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The key, as a path (`labels.traefik.http.routers.web.rule`).
    pub key: String,
    pub span: Option<Span>,
}

impl Origin {
    pub fn new(key: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            key: key.into(),
            span,
        }
    }
}

/// One proxy label of a service, from `labels` or (as in Swarm) `deploy.labels`.
#[derive(Clone, Debug)]
pub struct Label {
    /// The key as written.
    pub key: String,
    /// `labels` or `deploy.labels`.
    pub section: &'static str,
    pub value: String,
    pub span: Option<Span>,
}

impl Label {
    pub fn origin(&self) -> Origin {
        Origin::new(format!("{}.{}", self.section, self.key), self.span)
    }
}

/// The labels of a service whose key `keep`s, from `labels` then `deploy.labels`.
pub fn proxy_labels(
    service: &crate::compose::model::Service,
    keep: impl Fn(&str) -> bool,
) -> Vec<Label> {
    let deploy = service.deploy.as_ref().map(|d| &d.rare().labels);
    let mut out = Vec::new();
    for (section, mapping) in [("labels", Some(&service.labels)), ("deploy.labels", deploy)] {
        for (key, value) in mapping.into_iter().flatten().filter(|(k, _)| keep(k)) {
            let (value, span) = value.as_ref().map_or((String::new(), Some(key.span)), |v| {
                (v.value.clone(), Some(v.span))
            });
            out.push(Label {
                key: key.value.clone(),
                section,
                value,
                span,
            });
        }
    }
    out
}

/// One route of a Compose service, whatever wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The Compose service the requests go to.
    pub service: String,
    /// The router's name within the service (empty: none); the object is named
    /// `<service>-<router>` when the service has several routes, else after the service.
    pub name: String,
    /// The object's own name, when the source gives one (`kompose.service.name_override`).
    pub object_name: Option<String>,
    pub origin: Origin,
    /// The requests it accepts: any one of these.
    pub alternatives: Vec<Alternative>,
    /// The container port it sends them to.
    pub port: i32,
    pub tls: Option<Tls>,
    /// An Ingress class the source names (`kompose.service.expose.ingress-class-name`).
    pub class_name: Option<String>,
    /// Annotations the source names (`x-kubernetes.expose.annotations`).
    pub annotations: BTreeMap<String, String>,
    pub middlewares: Vec<Middleware>,
}

impl Route {
    /// The route `name` (empty: none) of `service`, to `port`, with none of what a source may
    /// add: TLS, an object name, an Ingress class, annotations, middlewares.
    #[must_use]
    pub fn new(
        service: &str,
        name: String,
        origin: Origin,
        alternatives: Vec<Alternative>,
        port: i32,
    ) -> Self {
        Self {
            service: service.to_owned(),
            name,
            object_name: None,
            origin,
            alternatives,
            port,
            tls: None,
            class_name: None,
            annotations: BTreeMap::new(),
            middlewares: Vec::new(),
        }
    }
}

/// One kind of request a route accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Alternative {
    /// `None`: any host.
    pub host: Option<String>,
    pub request: HttpMatch,
}

/// TLS of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tls {
    /// The Secret the source names; otherwise `<route>-tls`, which the user provides.
    pub secret: Option<String>,
    pub origin: Origin,
}

/// A middleware that changes requests, and where it is defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Middleware {
    pub name: String,
    pub kind: MiddlewareKind,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MiddlewareKind {
    /// Removes one of these path prefixes.
    StripPrefix(Vec<String>),
    /// Redirects to another scheme.
    RedirectScheme {
        scheme: String,
        port: Option<i32>,
        permanent: bool,
    },
}

/// What the project's routing becomes.
#[derive(Debug, Default)]
pub struct Exposure {
    mode: Option<Output>,
    routes: Vec<Route>,
    /// The reverse proxies to leave out.
    proxies: Vec<proxy::Proxy>,
}

/// The kind of object routes become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    Ingress,
    Gateway,
}

impl Exposure {
    /// Reads every source of routes of the project.
    pub fn collect(context: &Context, report: &mut Report) -> Self {
        let project = context.project;
        let proxies = proxy::find(project);
        let middlewares = traefik::middlewares(project);
        let mut routes = Vec::new();
        let mut routing_labels = false;
        let none = context.options.expose == Expose::None;
        for (name, service) in &project.services {
            if proxies.iter().any(|p| p.service == name.value) {
                continue;
            }
            let mut found = Vec::new();
            let labelled = traefik::has_labels(service)
                || caddy::has_labels(service)
                || extension::has_block(service);
            routing_labels |= labelled;
            if none {
                if labelled {
                    report.add(
                        Entry::unsupported(
                            Some(name),
                            "labels",
                            service.span,
                            "the proxy routing labels are not translated (`--expose none`)",
                        )
                        .help("convert with `--expose ingress` or `--expose gateway`"),
                    );
                }
                kompose::report_unused(name, service, report);
                continue;
            }
            found.extend(traefik::routes(
                context,
                name,
                service,
                &middlewares,
                report,
            ));
            found.extend(caddy::routes(context, name, service, report));
            found.extend(extension::route(name, service, report));
            found.extend(kompose::route(name, service, report));
            name_routes(name, &mut found);
            routes.extend(found);
        }
        let mode = match context.options.expose {
            Expose::None => None,
            Expose::Gateway => Some(Output::Gateway),
            Expose::Auto | Expose::Ingress => Some(Output::Ingress),
        };
        // Only an explicit `--expose` leaves the proxy out: by default the conversion keeps
        // every service the file runs.
        let leave_out = matches!(context.options.expose, Expose::Ingress | Expose::Gateway);
        if context.options.expose == Expose::Auto && routing_labels {
            for proxy in &proxies {
                report.add(
                    proxy.approximated("is kept, though it reads routes from the Docker API, which a cluster does not have; the Ingresses of its routes take its place")
                    .help("convert with `--expose ingress` or `--expose gateway` to leave it out"),
                );
            }
        }
        let proxies = if leave_out { proxies } else { Vec::new() };
        for proxy in &proxies {
            let Some(service) = project.services.get(proxy.service.as_str()) else {
                continue;
            };
            // Its own routers serve the proxy's dashboard and API (`api@internal`).
            for origin in traefik::router_rules(service) {
                report.add(
                    Entry::unsupported(
                        Some(&proxy.service),
                        &origin.key,
                        origin.span,
                        "a router of the proxy itself goes with the proxy",
                    )
                    .help("the cluster's Ingress controller or Gateway has its own dashboard"),
                );
            }
        }
        Self {
            mode,
            routes,
            proxies,
        }
    }

    /// The container ports routes send to, which the service's Service must answer on.
    pub fn target_ports(&self, service: &str) -> Vec<i32> {
        let ports: BTreeSet<i32> = self
            .routes
            .iter()
            .filter(|r| r.service == service)
            .map(|r| r.port)
            .collect();
        ports.into_iter().collect()
    }

    /// The project without the reverse proxies, when some are left out (`None`: as written).
    pub fn without_proxies(&self, project: &Project, report: &mut Report) -> Option<Project> {
        proxy::leave_out(project, &self.proxies, report)
    }

    /// Writes each route as an Ingress or HTTPRoute.
    pub fn plan(&self, context: &Context, plan: &mut Plan, report: &mut Report) {
        let Some(mode) = self.mode else {
            return;
        };
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for route in &self.routes {
            let Some(backend) = backend_service(plan, &route.service) else {
                report.add(
                    Entry::unsupported(
                        Some(&route.service),
                        &route.origin.key,
                        route.origin.span,
                        "the service has no Service to route to (its Pod uses the host's network or none)",
                    )
                    .help("route to a service on a Compose network"),
                );
                continue;
            };
            let name = unique_name(&route.name, &mut taken);
            match mode {
                Output::Ingress => {
                    if let Some(ingress) = ingress(context, route, name, &backend, report) {
                        plan.ingresses.push(ingress);
                    }
                }
                Output::Gateway => {
                    plan.http_routes
                        .extend(http_routes(context, route, &name, &backend, report));
                }
            }
        }
    }
}

/// A route's object name: the service's when it has one route, `<service>-<router>` when
/// several.
fn name_routes(service: &str, routes: &mut [Route]) {
    let single = routes.len() == 1;
    for route in routes {
        route.name = if let Some(name) = &route.object_name {
            name.clone()
        } else if single || route.name.is_empty() || route.name == service {
            names::label(service)
        } else {
            names::label(&format!("{service}-{}", route.name))
        };
    }
}

fn unique_name(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.to_owned();
    let mut index = 2;
    while !taken.insert(candidate.clone()) {
        candidate = names::joined(&[name, &index.to_string()]);
        index += 1;
    }
    candidate
}

/// The Service requests for a Compose service go to: its own, or its Pod root's when it
/// shares another service's network stack.
fn backend_service(plan: &Plan, service: &str) -> Option<String> {
    let root = plan
        .workloads
        .iter()
        .find(|w| w.group.members.iter().any(|m| m.service == service))
        .map_or(service, |w| w.group.root.as_str());
    plan.services
        .iter()
        .find(|s| {
            s.purpose == ServicePurpose::Primary && (s.service == service || s.service == root)
        })
        .map(|s| s.name.clone())
}

/// The Secret of a TLS route: the one the source names, or `<route>-tls`, which the user
/// provides (or cert-manager issues).
fn tls_secret(
    context: &Context,
    route: &Route,
    tls: &Tls,
    name: &str,
    hosts: &[String],
    report: &mut Report,
) -> String {
    if let Some(secret) = &tls.secret {
        return secret.clone();
    }
    let secret = names::joined(&[name, "tls"]);
    let message = match &context.options.cert_issuer {
        Some(issuer) => format!(
            "TLS: cert-manager's ClusterIssuer `{issuer}` issues the certificate into the Secret `{secret}`"
        ),
        None => format!("TLS: the certificate comes from the Secret `{secret}`, which you create"),
    };
    let mut entry = Entry::approximated(
        Some(&route.service),
        &tls.origin.key,
        tls.origin.span,
        message,
    );
    if context.options.cert_issuer.is_none() {
        let hosts = if hosts.is_empty() {
            "its hosts".to_owned()
        } else {
            hosts.join(", ")
        };
        entry = entry.help(format!(
            "`kubectl create secret tls {secret} --cert=FILE --key=FILE` with a certificate for {hosts}, or convert with `--cert-issuer ISSUER` for cert-manager"
        ));
    }
    report.add(entry);
    secret
}

/// The Ingress controller whose annotations carry middlewares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Controller {
    Nginx,
    Traefik,
}

fn ingress(
    context: &Context,
    route: &Route,
    name: String,
    backend: &str,
    report: &mut Report,
) -> Option<Ingress> {
    let unmatched: BTreeSet<&str> = route
        .alternatives
        .iter()
        .flat_map(|a| {
            let r = &a.request;
            [
                r.method.as_ref().map(|_| "a method"),
                (!r.headers.is_empty()).then_some("headers"),
                (!r.query.is_empty()).then_some("query parameters"),
            ]
        })
        .flatten()
        .collect();
    if !unmatched.is_empty() {
        report.add(
            Entry::unsupported(
                Some(&route.service),
                &route.origin.key,
                route.origin.span,
                format!(
                    "an Ingress matches hosts and paths only; this route also matches {}, and without them it would accept requests the proxy refused: it is left out",
                    unmatched.into_iter().collect::<Vec<_>>().join(", ")
                ),
            )
            .help("convert with `--expose gateway`: an HTTPRoute matches methods, headers and query parameters"),
        );
        return None;
    }
    let class_name = route
        .class_name
        .clone()
        .or_else(|| context.options.ingress_class.clone());
    let controller = match class_name.as_deref() {
        Some("nginx") => Some(Controller::Nginx),
        Some("traefik") => Some(Controller::Traefik),
        _ => None,
    };
    let mut annotations = route.annotations.clone();
    let mut rules: Vec<IngressRule> = Vec::new();
    for alternative in &route.alternatives {
        let (path_type, path) = alternative.request.path.clone().map_or_else(
            || (PathType::default(), "/".to_owned()),
            |(kind, path)| (kind.path_type(), path),
        );
        let rule = IngressRule {
            host: alternative.host.clone(),
            path,
            path_type,
            backend: backend.to_owned(),
            port: route.port,
        };
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    for middleware in &route.middlewares {
        ingress_middleware(
            context,
            route,
            middleware,
            controller,
            &mut rules,
            &mut annotations,
            report,
        );
    }
    let hosts: Vec<String> = hosts(&route.alternatives);
    let tls = route.tls.as_ref().map(|tls| {
        let secret = tls_secret(context, route, tls, &name, &hosts, report);
        if let Some(issuer) = &context.options.cert_issuer {
            annotations.insert(CERT_MANAGER_ISSUER.to_owned(), issuer.clone());
        }
        (secret, hosts.clone())
    });
    Some(Ingress {
        name,
        service: route.service.clone(),
        labels: labels::common(context, &route.service),
        annotations,
        class_name,
        rules,
        tls,
    })
}

/// The distinct hosts of a route, in order.
fn hosts(alternatives: &[Alternative]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for host in alternatives.iter().filter_map(|a| a.host.clone()) {
        if !out.contains(&host) {
            out.push(host);
        }
    }
    out
}

/// A middleware on an Ingress: the named controller's annotations, else reported.
fn ingress_middleware(
    context: &Context,
    route: &Route,
    middleware: &Middleware,
    controller: Option<Controller>,
    rules: &mut [IngressRule],
    annotations: &mut BTreeMap<String, String>,
    report: &mut Report,
) {
    let service = Some(route.service.as_str());
    let origin = &middleware.origin;
    match (controller, &middleware.kind) {
        (None, _) => report.add(
            Entry::unsupported(
                service,
                &origin.key,
                origin.span,
                format!(
                    "the middleware `{}` has no Ingress field; only a named Ingress controller has annotations for it: the route works without it",
                    middleware.name
                ),
            )
            .help("convert with `--ingress-class nginx` or `--ingress-class traefik`, or `--expose gateway` for an HTTPRoute filter"),
        ),
        (Some(Controller::Nginx), MiddlewareKind::StripPrefix(prefixes)) => {
            let stripped = rules.iter().all(|r| {
                r.path_type == PathType::Prefix && prefixes.iter().any(|p| trim_slash(p) == trim_slash(&r.path))
            });
            if !stripped {
                report.add(
                    Entry::unsupported(
                        service,
                        &origin.key,
                        origin.span,
                        "nginx strips a prefix only when it is the path the rule matches; this route matches other paths",
                    )
                    .help("match the prefix with `PathPrefix` in the rule, or convert with `--expose gateway`"),
                );
                return;
            }
            for rule in rules.iter_mut() {
                rule.path = format!("{}(/|$)(.*)", trim_slash(&rule.path));
                rule.path_type = PathType::ImplementationSpecific;
            }
            annotations.insert("nginx.ingress.kubernetes.io/use-regex".into(), "true".into());
            annotations.insert("nginx.ingress.kubernetes.io/rewrite-target".into(), "/$2".into());
        }
        (Some(Controller::Nginx), MiddlewareKind::RedirectScheme { scheme, .. }) => {
            if scheme == "https" {
                annotations.insert("nginx.ingress.kubernetes.io/force-ssl-redirect".into(), "true".into());
            } else {
                report.add(
                    Entry::unsupported(
                        service,
                        &origin.key,
                        origin.span,
                        format!("nginx redirects only to https, not to `{scheme}`"),
                    )
                    .help("convert with `--expose gateway` for a RequestRedirect filter"),
                );
            }
        }
        (Some(Controller::Traefik), kind) => {
            // Traefik's Ingress provider applies Middleware objects named in an annotation.
            let namespace = context.options.namespace.clone().unwrap_or_else(|| "default".into());
            let object = names::label(&middleware.name);
            let reference = format!("{namespace}-{object}@kubernetescrd");
            let entry = annotations
                .entry("traefik.ingress.kubernetes.io/router.middlewares".into())
                .or_default();
            if !entry.is_empty() {
                entry.push(',');
            }
            entry.push_str(&reference);
            let spec = match kind {
                MiddlewareKind::StripPrefix(prefixes) => format!("stripPrefix: {{prefixes: [{}]}}", prefixes.join(", ")),
                MiddlewareKind::RedirectScheme { scheme, permanent, .. } => {
                    format!("redirectScheme: {{scheme: {scheme}, permanent: {permanent}}}")
                }
            };
            report.add(
                Entry::approximated(
                    service,
                    &origin.key,
                    origin.span,
                    format!("the middleware becomes the Traefik Middleware `{object}` the Ingress names; it is not generated"),
                )
                .help(format!(
                    "create it: `apiVersion: traefik.io/v1alpha1`, `kind: Middleware`, `metadata: {{name: {object}, namespace: {namespace}}}`, `spec: {{{spec}}}`"
                )),
            );
        }
    }
}

fn trim_slash(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "" } else { trimmed }
}

/// The HTTPRoutes of a route: one per set of hostnames (the hostnames of an HTTPRoute apply
/// to all its rules).
fn http_routes(
    context: &Context,
    route: &Route,
    name: &str,
    backend: &str,
    report: &mut Report,
) -> Vec<HttpRoute> {
    let parent = match &context.options.gateway {
        Some(gateway) => gateway.clone(),
        None => GatewayRef {
            name: "gateway".into(),
            namespace: None,
        },
    };
    // Requests by what they match besides the host, then those by their set of hosts.
    let mut by_request: BTreeMap<&HttpMatch, BTreeSet<Option<&String>>> = BTreeMap::new();
    for alternative in &route.alternatives {
        by_request
            .entry(&alternative.request)
            .or_default()
            .insert(alternative.host.as_ref());
    }
    let mut by_hosts: Vec<(Vec<String>, Vec<HttpMatch>)> = Vec::new();
    for (request, hosts) in by_request {
        let hosts: Vec<String> = if hosts.contains(&None) {
            Vec::new()
        } else {
            hosts.into_iter().flatten().cloned().collect()
        };
        match by_hosts.iter_mut().find(|(h, _)| *h == hosts) {
            Some((_, matches)) => matches.push(request.clone()),
            None => by_hosts.push((hosts, vec![request.clone()])),
        }
    }
    let (filters, redirects) = filters(route, report);
    if let Some(tls) = &route.tls {
        report.add(
            Entry::approximated(
                Some(&route.service),
                &tls.origin.key,
                tls.origin.span,
                format!(
                    "TLS is terminated by the Gateway `{}`, not by the HTTPRoute",
                    parent.name
                ),
            )
            .help(format!(
                "give the Gateway an HTTPS listener with a certificate for {}{}",
                if hosts(&route.alternatives).is_empty() {
                    "the route's hosts".to_owned()
                } else {
                    hosts(&route.alternatives).join(", ")
                },
                context
                    .options
                    .cert_issuer
                    .as_ref()
                    .map(|i| format!(
                        " (cert-manager: annotate the Gateway `{CERT_MANAGER_ISSUER}: {i}`)"
                    ))
                    .unwrap_or_default()
            )),
        );
    }
    let count = by_hosts.len();
    by_hosts
        .into_iter()
        .enumerate()
        .map(|(index, (hostnames, matches))| {
            let matches = if matches.iter().all(|m| *m == HttpMatch::default()) {
                Vec::new()
            } else {
                matches
            };
            HttpRoute {
                name: if count == 1 || index == 0 {
                    name.to_owned()
                } else {
                    names::joined(&[name, &(index + 1).to_string()])
                },
                service: route.service.clone(),
                labels: labels::common(context, &route.service),
                annotations: route.annotations.clone(),
                parent: parent.clone(),
                hostnames,
                rules: vec![HttpRouteRule {
                    matches,
                    filters: filters.clone(),
                    backend: (!redirects).then(|| (backend.to_owned(), route.port)),
                }],
            }
        })
        .collect()
}

/// What a strip-prefix middleware becomes: the path prefix the rule matched is replaced with
/// the root.
fn strip_prefix() -> HttpFilter {
    HttpFilter::ReplacePrefixMatch("/".into())
}

/// The HTTPRoute filters of a route's middlewares (at most one rewrite or one redirect), and
/// whether it redirects.
fn filters(route: &Route, report: &mut Report) -> (Vec<HttpFilter>, bool) {
    let mut filters = Vec::new();
    let mut redirects = false;
    for middleware in &route.middlewares {
        match &middleware.kind {
            MiddlewareKind::StripPrefix(prefixes) => {
                let all_prefixed = route.alternatives.iter().all(|a| {
                    matches!(&a.request.path, Some((PathMatch::PathPrefix, p)) if prefixes.iter().any(|x| trim_slash(x) == trim_slash(p)))
                });
                if all_prefixed && !redirects && !filters.contains(&strip_prefix()) {
                    filters.push(strip_prefix());
                } else {
                    report.add(
                        Entry::unsupported(
                            Some(&route.service),
                            &middleware.origin.key,
                            middleware.origin.span,
                            format!(
                                "the middleware `{}` strips a prefix the rule does not match with `PathPrefix` (a URLRewrite replaces only the matched prefix, and not with a redirect): the route works without it",
                                middleware.name
                            ),
                        )
                        .help("match the stripped prefix with `PathPrefix` in the rule"),
                    );
                }
            }
            MiddlewareKind::RedirectScheme {
                scheme,
                port,
                permanent,
            } => {
                if redirects || filters.contains(&strip_prefix()) {
                    report.add(
                        Entry::unsupported(
                            Some(&route.service),
                            &middleware.origin.key,
                            middleware.origin.span,
                            "an HTTPRoute rule has one redirect and no redirect together with a rewrite: this middleware is left out",
                        )
                        .help("give the redirect a router of its own"),
                    );
                    continue;
                }
                let Some(scheme) = RedirectScheme::parse(scheme) else {
                    report.add(
                        Entry::unsupported(
                            Some(&route.service),
                            &middleware.origin.key,
                            middleware.origin.span,
                            format!("an HTTPRoute redirects to http or https, not to `{scheme}`: this middleware is left out"),
                        )
                        .help("redirect to `https` or `http`"),
                    );
                    continue;
                };
                redirects = true;
                filters.push(HttpFilter::RequestRedirect {
                    scheme,
                    port: *port,
                    status_code: if *permanent { 301 } else { 302 },
                });
            }
        }
    }
    (filters, redirects)
}

/// A host name an Ingress and an HTTPRoute accept: a DNS name, lower case, optionally
/// starting with `*.`.
pub fn valid_host(host: &str) -> bool {
    let name = host.strip_prefix("*.").unwrap_or(host);
    !name.is_empty()
        && host.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        && !name.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// A path an HTTPRoute accepts (its pattern and CEL rules): absolute, no `//`, `/./`, `/../`,
/// `%2f`, `#`, and only the characters of a URL path.
pub fn valid_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && !path.contains("/./")
        && !path.contains("/../")
        && !path.ends_with("/.")
        && !path.ends_with("/..")
        && !path.to_ascii_lowercase().contains("%2f")
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/._~!$&'()*+,;=:@%".contains(c))
}

/// The container port of a route without an explicit one: the service's only declared port.
fn single_port(service: &crate::compose::model::Service) -> Result<i32, Vec<i32>> {
    let mut ports: BTreeSet<i32> = service.ports.iter().map(|p| i32::from(p.target)).collect();
    for expose in &service.expose {
        ports.extend(super::container::expose_ports(expose));
    }
    let ports: Vec<i32> = ports.into_iter().collect();
    match ports.as_slice() {
        [only] => Ok(*only),
        _ => Err(ports),
    }
}

/// The port of a route that names none: the service's only declared port, else `None` and
/// the route is reported (with `help`, how to name one).
pub fn default_port(
    name: &str,
    service: &crate::compose::model::Service,
    origin: &Origin,
    help: &str,
    report: &mut Report,
) -> Option<i32> {
    match single_port(service) {
        Ok(port) => Some(port),
        Err(ports) => {
            report.add(port_unknown(name, origin, &ports, help));
            None
        }
    }
}

/// The report of a route whose port is unknown: the route is left out. (Traefik would take
/// the port the image `EXPOSE`s, which the Compose file does not say.)
fn port_unknown(service: &str, origin: &Origin, ports: &[i32], help: &str) -> Entry {
    let found = if ports.is_empty() {
        "declares no port".to_owned()
    } else {
        format!(
            "declares several ports ({})",
            ports
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Entry::unsupported(
        Some(service),
        &origin.key,
        origin.span,
        format!("the route names no port and the service {found}: it is left out"),
    )
    .help(help.to_owned())
}

#[cfg(test)]
mod tests {
    //! The HTTPRoute rules the CRD states in CEL, which `validate-k8s` does not evaluate.
    use super::*;

    #[test]
    fn hosts_are_dns_names_or_leading_wildcards() {
        assert!(valid_host("app.example.com"));
        assert!(valid_host("*.example.com"));
        assert!(!valid_host("a.*.example.com"));
        assert!(
            !valid_host("10.0.0.1"),
            "an HTTPRoute hostname is no IP address"
        );
        assert!(
            !valid_host("radarr."),
            "an unset variable left a trailing dot"
        );
        assert!(!valid_host("App.example.com"));
    }

    #[test]
    fn paths_follow_the_http_route_path_rules() {
        assert!(valid_path("/api/v1"));
        assert!(!valid_path("api"));
        assert!(!valid_path("/a//b"));
        assert!(!valid_path("/a/../b"));
        assert!(!valid_path("/a%2Fb"));
        assert!(!valid_path("/a#b"));
    }

    fn route(path: Option<(PathMatch, &str)>, middlewares: Vec<MiddlewareKind>) -> Route {
        let alternatives = vec![Alternative {
            host: Some("a.example.com".into()),
            request: HttpMatch {
                path: path.map(|(k, p)| (k, p.to_owned())),
                ..HttpMatch::default()
            },
        }];
        Route {
            middlewares: middlewares
                .into_iter()
                .map(|kind| Middleware {
                    name: "m".into(),
                    kind,
                    origin: Origin::new("labels.y", None),
                })
                .collect(),
            ..Route::new(
                "web",
                "web".into(),
                Origin::new("labels.x", None),
                alternatives,
                80,
            )
        }
    }

    fn routes_of(route: &Route) -> (Vec<HttpRoute>, Report) {
        let project = Project::default();
        let options = crate::plan::ConvertOptions::default();
        let environment = crate::compose::env::Environment::default();
        let env_files = crate::compose::EnvFiles::default();
        let context = Context {
            project: &project,
            name: "p".into(),
            compose_name: "p",
            directory: std::path::Path::new("."),
            environment: &environment,
            env_files: &env_files,
            options: &options,
            hosts: crate::plan::hosts::HostNames::default(),
            label_sets: crate::plan::labels::Sets::default(),
        };
        let mut report = Report::new();
        let out = http_routes(&context, route, "web", "web", &mut report);
        (out, report)
    }

    #[test]
    fn a_url_rewrite_needs_a_path_prefix_match_of_the_stripped_prefix() {
        let strip = || vec![MiddlewareKind::StripPrefix(vec!["/api".into()])];
        let (ok, _) = routes_of(&route(Some((PathMatch::PathPrefix, "/api")), strip()));
        assert_eq!(ok[0].rules[0].filters, [strip_prefix()]);
        for path in [
            Some((PathMatch::Exact, "/api")),
            Some((PathMatch::PathPrefix, "/other")),
            None,
        ] {
            let (out, report) = routes_of(&route(path, strip()));
            assert!(out[0].rules[0].filters.is_empty(), "{path:?}");
            assert_eq!(report.entries().len(), 1);
        }
    }

    #[test]
    fn a_redirect_has_no_backend_and_never_joins_a_rewrite() {
        let redirect = MiddlewareKind::RedirectScheme {
            scheme: "https".into(),
            port: None,
            permanent: true,
        };
        let (out, _) = routes_of(&route(None, vec![redirect.clone()]));
        assert_eq!(out[0].rules[0].backend, None);
        let both = vec![MiddlewareKind::StripPrefix(vec!["/api".into()]), redirect];
        let (out, report) = routes_of(&route(Some((PathMatch::PathPrefix, "/api")), both));
        assert_eq!(out[0].rules[0].filters, [strip_prefix()]);
        assert!(
            report
                .entries()
                .iter()
                .any(|e| e.message.contains("one redirect"))
        );
    }

    #[test]
    fn a_redirect_to_a_scheme_an_http_route_cannot_name_is_reported_and_left_out() {
        let redirect = MiddlewareKind::RedirectScheme {
            scheme: "ftp".into(),
            port: None,
            permanent: false,
        };
        let (out, report) = routes_of(&route(None, vec![redirect]));
        assert!(out[0].rules[0].filters.is_empty());
        assert_eq!(out[0].rules[0].backend, Some(("web".into(), 80)));
        assert!(
            report
                .entries()
                .iter()
                .any(|e| e.message.contains("not to `ftp`"))
        );
    }
}
