//! The topology as an SVG picture: `explain --graph svg`, and the top of the HTML report.
//!
//! Each Pod is a box with its containers in start order (init, sidecar, main) and the
//! NetworkPolicies that select it alone; next to it a box with the Services that reach it and
//! the names they answer to; on the right the Compose networks with the NetworkPolicies that
//! isolate them; waits are dashed arrows between Pods; published ports and Ingresses are at the
//! left edge. `layout-rs` places the boxes and routes the edges (docs/decisions.md says why this
//! crate); this module measures the boxes and writes the SVG itself, with no edge labels (a
//! legend says what each line means), so that labels cannot collide and the same plan gives the
//! same bytes.

use std::fmt::Write as _;

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::explain::{containers, describe_ports, networks, policy_selects, selects, service_type};
use crate::compose::model::Project;
use crate::plan::ordering::Wait;
use crate::plan::{Plan, Policy, Workload, labels};

/// Font size of every line, in pixels.
const FONT_SIZE: f64 = 12.0;
/// The advance of one character of the monospace font. Every line is also given this width
/// as its `textLength`, so a wider fallback font is squeezed into its box, never past it.
const CHAR_WIDTH: f64 = 7.2;
const LINE_HEIGHT: f64 = 16.0;
/// Space between a box's border and its text.
const PADDING: f64 = 8.0;
/// Space around the whole picture.
const MARGIN: f64 = 16.0;
/// Height of the legend row above the graph.
const LEGEND_HEIGHT: f64 = 28.0;

/// What a box stands for (its CSS class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Pod,
    Services,
    Published,
    Ingress,
    Network,
}

impl NodeKind {
    fn class(self) -> &'static str {
        match self {
            Self::Pod => "pod",
            Self::Services => "services",
            Self::Published => "published",
            Self::Ingress => "ingress",
            Self::Network => "network",
        }
    }
}

/// One line of text in a box.
struct Line {
    text: String,
    /// CSS class: `title`, `kind`, `init`, `sidecar`, `main`, `service`, `policy`, `detail`.
    class: &'static str,
    /// The Kubernetes Service the line names, for `data-service`.
    service: Option<String>,
}

impl Line {
    fn new(text: impl Into<String>, class: &'static str) -> Self {
        Self {
            text: text.into(),
            class,
            service: None,
        }
    }
}

/// One box.
struct Node {
    /// The element id: `pod-NAME`, `services-POD`, `published-POD`, `ingress-NAME`,
    /// `network-NAME`.
    id: String,
    kind: NodeKind,
    lines: Vec<Line>,
}

impl Node {
    fn size(&self) -> Point {
        let chars = self
            .lines
            .iter()
            .map(|l| l.text.chars().count())
            .max()
            .unwrap_or(0);
        #[allow(clippy::cast_precision_loss)] // a few hundred characters and lines at most
        Point::new(
            chars as f64 * CHAR_WIDTH + 2.0 * PADDING,
            self.lines.len() as f64 * LINE_HEIGHT + 2.0 * PADDING,
        )
    }
}

/// What a line between two boxes means (its CSS class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EdgeKind {
    /// Traffic: from outside to a Service, from a Service to its Pod.
    Route,
    /// A Pod is on a network.
    Member,
    /// A Pod waits until another is ready (`service_healthy`).
    WaitHealthy,
    /// A Pod waits until a Job completed (`service_completed_successfully`).
    WaitCompleted,
}

impl EdgeKind {
    fn class(self) -> &'static str {
        match self {
            Self::Route => "route",
            Self::Member => "member",
            Self::WaitHealthy => "wait-healthy",
            Self::WaitCompleted => "wait-completed",
        }
    }
}

struct Edge {
    from: usize,
    to: usize,
    kind: EdgeKind,
}

/// The boxes and lines of a plan, before they are placed.
#[derive(Default)]
struct Drawing {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Said after the legend: the one network every Pod is on, when it is not drawn.
    note: Option<String>,
}

impl Drawing {
    fn add(&mut self, id: String, kind: NodeKind, lines: Vec<Line>) -> usize {
        self.nodes.push(Node { id, kind, lines });
        self.nodes.len() - 1
    }

    fn connect(&mut self, from: usize, to: usize, kind: EdgeKind) {
        self.edges.push(Edge { from, to, kind });
    }

    fn of(plan: &Plan, project: Option<&Project>) -> Self {
        let mut drawing = Drawing::default();
        let network_names = networks(plan);
        let pods: Vec<usize> = plan
            .workloads
            .iter()
            .map(|workload| drawing.pod(plan, workload, &network_names))
            .collect();
        let entries: Vec<usize> = plan
            .workloads
            .iter()
            .zip(&pods)
            .map(|(workload, &pod)| drawing.entrance(plan, project, workload, pod))
            .collect();
        for ingress in &plan.ingresses {
            drawing.ingress(plan, ingress, &entries);
        }
        drawing.networks(plan, &network_names, &pods);
        drawing.waits(plan, &pods);
        drawing
    }

    /// The Pod's box: its containers in start order, and the policies that select it alone.
    fn pod(&mut self, plan: &Plan, workload: &Workload, network_names: &[&str]) -> usize {
        let mut lines = vec![
            Line::new(format!("Pod {}", workload.name), "title"),
            Line::new(workload_kind(workload), "kind"),
        ];
        for (index, (container, role, _)) in containers(plan, workload).iter().enumerate() {
            lines.push(Line::new(
                format!("{}. {role:<7} {container}", index + 1),
                role,
            ));
        }
        let pod_labels = workload.pod_labels();
        lines.extend(
            plan.policies
                .iter()
                .filter(|p| {
                    policy_selects(p, &pod_labels) && network_of(p, network_names).is_none()
                })
                .map(|p| Line::new(format!("NetworkPolicy {}", p.name), "policy")),
        );
        self.add(format!("pod-{}", workload.name), NodeKind::Pod, lines)
    }

    /// The Services of a Pod and its published ports in front of them. Returns where traffic
    /// for the Pod enters: its Services when it has some, else the Pod.
    fn entrance(
        &mut self,
        plan: &Plan,
        project: Option<&Project>,
        workload: &Workload,
        pod: usize,
    ) -> usize {
        let pod_labels = workload.pod_labels();
        let services: Vec<Line> = plan
            .services
            .iter()
            .filter(|s| selects(&s.selector, &pod_labels))
            .map(|s| Line {
                text: format!("{}: {} {}", s.name, service_type(s.kind), describe_ports(s)),
                class: "service",
                service: Some(s.name.clone()),
            })
            .collect();
        let mut entry = pod;
        if !services.is_empty() {
            let title = if services.len() == 1 {
                "Service"
            } else {
                "Services"
            };
            let mut lines = vec![Line::new(title, "title")];
            lines.extend(services);
            entry = self.add(
                format!("services-{}", workload.name),
                NodeKind::Services,
                lines,
            );
            self.connect(entry, pod, EdgeKind::Route);
        }
        let published = published_ports(project, workload);
        if !published.is_empty() {
            let mut lines = vec![Line::new("published", "title")];
            lines.extend(published.into_iter().map(|p| Line::new(p, "detail")));
            let node = self.add(
                format!("published-{}", workload.name),
                NodeKind::Published,
                lines,
            );
            self.connect(node, entry, EdgeKind::Route);
        }
        entry
    }

    fn ingress(&mut self, plan: &Plan, ingress: &crate::plan::Ingress, entries: &[usize]) {
        let mut lines = vec![Line::new(format!("Ingress {}", ingress.name), "title")];
        lines.extend(ingress.rules.iter().map(|rule| {
            Line::new(
                format!(
                    "{}{} → {}:{}",
                    rule.host.as_deref().unwrap_or("*"),
                    rule.path,
                    rule.backend,
                    rule.port
                ),
                "detail",
            )
        }));
        let node = self.add(
            format!("ingress-{}", ingress.name),
            NodeKind::Ingress,
            lines,
        );
        let target = plan
            .workloads
            .iter()
            .position(|w| w.group.member(&ingress.service).is_some())
            .and_then(|i| entries.get(i));
        if let Some(&target) = target {
            self.connect(node, target, EdgeKind::Route);
        }
    }

    /// The networks with the policies that isolate them, and a line from each Pod on one.
    fn networks(&mut self, plan: &Plan, network_names: &[&str], pods: &[usize]) {
        // One network without policies says nothing that a line from every Pod would add.
        let isolated = plan
            .policies
            .iter()
            .any(|p| network_of(p, network_names).is_some());
        if let ([network], false) = (network_names, isolated) {
            self.note = Some(format!("every Pod is on network {network}"));
            return;
        }
        let nodes: Vec<usize> = network_names
            .iter()
            .enumerate()
            .map(|(index, network)| {
                let mut lines = vec![Line::new(format!("network {network}"), "title")];
                lines.extend(
                    plan.policies
                        .iter()
                        .filter(|p| network_of(p, network_names) == Some(index))
                        .map(|p| Line::new(format!("NetworkPolicy {}", p.name), "policy")),
                );
                self.add(format!("network-{network}"), NodeKind::Network, lines)
            })
            .collect();
        for (workload, &pod) in plan.workloads.iter().zip(pods) {
            for network in &workload.networks {
                let node = network_names
                    .iter()
                    .position(|n| n == network)
                    .and_then(|i| nodes.get(i));
                if let Some(&node) = node {
                    self.connect(pod, node, EdgeKind::Member);
                }
            }
        }
    }

    /// A dashed arrow from each Pod to the Pods it waits for.
    fn waits(&mut self, plan: &Plan, pods: &[usize]) {
        for (workload, &pod) in plan.workloads.iter().zip(pods) {
            for wait in &workload.waits {
                let (service, kind) = match wait {
                    Wait::Ready { service, .. } => (service, EdgeKind::WaitHealthy),
                    Wait::Job { service, .. } => (service, EdgeKind::WaitCompleted),
                };
                let target = plan
                    .workloads
                    .iter()
                    .position(|w| w.group.member(service).is_some())
                    .and_then(|i| pods.get(i));
                if let Some(&target) = target.filter(|&&t| t != pod) {
                    self.connect(pod, target, kind);
                }
            }
        }
    }
}

/// The network whose members a policy selects, as an index into `network_names`.
fn network_of(policy: &Policy, network_names: &[&str]) -> Option<usize> {
    let selector = &policy.pod_selector;
    network_names
        .iter()
        .position(|n| selector.get(&labels::network(n)).is_some())
}

/// `Deployment`, `Deployment, 3 replicas`.
fn workload_kind(workload: &Workload) -> String {
    match workload.replicas {
        Some(replicas) => format!("{}, {replicas} replicas", workload.kind.name()),
        None => workload.kind.name().to_owned(),
    }
}

/// The host ports the Pod's services publish, as `8080→80/TCP`.
fn published_ports(project: Option<&Project>, workload: &Workload) -> Vec<String> {
    let Some(project) = project else {
        return Vec::new();
    };
    workload
        .group
        .members
        .iter()
        .filter_map(|member| project.services.get(member.service.as_str()))
        .flat_map(|service| service.ports.iter())
        .filter_map(|port| {
            let published = port.published.as_deref()?;
            let host = port
                .host_ip
                .as_deref()
                .map(|ip| format!("{ip}:"))
                .unwrap_or_default();
            Some(format!(
                "{host}{published}→{}/{}",
                port.target,
                port.protocol().to_uppercase()
            ))
        })
        .collect()
}

/// Where `layout-rs` put each box and how it routed each line.
#[derive(Default)]
struct Placement {
    /// Top-left corner and size, by node index.
    boxes: Vec<Option<(Point, Point)>>,
    paths: Vec<Routed>,
}

/// How `layout-rs` routed one edge.
struct Routed {
    edge: usize,
    /// `(point, control)` pairs, as `layout-rs` gives them.
    path: Vec<(Point, Point)>,
    /// Arrowheads at the start and at the end (swapped when the edge was turned around).
    heads: (bool, bool),
}

impl RenderBackend for Placement {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        let index = properties.and_then(|p| p.parse::<usize>().ok());
        if let Some(slot) = index.and_then(|i| self.boxes.get_mut(i)) {
            *slot = Some((xy, size));
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(index) = properties.and_then(|p| p.parse::<usize>().ok()) {
            self.paths.push(Routed {
                edge: index,
                path: path.to_vec(),
                heads: head,
            });
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

fn place(drawing: &Drawing) -> Placement {
    let mut placement = Placement {
        boxes: vec![None; drawing.nodes.len()],
        paths: Vec::new(),
    };
    if drawing.nodes.is_empty() {
        return placement;
    }
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    let handles: Vec<_> = drawing
        .nodes
        .iter()
        .enumerate()
        .map(|(index, node)| {
            graph.add_node(Element::create_with_properties(
                ShapeKind::Box(String::new()),
                StyleAttr::simple(),
                Orientation::LeftToRight,
                node.size(),
                index.to_string(),
            ))
        })
        .collect();
    for (index, edge) in drawing.edges.iter().enumerate() {
        let (Some(&from), Some(&to)) = (handles.get(edge.from), handles.get(edge.to)) else {
            continue;
        };
        let (end, style) = match edge.kind {
            EdgeKind::Route => (LineEndKind::Arrow, LineStyleKind::Normal),
            EdgeKind::Member => (LineEndKind::None, LineStyleKind::Normal),
            EdgeKind::WaitHealthy | EdgeKind::WaitCompleted => {
                (LineEndKind::Arrow, LineStyleKind::Dashed)
            }
        };
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            end,
            style,
            "",
            &StyleAttr::simple(),
            index.to_string(),
            &None,
            &None,
        );
        graph.add_edge(arrow, from, to);
    }
    graph.do_it(false, false, false, &mut placement);
    placement
}

/// The topology of a plan as a standalone SVG document. `project` supplies the published
/// ports; without it they are not drawn.
#[must_use]
pub fn picture(plan: &Plan, project: Option<&Project>) -> String {
    let drawing = Drawing::of(plan, project);
    let placement = place(&drawing);
    render(plan, &drawing, &placement)
}

/// A coordinate with one decimal, never `-0.0`.
fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    if text == "-0.0" {
        "0.0".to_owned()
    } else {
        text
    }
}

/// Text for XML character data and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of text at `(x, baseline)`, held to its measured width.
fn text(out: &mut String, x: f64, baseline: f64, line: &Line) {
    #[allow(clippy::cast_precision_loss)]
    let width = line.text.chars().count() as f64 * CHAR_WIDTH;
    let service = line
        .service
        .as_deref()
        .map(|s| format!(" data-service=\"{}\"", escape(s)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<text class=\"{}\"{service} x=\"{}\" y=\"{}\" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\">{}</text>",
        line.class,
        num(x),
        num(baseline),
        num(width),
        escape(&line.text)
    );
}

const STYLE: &str = "
.c2k-topology text { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; font-size: 12px; fill: #1f2328; white-space: pre; }
.c2k-topology .title { font-weight: bold; }
.c2k-topology .kind, .c2k-topology .detail { fill: #57606a; }
.c2k-topology .init { fill: #8a5a00; }
.c2k-topology .sidecar { fill: #0a5d8a; }
.c2k-topology .policy { fill: #6639ba; }
.c2k-topology .node rect { stroke-width: 1.5; }
.c2k-topology .pod rect { fill: #eef4ff; stroke: #3b6fd8; }
.c2k-topology .services rect { fill: #edfbf0; stroke: #2f8f46; }
.c2k-topology .published rect, .c2k-topology .ingress rect { fill: #fff5e0; stroke: #c77700; }
.c2k-topology .network rect { fill: #f5f0fc; stroke: #8a63d2; }
.c2k-topology .edge { fill: none; stroke-width: 1.5; }
.c2k-topology .route { stroke: #57606a; }
.c2k-topology .member { stroke: #b9a5e0; }
.c2k-topology .wait-healthy { stroke: #1f6feb; stroke-dasharray: 6 4; }
.c2k-topology .wait-completed { stroke: #bf3989; stroke-dasharray: 6 4; }
";

/// Arrowheads, one per colour of line.
const MARKERS: [(&str, &str); 3] = [
    ("route", "#57606a"),
    ("wait-healthy", "#1f6feb"),
    ("wait-completed", "#bf3989"),
];

/// The legend: a sample of each kind of line and what it means.
const LEGEND: [(EdgeKind, &str); 4] = [
    (EdgeKind::Route, "traffic (to a Service, to its Pod)"),
    (EdgeKind::WaitHealthy, "waits until healthy"),
    (EdgeKind::WaitCompleted, "waits until completed"),
    (EdgeKind::Member, "on network"),
];

fn render(plan: &Plan, drawing: &Drawing, placement: &Placement) -> String {
    // The extent of everything placed, to move it to the origin.
    let mut min = Point::new(f64::MAX, f64::MAX);
    let mut max = Point::new(f64::MIN, f64::MIN);
    let mut grow = |p: Point| {
        min = Point::new(min.x.min(p.x), min.y.min(p.y));
        max = Point::new(max.x.max(p.x), max.y.max(p.y));
    };
    for (xy, size) in placement.boxes.iter().flatten() {
        grow(*xy);
        grow(xy.add(*size));
    }
    for routed in &placement.paths {
        for (point, control) in &routed.path {
            grow(*point);
            grow(*control);
        }
    }
    if min.x > max.x {
        min = Point::zero();
        max = Point::zero();
    }
    let shift = Point::new(MARGIN - min.x, MARGIN + LEGEND_HEIGHT - min.y);
    let legend_width: f64 = LEGEND
        .iter()
        .map(|(_, label)| legend_item_width(label))
        .chain(drawing.note.as_deref().map(legend_item_width))
        .sum();
    let width = (max.x - min.x + 2.0 * MARGIN).max(legend_width + 2.0 * MARGIN);
    let height = max.y - min.y + 2.0 * MARGIN + LEGEND_HEIGHT;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"c2k-topology\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"c2k-topology-title\">",
        w = num(width),
        h = num(height)
    );
    let _ = writeln!(
        out,
        "<title id=\"c2k-topology-title\">Topology of project {}: {} Pods, {} Services</title>",
        escape(&plan.project),
        plan.workloads.len(),
        plan.services.len()
    );
    let _ = writeln!(out, "<style>{STYLE}</style>");
    out.push_str("<defs>\n");
    for (class, colour) in MARKERS {
        let _ = writeln!(
            out,
            "<marker id=\"c2k-arrow-{class}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    legend(&mut out, drawing.note.as_deref());
    edges(&mut out, drawing, placement, shift);
    nodes(&mut out, drawing, placement, shift);
    out.push_str("</svg>\n");
    out
}

fn edges(out: &mut String, drawing: &Drawing, placement: &Placement, shift: Point) {
    out.push_str("<g class=\"edges\">\n");
    for routed in &placement.paths {
        let Some(edge) = drawing.edges.get(routed.edge) else {
            continue;
        };
        let (Some(from), Some(to)) = (drawing.nodes.get(edge.from), drawing.nodes.get(edge.to))
        else {
            continue;
        };
        let placed = |node: usize| placement.boxes.get(node).copied().flatten();
        let ends = placed(edge.from).zip(placed(edge.to));
        let Some(d) = ends.and_then(|ends| route(&routed.path, ends, &placement.boxes, shift))
        else {
            continue;
        };
        let class = edge.kind.class();
        let marker = |at: &str, drawn: bool| {
            if drawn {
                format!(" marker-{at}=\"url(#c2k-arrow-{class})\"")
            } else {
                String::new()
            }
        };
        let _ = writeln!(
            out,
            "<path class=\"edge {class}\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\"{}{}/>",
            escape(&from.id),
            escape(&to.id),
            marker("start", routed.heads.0),
            marker("end", routed.heads.1)
        );
    }
    out.push_str("</g>\n");
}

fn nodes(out: &mut String, drawing: &Drawing, placement: &Placement, shift: Point) {
    out.push_str("<g class=\"nodes\">\n");
    for (node, placed) in drawing.nodes.iter().zip(&placement.boxes) {
        let Some((xy, size)) = placed else {
            continue;
        };
        let xy = xy.add(shift);
        let _ = writeln!(
            out,
            "<g class=\"node {}\" id=\"{}\">",
            node.kind.class(),
            escape(&node.id)
        );
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>",
            num(xy.x),
            num(xy.y),
            num(size.x),
            num(size.y)
        );
        for (index, line) in node.lines.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let top = xy.y + PADDING + index as f64 * LINE_HEIGHT;
            text(out, xy.x + PADDING, top + FONT_SIZE, line);
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
}

/// Width of one legend entry: a sample line, then its label.
fn legend_item_width(label: &str) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let text = label.chars().count() as f64 * CHAR_WIDTH;
    36.0 + text + 24.0
}

fn legend(out: &mut String, note: Option<&str>) {
    out.push_str("<g class=\"legend\">\n");
    let mut x = MARGIN;
    let y = MARGIN + 4.0;
    for (kind, label) in LEGEND {
        let class = kind.class();
        let end = if kind == EdgeKind::Member {
            String::new()
        } else {
            format!(" marker-end=\"url(#c2k-arrow-{class})\"")
        };
        let _ = writeln!(
            out,
            "<path class=\"edge {class}\" d=\"M {} {} L {} {}\"{end}/>",
            num(x),
            num(y),
            num(x + 28.0),
            num(y)
        );
        text(out, x + 36.0, y + 4.0, &Line::new(label, "detail"));
        x += legend_item_width(label);
    }
    if let Some(note) = note {
        text(out, x, y + 4.0, &Line::new(note, "detail"));
    }
    out.push_str("</g>\n");
}

/// A box as its top-left corner and size.
type Placed = (Point, Point);

/// The SVG path of an edge. `layout-rs` ranks the boxes in columns and passes a long edge
/// through invisible connectors in the columns between its ends; its own curves leave a box
/// towards the other end's centre, which crosses the boxes above or below in the same column.
/// So the edge is drawn through the same points, but it crosses each column straight across
/// (where the placer kept the connector clear of every box) and curves only in the gaps
/// between columns, where there are no boxes.
fn route(
    path: &[(Point, Point)],
    (from, to): (Placed, Placed),
    boxes: &[Option<Placed>],
    shift: Point,
) -> Option<String> {
    let (first_point, _) = path.first()?;
    let (_, last_point) = path.last()?;
    if path.len() < 2 {
        return None;
    }
    // `layout-rs` turns edges against the flow around: the path may start at `to`.
    let reversed = distance_to_box(*first_point, to) < distance_to_box(*first_point, from);
    let (first, last) = if reversed { (to, from) } else { (from, to) };
    let column = |x: f64| {
        boxes
            .iter()
            .flatten()
            .filter(|(xy, size)| xy.x <= x && x <= xy.x + size.x)
            .fold((x, x), |(left, right), (xy, size)| {
                (left.min(xy.x), right.max(xy.x + size.x))
            })
    };
    let clamp_y = |y: f64, (xy, size): Placed| {
        let margin = (size.y / 2.0).min(6.0);
        y.clamp(xy.y + margin, xy.y + size.y - margin)
    };
    // Straight runs across columns, as (left, right, y): the first box's column from its
    // right side, each connector's column, and the last box's column up to its left side.
    let mut runs = Vec::with_capacity(path.len());
    let start_y = clamp_y(first_point.y, first);
    runs.push((
        first.0.x + first.1.x,
        column(first.0.x + first.1.x / 2.0).1,
        start_y,
    ));
    for (_, point) in path.iter().take(path.len() - 1).skip(1) {
        let (left, right) = column(point.x);
        runs.push((left, right, point.y));
    }
    let end_y = clamp_y(last_point.y, last);
    runs.push((column(last.0.x + last.1.x / 2.0).0, last.0.x, end_y));
    let p = |x: f64, y: f64| format!("{} {}", num(x + shift.x), num(y + shift.y));
    let (left, right, y) = runs.first()?;
    let mut d = format!("M {} L {}", p(*left, *y), p(*right, *y));
    for pair in runs.windows(2) {
        let [(_, from_x, from_y), (to_x, right, to_y)] = pair else {
            continue;
        };
        let bend = (to_x - from_x) / 2.0;
        let _ = write!(
            d,
            " C {}, {}, {} L {}",
            p(from_x + bend, *from_y),
            p(to_x - bend, *to_y),
            p(*to_x, *to_y),
            p(*right, *to_y)
        );
    }
    Some(d)
}

/// How far a point is from a box (0 inside it).
fn distance_to_box(point: Point, (xy, size): Placed) -> f64 {
    let dx = (xy.x - point.x).max(point.x - (xy.x + size.x)).max(0.0);
    let dy = (xy.y - point.y).max(point.y - (xy.y + size.y)).max(0.0);
    dx.hypot(dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_decimal_and_no_negative_zero() {
        assert_eq!(num(-0.01), "0.0");
        assert_eq!(num(12.345), "12.3");
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
    }

    #[test]
    fn an_empty_plan_is_an_empty_picture_not_a_panic() {
        let svg = picture(&Plan::default(), None);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(!svg.contains("class=\"node "));
    }
}
