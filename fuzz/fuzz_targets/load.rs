//! Arbitrary bytes, read as text, loaded as `-f -` and checked: the loader, the check stage
//! and the diagnostics renderers must never panic or hang, whatever the input; what passes
//! the checks is converted and rendered too.
#![no_main]

use std::path::PathBuf;

use compose2kube::compose::{self, FileArg, LoadOptions};
use compose2kube::diag::render::{self, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let options = LoadOptions {
        files: vec![FileArg::Stdin],
        stdin: Some(text),
        interpolate: true,
        // Relative `include`/`extends` paths lead nowhere: only the input is exercised.
        working_dir: PathBuf::from("/nonexistent/compose2kube-fuzz"),
        environment: [("HOME", "/home/fuzz"), ("TAG", "1.0"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        ..LoadOptions::default()
    };
    let loaded = compose::load(&options);
    let diagnostics = compose2kube::check(&loaded);
    let shown: Vec<_> = diagnostics.iter().collect();
    let _ = render::to_text(&shown, &loaded.sources, Style::Plain);
    let _ = render::to_json(&shown, &loaded.sources);
    let _ = compose2kube::render::config::render(&loaded);
    if !diagnostics.iter().any(|d| d.is_error()) {
        let converted = compose2kube::convert(&loaded, &compose2kube::plan::ConvertOptions::default());
        let _ = compose2kube::render::manifests::yaml(&converted.objects());
        let _ = compose2kube::render::explain::text(&converted.plan, &[]);
    }
});
