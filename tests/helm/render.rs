//! A small Go-template renderer for exactly the part of Helm's template language the charts
//! of compose2kube use, since Helm itself is not available to the tests: text with `{{ }}`
//! actions and `{{-`/`-}}` trimming, comments, `define`/`include`, `if`/`else`, `with`,
//! `range`, variables (`$x := …`, `$`), fields (`.Values.a.b`, `$x.a`), parentheses, pipes,
//! and the functions `quote`, `toYaml`, `nindent`, `indent`, `default`, `trunc`, `trimSuffix`,
//! `replace`, `printf` (`%s`, `%d`, `%v`), `print`, `index`, `list`, `hasKey` and `not`.
//!
//! It is stricter than Helm where that finds mistakes: printing or reading a field of a
//! missing value is an error (Helm prints nothing or fails at run time).

use std::collections::BTreeMap;

use serde_json::{Value, json};

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Pipeline, Vec<Node>, Vec<Node>),
    With(Pipeline, Vec<Node>, Vec<Node>),
    Range(Pipeline, Vec<Node>),
}

#[derive(Clone, Debug)]
struct Pipeline {
    declare: Option<String>,
    commands: Vec<Vec<Operand>>,
}

#[derive(Clone, Debug)]
enum Operand {
    /// `.a.b` (empty: `.`).
    Field(Vec<String>),
    /// `$x.a.b` (`$` is the root).
    Variable(String, Vec<String>),
    String(String),
    Number(i64),
    Bool(bool),
    Function(String),
    Sub(Pipeline),
}

enum Segment {
    Text(String),
    Action(String),
}

/// Splits a template into text and actions, applying `{{-` and `-}}` and dropping comments.
fn segments(source: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let mut rest = source;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let mut text = rest[..start].to_owned();
        if trim_next {
            text = text.trim_start().to_string();
        }
        let mut inner = &rest[start + 2..];
        if inner.starts_with("- ") {
            text = text.trim_end().to_string();
            inner = &inner[2..];
        }
        out.push(Segment::Text(text));
        let end = action_end(inner).ok_or_else(|| format!("unclosed action: {inner:.40}"))?;
        let mut action = &inner[..end];
        rest = &inner[end + 2..];
        trim_next = false;
        if action.ends_with(" -") {
            action = &action[..action.len() - 2];
            trim_next = true;
        }
        let action = action.trim();
        if action.starts_with("/*") {
            if !action.ends_with("*/") {
                return Err(format!("bad comment: {action}"));
            }
            continue;
        }
        out.push(Segment::Action(action.to_owned()));
    }
    let mut text = rest.to_owned();
    if trim_next {
        text = text.trim_start().to_string();
    }
    out.push(Segment::Text(text));
    Ok(out)
}

/// The position of the `}}` that closes an action (strings may hold braces).
fn action_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'}' if !in_string && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Pipe,
    Declare,
    Str(String),
    Num(i64),
    Word(String),
}

fn tokens(action: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = action.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '|' => {
                out.push(Token::Pipe);
                i += 1;
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                out.push(Token::Declare);
                i += 2;
            }
            '"' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let literal: String = chars[i..=j.min(chars.len() - 1)].iter().collect();
                let value: String = serde_json::from_str(&literal)
                    .map_err(|e| format!("bad string {literal}: {e}"))?;
                out.push(Token::Str(value));
                i = j + 1;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let text: String = chars[i..j].iter().collect();
                out.push(Token::Num(
                    text.parse().map_err(|e| format!("{text}: {e}"))?,
                ));
                i = j;
            }
            _ => {
                let mut j = i;
                while j < chars.len() && !matches!(chars[j], ' ' | '\t' | '\n' | '(' | ')' | '|') {
                    j += 1;
                }
                out.push(Token::Word(chars[i..j].iter().collect()));
                i = j;
            }
        }
    }
    Ok(out)
}

fn parse_pipeline(tokens: &[Token], pos: &mut usize) -> Result<Pipeline, String> {
    let mut declare = None;
    if let (Some(Token::Word(var)), Some(Token::Declare)) = (tokens.get(*pos), tokens.get(*pos + 1))
    {
        declare = Some(var.clone());
        *pos += 2;
    }
    let mut commands = vec![Vec::new()];
    while let Some(token) = tokens.get(*pos) {
        *pos += 1;
        let operand = match token {
            Token::Close => {
                *pos -= 1;
                break;
            }
            Token::Pipe => {
                commands.push(Vec::new());
                continue;
            }
            Token::Open => {
                let sub = parse_pipeline(tokens, pos)?;
                if tokens.get(*pos) != Some(&Token::Close) {
                    return Err("missing )".into());
                }
                *pos += 1;
                Operand::Sub(sub)
            }
            Token::Declare => return Err("unexpected :=".into()),
            Token::Str(s) => Operand::String(s.clone()),
            Token::Num(n) => Operand::Number(*n),
            Token::Word(word) => word_operand(word)?,
        };
        commands.last_mut().ok_or("no command")?.push(operand);
    }
    if commands.iter().any(Vec::is_empty) {
        return Err("empty command".into());
    }
    Ok(Pipeline { declare, commands })
}

fn word_operand(word: &str) -> Result<Operand, String> {
    let fields = |path: &str| -> Vec<String> {
        path.split('.')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Ok(if word == "true" || word == "false" {
        Operand::Bool(word == "true")
    } else if let Some(path) = word.strip_prefix('.') {
        Operand::Field(fields(path))
    } else if let Some(var) = word.strip_prefix('$') {
        let (name, path) = var.split_once('.').unwrap_or((var, ""));
        Operand::Variable(format!("${name}"), fields(path))
    } else if word.chars().all(|c| c.is_ascii_alphanumeric()) {
        Operand::Function(word.to_owned())
    } else {
        return Err(format!("unknown word `{word}`"));
    })
}

fn pipeline_of(text: &str) -> Result<Pipeline, String> {
    let tokens = tokens(text)?;
    let mut pos = 0;
    let pipeline = parse_pipeline(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err(format!("trailing tokens in `{text}`"));
    }
    Ok(pipeline)
}

/// Parses templates: the top-level nodes, and the `define`d ones by name.
fn parse(source: &str, defines: &mut BTreeMap<String, Vec<Node>>) -> Result<Vec<Node>, String> {
    enum Frame {
        Root,
        If(Pipeline, Vec<Node>, bool),
        With(Pipeline, Vec<Node>, bool),
        Range(Pipeline),
        Define(String),
    }
    let mut stack: Vec<(Frame, Vec<Node>)> = vec![(Frame::Root, Vec::new())];
    for segment in segments(source)? {
        let action = match segment {
            Segment::Text(text) => {
                if !text.is_empty() {
                    stack.last_mut().ok_or("stack")?.1.push(Node::Text(text));
                }
                continue;
            }
            Segment::Action(action) => action,
        };
        let (keyword, rest) = action.split_once(' ').unwrap_or((action.as_str(), ""));
        match keyword {
            "if" => stack.push((Frame::If(pipeline_of(rest)?, Vec::new(), false), Vec::new())),
            "with" => stack.push((
                Frame::With(pipeline_of(rest)?, Vec::new(), false),
                Vec::new(),
            )),
            "range" => stack.push((Frame::Range(pipeline_of(rest)?), Vec::new())),
            "define" => {
                let name: String =
                    serde_json::from_str(rest.trim()).map_err(|e| format!("define {rest}: {e}"))?;
                stack.push((Frame::Define(name), Vec::new()));
            }
            "else" => {
                let (frame, nodes) = stack.pop().ok_or("else outside a block")?;
                let frame = match frame {
                    Frame::If(p, _, false) => Frame::If(p, nodes, true),
                    Frame::With(p, _, false) => Frame::With(p, nodes, true),
                    _ => return Err("misplaced else".into()),
                };
                stack.push((frame, Vec::new()));
            }
            "end" => {
                let (frame, nodes) = stack.pop().ok_or("end outside a block")?;
                let node = match frame {
                    Frame::If(p, then, true) => Node::If(p, then, nodes),
                    Frame::If(p, _, false) => Node::If(p, nodes, Vec::new()),
                    Frame::With(p, then, true) => Node::With(p, then, nodes),
                    Frame::With(p, _, false) => Node::With(p, nodes, Vec::new()),
                    Frame::Range(p) => Node::Range(p, nodes),
                    Frame::Define(name) => {
                        defines.insert(name, nodes);
                        continue;
                    }
                    Frame::Root => return Err("end at top level".into()),
                };
                stack.last_mut().ok_or("stack")?.1.push(node);
            }
            _ => stack
                .last_mut()
                .ok_or("stack")?
                .1
                .push(Node::Action(pipeline_of(&action)?)),
        }
    }
    match stack.pop() {
        Some((Frame::Root, nodes)) if stack.is_empty() => Ok(nodes),
        _ => Err("unclosed block".into()),
    }
}

/// Parsed templates, ready to execute.
pub struct Templates {
    defines: BTreeMap<String, Vec<Node>>,
    files: BTreeMap<String, Vec<Node>>,
}

impl Templates {
    /// Parses every file (the `define`s of all are shared, as in Helm).
    pub fn parse(files: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut defines = BTreeMap::new();
        let mut parsed = BTreeMap::new();
        for (name, text) in files {
            let nodes = parse(text, &mut defines).map_err(|e| format!("{name}: {e}"))?;
            parsed.insert(name.clone(), nodes);
        }
        Ok(Self {
            defines,
            files: parsed,
        })
    }

    /// Executes one file with `data` as `.` and `$`.
    pub fn render(&self, file: &str, data: &Value) -> Result<String, String> {
        let nodes = self
            .files
            .get(file)
            .ok_or_else(|| format!("no template {file}"))?;
        let mut out = String::new();
        let mut vars = vec![("$".to_owned(), data.clone())];
        self.exec(nodes, data, &mut vars, &mut out)
            .map_err(|e| format!("{file}: {e}"))?;
        Ok(out)
    }

    fn exec(
        &self,
        nodes: &[Node],
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
        out: &mut String,
    ) -> Result<(), String> {
        for node in nodes {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Action(pipeline) => {
                    let value = self.pipeline(pipeline, dot, vars)?;
                    if pipeline.declare.is_none() {
                        out.push_str(&printed(&value)?);
                    }
                }
                Node::If(pipeline, then, otherwise) | Node::With(pipeline, then, otherwise) => {
                    let mark = vars.len();
                    let value = self.pipeline(pipeline, dot, vars)?;
                    let with = matches!(node, Node::With(..));
                    if truthy(&value) {
                        self.exec(then, if with { &value } else { dot }, vars, out)?;
                    } else {
                        self.exec(otherwise, dot, vars, out)?;
                    }
                    vars.truncate(mark);
                }
                Node::Range(pipeline, body) => {
                    let mark = vars.len();
                    let items = match self.pipeline(pipeline, dot, vars)? {
                        Value::Array(items) => items,
                        Value::Object(map) => {
                            let sorted: BTreeMap<String, Value> = map.into_iter().collect();
                            sorted.into_values().collect()
                        }
                        Value::Null => Vec::new(),
                        other => return Err(format!("range over {other}")),
                    };
                    for item in &items {
                        self.exec(body, item, vars, out)?;
                    }
                    vars.truncate(mark);
                }
            }
        }
        Ok(())
    }

    fn pipeline(
        &self,
        pipeline: &Pipeline,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
    ) -> Result<Value, String> {
        let mut piped: Option<Value> = None;
        for command in &pipeline.commands {
            piped = Some(self.command(command, piped, dot, vars)?);
        }
        let value = piped.unwrap_or(Value::Null);
        if let Some(name) = &pipeline.declare {
            vars.push((name.clone(), value.clone()));
        }
        Ok(value)
    }

    fn command(
        &self,
        command: &[Operand],
        piped: Option<Value>,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
    ) -> Result<Value, String> {
        let (first, rest) = command.split_first().ok_or("empty command")?;
        let Operand::Function(name) = first else {
            if !rest.is_empty() || piped.is_some() {
                return Err(format!("{first:?} is not a function"));
            }
            return self.operand(first, dot, vars);
        };
        let mut args = Vec::new();
        for operand in rest {
            args.push(self.operand(operand, dot, vars)?);
        }
        args.extend(piped);
        self.call(name, &args)
    }

    fn operand(
        &self,
        operand: &Operand,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
    ) -> Result<Value, String> {
        Ok(match operand {
            Operand::Field(path) => fields(dot, path)?,
            Operand::Variable(name, path) => {
                let value = vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("undefined variable {name}"))?;
                fields(&value, path)?
            }
            Operand::String(s) => Value::String(s.clone()),
            Operand::Number(n) => json!(n),
            Operand::Bool(b) => Value::Bool(*b),
            Operand::Sub(pipeline) => {
                let mark = vars.len();
                let value = self.pipeline(pipeline, dot, vars)?;
                vars.truncate(mark);
                value
            }
            Operand::Function(name) => self.call(name, &[])?,
        })
    }

    // One arm per function: a table reads better than a function per function.
    #[allow(clippy::too_many_lines)]
    fn call(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let string = |i: usize| -> Result<String, String> {
            printed(
                args.get(i)
                    .ok_or_else(|| format!("{name}: missing argument {i}"))?,
            )
        };
        let number = |i: usize| -> Result<usize, String> {
            args.get(i)
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("{name}: argument {i} is not a number"))
        };
        let arity = |n: usize| -> Result<(), String> {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!("{name} takes {n} arguments, not {}", args.len()))
            }
        };
        Ok(match name {
            "include" => {
                arity(2)?;
                let template = string(0)?;
                let nodes = self
                    .defines
                    .get(&template)
                    .ok_or_else(|| format!("no template {template}"))?;
                let data = args[1].clone();
                let mut out = String::new();
                let mut vars = vec![("$".to_owned(), data.clone())];
                self.exec(nodes, &data, &mut vars, &mut out)?;
                Value::String(out)
            }
            "quote" => {
                arity(1)?;
                Value::String(serde_json::to_string(&string(0)?).map_err(|e| e.to_string())?)
            }
            "toYaml" => {
                arity(1)?;
                let text = serde_saphyr::to_string(&args[0]).map_err(|e| e.to_string())?;
                Value::String(text.trim_end_matches('\n').to_owned())
            }
            "indent" | "nindent" => {
                arity(2)?;
                let pad = " ".repeat(number(0)?);
                let text = format!("{pad}{}", string(1)?.replace('\n', &format!("\n{pad}")));
                Value::String(if name == "nindent" {
                    format!("\n{text}")
                } else {
                    text
                })
            }
            "default" => {
                if args.len() == 1 {
                    args[0].clone()
                } else {
                    arity(2)?;
                    if truthy(&args[1]) {
                        args[1].clone()
                    } else {
                        args[0].clone()
                    }
                }
            }
            "trunc" => {
                arity(2)?;
                Value::String(string(1)?.chars().take(number(0)?).collect())
            }
            "trimSuffix" => {
                arity(2)?;
                let text = string(1)?;
                let suffix = string(0)?;
                Value::String(text.strip_suffix(&suffix).unwrap_or(&text).to_owned())
            }
            "replace" => {
                arity(3)?;
                Value::String(string(2)?.replace(&string(0)?, &string(1)?))
            }
            "printf" => {
                let format = string(0)?;
                let mut out = String::new();
                let mut next = 1;
                let mut chars = format.chars();
                while let Some(c) = chars.next() {
                    if c != '%' {
                        out.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('%') => out.push('%'),
                        Some('s' | 'd' | 'v') => {
                            out.push_str(&string(next)?);
                            next += 1;
                        }
                        other => return Err(format!("printf: verb {other:?}")),
                    }
                }
                arity(next)?;
                Value::String(out)
            }
            "print" => Value::String(
                (0..args.len())
                    .map(string)
                    .collect::<Result<Vec<_>, _>>()?
                    .concat(),
            ),
            "index" => {
                let (first, keys) = args.split_first().ok_or("index: no arguments")?;
                let mut value = first.clone();
                for key in keys {
                    value = match (&value, key) {
                        (Value::Object(map), Value::String(k)) => {
                            map.get(k).cloned().unwrap_or(Value::Null)
                        }
                        (Value::Array(items), Value::Number(n)) => n
                            .as_u64()
                            .and_then(|n| items.get(usize::try_from(n).ok()?))
                            .cloned()
                            .ok_or("index out of range")?,
                        (other, key) => return Err(format!("index of {other} with {key}")),
                    };
                }
                value
            }
            "list" => Value::Array(args.to_vec()),
            "hasKey" => {
                arity(2)?;
                let map = args[0].as_object().ok_or("hasKey: not a map")?;
                Value::Bool(map.contains_key(&string(1)?))
            }
            "not" => {
                arity(1)?;
                Value::Bool(!truthy(&args[0]))
            }
            other => return Err(format!("unknown function {other}")),
        })
    }
}

fn fields(value: &Value, path: &[String]) -> Result<Value, String> {
    let mut value = value.clone();
    for field in path {
        value = match &value {
            Value::Object(map) => map.get(field).cloned().unwrap_or(Value::Null),
            other => return Err(format!("field {field} of {other}")),
        };
    }
    Ok(value)
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// A value as template output.
fn printed(value: &Value) -> Result<String, String> {
    Ok(match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Null => return Err("printing a missing value".into()),
        other => return Err(format!("printing {other}")),
    })
}

/// A chart rendered as `helm template` would: the objects, and NOTES.txt.
pub struct Rendered {
    pub objects: Vec<Value>,
    pub notes: String,
}

/// Renders a chart (paths relative to the chart directory → text) as release `release` in
/// the namespace `default`, its values changed by `adjust`.
pub fn render_chart(
    files: &BTreeMap<String, String>,
    release: &str,
    adjust: impl FnOnce(&mut Value),
) -> Result<Rendered, String> {
    let chart: Value = serde_saphyr::from_str(files.get("Chart.yaml").ok_or("no Chart.yaml")?)
        .map_err(|e| format!("Chart.yaml: {e}"))?;
    let mut values: Value =
        serde_saphyr::from_str(files.get("values.yaml").ok_or("no values.yaml")?)
            .map_err(|e| format!("values.yaml: {e}"))?;
    adjust(&mut values);
    let root = json!({
        "Values": values,
        "Release": { "Name": release, "Namespace": "default", "Service": "Helm" },
        "Chart": {
            "Name": chart["name"],
            "Version": chart["version"],
            "AppVersion": chart["appVersion"],
        },
    });
    let templates: BTreeMap<String, String> = files
        .iter()
        .filter(|(path, _)| path.starts_with("templates/"))
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    let parsed = Templates::parse(&templates)?;
    let mut objects = Vec::new();
    for path in templates.keys() {
        let name = path.trim_start_matches("templates/");
        let manifest = std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e == "yaml");
        if name.starts_with('_') || !manifest {
            continue;
        }
        let text = parsed.render(path, &root)?;
        let documents: Vec<Value> = serde_saphyr::from_multiple(&text)
            .map_err(|e| format!("{path} does not render as YAML: {e}\n{text}"))?;
        objects.extend(documents.into_iter().filter(|d| !d.is_null()));
    }
    let notes = parsed.render("templates/NOTES.txt", &root)?;
    Ok(Rendered { objects, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str, data: &Value) -> Result<String, String> {
        let files = BTreeMap::from([("t".to_owned(), source.to_owned())]);
        Templates::parse(&files)?.render("t", data)
    }

    #[test]
    fn trimming_removes_the_whitespace_next_to_an_action() {
        let data = json!({ "a": "x" });
        assert_eq!(run("1\n  {{- .a }}\n2", &data).unwrap(), "1x\n2");
        assert_eq!(run("1 {{ .a -}}\n  2", &data).unwrap(), "1 x2");
        assert_eq!(
            run("a {{/* note */}} b {{- /* x */ -}} c", &data).unwrap(),
            "a  bc"
        );
    }

    #[test]
    fn control_structures_and_variables() {
        let data = json!({ "Values": { "web": { "n": 0, "tags": ["a", "b"], "m": { "k": 1 } } } });
        let source = r#"{{- $w := index .Values "web" }}{{ if $w.n }}yes{{ else }}no{{ end }}{{ range $w.tags }}[{{ . }}]{{ end }}{{ with $w.m }}{{ .k }}{{ $.Values.web.n }}{{ end }}{{ hasKey $w "n" }}"#;
        assert_eq!(run(source, &data).unwrap(), "no[a][b]10true");
    }

    #[test]
    fn functions_behave_like_sprig() {
        let data = json!({ "list": [{ "name": "a" }], "empty": "" });
        assert_eq!(
            run(r#"{{ .empty | default "d" | quote }}"#, &data).unwrap(),
            "\"d\""
        );
        assert_eq!(
            run("x:{{- toYaml .list | nindent 2 }}", &data).unwrap(),
            "x:\n  - name: a"
        );
        assert_eq!(
            run(
                r#"{{ printf "%s-%s" "abc" "de" | trunc 4 | trimSuffix "-" }}"#,
                &data
            )
            .unwrap(),
            "abc"
        );
        assert_eq!(
            run(r#"{{ print "a/" (index .list 0 "name") " d" }}"#, &data).unwrap(),
            "a/a d"
        );
        assert_eq!(
            run(r#"{{ index (list "b" "c") 1 }}{{ "{{" }}"#, &data).unwrap(),
            "c{{"
        );
    }

    #[test]
    fn include_passes_its_argument_as_dot_and_dollar() {
        let data = json!({ "Release": { "Name": "rel" } });
        let source = r#"{{- define "n" -}}{{ $r := index . 0 }}{{ $r.Release.Name }}-{{ index . 1 }}{{- end }}{{ include "n" (list $ "x") }}"#;
        assert_eq!(run(source, &data).unwrap(), "rel-x");
    }

    #[test]
    fn mistakes_are_errors() {
        let data = json!({});
        assert!(run("{{ .missing }}", &data).is_err());
        assert!(run("{{ .a.b }}", &json!({ "a": null })).is_err());
        assert!(run("{{ if .a }}", &data).is_err());
        assert!(run("{{ nosuch 1 }}", &data).is_err());
    }
}
