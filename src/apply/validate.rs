//! All or nothing, where the API allows it: before anything is applied, every object is sent
//! to the API server as a dry run, and every refusal is gathered, so that `apply` either
//! applies the whole set or nothing and says everything that is wrong at once.
//!
//! An object whose namespace does not exist yet cannot be dry-run there (the server answers
//! `namespaces "x" not found` to every request). In a namespace that does not exist no object
//! exists either, so server-side apply of such an object is a creation; `apply` checks it by
//! that creation, as a dry run, in a namespace that exists (the context's, else `default`),
//! under a name the server generates (so that no object of that namespace is ever touched or
//! taken for it). What that does not check is said in [`stand_in_note`].

use k8s_openapi::api::core::v1::Namespace;
use serde_json::Value;

use super::ObjectRef;
use super::failure::ApiFailure;
use super::namespace::{self, Step};
use crate::emit::Object;

/// How an object is checked before the apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// Server-side apply with `dryRun=All`, where the object will go.
    InPlace,
    /// Creation with `dryRun=All` in this existing namespace under a generated name: the
    /// object's namespace does not exist yet.
    StandIn(String),
}

/// The check of each object, by identity: namespaced objects in `missing_namespace` (a
/// namespace that does not exist yet, when there is one) are checked in `stand_in`.
#[must_use]
pub fn check_for(id: &ObjectRef, missing_namespace: Option<&str>, stand_in: Option<&str>) -> Check {
    match (&id.namespace, missing_namespace, stand_in) {
        (Some(ns), Some(missing), Some(stand_in)) if ns == missing => {
            Check::StandIn(stand_in.to_owned())
        }
        _ => Check::InPlace,
    }
}

/// How one object is sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Send {
    /// Server-side apply; checked first by a creation in `stand_in` when its namespace does
    /// not exist yet.
    Apply { stand_in: Option<String> },
    /// The project's Namespace, which does not exist: created with the creation annotation.
    CreateNamespace(Box<Namespace>),
    /// Not sent (an existing Namespace): the line that says so.
    Skip(String),
}

/// How each object is sent: the project's Namespace created or left alone (`step`), the
/// others applied, checked in `stand_in` first when they go to the `missing` namespace.
#[must_use]
pub fn sends<'a>(
    ordered: &[&'a Object],
    step: Option<&Step>,
    missing: Option<&str>,
    stand_in: Option<&str>,
    default_namespace: &str,
) -> Vec<(&'a Object, ObjectRef, Send)> {
    ordered
        .iter()
        .map(|object| {
            let id = ObjectRef::of(object, default_namespace);
            let send = match (object, step) {
                (Object::Namespace(_), Some(Step::Create(ns))) => Send::CreateNamespace(ns.clone()),
                (Object::Namespace(_), Some(Step::Leave(origin))) => {
                    Send::Skip(namespace::left_line(&id.name, origin))
                }
                _ => match check_for(&id, missing, stand_in) {
                    Check::StandIn(ns) => Send::Apply { stand_in: Some(ns) },
                    Check::InPlace => Send::Apply { stand_in: None },
                },
            };
            (*object, id, send)
        })
        .collect()
}

/// The namespace to check in when `target` does not exist: the first of `candidates` (the
/// context's namespace, then `default`) that exists and is not `target`.
#[must_use]
pub fn stand_in<'a>(target: &str, candidates: &[(&'a str, bool)]) -> Option<&'a str> {
    candidates
        .iter()
        .find(|(name, exists)| *exists && *name != target)
        .map(|(name, _)| *name)
}

/// An object as sent for a stand-in check: in namespace `stand_in`, without its name, with
/// `generateName: <name>-` instead (the server makes a fresh name), without anything only
/// the server may set.
#[must_use]
pub fn stand_in_body(object: &Value, stand_in: &str) -> Value {
    let mut body = object.clone();
    if let Some(metadata) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        let name = metadata
            .remove("name")
            .and_then(|n| n.as_str().map(str::to_owned))
            .unwrap_or_default();
        for key in [
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "managedFields",
        ] {
            metadata.remove(key);
        }
        metadata.insert("namespace".into(), Value::String(stand_in.to_owned()));
        // The server cuts a long prefix to fit the generated suffix.
        metadata.insert("generateName".into(), Value::String(format!("{name}-")));
    }
    body
}

/// What the check of one object found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Refused(Refusal),
    /// The server could not say (no permission in the stand-in namespace).
    Unchecked {
        object: ObjectRef,
        why: String,
    },
}

/// A refusal, and where it was checked when that was not the object's own namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub failure: ApiFailure,
    pub stand_in: Option<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.failure)?;
        if let Some(stand_in) = &self.stand_in {
            write!(
                f,
                "\n  (checked in namespace `{stand_in}` under a generated name, as its own namespace does not exist yet)"
            )?;
        }
        Ok(())
    }
}

/// The outcome of a check that the server refused. In a stand-in namespace a `403 Forbidden`
/// is about that namespace as often as about the object (the user's permissions there, its
/// quota, its limit ranges): the object is left unchecked, with the server's words.
#[must_use]
pub fn refused(failure: ApiFailure, check: &Check) -> Outcome {
    match check {
        Check::StandIn(stand_in) if failure.code == 403 => Outcome::Unchecked {
            why: format!(
                "forbidden in namespace `{stand_in}`, which stood in for its own, for what may be a reason of that namespace: {}",
                failure.message
            ),
            object: failure.object,
        },
        Check::StandIn(stand_in) => Outcome::Refused(Refusal {
            failure,
            stand_in: Some(stand_in.clone()),
        }),
        Check::InPlace => Outcome::Refused(Refusal {
            failure,
            stand_in: None,
        }),
    }
}

/// Every refusal and every unchecked object of the checks, in apply order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub checked: usize,
    pub refused: Vec<Refusal>,
    pub unchecked: Vec<(ObjectRef, String)>,
}

impl Verdict {
    #[must_use]
    pub fn of(outcomes: Vec<Outcome>) -> Self {
        let mut verdict = Self {
            checked: outcomes.len(),
            ..Self::default()
        };
        for outcome in outcomes {
            match outcome {
                Outcome::Passed => {}
                Outcome::Refused(refusal) => verdict.refused.push(refusal),
                Outcome::Unchecked { object, why } => verdict.unchecked.push((object, why)),
            }
        }
        verdict
    }

    /// Whether the real apply may go ahead.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.refused.is_empty()
    }

    /// Every refusal, one after the other, under one line that counts them; `applied` says
    /// whether this was the check before a real apply (nothing was applied) or a dry run.
    #[must_use]
    pub fn report(&self, before_apply: bool) -> String {
        let n = self.refused.len();
        let mut text = format!(
            "the API server would refuse {n} of {} {}",
            self.checked,
            if self.checked == 1 {
                "object"
            } else {
                "objects"
            }
        );
        if before_apply {
            text.push_str("; nothing was applied");
        }
        text.push(':');
        for refusal in &self.refused {
            text.push('\n');
            text.push_str(&refusal.to_string());
        }
        if before_apply {
            text.push_str(
                "\nhelp: fix them and apply again, or apply the others with `--continue-on-error`",
            );
        }
        text
    }

    /// The lines about objects the server could not check.
    #[must_use]
    pub fn unchecked_lines(&self) -> Vec<String> {
        self.unchecked
            .iter()
            .map(|(object, why)| format!("not checked {object}: {why}"))
            .collect()
    }
}

/// What a stand-in check does not check, said once after the checks.
#[must_use]
pub fn stand_in_note(target: &str, stand_in: &str, count: usize) -> String {
    format!(
        "note: namespace `{target}` does not exist yet, so its {} {} checked by a dry-run creation in namespace `{stand_in}` under generated names. Not checked: the objects' own names, and the quotas, limit ranges and admission policies that would apply in `{target}` rather than in `{stand_in}`",
        count,
        if count == 1 {
            "object was"
        } else {
            "objects were"
        }
    )
}

/// The note when no namespace could stand in: the objects were not checked at all.
#[must_use]
pub fn no_stand_in_note(target: &str, count: usize) -> String {
    format!(
        "note: namespace `{target}` does not exist yet and no other namespace could stand in for it, so its {count} namespaced {} not checked",
        if count == 1 {
            "object was"
        } else {
            "objects were"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stand_in_is_an_existing_namespace_other_than_the_target() {
        assert_eq!(
            stand_in("fresh", &[("dev", true), ("default", true)]),
            Some("dev")
        );
        assert_eq!(
            stand_in("fresh", &[("dev", false), ("default", true)]),
            Some("default")
        );
        assert_eq!(
            stand_in("default", &[("default", true), ("default", true)]),
            None
        );
    }
}
