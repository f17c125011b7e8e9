//! Merging Compose documents: a later `-f` file over an earlier one, a service over the
//! service it `extends`.
//!
//! The rules are those of the Compose Specification as `docker compose` implements them:
//! mappings merge key by key, sequences are appended, scalars are replaced, and some keys have
//! their own rule (`command` is replaced, `environment` merges by variable name, `depends_on`
//! and `networks` merge as mappings whatever syntax each side used, …). A value tagged
//! `!reset` removes the inherited value; one tagged `!override` replaces it whole.
//! Duplicates that appending creates (the same port or mount twice) are removed later, on the
//! typed model, where each entry's identity is known.
//!
//! A short syntax is brought to its long form by the model's own functions
//! ([`names_to_map`], [`key_value_map`], [`as_list`]) before the two sides merge, so a value
//! is checked the same way (a name listed twice, a `KEY=VALUE` item without a key) whether
//! it is merged or read from a single file.

use crate::compose::model::de::Cx;
use crate::compose::model::depends_on::DependsOn;
use crate::compose::model::service::{BareName, NAME_LISTS, names_to_map};
use crate::compose::model::syntax::{as_list, key_value_map};
use crate::compose::yaml::{Map, Node, Tag, Value};
use crate::diag::{Code, Diagnostic};

/// How the value at one path of the document merges.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Mappings merge, sequences append, scalars are replaced.
    Default,
    /// The later value replaces the earlier one.
    Replace,
    /// `KEY=VALUE` lists or mappings, merged by key.
    KeyValue,
    /// A string or a list, appended.
    Append,
    /// `extra_hosts`: list or mapping, appended without repeats.
    ExtraHosts,
    /// A list of names or a mapping of name to settings, merged by name (`depends_on`,
    /// `networks`, `models`), with the settings a bare name stands for.
    NamedMap(BareName),
    /// `build`: a context string or a mapping.
    Build,
    /// `logging`: options merge only when both sides use the same driver.
    Logging,
    /// `ipam.config`: merged by subnet.
    IpamConfig,
}

fn rule(path: &[&str]) -> Rule {
    match path {
        ["services", _, "command" | "entrypoint"]
        | ["services", _, "healthcheck", "test"]
        | ["services", _, "ulimits", _] => Rule::Replace,
        [
            "services",
            _,
            "environment" | "labels" | "annotations" | "sysctls",
        ]
        | [
            "services",
            _,
            "build",
            "args" | "labels" | "additional_contexts",
        ]
        | ["services", _, "deploy", "labels"]
        | ["networks" | "volumes" | "configs" | "secrets", _, "labels"] => Rule::KeyValue,
        [
            "services",
            _,
            "dns" | "dns_opt" | "dns_search" | "env_file" | "label_file" | "tmpfs",
        ] => Rule::Append,
        ["services", _, "extra_hosts"] | ["services", _, "build", "extra_hosts"] => {
            Rule::ExtraHosts
        }
        ["services", _, "depends_on"] => Rule::NamedMap(DependsOn::merged_bare_name),
        ["services", _, key]
            if let Some(&(_, entry)) = NAME_LISTS.iter().find(|(k, _)| k == key) =>
        {
            Rule::NamedMap(entry)
        }
        ["services", _, "build"] => Rule::Build,
        ["services", _, "logging"] => Rule::Logging,
        ["networks", _, "ipam", "config"] => Rule::IpamConfig,
        _ => Rule::Default,
    }
}

/// Merges `over` into `base`. `path` is where the two values sit in the document (for the
/// per-key rules); problems are reported into `cx`.
pub fn merge(base: Node, over: Node, path: &[&str], cx: &mut Cx) -> Node {
    if over.tag == Some(Tag::Override) {
        return untagged(over);
    }
    if over.is_null() {
        return base;
    }
    // An empty key in the earlier file (`environment:` with nothing under it) takes the
    // later value as it is.
    if base.is_null() {
        return untagged(over);
    }
    match rule(path) {
        Rule::Replace => untagged(over),
        Rule::KeyValue => {
            let base = to_key_value(base, cx);
            let over = to_key_value(over, cx);
            merge_maps(base, over, path, cx)
        }
        Rule::Append => append(as_list(base), as_list(over), false),
        Rule::ExtraHosts => append(extra_hosts_seq(base), extra_hosts_seq(over), true),
        Rule::NamedMap(entry) => {
            let key = path.last().copied().unwrap_or_default();
            let base = names_to_map(&base, key, entry, cx).unwrap_or(base);
            let over = names_to_map(&over, key, entry, cx).unwrap_or(over);
            merge_maps(base, over, path, cx)
        }
        Rule::Build => merge_maps(build_map(base), build_map(over), path, cx),
        Rule::Logging => {
            let driver = |n: &Node| {
                n.as_map()
                    .and_then(|m| m.get("driver"))
                    .and_then(Node::as_str)
                    .map(str::to_owned)
            };
            match (driver(&base), driver(&over)) {
                (Some(a), Some(b)) if a != b => untagged(over),
                _ => merge_maps(base, over, path, cx),
            }
        }
        Rule::IpamConfig => merge_by_subnet(base, over, path, cx),
        Rule::Default => match (&base.value, &over.value) {
            (Value::Map(_), Value::Map(_)) => merge_maps(base, over, path, cx),
            (Value::Seq(_), Value::Seq(_)) => append(base, over, false),
            (Value::Scalar(_), _) => untagged(over),
            _ => {
                cx.report(
                    Diagnostic::error(
                        Code::InvalidType,
                        format!(
                            "cannot merge {} into {} at `{}`",
                            over.kind_name(),
                            base.kind_name(),
                            path.join(".")
                        ),
                    )
                    .at(over.span)
                    .related(base.span, "the value it would merge with")
                    .help("use the same syntax in both files, or tag the value `!override` to replace it"),
                );
                untagged(over)
            }
        },
    }
}

/// Merges mappings key by key; `!reset` on a value removes the key.
fn merge_maps(base: Node, over: Node, path: &[&str], cx: &mut Cx) -> Node {
    if !(matches!(base.value, Value::Map(_)) && matches!(over.value, Value::Map(_))) {
        // Callers only pass mappings; anything else keeps the later value.
        return untagged(over);
    }
    let span = base.span;
    let (Value::Map(mut merged), Value::Map(over_map)) = (base.value, over.value) else {
        return Node::null(span);
    };
    for (key, entry) in over_map {
        if entry.value.tag == Some(Tag::Reset) {
            merged.remove(&key);
            continue;
        }
        let value = match merged.remove(&key) {
            Some(previous) => {
                let mut child_path = path.to_vec();
                child_path.push(&key);
                merge(previous.value, entry.value, &child_path, cx)
            }
            None => strip_resets(entry.value),
        };
        merged.insert(key, entry.key_span, value);
    }
    Node::map(merged, span)
}

fn untagged(mut node: Node) -> Node {
    node.tag = None;
    strip_resets(node)
}

/// Removes `!reset` entries and tags from a tree that has nothing left to reset (the first
/// file, or a value with nothing under it).
pub fn strip_resets(mut node: Node) -> Node {
    strip_resets_in_place(&mut node);
    node
}

/// [`strip_resets`] without rebuilding the tree: only a mapping that has a `!reset` entry
/// loses keys.
fn strip_resets_in_place(node: &mut Node) {
    node.tag = None;
    match &mut node.value {
        Value::Map(map) => {
            let reset: Vec<String> = map
                .iter()
                .filter(|(_, entry)| entry.value.tag == Some(Tag::Reset))
                .map(|(key, _)| key.as_str().to_owned())
                .collect();
            for key in &reset {
                map.remove(key);
            }
            for (_, entry) in map.iter_mut() {
                strip_resets_in_place(&mut entry.value);
            }
        }
        Value::Seq(items) => {
            items.retain(|n| n.tag != Some(Tag::Reset));
            items.iter_mut().for_each(strip_resets_in_place);
        }
        Value::Scalar(_) => {}
    }
}

fn append(base: Node, over: Node, skip_repeats: bool) -> Node {
    let span = base.span;
    let mut items = match base.value {
        Value::Seq(items) => items,
        _ => Vec::new(),
    };
    if let Value::Seq(more) = over.value {
        for item in more.into_iter().map(strip_resets) {
            if !(skip_repeats && items.contains(&item)) {
                items.push(item);
            }
        }
    }
    Node::seq(items, span)
}

/// `KEY=VALUE` list items as a mapping (`KEY` alone maps to null).
fn to_key_value(node: Node, cx: &mut Cx) -> Node {
    match &node.value {
        Value::Seq(items) => Node::map(key_value_map(items, cx), node.span),
        _ => node,
    }
}

/// `extra_hosts` as a list of `host=ip` strings.
fn extra_hosts_seq(node: Node) -> Node {
    let span = node.span;
    match node.value {
        Value::Map(map) => {
            let mut items = Vec::new();
            for (host, entry) in map {
                if let Value::Seq(ips) = &entry.value.value {
                    items.extend(ips.iter().filter_map(|ip| {
                        ip.as_str()
                            .map(|ip| Node::string(format!("{host}={ip}"), entry.key_span))
                    }));
                } else {
                    let ip = entry.value.as_str().unwrap_or_default();
                    items.push(Node::string(format!("{host}={ip}"), entry.key_span));
                }
            }
            Node::seq(items, span)
        }
        _ => as_list(node),
    }
}

fn build_map(node: Node) -> Node {
    match node.value {
        Value::Scalar(_) => {
            let span = node.span;
            let mut map = Map::new();
            map.insert("context", span, node);
            Node::map(map, span)
        }
        _ => node,
    }
}

/// IPAM configurations with the same subnet merge; others are appended.
fn merge_by_subnet(base: Node, over: Node, path: &[&str], cx: &mut Cx) -> Node {
    if !(matches!(base.value, Value::Seq(_)) && matches!(over.value, Value::Seq(_))) {
        return untagged(over);
    }
    let span = base.span;
    let (Value::Seq(mut configs), Value::Seq(overrides)) = (base.value, over.value) else {
        return Node::null(span);
    };
    let subnet = |n: &Node| {
        n.as_map()
            .and_then(|m| m.get("subnet"))
            .and_then(Node::as_str)
            .map(str::to_owned)
    };
    for config in overrides {
        let key = subnet(&config);
        match configs
            .iter()
            .position(|c| key.is_some() && subnet(c) == key)
        {
            Some(index) => {
                let previous = configs.remove(index);
                configs.insert(index, merge(previous, config, path, cx));
            }
            None => configs.push(strip_resets(config)),
        }
    }
    Node::seq(configs, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml;
    use crate::diag::Diagnostics;
    use crate::source::SourceMap;

    fn merged(base: &str, over: &str) -> (Node, Diagnostics) {
        let mut sources = SourceMap::new();
        let mut diagnostics = Diagnostics::new();
        let a = sources.add("a.yaml", None, ".", base);
        let b = sources.add("b.yaml", None, ".", over);
        let base = yaml::parse(a, base, &mut diagnostics).pop().unwrap();
        let over = yaml::parse(b, over, &mut diagnostics).pop().unwrap();
        let merged = merge(base, over, &[], &mut Cx::new(&mut diagnostics, &sources));
        (merged, diagnostics)
    }

    fn service(node: &Node) -> &Map {
        node.at(&["services", "web"]).as_map().unwrap()
    }

    fn texts(node: &Node) -> Vec<&str> {
        node.as_seq()
            .unwrap()
            .iter()
            .filter_map(Node::as_str)
            .collect()
    }

    #[test]
    fn an_empty_key_in_the_earlier_file_takes_the_later_value() {
        let (node, diagnostics) = merged(
            "services:\n  web:\n    environment:\n    networks:\n    labels:\n",
            "services:\n  web:\n    environment: [A=1]\n    networks: [front]\n    labels: {a: b}\n",
        );
        assert!(diagnostics.is_empty());
        let web = service(&node);
        for key in ["environment", "networks", "labels"] {
            assert!(!web.get(key).unwrap().is_null(), "{key} was dropped");
        }
    }

    #[test]
    fn mappings_merge_and_scalars_are_replaced() {
        let (node, _) = merged(
            "services:\n  web:\n    image: a\n    user: x\n",
            "services:\n  web:\n    image: b\n",
        );
        let web = service(&node);
        assert_eq!(web.get("image").unwrap().as_str(), Some("b"));
        assert_eq!(web.get("user").unwrap().as_str(), Some("x"));
    }

    #[test]
    fn sequences_are_appended_but_command_is_replaced() {
        let (node, _) = merged(
            "services:\n  web:\n    ports: ['80']\n    command: [a, b]\n",
            "services:\n  web:\n    ports: ['81']\n    command: [c]\n",
        );
        let web = service(&node);
        assert_eq!(texts(web.get("ports").unwrap()), ["80", "81"]);
        assert_eq!(texts(web.get("command").unwrap()), ["c"]);
    }

    #[test]
    fn environment_merges_by_name_whatever_the_syntax() {
        let (node, _) = merged(
            "services:\n  web:\n    environment: [A=1, B=2]\n",
            "services:\n  web:\n    environment:\n      B: 3\n      C:\n",
        );
        let env = service(&node).get("environment").unwrap().as_map().unwrap();
        assert_eq!(env.get("A").unwrap().as_str(), Some("1"));
        assert_eq!(env.get("B").unwrap().as_str(), Some("3"));
        assert!(env.get("C").unwrap().is_null());
    }

    #[test]
    fn depends_on_list_and_mapping_merge_by_service() {
        let (node, _) = merged(
            "services:\n  web:\n    depends_on: [db]\n",
            "services:\n  web:\n    depends_on:\n      db: {condition: service_healthy}\n      cache: {condition: service_started}\n",
        );
        let deps = service(&node).get("depends_on").unwrap().as_map().unwrap();
        let db = deps.get("db").unwrap().as_map().unwrap();
        assert_eq!(
            db.get("condition").unwrap().as_str(),
            Some("service_healthy")
        );
        assert_eq!(db.get("required").unwrap().as_str(), Some("true"));
        assert!(deps.contains_key("cache"));
    }

    #[test]
    fn reset_removes_and_override_replaces() {
        let (node, _) = merged(
            "services:\n  web:\n    command: x\n    ports: ['80']\n    labels: {a: 1}\n",
            "services:\n  web:\n    command: !reset null\n    ports: !override ['81']\n",
        );
        let web = service(&node);
        assert!(!web.contains_key("command"));
        assert_eq!(texts(web.get("ports").unwrap()), ["81"]);
        assert!(web.contains_key("labels"));
    }

    #[test]
    fn build_string_merges_with_build_mapping() {
        let (node, _) = merged(
            "services:\n  web:\n    build: ./app\n",
            "services:\n  web:\n    build:\n      dockerfile: Other\n",
        );
        let build = service(&node).get("build").unwrap().as_map().unwrap();
        assert_eq!(build.get("context").unwrap().as_str(), Some("./app"));
        assert_eq!(build.get("dockerfile").unwrap().as_str(), Some("Other"));
    }

    #[test]
    fn logging_options_are_dropped_when_the_driver_changes() {
        let (node, _) = merged(
            "services:\n  web:\n    logging: {driver: syslog, options: {a: 1}}\n",
            "services:\n  web:\n    logging: {driver: json-file}\n",
        );
        let logging = service(&node).get("logging").unwrap().as_map().unwrap();
        assert!(!logging.contains_key("options"));
    }

    #[test]
    fn extra_hosts_from_both_syntaxes_are_appended_once() {
        let (node, _) = merged(
            "services:\n  web:\n    extra_hosts: ['a=1.1.1.1']\n",
            "services:\n  web:\n    extra_hosts: {a: 1.1.1.1, b: 2.2.2.2}\n",
        );
        assert_eq!(
            texts(service(&node).get("extra_hosts").unwrap()),
            ["a=1.1.1.1", "b=2.2.2.2"]
        );
    }

    #[test]
    fn a_list_cannot_merge_into_a_mapping() {
        let (_, diags) = merged(
            "services:\n  web:\n    deploy: {replicas: 1}\n",
            "services:\n  web:\n    deploy: [1]\n",
        );
        assert_eq!(diags.iter().next().unwrap().code, Code::InvalidType);
    }
}
