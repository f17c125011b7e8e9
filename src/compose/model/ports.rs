//! `ports` and `expose`: the ports a service listens on and publishes.
//!
//! Every short spelling (`80`, `"8080:80"`, `"127.0.0.1:8080:80"`, `"[::1]:8080:80"`,
//! `"8000-8005:80-85/udp"`) becomes one [`PortConfig`] per container port, as Compose does
//! (it uses Docker's `nat.ParsePortSpec`), so later stages only see the long syntax.

use std::net::IpAddr;

use crate::compose::model::de::{Cx, Field, FromNode};
use crate::compose::model::syntax::scalar_sub_span;
use crate::compose::yaml::{Node, Value};
use crate::diag::{Code, Diagnostic};
use crate::source::{Span, Spanned};

/// One container port, and how it is published.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct PortConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ingress` or `host`; `None` means Compose's default (`ingress`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// The port inside the container (1–65535).
    pub target: u16,
    /// The host port: a number, or a range like `8000-8005` to pick a free one from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// `tcp`, `udp` or `sctp` in lower case; `None` means `tcp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
    /// `x-*` keys of the long syntax.
    #[serde(flatten)]
    pub extensions: crate::compose::model::de::Extensions,
}

impl PortConfig {
    /// The protocol, with Compose's default.
    #[must_use]
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("tcp")
    }
}

/// The long syntax as written, before it is checked and normalised.
pub mod long {
    use crate::source::Spanned;

    crate::compose_struct! {
        @map_only
        /// A port in the long syntax, as written.
        pub struct PortSpec in "a port" {
            "name" => name: Option<String>,
            "mode" => mode: Option<String>,
            "host_ip" => host_ip: Option<Spanned<String>>,
            "target" => target: Option<Spanned<String>>,
            "published" => published: Option<Spanned<String>>,
            "protocol" => protocol: Option<Spanned<String>>,
            "app_protocol" => app_protocol: Option<String>,
        }
        required ["target"]
    }
}

/// `ports:`: a short item may stand for several ports, so the list is read as a whole.
impl Field for Vec<Spanned<PortConfig>> {
    /// Sized from the list, and trimmed when a range made it grow: a model holds thousands
    /// of these, and a port is large.
    fn read(node: &Node, cx: &mut Cx) -> Self {
        match &node.value {
            Value::Seq(items) => {
                let mut ports = Vec::with_capacity(items.len());
                for item in items {
                    read_port_item(item, cx, &mut ports);
                }
                ports.shrink_to_fit();
                ports
            }
            _ if node.is_null() => Vec::new(),
            _ => {
                cx.invalid_type(node, "a list of ports");
                Vec::new()
            }
        }
    }
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

fn read_port_item(item: &Node, cx: &mut Cx, ports: &mut Vec<Spanned<PortConfig>>) {
    match &item.value {
        Value::Map(map) => {
            let spec = long::PortSpec::read_map(item, map, cx);
            if let Some(port) = from_long_syntax(spec, cx) {
                ports.push(Spanned::new(port, item.span));
            }
        }
        Value::Scalar(scalar) if !item.is_null() => match parse_port_spec(&scalar.text) {
            Ok(parsed) => ports.extend(parsed.into_iter().map(|p| Spanned::new(p, item.span))),
            Err(error) => report(cx, error.span(cx, item), &error.message, &error.help),
        },
        _ => cx.invalid_type(item, "a port (a number, a string or a mapping)"),
    }
}

fn report(cx: &mut Cx, span: Span, message: &str, help: &str) {
    cx.report(
        Diagnostic::error(Code::InvalidPort, message)
            .at(span)
            .help(help),
    );
}

const SHORT_SYNTAX_HELP: &str =
    "write `80`, `8080:80`, `127.0.0.1:8080:80` or `8000-8005:80-85/udp`";
const PORT_HELP: &str = "ports are whole numbers from 1 to 65535";

fn from_long_syntax(spec: long::PortSpec, cx: &mut Cx) -> Option<PortConfig> {
    let long::PortSpec {
        name,
        mode,
        host_ip,
        target,
        published,
        protocol,
        app_protocol,
        span: _,
        keys: _,
        extensions,
    } = spec;
    let mut ok = true;
    let mut target_port = 0;
    if let Some(target) = target {
        match parse_port(target.trim(), false) {
            Ok(port) => target_port = port,
            Err(message) => {
                report(cx, target.span, &message, PORT_HELP);
                ok = false;
            }
        }
    } else {
        ok = false;
    }
    let published = published.filter(|p| !p.is_empty()).and_then(|published| {
        let text = published.trim();
        match parse_port_range(text, true) {
            Ok(_) => Some(text.to_string()),
            Err(message) => {
                report(
                    cx,
                    published.span,
                    &message,
                    "write a port number such as `8080`, or a range such as `8000-8005`",
                );
                ok = false;
                None
            }
        }
    });
    let protocol = protocol.and_then(|protocol| match check_protocol(&protocol) {
        Ok(protocol) => Some(protocol),
        Err(message) => {
            report(cx, protocol.span, &message, "use `tcp`, `udp` or `sctp`");
            ok = false;
            None
        }
    });
    let host_ip = host_ip
        .filter(|ip| !ip.is_empty())
        .and_then(|ip| match check_ip(&ip) {
            Ok(()) => Some(ip.value),
            Err(message) => {
                report(
                    cx,
                    ip.span,
                    &message,
                    "write an IPv4 or IPv6 address such as `127.0.0.1` or `::1`",
                );
                ok = false;
                None
            }
        });
    ok.then_some(PortConfig {
        name,
        mode,
        host_ip,
        target: target_port,
        published,
        protocol,
        app_protocol,
        extensions,
    })
}

/// A short-syntax problem, located inside the string.
struct PortError {
    message: String,
    help: String,
    /// Byte range in the port string; the whole string when `None`.
    range: Option<(usize, usize)>,
}

impl PortError {
    fn new(message: String, help: &str, range: Option<(usize, usize)>) -> Self {
        Self {
            message,
            help: help.to_string(),
            range,
        }
    }

    fn span(&self, cx: &Cx, item: &Node) -> Span {
        match self.range {
            Some((start, end)) => scalar_sub_span(cx, item, start, end),
            None => item.span,
        }
    }
}

/// Parses `[[IP:]HOST:]CONTAINER[/PROTOCOL]`, where HOST and CONTAINER may be ranges.
fn parse_port_spec(text: &str) -> Result<Vec<PortConfig>, PortError> {
    // Everything before the last two colons is the IP, so IPv6 addresses need no brackets.
    let (head, container_part) = match text.rfind(':') {
        Some(i) => (
            Some(text.get(..i).unwrap_or_default()),
            text.get(i + 1..).unwrap_or_default(),
        ),
        None => (None, text),
    };
    let (ip, host) = match head {
        Some(head) => match head.rfind(':') {
            Some(i) => (
                Some(head.get(..i).unwrap_or_default()),
                Some((i + 1, head.get(i + 1..).unwrap_or_default())),
            ),
            None => (None, Some((0, head))),
        },
        None => (None, None),
    };
    let container_start = text.len() - container_part.len();

    let (container, protocol) = match container_part.split_once('/') {
        Some((port, protocol)) => (port, Some(protocol)),
        None => (container_part, None),
    };
    let container_range = Some((container_start, container_start + container.len()));
    if container.is_empty() {
        return Err(PortError::new(
            format!("`{text}` has no container port"),
            SHORT_SYNTAX_HELP,
            None,
        ));
    }
    let protocol = match protocol {
        None | Some("") => None,
        Some(protocol) => Some(check_protocol(protocol).map_err(|message| {
            let start = container_start + container.len() + 1;
            PortError::new(
                message,
                "use `tcp`, `udp` or `sctp`",
                Some((start, start + protocol.len())),
            )
        })?),
    };
    let ip = match ip {
        None | Some("") => None,
        Some(ip) => {
            let bare = ip
                .strip_prefix('[')
                .and_then(|ip| ip.strip_suffix(']'))
                .unwrap_or(ip);
            check_ip(bare).map_err(|message| {
                PortError::new(
                    message,
                    "write an IPv4 address, or an IPv6 address in brackets: `[::1]:8080:80`",
                    Some((0, ip.len())),
                )
            })?;
            Some(bare.to_string())
        }
    };
    let (start, end) = parse_port_range(container, false)
        .map_err(|message| PortError::new(message, PORT_HELP, container_range))?;
    let host = match host {
        None | Some((_, "")) => None,
        Some((offset, host)) => {
            let range = parse_port_range(host, true).map_err(|message| {
                PortError::new(message, PORT_HELP, Some((offset, offset + host.len())))
            })?;
            Some((host, range))
        }
    };
    if let Some((host_text, (host_start, host_end))) = host
        && end != start
        && end - start != host_end - host_start
    {
        return Err(PortError::new(
            format!(
                "the published range `{host_text}` and the container range `{container}` have different lengths"
            ),
            "publish a range of the same length, or a single container port on a range of host ports",
            None,
        ));
    }
    Ok((start..=end)
        .map(|target| {
            let published = host.map(|(_, (host_start, host_end))| {
                if start == end && host_start != host_end {
                    format!("{host_start}-{host_end}")
                } else {
                    (u32::from(host_start) + u32::from(target - start)).to_string()
                }
            });
            PortConfig {
                host_ip: ip.clone(),
                target,
                published,
                protocol: protocol.clone(),
                ..PortConfig::default()
            }
        })
        .collect())
}

/// One port number. Host ports may be 0 (any free port); container ports may not.
fn parse_port(text: &str, allow_zero: bool) -> Result<u16, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a port number"));
    }
    match text.parse::<u16>() {
        Ok(0) if !allow_zero => Err("port 0 is not a valid container port".to_string()),
        Ok(port) => Ok(port),
        Err(_) => Err(format!("port `{text}` is out of range")),
    }
}

/// `80` or `80-85`.
fn parse_port_range(text: &str, allow_zero: bool) -> Result<(u16, u16), String> {
    match text.split_once('-') {
        None => parse_port(text, allow_zero).map(|port| (port, port)),
        Some((start, end)) => {
            let start = parse_port(start, allow_zero)?;
            let end = parse_port(end, allow_zero)?;
            if end < start {
                return Err(format!("the port range `{text}` ends before it starts"));
            }
            Ok((start, end))
        }
    }
}

fn check_protocol(protocol: &str) -> Result<String, String> {
    let lower = protocol.to_ascii_lowercase();
    if matches!(lower.as_str(), "tcp" | "udp" | "sctp") {
        Ok(lower)
    } else {
        Err(format!("`{protocol}` is not a port protocol"))
    }
}

fn check_ip(ip: &str) -> Result<(), String> {
    ip.parse::<IpAddr>()
        .map(|_| ())
        .map_err(|_| format!("`{ip}` is not an IP address"))
}

/// One `expose` entry (`3000`, `3000-3005`, `3000/udp`): container ports the service listens
/// on without publishing them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expose {
    /// The first and last port of the range (the same for one port).
    pub start: u16,
    pub end: u16,
    /// `tcp`, `udp` or `sctp` in lower case; `None` means `tcp`.
    pub protocol: Option<String>,
    /// The entry as written, which `config` writes back.
    written: String,
}

impl Expose {
    /// The entry `text`, or why it is none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (ports, protocol) = match trimmed.split_once('/') {
            Some((ports, protocol)) => (ports, Some(check_protocol(protocol)?)),
            None => (trimmed, None),
        };
        let (start, end) = parse_port_range(ports, false)?;
        Ok(Self {
            start,
            end,
            protocol,
            written: text.to_owned(),
        })
    }

    /// The protocol, with Compose's default.
    #[must_use]
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("tcp")
    }
}

impl FromNode for Expose {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let text = String::from_node(node, cx)?;
        Self::parse(&text)
            .map_err(|message| {
                report(
                    cx,
                    node.span,
                    &message,
                    "write a container port such as `3000`, a range such as `3000-3005`, or `3000/udp`",
                );
            })
            .ok()
    }
}

impl serde::Serialize for Expose {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::Service;
    use crate::compose::model::testing::{read, read_ok};

    fn ports(items: &str) -> Vec<PortConfig> {
        read_ok::<Service>(&format!("ports: {items}"))
            .ports
            .into_iter()
            .map(|p| p.value)
            .collect()
    }

    fn port(target: u16, published: Option<&str>) -> PortConfig {
        PortConfig {
            target,
            published: published.map(str::to_string),
            ..PortConfig::default()
        }
    }

    /// The code and the source text under the first diagnostic of reading `ports: items`.
    fn error(items: &str) -> (Code, String) {
        let (_, diags, sources) = read::<Service>(&format!("ports: {items}"));
        let d = diags.iter().next().expect("a diagnostic");
        (d.code, sources.text(d.span.unwrap()).unwrap().to_string())
    }

    #[test]
    fn a_number_is_a_container_port() {
        assert_eq!(ports("[80]"), [port(80, None)]);
    }

    #[test]
    fn host_and_container_ports() {
        assert_eq!(ports("['8080:80']"), [port(80, Some("8080"))]);
    }

    #[test]
    fn ip_host_and_container_ports() {
        let [p] = ports("['127.0.0.1:8080:80']").try_into().unwrap();
        assert_eq!(
            (p.host_ip.as_deref(), p.published.as_deref(), p.target),
            (Some("127.0.0.1"), Some("8080"), 80)
        );
    }

    #[test]
    fn ip_with_an_empty_host_port_publishes_a_random_port() {
        let [p] = ports("['127.0.0.1::80']").try_into().unwrap();
        assert_eq!(
            (p.host_ip.as_deref(), p.published, p.target),
            (Some("127.0.0.1"), None, 80)
        );
    }

    #[test]
    fn ipv6_host_ip_in_brackets_loses_the_brackets() {
        let [p] = ports("['[::1]:8080:80']").try_into().unwrap();
        assert_eq!(
            (p.host_ip.as_deref(), p.published.as_deref()),
            (Some("::1"), Some("8080"))
        );
    }

    #[test]
    fn port_range_expands_to_one_port_per_container_port() {
        let expanded = ports("['8080-8085:80-85/udp']");
        assert_eq!(expanded.len(), 6);
        for (i, p) in expanded.iter().enumerate() {
            let i = u16::try_from(i).unwrap();
            assert_eq!(p.target, 80 + i);
            assert_eq!(p.published, Some((8080 + i).to_string()));
            assert_eq!(p.protocol.as_deref(), Some("udp"));
        }
    }

    #[test]
    fn container_range_alone_publishes_nothing() {
        assert_eq!(
            ports("['3000-3002']"),
            [port(3000, None), port(3001, None), port(3002, None)]
        );
    }

    #[test]
    fn host_range_for_one_container_port_stays_a_range() {
        let [p] = ports("['9090-9091:8080']").try_into().unwrap();
        assert_eq!(
            (p.target, p.published.as_deref()),
            (8080, Some("9090-9091"))
        );
    }

    #[test]
    fn protocol_defaults_to_tcp_and_is_lower_cased() {
        let [plain, udp] = ports("['53', '53/UDP']").try_into().unwrap();
        assert_eq!((plain.protocol(), udp.protocol()), ("tcp", "udp"));
        assert_eq!(udp.protocol.as_deref(), Some("udp"));
    }

    #[test]
    fn ranges_of_different_lengths_are_an_invalid_port() {
        assert_eq!(error("['8080-8081:80-85']").0, Code::InvalidPort);
    }

    #[test]
    fn out_of_range_port_points_at_the_number() {
        assert_eq!(
            error("['8080:70000']"),
            (Code::InvalidPort, "70000".to_string())
        );
        assert_eq!(
            error("[\"70000:80\"]"),
            (Code::InvalidPort, "70000".to_string())
        );
    }

    #[test]
    fn plain_block_items_are_located_too() {
        let (_, diags, sources) = read::<Service>("ports:\n  - 8080:70000\n");
        let d = diags.iter().next().unwrap();
        assert_eq!(sources.text(d.span.unwrap()), Some("70000"));
    }

    #[test]
    fn bad_protocol_and_bad_ip_point_at_their_text() {
        assert_eq!(error("['80/xyz']"), (Code::InvalidPort, "xyz".to_string()));
        assert_eq!(
            error("['1.2.3:80:80']"),
            (Code::InvalidPort, "1.2.3".to_string())
        );
    }

    #[test]
    fn words_and_zero_are_not_container_ports() {
        assert_eq!(error("['http']").0, Code::InvalidPort);
        assert_eq!(error("['0']").0, Code::InvalidPort);
        assert_eq!(error("['85-80']").0, Code::InvalidPort);
    }

    #[test]
    fn every_bad_port_of_a_list_is_reported() {
        let (service, diags, _) = read::<Service>("ports: ['x', '80', '99999']");
        assert_eq!(diags.len(), 2);
        assert_eq!(service.unwrap().ports.len(), 1);
    }

    #[test]
    fn long_syntax_is_read_and_normalised() {
        let [p] = ports(
            "[{name: web, target: 80, published: 8080, host_ip: 127.0.0.1, protocol: TCP, \
             app_protocol: http, mode: host, x-note: kept}]",
        )
        .try_into()
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("web"));
        assert_eq!(p.target, 80);
        assert_eq!(p.published.as_deref(), Some("8080"));
        assert_eq!(p.protocol.as_deref(), Some("tcp"));
        assert_eq!(p.app_protocol.as_deref(), Some("http"));
        assert_eq!(p.mode.as_deref(), Some("host"));
        assert!(p.extensions.contains_key("x-note"));
    }

    #[test]
    fn long_syntax_accepts_a_published_range_and_an_empty_published() {
        let [a, b] = ports("[{target: 80, published: '8000-8005'}, {target: 81, published: ''}]")
            .try_into()
            .unwrap();
        assert_eq!(
            (a.published.as_deref(), b.published),
            (Some("8000-8005"), None)
        );
    }

    #[test]
    fn long_syntax_problems_are_located() {
        assert_eq!(
            error("[{target: 70000}]"),
            (Code::InvalidPort, "70000".to_string())
        );
        assert_eq!(
            error("[{target: 80, published: abc}]"),
            (Code::InvalidPort, "abc".to_string())
        );
        assert_eq!(error("[{published: 80}]").0, Code::MissingKey);
        assert_eq!(error("[{target: 80, protcol: tcp}]").0, Code::UnknownKey);
    }

    #[test]
    fn expose_accepts_numbers_ranges_and_protocols() {
        let service = read_ok::<Service>("expose: [3000, '3001', '3002-3005', '53/udp']");
        let expose: Vec<(u16, u16, &str)> = service
            .expose
            .iter()
            .map(|e| (e.start, e.end, e.protocol()))
            .collect();
        assert_eq!(
            expose,
            [
                (3000, 3000, "tcp"),
                (3001, 3001, "tcp"),
                (3002, 3005, "tcp"),
                (53, 53, "udp")
            ]
        );
    }

    #[test]
    fn invalid_expose_entries_are_reported_and_dropped() {
        let (service, diags, _) = read::<Service>("expose: ['3000', 'http', '70000', '80/ftp']");
        assert_eq!(
            diags.iter().filter(|d| d.code == Code::InvalidPort).count(),
            3
        );
        assert_eq!(service.unwrap().expose.len(), 1);
    }
}
