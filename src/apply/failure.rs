//! An API server's refusal, told with the object it concerns and the fields it names, so that
//! `apply` says `Deployment shop/web: spec.replicas: Invalid value: -1` rather than a bare
//! HTTP status.

use super::ObjectRef;

/// A failed request about one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiFailure {
    pub object: ObjectRef,
    /// The HTTP status code (0 when unknown).
    pub code: u16,
    /// The machine-readable reason (`Invalid`, `Forbidden`, `Conflict`, …).
    pub reason: String,
    pub message: String,
    /// The fields the server found wrong, each with what is wrong with it.
    pub causes: Vec<Cause>,
}

/// One field the server found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub field: String,
    pub reason: String,
    pub message: String,
}

impl std::fmt::Display for ApiFailure {
    /// `Deployment shop/web: Invalid (422): <message>` and one indented line per field.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.object)?;
        match (self.reason.is_empty(), self.code) {
            (true, 0) => {}
            (true, code) => write!(f, "HTTP {code}: ")?,
            (false, 0) => write!(f, "{}: ", self.reason)?,
            (false, code) => write!(f, "{} ({code}): ", self.reason)?,
        }
        let message = if self.message.is_empty() {
            "the API server refused it"
        } else {
            &self.message
        };
        write!(f, "{message}")?;
        for cause in &self.causes {
            let field = if cause.field.is_empty() {
                "(object)"
            } else {
                &cause.field
            };
            let text = if cause.message.is_empty() {
                &cause.reason
            } else {
                &cause.message
            };
            write!(f, "\n  {field}: {text}")?;
        }
        if self.code == 404 && self.message.starts_with("namespaces \"") {
            write!(
                f,
                "\n  help: the namespace does not exist; create it, or apply with `-n NAME` (compose2kube then creates it)"
            )?;
        }
        if self.reason == "Conflict" && self.message.contains("conflict") {
            write!(
                f,
                "\n  help: another field manager owns these fields; `--force-conflicts` takes them over"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiFailure {}

#[cfg(feature = "apply")]
impl ApiFailure {
    /// The failure in a `Status` the API server returned about `object`.
    #[must_use]
    pub fn from_status(object: ObjectRef, status: &kube::core::Status) -> Self {
        Self {
            object,
            code: status.code,
            reason: status.reason.clone(),
            message: status.message.clone(),
            causes: status
                .details
                .iter()
                .flat_map(|d| &d.causes)
                .map(|c| Cause {
                    field: c.field.clone(),
                    reason: c.reason.clone(),
                    message: c.message.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web() -> ObjectRef {
        ObjectRef {
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
        }
    }

    #[test]
    fn a_failure_names_the_object_the_reason_and_each_field() {
        let failure = ApiFailure {
            object: web(),
            code: 422,
            reason: "Invalid".into(),
            message: "Deployment.apps \"web\" is invalid".into(),
            causes: vec![
                Cause {
                    field: "spec.replicas".into(),
                    reason: "FieldValueInvalid".into(),
                    message: "Invalid value: -1: must be greater than or equal to 0".into(),
                },
                Cause {
                    field: String::new(),
                    reason: "FieldValueRequired".into(),
                    message: String::new(),
                },
            ],
        };
        assert_eq!(
            failure.to_string(),
            "Deployment shop/web: Invalid (422): Deployment.apps \"web\" is invalid\n  spec.replicas: Invalid value: -1: must be greater than or equal to 0\n  (object): FieldValueRequired"
        );
    }

    #[test]
    fn a_bare_status_still_says_which_object() {
        let failure = ApiFailure {
            object: ObjectRef {
                kind: "Namespace".into(),
                namespace: None,
                name: "shop".into(),
            },
            code: 403,
            reason: String::new(),
            message: String::new(),
            causes: Vec::new(),
        };
        assert_eq!(
            failure.to_string(),
            "Namespace shop: HTTP 403: the API server refused it"
        );
    }

    #[cfg(feature = "apply")]
    #[test]
    fn a_kube_status_keeps_its_causes() {
        let status: kube::core::Status = serde_json::from_value(serde_json::json!({
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "message": "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas",
            "reason": "Conflict",
            "details": {
                "name": "web",
                "group": "apps",
                "kind": "deployments",
                "causes": [{
                    "reason": "FieldManagerConflict",
                    "message": "conflict with \"kubectl\"",
                    "field": ".spec.replicas"
                }]
            },
            "code": 409
        }))
        .unwrap();
        let text = ApiFailure::from_status(web(), &status).to_string();
        assert!(
            text.starts_with("Deployment shop/web: Conflict (409): Apply failed with 1 conflict"),
            "{text}"
        );
        assert!(
            text.contains("\n  .spec.replicas: conflict with \"kubectl\""),
            "{text}"
        );
        assert!(text.contains("--force-conflicts"), "{text}");
    }
}
