//! Writes `spec/vectors/reliability.json`: reliable-delivery transcripts
//! (spec/RELIABILITY.md) between the reference `Appliance` and `Phone`,
//! with every frame, every random draw and every session's keys.
//!
//! `cargo run --example gen_reliability_vectors` regenerates it; the test
//! `tests/reliability_vectors.rs` checks it and fails while it is stale.

#[path = "../tests/reliability/cases.rs"]
mod cases;

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/reliability.json");
    std::fs::write(path, cases::render())?;
    println!("wrote {path}");
    Ok(())
}
