//! caddy-docker-proxy labels: `caddy: app.example.com` (or `caddy_0`, `caddy_1`, … for
//! several sites) with `caddy.reverse_proxy: "{{upstreams 8080}}"`, optionally under
//! `caddy.handle_path: /api/*` (the prefix stripped) or `caddy.handle: /api/*`.
//!
//! Caddy serves every named host over HTTPS on its own (automatic HTTPS), so a site is a TLS
//! route unless its address says `http://`. Directives that are not routing are reported.

use std::collections::BTreeMap;

use crate::compose::model::Service;
use crate::plan::routes::{
    Alternative, Label, Middleware, MiddlewareKind, Route, Tls, proxy_labels, valid_host,
    valid_path,
};
use crate::plan::{Context, HttpMatch, PathMatch};
use crate::report::{Entry, Report};

/// The site of a label key: `caddy` or `caddy_<n>`, and the directive after it.
fn site_of(key: &str) -> Option<(&str, &str)> {
    let (site, directive) = key.split_once('.').unwrap_or((key, ""));
    let numbered = site
        .strip_prefix("caddy_")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    (site == "caddy" || numbered).then_some((site, directive))
}

/// The service's caddy labels, by site, then directive (`""` for the address).
fn sites(service: &Service) -> BTreeMap<String, BTreeMap<String, Label>> {
    let mut out: BTreeMap<String, BTreeMap<String, Label>> = BTreeMap::new();
    for label in proxy_labels(service, |k| site_of(k).is_some()) {
        if let Some((site, directive)) = site_of(&label.key) {
            let (site, directive) = (site.to_owned(), directive.to_owned());
            out.entry(site).or_default().insert(directive, label);
        }
    }
    out
}

/// Whether a service has caddy-docker-proxy labels.
pub fn has_labels(service: &Service) -> bool {
    !sites(service).is_empty()
}

/// Directives that change only how the proxy answers, not where requests go.
const COSMETIC: [&str; 3] = ["encode", "header", "log"];

/// The routes of a service's Caddy sites.
pub fn routes(
    _context: &Context,
    name: &str,
    service: &Service,
    report: &mut Report,
) -> Vec<Route> {
    let mut routes = Vec::new();
    for (site, mut directives) in sites(service) {
        let Some(address) = directives.remove("") else {
            let first = directives.values().next();
            report.add(
                Entry::unsupported(
                    Some(name),
                    &first.map_or_else(|| format!("labels.{site}"), |l| l.origin().key),
                    first.and_then(|l| l.span),
                    format!("the `{site}.*` labels name no site address: not translated"),
                )
                .help(format!("add `{site}: HOST`")),
            );
            continue;
        };
        let origin = address.origin();
        // `reverse_proxy` at the top, or under one `handle_path` / `handle`.
        let mut path: Option<(Label, bool)> = None;
        let mut proxy = directives.remove("reverse_proxy");
        for (directive, strip) in [("handle_path", true), ("handle", false)] {
            if let Some(matcher) = directives.remove(directive) {
                if let Some(inner) = directives.remove(&format!("{directive}.reverse_proxy")) {
                    proxy.get_or_insert(inner);
                }
                path.get_or_insert((matcher, strip));
            }
        }
        let Some(proxy) = proxy else {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &origin.key,
                    origin.span,
                    format!("the site `{}` has no `reverse_proxy` to the container at its top level or under one `handle_path`/`handle`: not translated", address.value),
                )
                .help(format!("route with `{site}.reverse_proxy: \"{{{{upstreams PORT}}}}\"`")),
            );
            continue;
        };
        let Some(port) = upstream_port(&proxy.value) else {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &proxy.origin().key,
                    proxy.span,
                    format!(
                        "`{}` is not `{{{{upstreams [http] [PORT]}}}}`: not translated",
                        proxy.value
                    ),
                )
                .help("send to the container itself with `{{upstreams PORT}}`"),
            );
            continue;
        };
        let mut request = HttpMatch::default();
        let mut middlewares = Vec::new();
        if let Some((matcher, strip)) = &path {
            let prefix = matcher
                .value
                .trim()
                .trim_end_matches('*')
                .trim_end_matches('/');
            let prefix = if prefix.is_empty() { "/" } else { prefix };
            if !valid_path(prefix) {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        &matcher.origin().key,
                        matcher.span,
                        format!(
                            "`{}` is not a path prefix such as `/api/*`: not translated",
                            matcher.value
                        ),
                    )
                    .help("match a plain path prefix"),
                );
                continue;
            }
            request.path = Some((PathMatch::PathPrefix, prefix.to_owned()));
            if *strip && prefix != "/" {
                middlewares.push(Middleware {
                    name: format!("{site}.handle_path"),
                    kind: MiddlewareKind::StripPrefix(vec![prefix.to_owned()]),
                    origin: matcher.origin(),
                });
            }
        }
        let mut tls = false;
        let mut alternatives = Vec::new();
        let mut bad = Vec::new();
        for host in address
            .value
            .split([' ', ','])
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            let (secure, rest) = match host.split_once("://") {
                Some(("http", rest)) => (false, rest),
                Some((_, rest)) => (true, rest),
                None => (true, host),
            };
            let host = rest
                .split(['/', ':'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if host.is_empty() || !valid_host(&host) {
                bad.push(rest.to_owned());
                continue;
            }
            tls |= secure && host != "localhost";
            alternatives.push(Alternative {
                host: Some(host),
                request: request.clone(),
            });
        }
        if !bad.is_empty() {
            report.add(
                Entry::unsupported(
                    Some(name),
                    &origin.key,
                    origin.span,
                    format!(
                        "{} no host names an Ingress or HTTPRoute accepts: left out",
                        bad.join(", ")
                    ),
                )
                .help("name the site by its DNS name"),
            );
        }
        if alternatives.is_empty() {
            continue;
        }
        let tls_label = directives.remove("tls");
        for (directive, label) in directives {
            let origin = label.origin();
            let why = if directive.starts_with("tls.") {
                "the certificate settings belong to the Ingress controller, Gateway or cert-manager"
            } else if COSMETIC.contains(&directive.split('.').next().unwrap_or_default()) {
                "the Ingress controller or Gateway answers in its own way"
            } else {
                "the directive has no Ingress or HTTPRoute equivalent: the route works without it"
            };
            report.add(
                Entry::unsupported(
                    Some(name),
                    &origin.key,
                    origin.span,
                    format!("`{directive}`: {why}"),
                )
                .help("configure the equivalent in the Ingress controller or Gateway"),
            );
        }
        let tls = match tls_label {
            Some(label) if label.value == "off" => None,
            Some(label) => {
                if label.value == "internal" {
                    report.add(Entry::approximated(
                        Some(name),
                        &label.origin().key,
                        label.span,
                        "Caddy's own CA signed the certificate; on the cluster it comes from the route's TLS Secret",
                    ));
                }
                Some(Tls {
                    secret: None,
                    origin: label.origin(),
                })
            }
            None => tls.then(|| Tls {
                secret: None,
                origin: origin.clone(),
            }),
        };
        let route_name = if site == "caddy" {
            String::new()
        } else {
            site.replace('_', "-")
        };
        routes.push(Route {
            tls,
            middlewares,
            ..Route::new(name, route_name, origin, alternatives, port)
        });
    }
    routes
}

/// The port of `{{upstreams}}`, `{{upstreams 8080}}` or `{{upstreams http 8080}}` (Caddy's
/// default is 80).
fn upstream_port(value: &str) -> Option<i32> {
    let inner = value.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    let mut words = inner.split_whitespace();
    if words.next()? != "upstreams" {
        return None;
    }
    let rest: Vec<&str> = words.collect();
    let port = match rest.as_slice() {
        [] | ["http"] => "80",
        [port] | ["http", port] => port,
        _ => return None,
    };
    port.parse::<u16>().ok().filter(|p| *p > 0).map(i32::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstreams_name_the_port_or_default_to_80() {
        assert_eq!(upstream_port("{{upstreams 8080}}"), Some(8080));
        assert_eq!(upstream_port("{{upstreams http 3000}}"), Some(3000));
        assert_eq!(upstream_port("{{upstreams}}"), Some(80));
        assert_eq!(upstream_port("{{upstreams https 443}}"), None);
        assert_eq!(upstream_port("backend:8080"), None);
    }

    #[test]
    fn sites_are_caddy_or_numbered() {
        assert_eq!(site_of("caddy"), Some(("caddy", "")));
        assert_eq!(
            site_of("caddy_1.reverse_proxy"),
            Some(("caddy_1", "reverse_proxy"))
        );
        assert_eq!(site_of("caddyfile"), None);
        assert_eq!(site_of("caddy_x"), None);
    }
}
