//! The real Helm engine for the tests: `tools/helm_render.py` (Helm v4's Go SDK from PyPI
//! `helm-python-sdk`, in the virtualenv `tools/helm-python` installs on first use) renders,
//! lints and checks the schema of the charts, many requests per process.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::fixtures::crate_root;

/// A chart written to a temporary directory, for the engine to load.
pub struct ChartDir {
    dir: tempfile::TempDir,
    pub values: Value,
}

impl ChartDir {
    pub fn write(files: &BTreeMap<String, String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let values = serde_saphyr::from_str(&files["values.yaml"]).unwrap();
        Self { dir, values }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A render of this chart as `release` in the namespace `default`, with its values changed
    /// by `adjust`.
    pub fn render(&self, release: &str, adjust: impl FnOnce(&mut Value)) -> Request {
        let mut values = self.values.clone();
        adjust(&mut values);
        Request(json!({
            "op": "render", "chart": self.path(), "release": release,
            "namespace": "default", "values": values,
        }))
    }

    /// The same, as revision `revision` of an upgrade.
    pub fn upgrade(&self, release: &str, revision: u32) -> Request {
        Request(json!({
            "op": "render", "chart": self.path(), "release": release,
            "namespace": "default", "revision": revision, "upgrade": true,
        }))
    }

    /// Whether the schema accepts `values` (over the defaults).
    pub fn schema(&self, values: &Value) -> Request {
        Request(json!({ "op": "schema", "chart": self.path(), "values": values }))
    }

    pub fn lint(&self) -> Request {
        Request(json!({ "op": "lint", "chart": self.path() }))
    }
}

/// One question to the engine.
pub struct Request(Value);

#[derive(Clone, Debug)]
pub struct Rendered {
    pub objects: Vec<Value>,
    pub notes: String,
}

/// The answers of the engine, in order: for a render its objects, for a schema check
/// nothing, for a lint the errors as `Err`.
pub fn run(requests: &[Request]) -> Vec<Result<Rendered, String>> {
    let python = helm_tool("helm-python");
    let mut child = Command::new(&python)
        .arg(helm_tool("helm_render.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} cannot run: {e}", python.display()));
    let input = Value::Array(requests.iter().map(|r| r.0.clone()).collect());
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.to_string().as_bytes()).unwrap();
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        output.status.success(),
        "the Helm engine failed (it needs python3 and, the first time, PyPI):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    answers
        .into_iter()
        .map(|answer| {
            if let Some(error) = answer.get("error") {
                return Err(error.as_str().unwrap_or_default().to_owned());
            }
            if let Some(errors) = answer.get("errors").and_then(Value::as_array)
                && !errors.is_empty()
            {
                return Err(format!("{errors:?}"));
            }
            Ok(Rendered {
                objects: answer["objects"].as_array().cloned().unwrap_or_default(),
                notes: answer["notes"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// Renders one chart once (see [`ChartDir::render`]).
pub fn render_chart(
    files: &BTreeMap<String, String>,
    release: &str,
    adjust: impl FnOnce(&mut Value),
) -> Result<Rendered, String> {
    let chart = ChartDir::write(files);
    run(&[chart.render(release, adjust)]).remove(0)
}

pub fn helm_tool(name: &str) -> PathBuf {
    crate_root().join("tools").join(name)
}
