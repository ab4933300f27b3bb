//! Writes the language-neutral test vectors in `spec/vectors/`.
//!
//! ```text
//! cargo run --example gen_vectors
//! ```
//!
//! Every vector comes from the case table in `tests/vectors/cases.rs`, which
//! `tests/vectors.rs` also checks the committed files against; the output is
//! deterministic, so running this without a wire change leaves the files as
//! they are.

#[path = "../tests/vectors/cases.rs"]
mod cases;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/vectors");
    std::fs::create_dir_all(&dir)?;
    let cases = cases::cases();
    for (name, text) in cases::render::files(&cases) {
        std::fs::write(dir.join(name), text)?;
    }
    println!("wrote {} vectors to {}", cases.len(), dir.display());
    Ok(())
}
