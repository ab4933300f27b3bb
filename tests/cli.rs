//! The two-terminal example as a person would use it: `appliance` serving
//! on loopback, `phone` run once per command (so every command after
//! `pair` resumes from the phone's store).

use core::time::Duration;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Instant;

#[path = "support/example_bin.rs"]
mod example_bin;
use example_bin::example;

struct Lamp(Child);

impl Drop for Lamp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `appliance` example with `args`; its output lines arrive on
/// the receiver.
fn start_lamp(args: &[&str]) -> (Lamp, Receiver<String>) {
    let mut child = Command::new(example("appliance"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("cargo test builds the examples");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (Lamp(child), rx)
}

/// The rest of the first output line starting with `prefix`.
fn wait_for(lines: &Receiver<String>, prefix: &str) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok(line) = lines.recv_timeout(Duration::from_secs(1))
            && let Some(rest) = line.strip_prefix(prefix)
        {
            return rest.to_owned();
        }
    }
    panic!("the appliance never printed {prefix:?}")
}

fn phone(store: &std::path::Path, addr: &str, args: &[&str]) -> Output {
    Command::new(example("phone"))
        .arg("--store")
        .arg(store)
        .arg("--addr")
        .arg(addr)
        .args(args)
        .output()
        .expect("the phone example runs")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn discover_pair_describe_read_invoke_watch_share_remove() {
    let addr = "127.0.0.1:45541";
    let dir = std::env::temp_dir().join(format!("applink-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("phone.store");
    let _ = std::fs::remove_file(&store);
    let (lamp, lines) = start_lamp(&["--addr", addr]);
    // The lamp prints its manual code first; read it from its output.
    let code = wait_for(&lines, "manual code: ");

    let out = ok(&phone(&store, addr, &["discover"]));
    assert!(out.contains("found LAMP0001"), "{out}");
    let out = ok(&phone(&store, addr, &["pair", &code]));
    assert!(out.contains("paired with LAMP0001"), "{out}");
    let out = ok(&phone(&store, addr, &["describe"]));
    // The name comes from basic_information, the numbers from the descriptor.
    assert!(
        out.contains("applink lamp (vendor 0xfff1, product 0x0042)"),
        "{out}"
    );
    assert!(out.contains("on_off: attributes [\"on\"]"), "{out}");
    let out = ok(&phone(&store, addr, &["read", "1", "on_off", "on"]));
    assert!(out.contains("1.on_off.on = false"), "{out}");
    let out = ok(&phone(&store, addr, &["invoke", "1", "on_off", "toggle"]));
    assert!(out.contains("toggle: Status::SUCCESS"), "{out}");
    let out = ok(&phone(&store, addr, &["read", "1", "on_off"]));
    assert!(out.contains("1.on_off.on = true"), "the toggle ran: {out}");
    let out = ok(&phone(&store, addr, &["watch", "1", "2"]));
    assert!(out.contains("report:"), "one report at least: {out}");

    // Sharing: the admin opens a window for a one-time code, a second
    // phone pairs with it, the admin lists and removes it.
    let out = ok(&phone(&store, addr, &["share", "120"]));
    let shared = out
        .lines()
        .find_map(|l| l.strip_prefix("manual code: "))
        .unwrap_or_else(|| panic!("share prints a manual code: {out}"))
        .to_owned();
    assert_ne!(shared, code, "a one-time code, not the printed one");
    let second = dir.join("second.store");
    let _ = std::fs::remove_file(&second);
    let out = ok(&phone(&second, addr, &["pair", &shared]));
    assert!(out.contains("paired with LAMP0001"), "{out}");
    let out = ok(&phone(&second, addr, &["invoke", "1", "on_off", "toggle"]));
    assert!(out.contains("toggle: Status::SUCCESS"), "{out}");
    let out = ok(&phone(&store, addr, &["pairings"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines.iter().any(|l| l.ends_with("admin (this phone)")),
        "{out}"
    );
    let other = lines
        .iter()
        .find(|l| l.ends_with(" user"))
        .unwrap_or_else(|| panic!("the second phone is a user: {out}"));
    let prefix = &other[..12];
    let out = ok(&phone(&store, addr, &["remove", prefix]));
    assert!(out.contains("removed"), "{out}");
    let cut = phone(&second, addr, &["read", "1", "on_off"]);
    assert!(!cut.status.success(), "the removed phone is cut off");
    let err = String::from_utf8_lossy(&cut.stderr);
    assert!(err.contains("pair again"), "{err}");
    // The last admin cannot remove itself.
    let last = phone(&store, addr, &["remove"]);
    assert!(!last.status.success());
    assert!(
        String::from_utf8_lossy(&last.stderr).contains("INVALID_STATE"),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );

    // Failures are one line and a non-zero status, never a panic.
    let bad = phone(&store, addr, &["pair", "1234-5678-9999"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.starts_with("phone: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let bad = phone(&store, addr, &["read", "1", "no_such_capability"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no capability"));
    drop(lamp);
    let _ = std::fs::remove_dir_all(&dir);
}

/// SPEC.md 13.1 as a porter runs it: the appliance on a chosen loopback
/// port with a chosen setup code, the phone pointed at that port with the
/// bare code (so it sends `Hello` first and learns the device id), and each
/// side printing what happened.
#[test]
fn a_chosen_port_and_setup_code_pair_with_the_bare_code() {
    let addr = "127.0.0.1:45543";
    let dir = std::env::temp_dir().join(format!("applink-cli-port-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("port.store");
    let _ = std::fs::remove_file(&store);
    let (lamp, lines) = start_lamp(&["--addr", addr, "--code", "2718-2818"]);
    assert_eq!(
        wait_for(&lines, "serving on udp://"),
        format!("{addr} (pairing window open for 15 minutes)")
    );

    let out = ok(&phone(&store, addr, &["discover"]));
    assert!(
        out.contains(&format!("found LAMP0001 by probing {addr}")),
        "{out}"
    );
    // A wrong code says so, on one line.
    let wrong = phone(&store, addr, &["pair", "27182819"]);
    assert!(!wrong.status.success());
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(err.contains("wrong setup code"), "{err}");
    assert!(wait_for(&lines, "a pairing attempt failed: ").contains("setup code"));

    let out = ok(&phone(&store, addr, &["pair", "27182818"]));
    assert!(
        out.contains(&format!("paired with LAMP0001 at {addr}")),
        "{out}"
    );
    assert!(wait_for(&lines, "a phone paired ").starts_with("(admin: true)"));
    let out = ok(&phone(&store, addr, &["invoke", "1", "on_off", "toggle"]));
    assert!(out.contains("toggle: Status::SUCCESS"), "{out}");
    let out = ok(&phone(&store, addr, &["read", "1", "on_off", "on"]));
    assert!(out.contains("1.on_off.on = true"), "{out}");
    assert!(!wait_for(&lines, "a phone resumed").is_empty());
    drop(lamp);
    let _ = std::fs::remove_dir_all(&dir);
}
