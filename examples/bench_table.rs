//! Prints the benchmark results as tables. Codec: the median time of each
//! format, its ratio to applink measured in the same run, and the encoded
//! sizes of the same content side by side. Session: secured frames against
//! bare ChaCha20-Poly1305 on the same payload, and the handshakes.
//!
//! Run by `scripts/bench.sh` after `cargo bench --bench codec` and
//! `cargo bench --bench session`; it reads criterion's `estimates.json`
//! files under `<target>/criterion`.
//!
//! ```text
//! cargo run --release --example bench_table [criterion-dir]
//! ```

#[path = "../benches/common/mod.rs"]
mod common;
#[path = "../benches/common/session.rs"]
mod session;

use std::fs;
use std::path::{Path, PathBuf};

use common::{FORMATS, HEADER, MESSAGES, matter, sizes};

/// The median of one benchmark in nanoseconds, if it was run.
fn median(dir: &Path, group: &str, function: &str) -> Option<f64> {
    let path = dir.join(group).join(function).join("new/estimates.json");
    let text = fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
                || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
                PathBuf::from,
            );
            target.join("criterion")
        });

    println!("## Codec: median time (ratio to applink, same run) and encoded size\n");
    println!(
        "`applink` is a whole plaintext frame ({}-byte header, payload, CRC-32C);",
        HEADER.buffer_len()
    );
    println!("`applink-payload` the same message without the frame; `postcard` bare postcard");
    println!("of plain serde types with `Vec`s; `memcpy` copies the applink frame.\n");
    print!("| message | op |");
    for f in FORMATS {
        print!(" {f} |");
    }
    println!();
    print!("|---|---|");
    for _ in FORMATS {
        print!("---|");
    }
    println!();
    let mut missing = 0;
    for m in MESSAGES {
        for op in ["encode", "decode", "roundtrip"] {
            let group = format!("{m}-{op}");
            let base = median(&dir, &group, "applink");
            print!("| {m} | {op} |");
            for f in FORMATS {
                match (median(&dir, &group, f), base) {
                    (Some(t), Some(b)) => print!(" {} ({:.2}x) |", time(t), t / b),
                    (Some(t), None) => print!(" {} |", time(t)),
                    _ => {
                        missing += 1;
                        print!(" - |");
                    }
                }
            }
            println!();
        }
        print!("| {m} | bytes |");
        for s in sizes(m) {
            print!(" {s} |");
        }
        println!();
    }

    println!("\n## Integrity, stream framing and segmentation: median time\n");
    println!("| benchmark | median | throughput |");
    println!("|---|---|---|");
    let rows: [(&str, &str, Option<usize>); 8] = [
        ("crc32c", "64B", Some(64)),
        ("crc32c", "1024B", Some(1024)),
        ("cobs", "encode-1KiB", Some(1024)),
        ("cobs", "deframe-1KiB", Some(1024)),
        ("segment", "report-mtu20", None),
        ("segment", "report-mtu244", None),
        ("segment", "descriptor-mtu20", None),
        ("segment", "descriptor-mtu244", None),
    ];
    for (group, function, bytes) in rows {
        match median(&dir, group, function) {
            Some(t) => {
                let rate = bytes.map_or_else(String::new, |b| {
                    format!("{:.0} MiB/s", b as f64 / (t * 1e-9) / (1024.0 * 1024.0))
                });
                println!("| {group}/{function} | {} | {rate} |", time(t));
            }
            None => {
                missing += 1;
                println!("| {group}/{function} | - | |");
            }
        }
    }

    let [frame, payload, _, proto, ..] = sizes("report");
    println!(
        "\nAttribute report: whole plaintext frame {frame} bytes vs protobuf payload alone {proto} bytes."
    );
    let tlv = common::matter_report_tlv();
    let secured = common::secured_report_len();
    let secured_header = secured - payload - applink::wire::frame::TAG_LEN;
    println!("\n## The attribute report secured: applink against Matter\n");
    println!("| | header(s) | payload | tag / MIC | total |");
    println!("|---|---|---|---|---|");
    println!(
        "| applink secured frame | {secured_header} | {payload} (postcard) | {} | {secured} |",
        applink::wire::frame::TAG_LEN
    );
    println!(
        "| Matter secured message | {} + {} | {} (TLV ReportDataMessage) | {} | {} |",
        matter::MESSAGE_HEADER,
        matter::PROTOCOL_HEADER,
        tlv.len(),
        matter::MIC,
        matter::secured_len(&tlv)
    );
    missing += session_tables(&dir);
    if missing > 0 {
        println!(
            "\n{missing} results missing under {}: run `cargo bench --bench codec` and \
             `cargo bench --bench session` first.",
            dir.display()
        );
    }
}

/// The session tables; returns how many results were missing.
fn session_tables(dir: &Path) -> usize {
    use session::*;
    let mut missing = 0;
    println!("\n## Session: secured frames against bare ChaCha20-Poly1305\n");
    println!("`secured` goes through `SecureChannel` (header as associated data, nonce from the");
    println!(
        "counter, replay window, key phase); `aead` is the provider's ChaCha20-Poly1305 on the"
    );
    println!(
        "same payload and header bytes. Target: seal+open of 64 B within 1.3x of bare AEAD.\n"
    );
    println!("| operation | payload | secured | aead | ratio |");
    println!("|---|---|---|---|---|");
    for group in CHANNEL_GROUPS {
        let op = group.trim_start_matches("session-");
        for (size, _) in SIZES {
            let secured = median(dir, group, &format!("{SECURED}-{size}"));
            let aead = median(dir, group, &format!("{AEAD}-{size}"));
            let cell = |t: Option<f64>| t.map_or_else(|| "-".to_string(), time);
            let ratio = match (secured, aead) {
                (Some(s), Some(a)) => format!("{:.2}x", s / a),
                _ => {
                    missing += usize::from(secured.is_none()) + usize::from(aead.is_none());
                    "-".to_string()
                }
            };
            println!(
                "| {op} | {size} | {} | {} | {ratio} |",
                cell(secured),
                cell(aead)
            );
        }
    }
    println!("\n## Session: handshakes, both sides in memory\n");
    println!(
        "Pairing runs SPAKE2+ from precomputed secrets (Argon2id of the setup code excluded).\n"
    );
    println!("| handshake | round trips to the first command | median |");
    println!("|---|---|---|");
    for (name, trips) in [(PAIRING, "1.5"), (RESUMPTION, "1")] {
        match median(dir, HANDSHAKE_GROUP, name) {
            Some(t) => println!("| {name} | {trips} | {} |", time(t)),
            None => {
                missing += 1;
                println!("| {name} | {trips} | - |");
            }
        }
    }
    missing
}
