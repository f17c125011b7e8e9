//! `depends_on` and `network_mode: service:` must not go round in a circle: `docker compose`
//! refuses both. Each cycle is reported once, at the first edge in declaration order, with
//! the other edges as related places.

use std::collections::BTreeSet;

use crate::compose::model::Project;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::hash::HashMap;
use crate::source::{Span, Spanned};

/// One edge: the target's index and where the edge is written.
type Edge = (usize, Span);

pub fn run(project: &Project, diagnostics: &mut Diagnostics) {
    let names: Vec<&str> = project.services.keys().map(Spanned::as_str).collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let depends_on: Vec<Vec<Edge>> = project
        .services
        .values()
        .map(|service| {
            service
                .depends_on
                .keys()
                .filter_map(|d| Some((*index.get(d.as_str())?, d.span)))
                .collect()
        })
        .collect();
    for cycle in cycles(&depends_on) {
        diagnostics.push(report(
            &names,
            &cycle,
            Code::DependsOnCycle,
            "services depend on each other in a cycle",
            "remove one of these dependencies; `docker compose up` cannot start any of them",
        ));
    }
    let network: Vec<Vec<Edge>> = project
        .services
        .values()
        .map(|service| {
            service
                .network_mode
                .as_ref()
                .and_then(|mode| {
                    let target = mode.service()?;
                    Some((*index.get(target)?, mode.span))
                })
                .into_iter()
                .collect()
        })
        .collect();
    for cycle in cycles(&network) {
        diagnostics.push(report(
            &names,
            &cycle,
            Code::NetworkModeCycle,
            "services share each other's network stack in a cycle",
            "one service must own the network stack: remove `network_mode` from it",
        ));
    }
}

fn report(
    names: &[&str],
    cycle: &[(usize, Edge)],
    code: Code,
    what: &str,
    help: &str,
) -> Diagnostic {
    let path: Vec<&str> = cycle
        .iter()
        .map(|(from, _)| names.get(*from).copied().unwrap_or_default())
        .chain(
            cycle
                .first()
                .and_then(|(from, _)| names.get(*from).copied()),
        )
        .collect();
    let mut edges = cycle.iter();
    let mut diagnostic = Diagnostic::error(code, format!("{what}: {}", path.join(" → ")));
    if let Some((_, (_, span))) = edges.next() {
        diagnostic = diagnostic.at(*span);
    }
    for (from, (to, span)) in edges {
        let from = names.get(*from).copied().unwrap_or_default();
        let to = names.get(*to).copied().unwrap_or_default();
        diagnostic = diagnostic.related(*span, format!("`{from}` → `{to}`"));
    }
    diagnostic.help(help)
}

/// The cycles of a graph, one per set of services, each as its edges `(from, (to, span))`
/// starting at its earliest-declared service. Iterative, so long chains cannot overflow the
/// stack.
fn cycles(graph: &[Vec<Edge>]) -> Vec<Vec<(usize, Edge)>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; graph.len()];
    let mut seen: BTreeSet<Vec<usize>> = BTreeSet::new();
    let mut found = Vec::new();
    for start in 0..graph.len() {
        if state.get(start) != Some(&State::New) {
            continue;
        }
        // The DFS path: each node with the index of its next edge and the edge it was
        // entered by.
        let mut path: Vec<(usize, usize, Option<Edge>)> = vec![(start, 0, None)];
        if let Some(s) = state.get_mut(start) {
            *s = State::Open;
        }
        while let Some((node, next, _)) = path.last_mut() {
            let node = *node;
            let Some(&(to, span)) = graph.get(node).and_then(|edges| edges.get(*next)) else {
                if let Some(s) = state.get_mut(node) {
                    *s = State::Done;
                }
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(to) {
                Some(State::New) => {
                    if let Some(s) = state.get_mut(to) {
                        *s = State::Open;
                    }
                    path.push((to, 0, Some((to, span))));
                }
                Some(State::Open) => {
                    let Some(position) = path.iter().position(|(n, _, _)| *n == to) else {
                        continue;
                    };
                    let mut cycle: Vec<(usize, Edge)> = path
                        .windows(2)
                        .skip(position)
                        .filter_map(|pair| match pair {
                            [(from, _, _), (_, _, Some(edge))] => Some((*from, *edge)),
                            _ => None,
                        })
                        .collect();
                    cycle.push((node, (to, span)));
                    let mut members: Vec<usize> = cycle.iter().map(|(from, _)| *from).collect();
                    members.sort_unstable();
                    if seen.insert(members) {
                        // Start at the earliest-declared service.
                        let first = cycle
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, (from, _))| *from)
                            .map_or(0, |(i, _)| i);
                        cycle.rotate_left(first);
                        found.push(cycle);
                    }
                }
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::check::testing::check;
    use crate::diag::Code;

    #[test]
    fn a_depends_on_cycle_is_reported_once_with_its_path() {
        let yaml = "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n";
        let found = check(yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::DependsOnCycle);
        assert!(
            found[0].message.ends_with("a → b → c → a"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].related.len(), 2);
    }

    #[test]
    fn a_service_depending_on_itself_is_a_cycle() {
        let yaml = "services:\n  a:\n    image: x\n    depends_on: [a]\n";
        assert_eq!(
            check(yaml)[0].message,
            "services depend on each other in a cycle: a → a"
        );
    }

    #[test]
    fn a_diamond_is_not_a_cycle() {
        let yaml = "services:\n  a:\n    image: x\n    depends_on: [b, c]\n  b:\n    image: x\n    depends_on: [d]\n  c:\n    image: x\n    depends_on: [d]\n  d:\n    image: x\n";
        assert!(check(yaml).is_empty());
    }

    #[test]
    fn network_mode_cycles_are_reported() {
        let yaml = "services:\n  a:\n    image: x\n    network_mode: service:b\n  b:\n    image: x\n    network_mode: service:a\n";
        let found = check(yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::NetworkModeCycle);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        use std::fmt::Write as _;
        let mut yaml = String::from("services:\n");
        for i in 0..20_000 {
            let next = i + 1;
            let _ = write!(yaml, "  s{i}:\n    image: x\n    depends_on: [s{next}]\n");
        }
        yaml.push_str("  s20000:\n    image: x\n    depends_on: [s0]\n");
        let found = check(&yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::DependsOnCycle);
    }
}
