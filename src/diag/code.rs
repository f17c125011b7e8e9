//! Stable diagnostic codes.
//!
//! A code names one kind of problem. It is printed with every diagnostic and in the JSON
//! output, so CI tools and users can match on it; codes are never renamed once released.
//! Every code lives in this one list, with the sentence that documents it.

macro_rules! codes {
    ($( $(#[$meta:meta])* $variant:ident = $name:literal : $doc:literal, )*) => {
        /// One kind of problem compose2kube reports.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$meta])* #[doc = $doc] $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name printed to users, e.g. `unknown-key`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// One sentence saying what the code means.
            #[must_use]
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    // ---- reading files -------------------------------------------------------------------
    NoComposeFile = "no-compose-file": "No Compose file was given and none was found in the working directory.",
    CannotRead = "cannot-read": "A file the project needs cannot be read.",
    RemoteSource = "remote-source": "A remote (git, http, oci) Compose source, which compose2kube does not fetch.",
    YamlSyntax = "yaml-syntax": "The file is not valid YAML.",
    DuplicateKey = "duplicate-key": "A mapping defines the same key twice.",
    InvalidKey = "invalid-key": "A mapping key is not a plain string.",
    AliasLimit = "alias-limit": "YAML aliases expand to more nodes than any Compose file needs (a YAML bomb).",
    UnknownTag = "unknown-tag": "A YAML tag that Compose does not know; it is ignored.",
    InvalidMergeKey = "invalid-merge-key": "A `<<` merge key whose value is not a mapping or a list of mappings.",
    // ---- interpolation and env files ------------------------------------------------------
    UnsetVariable = "unset-variable": "An interpolated variable is not set; it is replaced by an empty string.",
    RequiredVariable = "required-variable": "A `${VAR:?message}` or `${VAR?message}` variable is not set.",
    InvalidInterpolation = "invalid-interpolation": "A `$` expression that is not valid interpolation syntax.",
    EnvFileSyntax = "env-file-syntax": "A line of a `.env` or `env_file` file that cannot be parsed.",
    // ---- the typed model -----------------------------------------------------------------
    UnknownKey = "unknown-key": "A key that the Compose Specification does not define at this place.",
    InvalidType = "invalid-type": "A value of the wrong kind (for example a list where a string is expected).",
    InvalidValue = "invalid-value": "A value of the right kind that is not allowed here.",
    MissingKey = "missing-key": "A required key is missing.",
    LenientBoolean = "lenient-boolean": "A YAML 1.1 boolean such as `yes` or `on`, accepted as Compose does.",
    InvalidDuration = "invalid-duration": "A duration that is not of the form `1m30s`, `10s`, `500ms`.",
    InvalidByteSize = "invalid-byte-size": "A byte size that is not of the form `512m`, `1g`, `1024`.",
    InvalidPort = "invalid-port": "A port or port range that cannot be parsed or is out of range.",
    ObsoleteVersion = "obsolete-version": "The top-level `version` key is obsolete and ignored.",
    UnknownVolumeMode = "unknown-volume-mode": "A short-syntax volume option Docker Compose does not know; it is ignored, as Compose ignores it.",
    DecimalFileMode = "decimal-file-mode": "A file `mode` written as a decimal number (`644`), which Compose reads as decimal, not octal.",
    ShellOperatorInCommand = "shell-operator-in-command": "A string `command` or `entrypoint` with `&&`, `;`, a pipe, `<` or `>`: Docker runs only the words before it.",
    // ---- merge, extends, include, profiles -----------------------------------------------
    ExtendsCycle = "extends-cycle": "Services extend each other in a cycle.",
    ExtendsUnknownService = "extends-unknown-service": "`extends` names a service that does not exist.",
    IncludeCycle = "include-cycle": "Compose files include each other in a cycle.",
    IncludeConflict = "include-conflict": "An included project defines a resource the including project also defines.",
    UnknownProfile = "unknown-profile": "A requested profile is used by no service.",
    NoEnabledService = "no-enabled-service": "Every service is behind a profile that is not enabled, so the project runs nothing.",
    // ---- Compose consistency -------------------------------------------------------------
    UndefinedService = "undefined-service": "A reference to a service the project does not define.",
    UndefinedNetwork = "undefined-network": "A reference to a network the project does not define.",
    UndefinedVolume = "undefined-volume": "A reference to a named volume the project does not define.",
    UndefinedConfig = "undefined-config": "A reference to a config the project does not define.",
    UndefinedSecret = "undefined-secret": "A reference to a secret the project does not define.",
    DependsOnCycle = "depends-on-cycle": "Services depend on each other in a cycle.",
    NetworkModeWithNetworks = "network-mode-with-networks": "`network_mode` and `networks` are set on one service.",
    NetworkModeUnknownTarget = "network-mode-unknown-target": "`network_mode: service:X` or `container:X` names nothing in the project.",
    NetworkModeCycle = "network-mode-cycle": "Services share each other's network stacks in a cycle.",
    DuplicateContainerName = "duplicate-container-name": "Two services set the same `container_name`.",
    NoImage = "no-image": "A service with neither `image` nor `build`.",
    ContainerNameWithReplicas = "container-name-with-replicas": "`container_name` on a service with more than one replica.",
    ConflictingSettings = "conflicting-settings": "Two keys set the same thing to different values (e.g. `scale` and `deploy.replicas`).",
    DuplicateMountTarget = "duplicate-mount-target": "Two mounts of one service use the same container path.",
    InvalidHealthcheck = "invalid-healthcheck": "A healthcheck `test` that does not start with `CMD`, `CMD-SHELL` or `NONE`.",
    SecretWithoutSource = "secret-without-source": "A secret or config without `file`, `environment`, `content` or `external`.",
    ExternalWithAttributes = "external-with-attributes": "An `external` resource with attributes that only apply to created resources.",
    // ---- Docker Engine network rules -------------------------------------------------------
    KeyOnSharedNetwork = "key-on-shared-network": "A key the Docker Engine rejects on a service that uses another's network stack.",
    HostModePorts = "host-mode-ports": "Published ports on a `network_mode: host` service, which the Engine discards.",
    NetworkModeExtraNetwork = "network-mode-extra-network": "A host or shared network mode combined with another network.",
    // ---- translation ------------------------------------------------------------------------
    Approximated = "approximated": "A Compose key translated to something that behaves somewhat differently in Kubernetes.",
    Unsupported = "unsupported": "A Compose key with no Kubernetes equivalent; it is not carried over.",
    PodGroupConflict = "pod-group-conflict": "Services that share one Pod disagree on a Pod-level setting.",
    PortConflict = "port-conflict": "Two containers of one Pod declare the same port and protocol.",
    NameConflict = "name-conflict": "Two Compose names map to the same Kubernetes object name.",
    InvalidLabel = "invalid-label": "A `kompose.*` label with a value compose2kube cannot use.",
    // ---- writing output -------------------------------------------------------------------
    OutputExists = "output-exists": "An output file exists and was not written by compose2kube.",
    CannotWrite = "cannot-write": "An output file cannot be written (a file system error, or output compose2kube cannot serialize).",
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn the_readme_documents_every_code() {
        let readme = include_str!("../../README.md");
        for code in Code::ALL {
            assert!(
                readme.contains(&format!("| `{}` |", code.as_str())),
                "README.md does not list `{}`",
                code.as_str()
            );
        }
    }

    #[test]
    fn code_names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not kebab-case"
            );
        }
    }
}
