//! Top-level resources: a secret or config says where its content comes from, and an
//! `external` resource (made outside the project) has no settings that only apply to
//! resources the project creates.

use crate::compose::model::Project;
use crate::compose::model::de::KeySpans;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{Span, Spanned};

/// What an external resource of each kind cannot have: settings of what the project creates.
const SECRET_SETTINGS: [&str; 6] = [
    "file",
    "environment",
    "driver",
    "driver_opts",
    "template_driver",
    "labels",
];
const CONFIG_SETTINGS: [&str; 5] = [
    "file",
    "environment",
    "content",
    "template_driver",
    "labels",
];
const VOLUME_SETTINGS: [&str; 3] = ["driver", "driver_opts", "labels"];
const NETWORK_SETTINGS: [&str; 8] = [
    "driver",
    "driver_opts",
    "ipam",
    "internal",
    "attachable",
    "enable_ipv4",
    "enable_ipv6",
    "labels",
];

pub fn run(project: &Project, diagnostics: &mut Diagnostics) {
    for (name, secret) in &project.secrets {
        let sourced = secret.file.is_some() || secret.environment.is_some();
        let content = Some((sourced, "`file` or `environment`"));
        let external = secret.external.as_ref();
        let resource = (name, "secret", external, &secret.keys);
        check(resource, &SECRET_SETTINGS, content, diagnostics);
    }
    for (name, config) in &project.configs {
        let sourced =
            config.file.is_some() || config.environment.is_some() || config.content.is_some();
        let content = Some((sourced, "`file`, `environment` or `content`"));
        let resource = (name, "config", config.external.as_ref(), &config.keys);
        check(resource, &CONFIG_SETTINGS, content, diagnostics);
    }
    for (name, volume) in &project.volumes {
        let resource = (name, "volume", volume.external.as_ref(), &volume.keys);
        check(resource, &VOLUME_SETTINGS, None, diagnostics);
    }
    for (name, network) in &project.networks {
        let resource = (name, "network", network.external.as_ref(), &network.keys);
        check(resource, &NETWORK_SETTINGS, None, diagnostics);
    }
}

/// A resource (its name, noun, `external` and keys): when external it has none of
/// `settings`; when the project creates it and it needs `content` (whether it has some, and
/// the keys that give it), it has some.
fn check(
    (name, noun, external, keys): (&Spanned<String>, &str, Option<&Spanned<bool>>, &KeySpans),
    settings: &[&str],
    content: Option<(bool, &str)>,
    diagnostics: &mut Diagnostics,
) {
    if is_true(external) {
        with_attributes(name, noun, keys, settings, diagnostics);
    } else if let Some((false, sources)) = content {
        diagnostics.push(without_source(name, noun, sources));
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
