//! Arbitrary bytes, read as text, parsed as a `.env` file and as a raw `env_file`: the parsers
//! must never panic or hang, and every diagnostic must point into the text.
#![no_main]

use compose2kube::compose::dotenv;
use compose2kube::diag::Diagnostics;
use compose2kube::diag::render::{self, Style};
use compose2kube::source::SourceMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    let id = sources.add(".env", None, "/nonexistent", text.as_str());
    let mut diagnostics = Diagnostics::new();
    let lookup = |name: &str| match name {
        "HOME" => Some("/home/fuzz".to_owned()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    let _ = dotenv::parse(id, &text, &lookup, &mut diagnostics);
    let _ = dotenv::parse_raw(id, &text, &mut diagnostics);
    for d in diagnostics.iter() {
        if let Some(span) = d.span {
            assert!(
                sources.text(span).is_some(),
                "diagnostic span {span:?} is not inside the text: {d:?}"
            );
        }
    }
    let shown: Vec<_> = diagnostics.iter().collect();
    let _ = render::to_text(&shown, &sources, Style::Plain);
});
