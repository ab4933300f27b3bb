//! Puts the board's memory layout where the runtime crate's linker script
//! looks for it (`memory.x` on the linker search path).

use std::path::PathBuf;

fn main() {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let layout = match arch.as_str() {
        "arm" => "memory/lm3s6965.x",
        "riscv32" => "memory/virt.x",
        // A host build (`cargo check` without a target) links nothing.
        _ => return,
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::copy(layout, out.join("memory.x")).expect("copy the memory layout");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed={layout}");
    println!("cargo:rerun-if-changed=build.rs");
}
