//! The tables of the Wireshark dissector (`tools/wireshark/applink.lua`),
//! written from the crate's own constants and types, so the dissector names
//! every message type, status, flag and enum variant the crate knows.
//!
//! `cargo run --example gen_dissector` rewrites the block between
//! [`BEGIN`] and [`END`] in `applink.lua`; the test `tests/dissector.rs`
//! fails while the committed block differs from [`lua_tables`].
//! Enum variants are found by decoding each index until the crate refuses
//! it, so a variant appended later is picked up without touching this file.

use core::fmt::Write as _;

use applink::message::{Features, MESSAGE_NAMES, Message, Status};
use applink::wire::{Flags, Header, frame, header, segment};

/// The line that opens the generated block.
pub const BEGIN: &str = "-- BEGIN GENERATED TABLES";
/// The line that closes it.
pub const END: &str = "-- END GENERATED TABLES";

/// The UDP and TCP port the examples serve on.
const DEFAULT_PORT: u16 = 5540;

/// The generated block, from [`BEGIN`] to [`END`] inclusive, newline ended.
pub fn lua_tables() -> String {
    let mut out = String::new();
    let w = &mut out;
    line(w, BEGIN);
    line(
        w,
        "-- Written by `cargo run --example gen_dissector` from the applink crate: edit the crate, not this block.",
    );
    line(w, "local GEN = {}");
    let ack_bit = ack_present_bit();
    let known = Flags::SECURED.bits()
        | Flags::ACK_REQUESTED.bits()
        | ack_bit
        | Flags::INITIATOR.bits()
        | Flags::KEY_PHASE.bits();
    for (name, value) in [
        ("version", u64::from(header::VERSION)),
        ("plain_header_len", header::PLAIN_LEN as u64),
        ("secured_header_len", header::SECURED_LEN as u64),
        ("ack_len", header::ACK_LEN as u64),
        ("crc_len", frame::CRC_LEN as u64),
        ("tag_len", frame::TAG_LEN as u64),
        ("reserved_flags", u64::from(!known)),
        ("max_depth", applink::message::value::MAX_DEPTH as u64),
        ("segment_first_header_len", segment::FIRST_HEADER_LEN as u64),
        ("segment_header_len", segment::HEADER_LEN as u64),
        ("default_port", u64::from(DEFAULT_PORT)),
    ] {
        let _ = writeln!(w, "GEN.{name} = {value}");
    }
    for (name, value) in [
        (
            "key_update_label",
            applink::session::channel::KEY_UPDATE_LABEL,
        ),
        (
            "traffic_label",
            applink::node::keylog::TRAFFIC_LABEL.as_bytes(),
        ),
        ("keylog_env", applink::node::keylog::ENV_VAR.as_bytes()),
    ] {
        let text = core::str::from_utf8(value).expect("ASCII labels");
        let _ = writeln!(w, "GEN.{name} = \"{text}\"");
    }
    line(w, "-- bit mask, filter name, label");
    line(w, "GEN.flags = {");
    for (mask, abbr, label) in [
        (Flags::SECURED.bits(), "secured", "S, secured"),
        (
            Flags::ACK_REQUESTED.bits(),
            "ack_requested",
            "R, ack requested",
        ),
        (ack_bit, "ack_present", "A, ack present"),
        (Flags::INITIATOR.bits(), "initiator", "I, initiator"),
        (Flags::KEY_PHASE.bits(), "key_phase", "K, key phase"),
    ] {
        let _ = writeln!(w, "  {{ 0x{mask:02x}, \"{abbr}\", \"{label}\" }},");
    }
    line(w, "}");
    let names: Vec<(u64, String)> = MESSAGE_NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| (i as u64, (*n).to_string()))
        .collect();
    table(w, "message_types", &names);
    let statuses: Vec<(u64, String)> = Status::ALL
        .iter()
        .map(|s| (u64::from(s.0), s.name().expect("named").to_string()))
        .collect();
    table(w, "statuses", &statuses);
    let features: Vec<(u64, String)> = [
        ("RELIABLE", Features::RELIABLE),
        ("SEGMENTATION", Features::SEGMENTATION),
        ("SUBSCRIPTIONS", Features::SUBSCRIPTIONS),
        ("EVENTS", Features::EVENTS),
    ]
    .iter()
    .map(|(n, f)| (u64::from(f.0), (*n).to_string()))
    .collect();
    table(w, "features", &features);
    // Hello { min 1, max 1, max_frame 0, features 0, purpose i }
    table(
        w,
        "purposes",
        &variants(|i| vec![0, 1, 1, 0, 0, i], "purpose: "),
    );
    // HelloReply::{Accept, Reject}, then HelloReject::<i> with zeroed content.
    table(
        w,
        "hello_replies",
        &variants(|i| [&[1, i][..], &[0; 32]].concat(), "HelloReply("),
    );
    table(
        w,
        "hello_rejects",
        &variants(|i| [&[1, 1, i][..], &[0; 8]].concat(), "Reject("),
    );
    // Event { endpoint 0, capability 0, event 0, sequence 0, priority i, None, [] }
    table(
        w,
        "priorities",
        &variants(|i| vec![19, 0, 0, 0, 0, i, 0, 0], "priority: "),
    );
    // Admin(AdminRequest::<i>) with zeroed content (trailing bytes ignored).
    table(
        w,
        "admin_requests",
        &variants(|i| [&[25, i][..], &[0; 100]].concat(), "Admin("),
    );
    table(w, "values", &value_variants());
    line(w, END);
    out
}

/// `text` with the block between [`BEGIN`] and [`END`] replaced by
/// `tables`, or `None` when the markers are missing.
pub fn splice(text: &str, tables: &str) -> Option<String> {
    let start = text.find(BEGIN)?;
    let end = text[start..].find(END)? + start + END.len();
    let end = end + usize::from(text[end..].starts_with('\n'));
    Some(format!("{}{tables}{}", &text[..start], &text[end..]))
}

fn line(w: &mut String, s: &str) {
    w.push_str(s);
    w.push('\n');
}

fn table(w: &mut String, name: &str, entries: &[(u64, String)]) {
    let _ = writeln!(w, "GEN.{name} = {{");
    for (value, label) in entries {
        let _ = writeln!(w, "  [{value}] = \"{label}\",");
    }
    line(w, "}");
}

/// Bit A as the crate writes it: the flags byte of a header with an ack.
fn ack_present_bit() -> u8 {
    let mut buf = [0u8; header::MAX_LEN];
    let plain = Header::plaintext(0);
    plain.emit(&mut buf).expect("room for a header");
    let without = buf[header::field::FLAGS];
    plain.with_ack(1).emit(&mut buf).expect("room for a header");
    buf[header::field::FLAGS] & !without
}

/// The variant names of an enum inside a message: `payload(i)` is a message
/// whose enum has index `i`; its `Debug` form names the variant right after
/// `after`. Stops at the first index the crate refuses.
fn variants(payload: impl Fn(u8) -> Vec<u8>, after: &str) -> Vec<(u64, String)> {
    let mut names = Vec::new();
    for i in 0..=u8::MAX {
        let bytes = payload(i);
        let Ok(message) = Message::from_bytes(&bytes) else {
            break;
        };
        let debug = format!("{message:?}");
        let at = debug.find(after).expect("the enum in the message") + after.len();
        names.push((u64::from(i), leading_name(&debug[at..])));
    }
    assert!(!names.is_empty(), "no variant decoded after {after:?}");
    names
}

/// The `Value` variant names: index `i` with the shortest zeroed content
/// that decodes, inside `Write { values: [AttributeValue { 0, value }] }`.
fn value_variants() -> Vec<(u64, String)> {
    let mut names = Vec::new();
    'index: for i in 0..=u8::MAX {
        for content in 0..=8usize {
            // attribute 0, variant i, content zero bytes
            let element_len = 2 + content;
            let mut payload = vec![11, 0, 0, 0, element_len as u8, 0, i];
            payload.resize(payload.len() + content, 0);
            if let Ok(Message::Write(write)) = Message::from_bytes(&payload) {
                let value = write.values.iter().next().expect("one value").value;
                names.push((u64::from(i), leading_name(&format!("{value:?}"))));
                continue 'index;
            }
        }
        break;
    }
    names
}

fn leading_name(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}
