//! Lays out the release binary's code for the runs it makes: the functions a conversion
//! executes, listed hottest first in build/symbol-order.txt (written by build/symbol-order.sh),
//! are placed together. The kernel maps a program's code in 64 KiB windows as it first runs
//! it; scattered over 11 MB of code, the few hundred kilobytes a conversion runs cost it about
//! 7 MB of resident memory, together about 2 MB (docs/decisions.md, "Speed").
//!
//! Only where the linker is LLD, which reads the file: Rust's own linker on
//! x86_64-unknown-linux-gnu. Names the file lists and the binary lacks (after a change of the
//! code or the compiler) are skipped without a word; the layout is then only less good.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build/symbol-order.txt");
    let release = std::env::var("PROFILE").is_ok_and(|profile| profile == "release");
    let lld = std::env::var("TARGET").is_ok_and(|target| target == "x86_64-unknown-linux-gnu");
    if release && lld {
        let order = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("build/symbol-order.txt");
        println!(
            "cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
