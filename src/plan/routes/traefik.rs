//! Traefik v2/v3 labels of the Docker provider: `traefik.http.routers.<r>.*`,
//! `traefik.http.services.<s>.*` and `traefik.http.middlewares.<m>.*`.
//!
//! Each HTTP router becomes a [`Route`]: its `rule` parsed ([`super::rule`]) into
//! alternatives, its port from its service's `loadbalancer.server.port` (else the container's
//! only declared port), TLS from `tls`/`tls.certresolver`, and its `stripprefix` and
//! `redirectscheme` middlewares. Every other `traefik.*` label is reported, once per service.

use std::collections::{BTreeMap, BTreeSet};

use crate::compose::model::{Project, Service};
use crate::plan::routes::rule::{self, Matcher};
use crate::plan::routes::{
    Alternative, Label, Middleware, MiddlewareKind, Origin, Route, Tls, default_port, port_unknown,
    proxy_labels, valid_host, valid_path,
};
use crate::plan::{Context, HttpMatch, HttpMethod, PathMatch};
use crate::report::{Entry, Report};

/// A service's `traefik.*` labels (from `labels` and, as in Swarm, `deploy.labels`), by key
/// in lower case (Traefik reads option names in any case), and the ones read.
struct Labels {
    all: BTreeMap<String, Label>,
    read: BTreeSet<String>,
}

impl Labels {
    fn of(service: &Service) -> Self {
        let all = proxy_labels(service, |k| k.to_ascii_lowercase().starts_with("traefik."))
            .into_iter()
            .map(|label| (label.key.to_ascii_lowercase(), label))
            .collect();
        Self {
            all,
            read: BTreeSet::new(),
        }
    }

    fn get(&mut self, key: &str) -> Option<Label> {
        let key = key.to_ascii_lowercase();
        let label = self.all.get(&key).cloned()?;
        self.read.insert(key);
        Some(label)
    }

    /// The names `<name>` of keys `<prefix><name>.…`, in order.
    fn names(&self, prefix: &str) -> BTreeSet<String> {
        self.all
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .filter_map(|rest| rest.split_once('.').map(|(name, _)| name.to_owned()))
            .collect()
    }

    /// Marks every key starting with `prefix` as read.
    fn read_all(&mut self, prefix: &str) {
        let keys: Vec<String> = self
            .all
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        self.read.extend(keys);
    }

    fn unread(&self) -> Vec<&Label> {
        self.all
            .iter()
            .filter(|(k, _)| !self.read.contains(*k))
            .map(|(_, l)| l)
            .collect()
    }
}

/// The `rule` labels of a service's routers: the key (with its section) and where.
pub fn router_rules(service: &Service) -> Vec<Origin> {
    Labels::of(service)
        .all
        .iter()
        .filter(|(k, _)| {
            k.starts_with("traefik.http.routers.") && k.rsplit('.').next() == Some("rule")
        })
        .map(|(_, l)| l.origin())
        .collect()
}

/// Whether a service has `traefik.*` labels.
pub fn has_labels(service: &Service) -> bool {
    !Labels::of(service).all.is_empty()
}

/// The `stripprefix` and `redirectscheme` middlewares the project's labels define, by name
/// (a middleware defined on one container serves the routers of every container).
pub fn middlewares(project: &Project) -> BTreeMap<String, Middleware> {
    let mut out = BTreeMap::new();
    for service in project.services.values() {
        let mut labels = Labels::of(service);
        for name in labels.names("traefik.http.middlewares.") {
            let prefix = format!("traefik.http.middlewares.{name}.");
            let strip = labels.get(&format!("{prefix}stripprefix.prefixes"));
            let scheme = labels.get(&format!("{prefix}redirectscheme.scheme"));
            let kind = match (strip, scheme) {
                (Some(prefixes), None) => Some((
                    MiddlewareKind::StripPrefix(
                        prefixes
                            .value
                            .split(',')
                            .map(|p| p.trim().to_owned())
                            .filter(|p| !p.is_empty())
                            .collect(),
                    ),
                    prefixes,
                )),
                (None, Some(scheme)) => {
                    let permanent = labels
                        .get(&format!("{prefix}redirectscheme.permanent"))
                        .is_some_and(|p| p.value.eq_ignore_ascii_case("true"));
                    let port = labels
                        .get(&format!("{prefix}redirectscheme.port"))
                        .and_then(|p| p.value.parse().ok());
                    Some((
                        MiddlewareKind::RedirectScheme {
                            scheme: scheme.value.to_ascii_lowercase(),
                            port,
                            permanent,
                        },
                        scheme,
                    ))
                }
                _ => None,
            };
            if let Some((kind, label)) = kind {
                out.insert(
                    name.clone(),
                    Middleware {
                        name: name.clone(),
                        kind,
                        origin: label.origin(),
                    },
                );
            }
        }
    }
    out
}

/// The routes of a service's HTTP routers.
// One pass over the routers, each label read in order; split, the steps would share most of
// their state.
#[allow(clippy::too_many_lines)]
pub fn routes(
    _context: &Context,
    name: &str,
    service: &Service,
    middlewares: &BTreeMap<String, Middleware>,
    report: &mut Report,
) -> Vec<Route> {
    let mut labels = Labels::of(service);
    if labels.all.is_empty() {
        return Vec::new();
    }
    if labels
        .get("traefik.enable")
        .is_some_and(|l| l.value.eq_ignore_ascii_case("false"))
    {
        // Traefik does not route to it either.
        labels.read_all("traefik.");
        return Vec::new();
    }
    // Middleware definitions are read with the routers that use them.
    labels.read_all("traefik.http.middlewares.");
    let services = labels.names("traefik.http.services.");
    let mut routes = Vec::new();
    // Only the first router's entry points are reported: the others are the same setting.
    let mut entrypoints: Option<Label> = None;
    for router in labels.names("traefik.http.routers.") {
        let prefix = format!("traefik.http.routers.{router}.");
        if let Some(label) = labels.get(&format!("{prefix}entrypoints")) {
            entrypoints.get_or_insert(label);
        }
        labels.get(&format!("{prefix}rulesyntax"));
        if let Some(priority) = labels.get(&format!("{prefix}priority")) {
            report.add(Entry::approximated(
                Some(name),
                &priority.origin().key,
                priority.span,
                "the priority is not kept: Ingress controllers and Gateways choose among routes by the most specific host and path",
            ));
        }
        let Some(rule) = labels.get(&format!("{prefix}rule")) else {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &format!("labels.{prefix}"),
                    labels
                        .all
                        .iter()
                        .find(|(k, _)| k.starts_with(&prefix))
                        .and_then(|(_, l)| l.span),
                    format!("the router `{router}` has no rule; the proxy's default rule is not in the Compose file"),
                )
                .help(format!("add `{prefix}rule=Host(`…`)`")),
            );
            labels.read_all(&prefix);
            continue;
        };
        let origin = rule.origin();
        let target = labels.get(&format!("{prefix}service"));
        let target_name = match &target {
            Some(t) if t.value.contains('@') && !t.value.ends_with("@docker") => {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        &t.origin().key,
                        t.span,
                        format!("the router `{router}` sends requests to `{}`, a service of the proxy itself or of another provider: it has no Kubernetes Service", t.value),
                    )
                    .help("route to a Compose service"),
                );
                labels.read_all(&prefix);
                continue;
            }
            Some(t) => Some(t.value.trim_end_matches("@docker").to_ascii_lowercase()),
            None if services.len() == 1 => services.first().cloned(),
            None => None,
        };
        let explicit = target_name.as_ref().and_then(|s| {
            let key = format!("traefik.http.services.{s}.loadbalancer.server.port");
            labels.get(&key).map(|l| (l.value.parse::<u16>().ok(), l))
        });
        let port = match explicit {
            Some((Some(port), _)) if port > 0 => i32::from(port),
            Some((_, label)) => {
                report.add(port_unknown(
                    name,
                    &label.origin(),
                    &[],
                    "a port is a number from 1 to 65535",
                ));
                labels.read_all(&prefix);
                continue;
            }
            None => {
                let help = format!(
                    "add `traefik.http.services.{}.loadbalancer.server.port=PORT`",
                    target_name.as_deref().unwrap_or(&router)
                );
                let Some(port) = default_port(name, service, &origin, &help, report) else {
                    labels.read_all(&prefix);
                    continue;
                };
                port
            }
        };
        let alternatives = match alternatives(&rule.value) {
            Ok((alternatives, notes)) => {
                for note in notes {
                    report.add(Entry::approximated(
                        Some(name),
                        &origin.key,
                        origin.span,
                        note,
                    ));
                }
                alternatives
            }
            Err(why) => {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        &origin.key,
                        origin.span,
                        format!("the router `{router}` is not translated: {why}"),
                    )
                    .help("write the rule with Host, PathPrefix, Path, Method, Header and Query, joined by `&&` and `||`"),
                );
                labels.read_all(&prefix);
                continue;
            }
        };
        let tls = tls(name, &prefix, &mut labels, report);
        let used = router_middlewares(name, &prefix, &mut labels, middlewares, report);
        routes.push(Route {
            tls,
            middlewares: used,
            ..Route::new(name, router.clone(), origin, alternatives, port)
        });
    }
    for service_name in &services {
        let prefix = format!("traefik.http.services.{service_name}.loadbalancer.");
        labels.get(&format!("{prefix}server.port"));
        labels.get(&format!("{prefix}passhostheader"));
        if let Some(scheme) = labels.get(&format!("{prefix}server.scheme"))
            && !scheme.value.eq_ignore_ascii_case("http")
        {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &scheme.origin().key,
                    scheme.span,
                    format!("the proxy spoke `{}` to the container; the route speaks plain HTTP to the Service", scheme.value),
                )
                .help("configure backend TLS in the Ingress controller or with a BackendTLSPolicy"),
            );
        }
    }
    if let Some(entrypoints) = entrypoints {
        report.add(Entry::approximated(
            Some(name),
            &entrypoints.origin().key,
            entrypoints.span,
            format!(
                "the entry points (`{}`) were the proxy's listeners; the Ingress controller's or Gateway's listeners take their place",
                entrypoints.value
            ),
        ));
    }
    report_unread(name, &labels, report);
    routes
}

fn tls(name: &str, prefix: &str, labels: &mut Labels, report: &mut Report) -> Option<Tls> {
    let on = labels.get(&format!("{prefix}tls"));
    let resolver = labels.get(&format!("{prefix}tls.certresolver"));
    let domains: Vec<Label> = labels
        .all
        .keys()
        .filter(|k| k.starts_with(&format!("{prefix}tls.domains")))
        .cloned()
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|k| labels.get(&k))
        .collect();
    if let Some(options) = labels.get(&format!("{prefix}tls.options")) {
        report.add(
            Entry::unsupported(
                Some(name),
                &options.origin().key,
                options.span,
                "TLS options (versions, ciphers) belong to the Ingress controller or Gateway",
            )
            .help("set them in the controller's or Gateway's configuration"),
        );
    }
    if let Some(first) = domains.first() {
        report.add(Entry::approximated(
            Some(name),
            &first.origin().key,
            first.span,
            "the certificate's domains are the route's hosts",
        ));
    }
    let enabled = on
        .as_ref()
        .is_some_and(|l| !l.value.eq_ignore_ascii_case("false"))
        || resolver.is_some();
    let origin = resolver.or(on)?.origin();
    enabled.then_some(Tls {
        secret: None,
        origin,
    })
}

/// The middlewares a router names: those with a route filter, else reported.
fn router_middlewares(
    name: &str,
    prefix: &str,
    labels: &mut Labels,
    defined: &BTreeMap<String, Middleware>,
    report: &mut Report,
) -> Vec<Middleware> {
    let Some(label) = labels.get(&format!("{prefix}middlewares")) else {
        return Vec::new();
    };
    let mut used = Vec::new();
    for reference in label
        .value
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        let local = reference.strip_suffix("@docker").unwrap_or(reference);
        match defined.get(&local.to_ascii_lowercase()) {
            Some(middleware) if !local.contains('@') => used.push(Middleware {
                origin: label.origin(),
                ..middleware.clone()
            }),
            _ => report.add(
                Entry::unsupported(
                    Some(name),
                    &label.origin().key,
                    label.span,
                    format!(
                        "the middleware `{reference}` is {}: the route is exposed without it",
                        if local.contains('@') {
                            "defined outside the Compose file"
                        } else {
                            "not a `stripprefix` or `redirectscheme` middleware"
                        }
                    ),
                )
                .help("add what it did (authentication, headers) at the Ingress controller or Gateway before exposing the service"),
            ),
        }
    }
    used
}

/// One report entry for the `traefik.*` labels nothing read.
fn report_unread(name: &str, labels: &Labels, report: &mut Report) {
    let unread = labels.unread();
    let Some(first) = unread.first() else {
        return;
    };
    let keys: Vec<&str> = unread.iter().map(|l| l.key.as_str()).collect();
    let v1 = keys.iter().any(|k| {
        let k = k.to_ascii_lowercase();
        k.starts_with("traefik.frontend.")
            || k == "traefik.port"
            || k.starts_with("traefik.backend")
    });
    report.add(
        Entry::unsupported(
            Some(name),
            &first.origin().key,
            first.span,
            format!("not translated: {}", keys.join(", ")),
        )
        .help(if v1 {
            "these are Traefik v1 labels: rewrite them as v2 router labels (`traefik.http.routers.<name>.rule`)"
        } else {
            "only HTTP routers, their services' ports, TLS and the stripprefix and redirectscheme middlewares are translated"
        }),
    );
}

/// A rule as alternatives, and notes on what they approximate.
pub fn alternatives(text: &str) -> Result<(Vec<Alternative>, Vec<String>), String> {
    let rule = rule::parse(text).map_err(|e| format!("the rule does not parse: {e}"))?;
    let mut notes = Vec::new();
    let mut out: Vec<Alternative> = Vec::new();
    for conjunction in rule.alternatives()? {
        for alternative in conjunction_alternatives(&conjunction, &mut notes)? {
            if !out.contains(&alternative) {
                out.push(alternative);
            }
        }
    }
    if out.len() > rule::MAX_ALTERNATIVES {
        return Err(format!(
            "the rule has more than {} alternatives",
            rule::MAX_ALTERNATIVES
        ));
    }
    Ok((out, notes))
}

/// The alternatives of matchers that must all hold. Matchers with several values (Traefik
/// v2's `Host(`a`, `b`)`) multiply out.
fn conjunction_alternatives(
    matchers: &[&Matcher],
    notes: &mut Vec<String>,
) -> Result<Vec<Alternative>, String> {
    let mut out = vec![Alternative::default()];
    for matcher in matchers {
        let options = matcher_options(matcher, notes)?;
        let mut next = Vec::new();
        for partial in &out {
            for option in &options {
                next.push(combine(partial, option, matcher)?);
            }
        }
        if next.len() > rule::MAX_ALTERNATIVES {
            return Err(format!(
                "the rule has more than {} alternatives",
                rule::MAX_ALTERNATIVES
            ));
        }
        out = next;
    }
    Ok(out)
}

/// The alternatives one matcher allows, each as a one-condition alternative.
// One arm per Traefik matcher: the table reads best in one place.
#[allow(clippy::too_many_lines)]
fn matcher_options(matcher: &Matcher, notes: &mut Vec<String>) -> Result<Vec<Alternative>, String> {
    let name = matcher.name.to_ascii_lowercase();
    let args = &matcher.args;
    let none = || format!("`{matcher}` has no values");
    let each =
        |f: &dyn Fn(&str) -> Result<Alternative, String>| -> Result<Vec<Alternative>, String> {
            if args.is_empty() {
                return Err(none());
            }
            args.iter().map(|a| f(a)).collect()
        };
    match name.as_str() {
        "host" => each(&|host| {
            let host = host.to_ascii_lowercase();
            if valid_host(&host) {
                Ok(Alternative {
                    host: Some(host),
                    ..Alternative::default()
                })
            } else {
                Err(format!(
                    "`{host}` is not a host name an Ingress or HTTPRoute accepts"
                ))
            }
        }),
        "hostregexp" => {
            let options = each(&|pattern| {
                wildcard(pattern)
                    .map(|host| Alternative { host: Some(host), ..Alternative::default() })
                    .ok_or_else(|| format!("`HostRegexp(`{pattern}`)` is a regular expression that is no `*.domain` wildcard"))
            })?;
            notes.push(format!(
                "`{matcher}` becomes the wildcard {}, which matches one more DNS label",
                options
                    .iter()
                    .filter_map(|o| o.host.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            Ok(options)
        }
        "path" | "pathprefix" => {
            let kind = if name == "path" {
                PathMatch::Exact
            } else {
                PathMatch::PathPrefix
            };
            each(&|path| {
                if valid_path(path) {
                    Ok(Alternative {
                        request: HttpMatch {
                            path: Some((kind, path.to_owned())),
                            ..HttpMatch::default()
                        },
                        ..Alternative::default()
                    })
                } else {
                    Err(format!(
                        "the path `{path}` is a pattern or not a plain URL path"
                    ))
                }
            })
        }
        "method" | "methods" => each(&|method| match HttpMethod::parse(method) {
            Some(method) => Ok(Alternative {
                request: HttpMatch {
                    method: Some(method),
                    ..HttpMatch::default()
                },
                ..Alternative::default()
            }),
            None => Err(format!(
                "`{method}` is not an HTTP method an HTTPRoute matches"
            )),
        }),
        "header" | "headers" => match args.as_slice() {
            [header, value] if valid_header(header) => Ok(vec![Alternative {
                request: HttpMatch {
                    headers: vec![(header.clone(), value.clone())],
                    ..HttpMatch::default()
                },
                ..Alternative::default()
            }]),
            _ => Err(format!("`{matcher}` needs a header name and a value")),
        },
        "query" => {
            let pair = match args.as_slice() {
                [name, value] => Some((name.clone(), value.clone())),
                [pair] => pair
                    .split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned())),
                _ => None,
            };
            match pair {
                Some((key, value)) if !key.is_empty() && valid_header(&key) => {
                    Ok(vec![Alternative {
                        request: HttpMatch {
                            query: vec![(key, value)],
                            ..HttpMatch::default()
                        },
                        ..Alternative::default()
                    }])
                }
                _ => Err(format!("`{matcher}` needs a parameter name and a value")),
            }
        }
        _ => Err(format!(
            "`{}` has no Ingress or HTTPRoute equivalent (only exact hosts, `*.` wildcards, paths, path prefixes, methods, headers and query parameters)",
            matcher.name
        )),
    }
}

/// Both conditions at once.
fn combine(a: &Alternative, b: &Alternative, matcher: &Matcher) -> Result<Alternative, String> {
    let conflict = || format!("`{matcher}` contradicts another condition of the same `&&`");
    let host = match (&a.host, &b.host) {
        (Some(x), Some(y)) if x != y => return Err(conflict()),
        (x, y) => x.clone().or_else(|| y.clone()),
    };
    let path = match (&a.request.path, &b.request.path) {
        (Some(x), Some(y)) if x != y => return Err(conflict()),
        (x, y) => x.clone().or_else(|| y.clone()),
    };
    let method = match (a.request.method, b.request.method) {
        (Some(x), Some(y)) if x != y => return Err(conflict()),
        (x, y) => x.or(y),
    };
    let mut headers = a.request.headers.clone();
    for header in &b.request.headers {
        if headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(&header.0))
        {
            return Err(format!(
                "`{matcher}`: an HTTPRoute matches each header once"
            ));
        }
        headers.push(header.clone());
    }
    let mut query = a.request.query.clone();
    for pair in &b.request.query {
        if query.iter().any(|(n, _)| *n == pair.0) {
            return Err(format!(
                "`{matcher}`: an HTTPRoute matches each query parameter once"
            ));
        }
        query.push(pair.clone());
    }
    Ok(Alternative {
        host,
        request: HttpMatch {
            path,
            method,
            headers,
            query,
        },
    })
}

/// A header name an HTTPRoute accepts (an RFC 7230 token).
fn valid_header(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// `*.example.com` for a host pattern that matches any first label of `example.com`:
/// `^.+\.example\.com$`, `[a-z0-9-]+\.example\.com`, or Traefik v2's `{sub:[a-z]+}.example.com`.
fn wildcard(pattern: &str) -> Option<String> {
    let pattern = pattern.trim_start_matches('^').trim_end_matches('$');
    let rest = [
        "{",
        ".+\\.",
        ".*\\.",
        "[^.]+\\.",
        "[a-z0-9-]+\\.",
        "[a-zA-Z0-9-]+\\.",
        "[a-z]+\\.",
    ]
    .iter()
    .find_map(|start| {
        if *start == "{" {
            let close = pattern.strip_prefix('{')?.find("}.")?;
            pattern.get(close + 3..)
        } else {
            pattern.strip_prefix(start)
        }
    })?;
    let domain = rest.replace("\\.", ".");
    let host = format!("*.{}", domain.to_ascii_lowercase());
    valid_host(&host).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(alternatives: &[Alternative]) -> Vec<Option<&str>> {
        alternatives.iter().map(|a| a.host.as_deref()).collect()
    }

    #[test]
    fn host_and_prefix_make_one_alternative() {
        let (found, _) = alternatives("Host(`auth.example.com`) && PathPrefix(`/api`)").unwrap();
        assert_eq!(hosts(&found), [Some("auth.example.com")]);
        assert_eq!(
            found[0].request.path,
            Some((PathMatch::PathPrefix, "/api".into()))
        );
    }

    #[test]
    fn or_of_hosts_and_v2_lists_multiply_out() {
        let (found, _) =
            alternatives("(Host(`a.io`) || Host(`b.io`)) && Path(`/x`, `/y`)").unwrap();
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn host_regexp_of_a_subdomain_is_a_wildcard() {
        let (found, notes) = alternatives(r"HostRegexp(`^.+\.localssl\.dev`)").unwrap();
        assert_eq!(hosts(&found), [Some("*.localssl.dev")]);
        assert_eq!(notes.len(), 1);
        let (v2, _) = alternatives("HostRegexp(`{subdomain:[a-z]+}.example.com`)").unwrap();
        assert_eq!(hosts(&v2), [Some("*.example.com")]);
        assert!(alternatives("HostRegexp(`.*`)").is_err());
    }

    #[test]
    fn unmappable_matchers_say_why() {
        assert!(
            alternatives("ClientIP(`10.0.0.0/8`)")
                .unwrap_err()
                .contains("ClientIP")
        );
        assert!(
            alternatives("Host(`radarr.`)")
                .unwrap_err()
                .contains("host name")
        );
        assert!(
            alternatives("Host(`a.io`) && Host(`b.io`)")
                .unwrap_err()
                .contains("contradicts")
        );
        assert!(alternatives("PathRegexp(`^/api/[0-9]+`)").is_err());
    }

    #[test]
    fn a_method_gateway_api_does_not_match_leaves_the_router_out_and_says_so() {
        let why = alternatives("Host(`a.io`) && Method(`PURGE`)").unwrap_err();
        assert!(why.contains("`PURGE` is not an HTTP method"), "{why}");
    }

    #[test]
    fn headers_methods_and_query_are_matches() {
        let (found, _) = alternatives(
            "Host(`a.io`) && Header(`X-Key`, `s3cret`) && Method(`post`) && Query(`apikey`, `k`)",
        )
        .unwrap();
        let request = &found[0].request;
        assert_eq!(request.method, Some(HttpMethod::Post));
        assert_eq!(request.headers, [("X-Key".to_owned(), "s3cret".to_owned())]);
        assert_eq!(request.query, [("apikey".to_owned(), "k".to_owned())]);
    }
}
