//! Kubernetes names from Compose names.
//!
//! Compose allows `a-zA-Z0-9._-` in names; Kubernetes wants DNS labels. One rule is used for
//! every object a service produces, so that the name a container resolves in Compose (the
//! service name) is the name of its Kubernetes Service: lower case, `_` and `.` become `-`,
//! leading and trailing `-` are dropped. Names that would be too long keep a short hash of the
//! original, so two long names never collide.

/// A DNS-1123 label (at most 63 characters) for a Compose name: the name of the Deployment,
/// the container, the Service of a Compose service; also ConfigMaps, Secrets and claims.
#[must_use]
pub fn label(name: &str) -> String {
    fit(normalize(name), 63, name)
}

/// A DNS-1035 label, as a Service name needs: a DNS-1123 label that starts with a letter.
#[must_use]
pub fn service(name: &str) -> String {
    let mut base = normalize(name);
    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base.insert_str(0, "s-");
    }
    fit(base, 63, name)
}

/// A name made of several parts (`web-config`, `project-front`), as one DNS-1123 label.
#[must_use]
pub fn joined(parts: &[&str]) -> String {
    let raw = parts.join("-");
    fit(normalize(&raw), 63, &raw)
}

/// `text` with each character that neither a label value nor a ConfigMap or Secret key may
/// hold (anything but `A-Za-z0-9-_.`) replaced by `other`.
#[must_use]
pub fn key_characters(text: &str, other: char) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                other
            }
        })
        .collect()
}

/// A label value (at most 63 characters of `A-Za-z0-9-_.`, starting and ending with an
/// alphanumeric character).
#[must_use]
pub fn label_value(value: &str) -> String {
    let kept = key_characters(value, '-');
    let trimmed = kept.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    fit(trimmed.to_owned(), 63, value)
}

/// An IANA service name for a port (at most 15 characters of `a-z0-9-`, with a letter, no
/// `--`), or `None` when the name cannot be made one.
#[must_use]
pub fn port_name(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in normalize(name).chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.truncate(15);
    let out = out.trim_matches('-').to_owned();
    (!out.is_empty() && out.chars().any(|c| c.is_ascii_lowercase())).then_some(out)
}

/// Lower case, `a-z0-9-` only, no leading or trailing `-` — the same rule `kompose` uses.
/// (Every character is lowercased first, as Unicode does it: `K`, the Kelvin sign, becomes `k`.)
#[must_use]
pub fn normalize(name: &str) -> String {
    let keep = |c: char| {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        }
    };
    // Names are nearly always ASCII: lowercased character by character, into one allocation.
    let mut out = String::with_capacity(name.len());
    if name.is_ascii() {
        for c in name.chars() {
            out.push(keep(c.to_ascii_lowercase()));
        }
    } else {
        out.extend(name.to_lowercase().chars().map(keep));
    }
    out.truncate(out.trim_end_matches('-').len());
    let leading = out.len() - out.trim_start_matches('-').len();
    out.drain(..leading);
    out
}

/// `name`, or, when it is longer than `limit` characters (or empty), its start with a hash of
/// `original` in place of the end.
fn fit(name: String, limit: usize, original: &str) -> String {
    if name.len() <= limit && !name.is_empty() {
        return name;
    }
    let hash = format!("{:08x}", fnv1a(original));
    let keep = limit.saturating_sub(hash.len() + 1);
    let prefix: String = name.chars().take(keep).collect();
    let prefix = prefix.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    if prefix.is_empty() {
        format!("x{hash}")
    } else {
        format!("{prefix}-{hash}")
    }
}

/// A small stable hash (FNV-1a, 32 bits): the same name always gives the same suffix.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_become_dns_labels_like_kompose() {
        assert_eq!(label("My_Service.v2"), "my-service-v2");
        assert_eq!(label("web"), "web");
    }

    #[test]
    fn service_object_names_start_with_a_letter() {
        assert_eq!(service("1app"), "s-1app");
        assert_eq!(service("app1"), "app1");
    }

    #[test]
    fn long_names_keep_a_stable_hash_and_stay_within_limits() {
        let long = "a".repeat(100);
        let name = label(&long);
        assert!(name.len() <= 63);
        assert_eq!(name, label(&long));
        assert_ne!(label(&"a".repeat(101)), name);
    }

    #[test]
    fn port_names_are_iana_service_names() {
        assert_eq!(port_name("HTTP_Web"), Some("http-web".into()));
        assert_eq!(
            port_name("a-very-long-port-name-indeed"),
            Some("a-very-long-por".into())
        );
        assert_eq!(port_name("8080"), None);
        assert_eq!(port_name("a__b"), Some("a-b".into()));
    }

    /// The rule as first written: Unicode lowercasing, then the mapping, then the trim.
    fn normalize_reference(name: &str) -> String {
        let mapped: String = name
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        mapped.trim_matches('-').to_owned()
    }

    proptest::proptest! {
        #[test]
        fn normalize_is_the_reference_rule(name in "[a-zA-Z0-9._-]{0,12}|\\PC{0,12}|[-_A-Z\u{212A}\u{130}]{0,6}") {
            proptest::prop_assert_eq!(normalize(&name), normalize_reference(&name));
        }
    }

    #[test]
    fn lowercasing_is_unicode_lowercasing() {
        assert_eq!(normalize("\u{212A}ube"), "kube");
        assert_eq!(normalize("_\u{130}x_"), "i-x");
        assert_eq!(normalize("--"), "");
    }

    #[test]
    fn label_values_are_trimmed_to_valid_characters() {
        assert_eq!(label_value("my project!"), "my-project");
        assert_eq!(label_value("_x_"), "x");
    }
}
