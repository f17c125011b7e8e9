//! What makes a service runnable at all, as `docker compose` checks it while loading: it says
//! what to run (an `image`, a `build`, or a `provider`), and its `container_name` is its own.

use crate::compose::model::Project;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::hash::HashMap;

pub fn run(project: &Project, diagnostics: &mut Diagnostics) {
    let mut container_names: HashMap<&str, &str> = HashMap::default();
    for (name, service) in &project.services {
        if service.image.is_none() && service.build.is_none() && service.provider.is_none() {
            diagnostics.push(
                Diagnostic::error(
                    Code::NoImage,
                    format!("service `{name}` has neither an `image` nor a `build`, so there is nothing to run"),
                )
                .at(name.span)
                .label("no image, no build")
                .help("add `image: NAME:TAG`, or `build: DIRECTORY` to build one from a Dockerfile"),
            );
        }
        let Some(container_name) = &service.container_name else {
            continue;
        };
        match container_names.get(container_name.as_str()) {
            Some(&first) => {
                let first_span = project
                    .services
                    .get(first)
                    .and_then(|s| s.container_name.as_ref())
                    .map(|c| c.span);
                let mut diagnostic = Diagnostic::error(
                    Code::DuplicateContainerName,
                    format!(
                        "services `{first}` and `{name}` have the same container name `{}`; Docker names one container with it",
                        container_name.value
                    ),
                )
                .at(container_name.span)
                .help("give each service its own `container_name`, or remove it to let Compose name the containers");
                if let Some(span) = first_span {
                    diagnostic = diagnostic.related(span, format!("`{first}` uses it first"));
                }
                diagnostics.push(diagnostic);
            }
            None => {
                container_names.insert(container_name.as_str(), name.as_str());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check, codes};
    use crate::diag::Code;

    #[test]
    fn a_service_with_neither_image_nor_build_is_an_error() {
        let yaml = "services:\n  a:\n    command: echo\n  b:\n    build: .\n  c:\n    provider: {type: model}\n  d:\n    environment: [A=1]\n";
        assert_eq!(codes(yaml), [Code::NoImage, Code::NoImage]);
    }

    #[test]
    fn two_services_with_one_container_name_are_an_error_naming_both() {
        let yaml = "services:\n  a:\n    image: x\n    container_name: same\n  b:\n    image: x\n    container_name: same\n";
        let found = check(yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::DuplicateContainerName);
        assert!(
            found[0].message.contains("`a` and `b`"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].related.len(), 1);
    }
}
