//! `compose2kube config`: the resolved model printed back as a Compose file.

use crate::compose::Loaded;
use crate::compose::interpolate;
use crate::render::manifests::WriteError;

/// The resolved project as Compose YAML: long syntax everywhere, the resolved project name,
/// and every `$` escaped as `$$` (when interpolation ran) so that reading the output again
/// gives the same model.
pub fn render(loaded: &Loaded) -> Result<String, WriteError> {
    let Some(project) = &loaded.project else {
        return Ok(String::new());
    };
    let serialize = |e: &dyn std::fmt::Display| WriteError::Serialize {
        what: "the model as YAML".into(),
        message: e.to_string(),
    };
    let mut value = serde_json::to_value(project).map_err(|e| serialize(&e))?;
    if let Some(map) = value.as_object_mut() {
        map.shift_remove("version");
        map.insert("name".into(), loaded.name.clone().into());
        // `name` first, as `docker compose config` prints it.
        let name = map.shift_remove_entry("name");
        let rest = std::mem::take(map);
        map.extend(name);
        map.extend(rest);
    }
    if loaded.interpolated {
        escape_strings(&mut value);
    }
    super::to_yaml(&value).map_err(|e| serialize(&e))
}

fn escape_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.contains('$') => *s = interpolate::escape(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(escape_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(escape_strings),
        _ => {}
    }
}
