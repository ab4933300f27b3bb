//! The names of the session benchmarks, shared by `benches/session.rs`
//! (which runs them) and `examples/bench_table.rs` (which prints them).

/// Secured-frame groups: one operation each.
pub const CHANNEL_GROUPS: [&str; 3] = ["session-seal", "session-open", "session-seal-open"];
/// Payload sizes, as function-name suffixes with their byte counts.
pub const SIZES: [(&str, usize); 2] = [("64B", 64), ("1KiB", 1024)];
/// A frame through `SecureChannel` (header as associated data, nonce from
/// the counter, replay window, key phase).
pub const SECURED: &str = "secured";
/// Bare ChaCha20-Poly1305 of the provider on the same payload and header.
pub const AEAD: &str = "aead";

/// The handshake group.
pub const HANDSHAKE_GROUP: &str = "session-handshake";
/// First pairing: SPAKE2+ from precomputed secrets, both sides, 3 flights.
pub const PAIRING: &str = "pairing";
/// Resumption (Noise `IKpsk2`), both sides, 2 flights.
pub const RESUMPTION: &str = "resumption";
