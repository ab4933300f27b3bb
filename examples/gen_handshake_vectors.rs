//! Writes `spec/vectors/handshake.json`: pairing, wrong-code and
//! resumption transcripts with every random draw recorded.
//!
//! `cargo run --example gen_handshake_vectors` regenerates it; the test
//! `tests/handshake_vectors.rs` checks it and fails while it is stale.

#[path = "../tests/support/handshake_cases.rs"]
mod cases;

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/handshake.json");
    std::fs::write(path, cases::render())?;
    println!("wrote {path}");
    Ok(())
}
