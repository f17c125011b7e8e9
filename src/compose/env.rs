//! The variables a project is interpolated with: the process environment over the values of
//! the project's `.env` file (or `--env-file`s).

use indexmap::IndexMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    vars: IndexMap<String, String>,
}

impl Environment {
    #[must_use]
    pub fn new(vars: IndexMap<String, String>) -> Self {
        Self { vars }
    }

    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Sets a variable unless it is already set (the process environment wins over files).
    pub fn set_default(&mut self, name: String, value: String) {
        self.vars.entry(name).or_insert(value);
    }

    /// Sets a variable, replacing any value.
    pub fn set(&mut self, name: String, value: String) {
        self.vars.insert(name, value);
    }

    /// A lookup function in the shape interpolation wants.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |name| self.get(name).map(str::to_owned)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}
