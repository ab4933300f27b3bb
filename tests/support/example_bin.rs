//! Where `cargo test` puts the examples it builds.

/// The path of example `name`: integration tests run from
/// `target/<profile>/deps`, and the examples are built beside them in
/// `target/<profile>/examples`.
pub fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}
