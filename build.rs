//! Lays out the release binary's code for the runs it makes: the functions a conversion
//! executes, listed hottest first in build/symbol-order.txt (written by build/symbol-order.sh),
//! are placed together. The kernel maps a program's code in 64 KiB windows as it first runs
//! it; scattered over 11 MB of code, the 2 MB a typical conversion runs kept 7 MB of the binary
//! resident, placed together 2 MB (docs/decisions.md, "Speed").
//!
//! Only where the linker is LLD, which reads the file: Rust's own linker on
//! x86_64-unknown-linux-gnu. The names carry hashes of the compiler, the dependencies and the
//! workspace; after a change of those the file's names are not in the binary and are skipped
//! without a word, and the layout is only less good (`bench/common.sh` warns).

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
