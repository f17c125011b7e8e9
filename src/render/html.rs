//! The migration report: one self-contained HTML page to review a conversion
//! (`explain --format html`).
//!
//! The page has the topology picture ([`super::svg`]), the translation report as a table
//! whose rows link to the Compose source with the key highlighted, and per Pod the objects it
//! became, each with its YAML in a collapsible block. It loads nothing: no script, no font,
//! no image, only inline CSS, so it opens the same offline, attached to a pull request or in a
//! CI artifact. The markup is also well-formed XML (XHTML), so tools can parse it.

use std::collections::BTreeMap;

use std::fmt::Write as _;

use super::explain::{policy_selects, selects};
use super::manifests::Marker;
use super::svg::escape;
use crate::Converted;
use crate::compose::Loaded;
use crate::diag::{Diagnostic, Severity};
use crate::emit::Object;
use crate::plan::storage::VolumeSource;
use crate::plan::{Plan, Workload};
use crate::report::Entry;
use crate::source::{SourceMap, Span};

/// The first line of every page: nothing may come before it (that puts browsers in quirks
/// mode), so the page's [`Marker::Markup`] line follows it.
pub const DOCTYPE: &str = "<!DOCTYPE html>\n";

/// The first two lines of every page: the doctype, then the marker.
fn head() -> String {
    format!("{DOCTYPE}{}\n", Marker::Markup.line())
}

/// Lines of context shown above and below the highlighted key.
const CONTEXT_LINES: usize = 2;

const STYLE: &str = "
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; margin: 0 auto; padding: 0 24px 48px; max-width: 1400px; color: #1f2328; line-height: 1.45; }
h1 { font-size: 24px; margin: 20px 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
nav a { margin-right: 16px; }
a { color: #0969da; }
code, pre { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; font-size: 12.5px; }
.summary { color: #57606a; margin: 0 0 8px; }
.graph { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; max-height: 640px; background: #fff; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #d8dee4; }
th { background: #f6f8fa; }
td.severity { font-weight: bold; white-space: nowrap; }
tr.error td.severity { color: #cf222e; }
tr.warning td.severity { color: #9a6700; }
tr.note td.severity { color: #0969da; }
td.place { white-space: nowrap; }
.snippet { margin: 10px 0; border: 1px solid #d0d7de; border-radius: 6px; }
.snippet:target { border-color: #bf8700; box-shadow: 0 0 0 3px #fff1c2; }
.snippet p { margin: 0; padding: 4px 8px; background: #f6f8fa; font-size: 13px; }
.snippet pre { margin: 0; padding: 6px 8px; overflow-x: auto; }
.snippet .number { color: #8c959f; user-select: none; }
mark { background: #ffd33d; }
details { margin: 4px 0; }
summary { cursor: pointer; }
details pre { background: #f6f8fa; padding: 8px; border-radius: 6px; overflow-x: auto; }
";

/// The whole page for a converted project and its diagnostics (those of loading, checking
/// and planning, in source order).
#[must_use]
pub fn page(loaded: &Loaded, converted: &Converted, diagnostics: &[Diagnostic]) -> String {
    let plan = &converted.plan;
    let objects = converted.objects();
    let mut out = head();
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let _ = write!(
        out,
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>Migration report: {project}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Migration report: {project}</h1>\n<p class=\"summary\">{pods}, {services}, {objects}; {errors}, {warnings}, {notes}.</p>\n<nav><a href=\"#topology\">Topology</a><a href=\"#report\">Translation report</a><a href=\"#pods\">Pods and their objects</a></nav>\n",
        project = escape(&plan.project),
        pods = plural(plan.workloads.len(), "Pod"),
        services = plural(plan.services.len(), "Service"),
        objects = plural(objects.len(), "object"),
        errors = plural(count(Severity::Error), "error"),
        warnings = plural(count(Severity::Warning), "warning"),
        notes = plural(count(Severity::Note), "note"),
    );
    out.push_str("<h2 id=\"topology\">Topology</h2>\n<div class=\"graph\">\n");
    out.push_str(&super::svg::picture(plan, loaded.project.as_ref()));
    out.push_str("</div>\n");
    report(
        &mut out,
        diagnostics,
        converted.report.entries(),
        &loaded.sources,
    );
    pods(&mut out, plan, &objects);
    out.push_str("</body>\n</html>\n");
    out
}

/// `1 note`, `2 notes`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The translation report as a table, then the source snippet of each row.
fn report(out: &mut String, diagnostics: &[Diagnostic], entries: &[Entry], sources: &SourceMap) {
    out.push_str("<h2 id=\"report\">Translation report</h2>\n");
    if diagnostics.is_empty() {
        out.push_str("<p>Everything carried over exactly.</p>\n");
        return;
    }
    out.push_str("<table>\n<thead><tr><th>Severity</th><th>Code</th><th>Compose key</th><th>File:line</th><th>What happens</th><th>Help</th></tr></thead>\n<tbody>\n");
    let mut snippets = String::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let entry = entry_of(diagnostic, entries);
        let key = entry.map_or_else(
            || "—".to_owned(),
            |e| match &e.service {
                Some(service) => format!(
                    "<code>services.{}.{}</code>",
                    escape(service),
                    escape(&e.key)
                ),
                None => format!("<code>{}</code>", escape(&e.key)),
            },
        );
        let message = entry.map_or(diagnostic.message.as_str(), |e| &*e.message);
        let place = diagnostic
            .span
            .and_then(|span| snippet(sources, span, index))
            .map_or_else(
                || "—".to_owned(),
                |(place, text)| {
                    snippets.push_str(&text);
                    format!("<a href=\"#source-{index}\">{}</a>", escape(&place))
                },
            );
        let _ = writeln!(
            out,
            "<tr class=\"{severity}\"><td class=\"severity\">{severity}</td><td><code>{}</code></td><td>{key}</td><td class=\"place\">{place}</td><td>{}</td><td>{}</td></tr>",
            diagnostic.code.as_str(),
            prose(message),
            prose(diagnostic.help.as_deref().unwrap_or_default()),
        );
    }
    out.push_str("</tbody>\n</table>\n<h3>Sources</h3>\n");
    out.push_str(&snippets);
}

/// A sentence of the report as markup: `quoted` words become code, as in the terminal.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut parts = text.split('`');
    if let Some(first) = parts.next() {
        out.push_str(&escape(first));
    }
    let rest: Vec<&str> = parts.collect();
    let mut pairs = rest.chunks(2);
    for pair in pairs.by_ref() {
        match pair {
            [code, after] => {
                let _ = write!(out, "<code>{}</code>{}", escape(code), escape(after));
            }
            // An unmatched backquote stays as written.
            [unmatched] => {
                let _ = write!(out, "`{}", escape(unmatched));
            }
            _ => {}
        }
    }
    out
}

/// The report entry a diagnostic was made from, for its Compose key.
fn entry_of<'a>(diagnostic: &Diagnostic, entries: &'a [Entry]) -> Option<&'a Entry> {
    entries.iter().find(|e| {
        e.span == diagnostic.span
            && e.help.as_deref() == diagnostic.help.as_deref()
            && diagnostic.message.ends_with(&format!(": {}", e.message))
    })
}

/// `file:line` of a span and the snippet around it, with the span highlighted.
fn snippet(sources: &SourceMap, span: Span, index: usize) -> Option<(String, String)> {
    let (file, location) = sources.location(span)?;
    let place = format!("{}:{}", file.name, location.line);
    let first = location.line.saturating_sub(1 + CONTEXT_LINES);
    let last = file.line_starts.len().min(location.line + CONTEXT_LINES);
    let mut text = format!(
        "<figure class=\"snippet\" id=\"source-{index}\"><p>{}:{}:{}</p><pre>",
        escape(&file.name),
        location.line,
        location.column
    );
    let width = last.to_string().len();
    for line in first..last {
        let start = file.line_starts.get(line).copied().unwrap_or(0) as usize;
        let end = file
            .line_starts
            .get(line + 1)
            .map_or(file.text.len(), |&next| next as usize);
        let source = file.text.get(start..end).unwrap_or_default();
        let source = source.trim_end_matches(['\n', '\r']);
        let _ = write!(text, "<span class=\"number\">{:>width$} </span>", line + 1);
        // The part of the span on this line, when it falls on character boundaries.
        let from = (span.start as usize).max(start) - start;
        let to = (span.end as usize)
            .min(start + source.len())
            .saturating_sub(start);
        let parts = (from < to)
            .then(|| {
                Some((
                    source.get(..from)?,
                    source.get(from..to)?,
                    source.get(to..)?,
                ))
            })
            .flatten();
        match parts {
            Some((before, key, after)) => {
                let _ = write!(
                    text,
                    "{}<mark>{}</mark>{}",
                    escape(before),
                    escape(key),
                    escape(after)
                );
            }
            None => text.push_str(&escape(source)),
        }
        text.push('\n');
    }
    text.push_str("</pre></figure>\n");
    Some((place, text))
}

/// Per Pod, the objects it became; then the objects of the whole project.
fn pods(out: &mut String, plan: &Plan, objects: &[Object]) {
    out.push_str("<h2 id=\"pods\">Pods and their objects</h2>\n");
    let mut shown = vec![false; objects.len()];
    for workload in &plan.workloads {
        let _ = writeln!(
            out,
            "<h3 id=\"objects-{name}\">Pod {name} ({kind})</h3>",
            name = escape(&workload.name),
            kind = workload.kind.name()
        );
        let pod_labels = workload.pod_labels();
        for (object, shown) in objects.iter().zip(&mut shown) {
            if belongs_to(object, workload, &pod_labels, plan) {
                *shown = true;
                yaml_block(out, object);
            }
        }
    }
    if shown.iter().any(|s| !s) {
        out.push_str("<h3 id=\"objects-project\">The whole project</h3>\n");
        for (object, _) in objects.iter().zip(&shown).filter(|(_, s)| !**s) {
            yaml_block(out, object);
        }
    }
}

/// Whether an object exists for a Pod: its controller, the Services that select it, the
/// NetworkPolicies that select it, the claims, ConfigMaps and Secrets it mounts, and the
/// Ingresses and autoscalers of its services.
fn belongs_to(
    object: &Object,
    workload: &Workload,
    pod_labels: &BTreeMap<String, String>,
    plan: &Plan,
) -> bool {
    let name = object.name();
    match object {
        Object::Deployment(_)
        | Object::StatefulSet(_)
        | Object::DaemonSet(_)
        | Object::Job(_)
        | Object::CronJob(_) => name == workload.name,
        Object::Service(_) => plan
            .services
            .iter()
            .any(|s| s.name == name && selects(&s.selector, pod_labels)),
        Object::NetworkPolicy(_) => plan
            .policies
            .iter()
            .any(|p| p.name == name && policy_selects(p, pod_labels)),
        Object::PersistentVolumeClaim(_) | Object::ConfigMap(_) | Object::Secret(_) => {
            mounts(workload, name)
        }
        Object::Ingress(_) => plan
            .ingresses
            .iter()
            .any(|i| i.name == name && workload.group.member(&i.service).is_some()),
        Object::HttpRoute(_) => plan
            .http_routes
            .iter()
            .any(|r| r.name == name && workload.group.member(&r.service).is_some()),
        Object::HorizontalPodAutoscaler(_) => plan
            .autoscalers
            .iter()
            .any(|a| a.name == name && a.target == workload.name),
        Object::Namespace(_)
        | Object::ServiceAccount(_)
        | Object::Role(_)
        | Object::RoleBinding(_) => false,
    }
}

/// Whether the Pod mounts the claim, ConfigMap or Secret `name`, or reads it into its
/// environment.
fn mounts(workload: &Workload, name: &str) -> bool {
    let volumes = workload.volumes.iter().any(|volume| match &volume.source {
        VolumeSource::Claim(claim) => claim.claim_name == name,
        VolumeSource::ConfigMap(config_map) => config_map.name == name,
        VolumeSource::Secret(secret) => secret.secret_name.as_deref() == Some(name),
        VolumeSource::EmptyDir(_) | VolumeSource::HostPath(_) => false,
    });
    let containers = workload
        .pod
        .containers
        .iter()
        .chain(&workload.pod.init_containers);
    let environment = containers.flat_map(|c| &c.env_from).any(|source| {
        source
            .config_map_ref
            .as_ref()
            .is_some_and(|c| c.name == name)
            || source.secret_ref.as_ref().is_some_and(|s| s.name == name)
    });
    volumes || environment
}

/// One object as a collapsible YAML block.
fn yaml_block(out: &mut String, object: &Object) {
    let yaml = super::to_yaml(object).unwrap_or_else(|e| format!("# cannot serialize: {e}\n"));
    let _ = writeln!(
        out,
        "<details><summary>{} <code>{}</code></summary><pre><code>{}</code></pre></details>",
        object.kind(),
        escape(object.name()),
        escape(&yaml)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::manifests::written_by_us;

    #[test]
    fn quoted_words_of_the_report_become_code_and_the_rest_is_escaped() {
        assert_eq!(
            prose("`web` & `a<b>` stay"),
            "<code>web</code> &amp; <code>a&lt;b&gt;</code> stay"
        );
        assert_eq!(prose("one ` alone"), "one ` alone");
    }

    #[test]
    fn the_page_starts_with_the_doctype_then_the_marker() {
        assert_eq!(
            head(),
            "<!DOCTYPE html>\n<!-- Generated by compose2kube. -->\n"
        );
        assert!(written_by_us(&head()));
    }
}
