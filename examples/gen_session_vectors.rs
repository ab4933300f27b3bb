//! Writes `spec/vectors/sessions.json`: the secure channel's replay window,
//! key updates, counter exhaustion, `Close` and idle timeout, and the
//! pairing lockout, as transcripts.
//!
//! `cargo run --example gen_session_vectors` regenerates it; the test
//! `tests/session_vectors.rs` checks it and fails while it is stale.

#[path = "../tests/support/session_cases.rs"]
mod cases;

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/sessions.json");
    std::fs::write(path, cases::render())?;
    println!("wrote {path}");
    Ok(())
}
