//! Compose names that are no Service names.
//!
//! On a Compose network a service answers at its name, its `container_name` and its aliases,
//! whatever characters they have (`plausible_db`, `wazuh.manager`, `3proxy`). A Kubernetes
//! Service name is a DNS label, so such a service is reached at another name (`plausible-db`),
//! and every value that addresses it by its Compose name would fail to resolve. compose2kube
//! rewrites those host names where it can see them — environment values, `command` and
//! `entrypoint`, healthcheck commands, and the files it turns into ConfigMaps — in host
//! positions only: the whole value, after `//`, `@`, `=`, `,` or white space, and before
//! `:port`, `/path`, `,`, white space or the end. `/plausible_db` (a database name in a URL
//! path) is no host position and stays. Each rewrite is a note; each such name also gets one
//! warning, since whatever else addresses it (an image's built-in default) cannot be rewritten.
//! A network alias with dots (`matrix.example.com`) is a public host name made to resolve
//! inside the stack: values naming it keep it (only a warning says it does not resolve).
//! Upper-case letters need nothing: DNS names are case-insensitive. One exception to the whole
//! value: a variable that names a database (`POSTGRES_DB: plausible_db`, `*_DATABASE`) keeps
//! it, since the same name in a URL path (`/plausible_db`) is not rewritten either.

use crate::compose::model::Project;
use crate::plan::names;
use crate::report::{Entry, Report};
use crate::source::Span;

/// One Compose name and the Service name that answers for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub compose: String,
    pub service: String,
    /// The service that has the name.
    pub owner: String,
    pub span: Span,
    /// `false` for a network alias with dots (`matrix.example.com`): such an alias stands for
    /// a public host name that the stack makes resolve inside, and values that name it (a
    /// server name, a mail domain) must keep it. It is only warned about.
    pub rewritten: bool,
}

/// Every Compose name of the project that its Service does not keep, longest first (so that
/// `db_main` is rewritten before `db`).
#[derive(Clone, Debug, Default)]
pub struct HostNames {
    renames: Vec<Rename>,
}

impl HostNames {
    #[must_use]
    pub fn of(project: &Project) -> Self {
        let mut renames: Vec<Rename> = Vec::new();
        for (owner, service) in &project.services {
            let aliases = service.networks.values().flat_map(|n| n.aliases.iter());
            let names = std::iter::once((owner.value.as_str(), owner.span, true))
                .chain(
                    service
                        .container_name
                        .iter()
                        .map(|c| (c.as_str(), c.span, true)),
                )
                .chain(aliases.map(|a| (a.as_str(), a.span, !a.contains('.'))));
            for (compose, span, rewritten) in names {
                let service = names::service(compose);
                if service != compose.to_lowercase()
                    && !renames.iter().any(|r| r.compose == compose)
                {
                    renames.push(Rename {
                        compose: compose.to_owned(),
                        service,
                        owner: owner.value.clone(),
                        span,
                        rewritten,
                    });
                }
            }
        }
        renames.sort_by(|a, b| {
            b.compose
                .len()
                .cmp(&a.compose.len())
                .then(a.compose.cmp(&b.compose))
        });
        Self { renames }
    }

    /// The renamed names, in project order of their owners.
    #[must_use]
    pub fn renames(&self) -> &[Rename] {
        &self.renames
    }

    /// `text` with every Compose name in a host position replaced by its Service name, and the
    /// names it replaced; `None` when nothing changed.
    #[must_use]
    pub fn rewrite(&self, text: &str) -> Option<(String, Vec<&Rename>)> {
        let mut out = text.to_owned();
        let mut used = Vec::new();
        for rename in self.renames.iter().filter(|r| r.rewritten) {
            if let Some(rewritten) = replace_hosts(&out, &rename.compose, &rename.service) {
                out = rewritten;
                used.push(rename);
            }
        }
        (!used.is_empty()).then_some((out, used))
    }

    /// [`Self::rewrite_reported`] for the value of the environment variable `key`.
    pub fn rewrite_variable(
        &self,
        key: &str,
        value: &str,
        service: &str,
        span: Span,
        report: &mut Report,
    ) -> Option<String> {
        let upper = key.to_uppercase();
        let database = upper == "DB"
            || ["_DB", "DATABASE", "_DB_NAME", "DATABASE_NAME"]
                .iter()
                .any(|end| upper.ends_with(end));
        if database && self.renames.iter().any(|r| r.compose == value) {
            return None;
        }
        // The report's key is built only for a value that names a renamed host.
        let (rewritten, used) = self.rewrite(value)?;
        report_renames(
            &used,
            Some(service),
            &format!("environment.{key}"),
            Some(span),
            report,
        );
        Some(rewritten)
    }

    /// [`Self::rewrite`], with a note at `span` for each name it replaced.
    pub fn rewrite_reported(
        &self,
        text: &str,
        service: Option<&str>,
        key: &str,
        span: Option<Span>,
        report: &mut Report,
    ) -> Option<String> {
        let (rewritten, used) = self.rewrite(text)?;
        report_renames(&used, service, key, span, report);
        Some(rewritten)
    }

    /// One warning per renamed name: what compose2kube cannot see still uses the old name.
    pub fn report(&self, report: &mut Report) {
        let mut ordered: Vec<&Rename> = self.renames.iter().collect();
        ordered.sort_by_key(|r| r.span);
        for rename in ordered {
            if !rename.rewritten {
                report.add(
                    Entry::unsupported(
                        Some(&rename.owner),
                        "networks.aliases",
                        Some(rename.span),
                        format!(
                            "the alias `{}` is no DNS label: its Service is `{}`, and `{}` does not resolve inside the cluster; values that name it are left as they are (a dotted alias usually stands for a public host name)",
                            rename.compose, rename.service, rename.compose
                        ),
                    )
                    .help("route the public name through an Ingress, or rewrite it in the cluster DNS (a CoreDNS `rewrite` rule)"),
                );
                continue;
            }
            report.add(
                Entry::unsupported(
                    Some(&rename.owner),
                    "name",
                    Some(rename.span),
                    format!(
                        "`{}` is no DNS label: the cluster answers at `{}`; compose2kube rewrites it in environment values, commands, healthchecks and config files, but anything else that addresses `{}` (an image's built-in default, a file it does not convert) will not resolve",
                        rename.compose, rename.service, rename.compose
                    ),
                )
                .help(format!(
                    "rename it to `{}` in the Compose file (lower-case letters, digits and `-`)",
                    rename.service
                )),
            );
        }
    }
}

/// `text` with `name` replaced by `by` wherever it stands as a host name.
fn replace_hosts(text: &str, name: &str, by: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    for (start, _) in text.match_indices(name) {
        if start < last {
            continue;
        }
        let end = start + name.len();
        let before = text.get(..start).unwrap_or_default();
        let after = text.get(end..).unwrap_or_default();
        let host_start = before.is_empty()
            || before.ends_with("//")
            || before.ends_with(|c: char| matches!(c, '@' | '=' | ',') || c.is_whitespace());
        let host_end = after.is_empty()
            || after.starts_with(|c: char| matches!(c, ':' | '/' | ',') || c.is_whitespace());
        if host_start && host_end {
            out.push_str(text.get(last..start).unwrap_or_default());
            out.push_str(by);
            last = end;
            changed = true;
        }
    }
    out.push_str(text.get(last..).unwrap_or_default());
    changed.then_some(out)
}

/// A note at `span` for each name a rewrite replaced.
fn report_renames(
    used: &[&Rename],
    service: Option<&str>,
    key: &str,
    span: Option<Span>,
    report: &mut Report,
) {
    for rename in used {
        report.add(Entry::approximated(
            service,
            key,
            span,
            format!(
                "`{}` becomes `{}`, the Service that answers for it",
                rename.compose, rename.service
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::replace_hosts;

    fn host(text: &str) -> String {
        replace_hosts(text, "plausible_db", "plausible-db").unwrap_or_else(|| text.to_owned())
    }

    #[test]
    fn names_in_host_positions_are_rewritten() {
        assert_eq!(host("plausible_db"), "plausible-db");
        assert_eq!(
            host("postgres://user:pw@plausible_db:5432/plausible_db"),
            "postgres://user:pw@plausible-db:5432/plausible_db"
        );
        assert_eq!(host("http://plausible_db/x"), "http://plausible-db/x");
        assert_eq!(host("--host=plausible_db --x"), "--host=plausible-db --x");
        assert_eq!(host("a:1,plausible_db:2"), "a:1,plausible-db:2");
    }

    #[test]
    fn names_elsewhere_stay() {
        for text in [
            "/plausible_db",
            "plausible_dbx",
            "xplausible_db",
            "plausible_db.sql",
            "db=plausible_db_test",
        ] {
            assert_eq!(host(text), text);
        }
    }
}
