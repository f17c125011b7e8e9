//! Top-level resources: a secret or config says where its content comes from, and an
//! `external` resource (made outside the project) has no settings that only apply to
//! resources the project creates.

use crate::compose::model::Project;
use crate::compose::model::de::KeySpans;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{Span, Spanned};

pub fn run(project: &Project, diagnostics: &mut Diagnostics) {
    for (name, secret) in &project.secrets {
        let external = is_true(secret.external.as_ref());
        if !external && secret.file.is_none() && secret.environment.is_none() {
            diagnostics.push(without_source(name, "secret", "`file` or `environment`"));
        }
        if external {
            let keys = [
                "file",
                "environment",
                "driver",
                "driver_opts",
                "template_driver",
                "labels",
            ];
            with_attributes(name, "secret", &secret.keys, &keys, diagnostics);
        }
    }
    for (name, config) in &project.configs {
        let external = is_true(config.external.as_ref());
        let sourced =
            config.file.is_some() || config.environment.is_some() || config.content.is_some();
        if !external && !sourced {
            diagnostics.push(without_source(
                name,
                "config",
                "`file`, `environment` or `content`",
            ));
        }
        if external {
            let keys = [
                "file",
                "environment",
                "content",
                "template_driver",
                "labels",
            ];
            with_attributes(name, "config", &config.keys, &keys, diagnostics);
        }
    }
    for (name, volume) in &project.volumes {
        if is_true(volume.external.as_ref()) {
            let keys = ["driver", "driver_opts", "labels"];
            with_attributes(name, "volume", &volume.keys, &keys, diagnostics);
        }
    }
    for (name, network) in &project.networks {
        if is_true(network.external.as_ref()) {
            let keys = [
                "driver",
                "driver_opts",
                "ipam",
                "internal",
                "attachable",
                "enable_ipv4",
                "enable_ipv6",
                "labels",
            ];
            with_attributes(name, "network", &network.keys, &keys, diagnostics);
        }
    }
}

fn is_true(value: Option<&Spanned<bool>>) -> bool {
    value.is_some_and(|v| v.value)
}

fn without_source(name: &Spanned<String>, noun: &str, keys: &str) -> Diagnostic {
    Diagnostic::error(
        Code::SecretWithoutSource,
        format!("the {noun} `{}` has no content", name.value),
    )
    .at(name.span)
    .help(format!(
        "give it {keys}, or `external: true` if it already exists"
    ))
}

fn with_attributes(
    name: &Spanned<String>,
    noun: &str,
    keys: &KeySpans,
    forbidden: &[&str],
    diagnostics: &mut Diagnostics,
) {
    let external: Option<Span> = keys.get("external");
    for key in forbidden {
        let Some(span) = keys.get(key) else { continue };
        let mut diagnostic = Diagnostic::error(
            Code::ExternalWithAttributes,
            format!(
                "the {noun} `{}` is external, so `{key}` cannot apply to it",
                name.value
            ),
        )
        .at(span)
        .help(format!(
            "remove `{key}`, or remove `external` to let the project create the {noun}"
        ));
        if let Some(external) = external {
            diagnostic = diagnostic.related(external, "made outside the project");
        }
        diagnostics.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::codes;
    use crate::diag::Code;

    #[test]
    fn secrets_and_configs_need_a_source() {
        let yaml = "services: {}\nsecrets:\n  token: {}\n  ok: {environment: TOKEN}\nconfigs:\n  site: {name: site}\n  inline: {content: hello}\n";
        assert_eq!(
            codes(yaml),
            [Code::SecretWithoutSource, Code::SecretWithoutSource]
        );
    }

    #[test]
    fn external_resources_have_no_creation_settings() {
        let yaml = "services: {}\nvolumes:\n  data: {external: true, driver: local}\nnetworks:\n  shared: {external: true, internal: true}\nsecrets:\n  token: {external: true, file: ./token}\n";
        assert_eq!(
            codes(yaml),
            [
                Code::ExternalWithAttributes,
                Code::ExternalWithAttributes,
                Code::ExternalWithAttributes
            ]
        );
    }

    #[test]
    fn an_external_resource_may_have_a_name() {
        let yaml = "services: {}\nvolumes:\n  data: {external: true, name: prod-data}\n";
        assert_eq!(codes(yaml), []);
    }
}
