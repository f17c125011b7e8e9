//! The Docker Engine's rules for network modes: a container that uses another's network stack
//! (`service:X`, `container:N`) has no network settings of its own; `host` mode discards
//! published ports; neither mixes with other networks. `network_mode` and `networks` together
//! are refused by Compose.

use crate::compose::model::networking::NamespaceMode;
use crate::compose::model::{Project, Service};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;

pub fn run(project: &Project, diagnostics: &mut Diagnostics) {
    for (name, service) in &project.services {
        let Some(mode) = &service.network_mode else {
            continue;
        };
        let owner = mode.shared_with();
        if let Some(owner) = owner {
            shared_stack(name, owner, mode.span, service, diagnostics);
        } else if mode.value == NamespaceMode::Host
            && let Some(ports) = service.keys.get("ports")
            && !service.ports.is_empty()
        {
            diagnostics.push(
                Diagnostic::warning(
                    Code::HostModePorts,
                    format!("`ports` of `{name}` are discarded: it uses the host's network"),
                )
                .at(ports)
                .related(mode.span, "the host network mode")
                .help("remove `ports`; the service listens on the node's ports directly"),
            );
        }
        if let Some(networks) = service.keys.get("networks") {
            let engine_mode = owner.is_some() || mode.value == NamespaceMode::Host;
            let (code, why) = if engine_mode {
                (
                    Code::NetworkModeExtraNetwork,
                    "a container on the host's or another container's network stack cannot join other networks",
                )
            } else {
                (
                    Code::NetworkModeWithNetworks,
                    "`network_mode` and `networks` cannot both be set",
                )
            };
            diagnostics.push(
                Diagnostic::error(code, format!("`networks` of `{name}`: {why}"))
                    .at(networks)
                    .related(mode.span, "the network mode")
                    .help("keep either `network_mode` or `networks`"),
            );
        }
    }
}

/// The keys the Engine refuses on a container that shares another's network stack.
fn shared_stack(
    name: &str,
    owner: &str,
    mode: Span,
    service: &Service,
    diagnostics: &mut Diagnostics,
) {
    let set = [
        ("ports", !service.ports.is_empty()),
        ("expose", !service.expose.is_empty()),
        ("hostname", service.hostname.is_some()),
        ("dns", !service.rare().dns.is_empty()),
        ("dns_search", !service.rare().dns_search.is_empty()),
        ("dns_opt", !service.rare().dns_opt.is_empty()),
        ("extra_hosts", !service.rare().extra_hosts.is_empty()),
        ("links", !service.rare().links.is_empty()),
        ("mac_address", service.rare().mac_address.is_some()),
    ];
    for (key, present) in set {
        let Some(span) = service.keys.get(key).filter(|_| present) else {
            continue;
        };
        let help = match key {
            "ports" | "expose" => {
                format!("declare the port on `{owner}`, the service that owns the network")
            }
            "links" => format!("remove `links`; `{name}` reaches what `{owner}` reaches"),
            _ => format!("set `{key}` on `{owner}`, the service that owns the network"),
        };
        diagnostics.push(
            Diagnostic::error(
                Code::KeyOnSharedNetwork,
                format!("`{key}` of `{name}`: it uses the network stack of `{owner}`"),
            )
            .at(span)
            .related(mode, "shares this network stack")
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check, codes};
    use crate::diag::{Code, Severity};

    #[test]
    fn network_keys_on_a_shared_stack_are_errors() {
        let yaml = "services:\n  vpn:\n    image: gluetun\n  app:\n    image: x\n    network_mode: service:vpn\n    ports: [\"8080:80\"]\n    expose: [\"80\"]\n    hostname: app\n    dns: 1.1.1.1\n    extra_hosts: [\"a:1.2.3.4\"]\n    mac_address: 02:42:ac:11:65:43\n";
        let found = check(yaml);
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(found.iter().all(|d| d.code == Code::KeyOnSharedNetwork));
        assert_eq!(
            found[0].help.as_deref(),
            Some("declare the port on `vpn`, the service that owns the network")
        );
    }

    #[test]
    fn host_mode_ports_are_a_warning() {
        let yaml =
            "services:\n  web:\n    image: nginx\n    network_mode: host\n    ports: [\"80:80\"]\n";
        let found = check(yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::HostModePorts);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn network_modes_do_not_mix_with_networks() {
        let host = "services:\n  web:\n    image: nginx\n    network_mode: host\n    networks: [front]\nnetworks:\n  front: {}\n";
        assert_eq!(codes(host), [Code::NetworkModeExtraNetwork]);
        let none = "services:\n  web:\n    image: nginx\n    network_mode: none\n    networks: [front]\nnetworks:\n  front: {}\n";
        assert_eq!(codes(none), [Code::NetworkModeWithNetworks]);
    }
}
