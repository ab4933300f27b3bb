//! Writes `spec/vectors/descriptors.json` and `spec/vectors/interaction.json`.
//!
//! `cargo run --example gen_interaction_vectors` regenerates them; the test
//! `tests/interaction_vectors.rs` checks them both ways and fails while they
//! are stale.

#[path = "../tests/support/interaction_cases.rs"]
mod cases;

fn main() -> std::io::Result<()> {
    let (descriptors, interaction) = cases::render();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors");
    std::fs::create_dir_all(dir)?;
    std::fs::write(format!("{dir}/descriptors.json"), descriptors)?;
    std::fs::write(format!("{dir}/interaction.json"), interaction)?;
    println!("wrote {dir}/descriptors.json and {dir}/interaction.json");
    Ok(())
}
