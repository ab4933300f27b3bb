//! The README's quick start: `quick_appliance` and `quick_phone` run
//! against each other over loopback UDP.

use core::time::Duration;
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "support/example_bin.rs"]
mod example_bin;
use example_bin::example;

#[test]
fn the_quick_phone_pairs_with_and_drives_the_quick_appliance() {
    let addr = "127.0.0.1:45540";
    let mut lamp = Command::new(example("quick_appliance"))
        .arg(addr)
        .stdout(Stdio::null())
        .spawn()
        .expect("cargo test builds the examples");
    // The lamp binds at once; give it a moment, bounded.
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    let out = Command::new(example("quick_phone"))
        .arg(addr)
        .output()
        .expect("the phone example runs");
    lamp.kill().ok();
    lamp.wait().ok();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("paired with quick lamp"), "{stdout}");
    assert!(stdout.contains("Report"), "a report arrived: {stdout}");
    assert!(stdout.contains("resumed in one round trip"), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn the_quick_examples_stay_at_most_thirty_lines() {
    for name in ["quick_appliance", "quick_phone"] {
        let path = format!("{}/examples/{name}.rs", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .count();
        assert!(lines <= 30, "{name} has {lines} lines");
    }
}
