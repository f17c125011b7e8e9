//! Writing a Kubernetes object as a Helm template: the object's YAML, with some values replaced
//! by template actions ("holes").
//!
//! An object is first turned into a JSON value; the places the chart parametrises hold a
//! placeholder string that points into a list of [`Hole`]s. The writer then prints the value
//! as block YAML, line by line, and prints each hole as the few template lines it stands for.
//! Literal text never contains a template action: `{{` in a value is written `{{ "{{" }}`.

use serde_json::{Map, Value};

use super::HelmError;

/// What a placeholder stands for. `key` is the mapping key the placeholder is the value of.
#[derive(Clone, Debug)]
pub enum Hole {
    /// `key: {{ expr }}`.
    Scalar(String),
    /// `key: {{ . | quote }}` when `expr` is set, nothing otherwise.
    OptionalString(String),
    /// `key:` and `expr` as YAML when it is set (not empty), nothing otherwise.
    Block(String),
    /// `key: {{ expr }}` when `condition` holds.
    IfScalar { condition: String, expr: String },
    /// Entries merged into the mapping: `{{- include expr | nindent N }}` (the key is not written).
    Include(String),
    /// Template lines at the key's indentation (the key is not written): each line is its
    /// indentation relative to the key and its text; lines of text starting with `{{-` are
    /// written at column 0, since they trim the whitespace before them anyway.
    Lines(Vec<(usize, String)>),
}

/// The prefix of a placeholder string. No YAML value compose2kube writes starts with NUL.
const PLACEHOLDER: &str = "\u{0}hole:";

/// A template being built: its holes, and the lines before and after the object.
#[derive(Debug, Default)]
pub struct Template {
    holes: Vec<Hole>,
    /// Lines before the object (variables, an `if` that guards the whole object).
    pub prelude: Vec<String>,
    /// Lines after it (the `end` of that `if`).
    pub postlude: Vec<String>,
}

impl Template {
    /// A placeholder for `hole`, to put into the value.
    pub fn hole(&mut self, hole: Hole) -> Value {
        self.holes.push(hole);
        Value::String(format!("{PLACEHOLDER}{}", self.holes.len() - 1))
    }

    /// A unique key for an entry that is only a hole ([`Hole::Include`], [`Hole::Lines`]).
    pub fn key(&self, name: &str) -> String {
        format!("{PLACEHOLDER}{name}-{}", self.holes.len())
    }

    /// The template text: `header`, the prelude, the object and the postlude.
    pub fn render(&self, header: &str, value: &Value) -> Result<String, HelmError> {
        let mut lines = vec![Line::Text(0, header.to_owned())];
        lines.extend(self.prelude.iter().map(|l| Line::Directive(l.clone())));
        match value {
            Value::Object(map) => lines.extend(self.map(map, 0)?),
            other => lines.extend(leaf_lines(&Value::Array(vec![other.clone()]), 0)?),
        }
        lines.extend(self.postlude.iter().map(|l| Line::Directive(l.clone())));
        let mut out = String::new();
        for line in lines {
            match line {
                Line::Text(indent, text) => {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(&" ".repeat(indent));
                    out.push_str(&text);
                }
                Line::Directive(text) => {
                    out.push('\n');
                    out.push_str(&text);
                }
            }
        }
        out.push('\n');
        Ok(out)
    }

    fn hole_of(&self, value: &Value) -> Option<&Hole> {
        let index: usize = value.as_str()?.strip_prefix(PLACEHOLDER)?.parse().ok()?;
        self.holes.get(index)
    }

    fn map(&self, map: &Map<String, Value>, indent: usize) -> Result<Vec<Line>, HelmError> {
        let mut lines = Vec::new();
        for (key, value) in map {
            if let Some(hole) = self.hole_of(value) {
                lines.extend(hole_lines(hole, key, indent));
                continue;
            }
            match value {
                Value::Object(inner) if !inner.is_empty() => {
                    lines.push(Line::Text(indent, format!("{}:", yaml_key(key))));
                    lines.extend(self.map(inner, indent + 2)?);
                }
                Value::Array(items) if !items.is_empty() => {
                    lines.push(Line::Text(indent, format!("{}:", yaml_key(key))));
                    lines.extend(self.sequence(items, indent + 2)?);
                }
                _ => {
                    let mut single = Map::new();
                    single.insert(key.clone(), value.clone());
                    lines.extend(leaf_lines(&Value::Object(single), indent)?);
                }
            }
        }
        Ok(lines)
    }

    fn sequence(&self, items: &[Value], indent: usize) -> Result<Vec<Line>, HelmError> {
        let mut lines = Vec::new();
        for item in items {
            if let Some(hole) = self.hole_of(item) {
                let Hole::Scalar(expr) = hole else {
                    return Err(HelmError::Serialize(format!(
                        "a sequence item can only be a scalar template, not {hole:?}"
                    )));
                };
                lines.push(Line::Text(indent, format!("- {{{{ {expr} }}}}")));
                continue;
            }
            match item {
                Value::Object(inner) if !inner.is_empty() => {
                    let mut inner_lines = self.map(inner, indent + 2)?;
                    match inner_lines.first_mut() {
                        Some(Line::Text(_, text)) => {
                            *text = format!("- {text}");
                            if let Some(Line::Text(first, _)) = inner_lines.first_mut() {
                                *first = indent;
                            }
                        }
                        _ => lines.push(Line::Text(indent, "-".into())),
                    }
                    lines.extend(inner_lines);
                }
                Value::Array(inner) if !inner.is_empty() => {
                    lines.push(Line::Text(indent, "-".into()));
                    lines.extend(self.sequence(inner, indent + 2)?);
                }
                _ => lines.extend(leaf_lines(&Value::Array(vec![item.clone()]), indent)?),
            }
        }
        Ok(lines)
    }
}

#[derive(Debug)]
enum Line {
    /// Indentation and text.
    Text(usize, String),
    /// A line starting with `{{-`, written at column 0.
    Directive(String),
}

fn hole_lines(hole: &Hole, key: &str, indent: usize) -> Vec<Line> {
    let key = yaml_key(key);
    match hole {
        Hole::Scalar(expr) => vec![Line::Text(indent, format!("{key}: {{{{ {expr} }}}}"))],
        Hole::OptionalString(expr) => vec![
            Line::Directive(format!("{{{{- with {expr} }}}}")),
            Line::Text(indent, format!("{key}: {{{{ . | quote }}}}")),
            Line::Directive("{{- end }}".into()),
        ],
        Hole::Block(expr) => vec![
            Line::Directive(format!("{{{{- with {expr} }}}}")),
            Line::Text(indent, format!("{key}:")),
            Line::Directive(format!("{{{{- toYaml . | nindent {} }}}}", indent + 2)),
            Line::Directive("{{- end }}".into()),
        ],
        Hole::IfScalar { condition, expr } => vec![
            Line::Directive(format!("{{{{- if {condition} }}}}")),
            Line::Text(indent, format!("{key}: {{{{ {expr} }}}}")),
            Line::Directive("{{- end }}".into()),
        ],
        Hole::Include(expr) => vec![Line::Directive(format!(
            "{{{{- include {expr} | nindent {indent} }}}}"
        ))],
        Hole::Lines(lines) => lines
            .iter()
            .map(|(relative, text)| {
                if text.starts_with("{{-") {
                    Line::Directive(text.clone())
                } else {
                    Line::Text(indent + relative, text.clone())
                }
            })
            .collect(),
    }
}

/// A scalar, an empty collection, or a one-entry mapping or sequence holding one, as YAML
/// lines at `indent`, with any `{{` escaped.
fn leaf_lines(value: &Value, indent: usize) -> Result<Vec<Line>, HelmError> {
    let text = crate::render::to_yaml(value).map_err(|e| HelmError::Serialize(e.to_string()))?;
    Ok(text
        .lines()
        .map(|line| Line::Text(indent, escape_actions(line)))
        .collect())
}

/// Literal text as template text: `{{` would start an action.
#[must_use]
pub fn escape_actions(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// A mapping key as plain YAML when that reads back as the same string, else quoted.
fn yaml_key(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if plain {
        key.to_owned()
    } else {
        go_string(key)
    }
}

/// A string as a Go (and YAML) double-quoted literal.
#[must_use]
pub fn go_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn holes_become_template_lines_and_the_rest_stays_yaml() {
        let mut template = Template::default();
        let name = template.hole(Hole::Scalar(".Release.Name".into()));
        let env = template.hole(Hole::Block("$web.env".into()));
        let value = json!({
            "kind": "Deployment",
            "metadata": { "name": name, "labels": { "a": "on" } },
            "containers": [ { "env": env, "name": "web" }, { "name": "x{{y}}" } ],
        });
        let text = template.render("# header", &value).unwrap();
        assert_eq!(
            text,
            "# header\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    a: \"on\"\ncontainers:\n  -\n{{- with $web.env }}\n    env:\n{{- toYaml . | nindent 6 }}\n{{- end }}\n    name: web\n  - name: x{{ \"{{\" }}y}}\n"
        );
    }
}
