//! The vectors pin every enum's encoding: a mutation test.
//!
//! `support/spec_codec.rs` encodes a vector's `decoded` JSON back to bytes
//! from the specification's tables alone (variant name -> index, status
//! name -> code); with the tables as specified it reproduces every vector
//! (`tests/interaction_vectors.rs` checks that). Here each table is
//! mutated, one mutation at a time, and the test requires that at least
//! one vector then encodes to bytes other than its `hex`:
//!
//! - **reorder**: every pair of variants swapped (all `n(n-1)/2` swaps of
//!   `Unit`, `Type`, `Elem`, `Width`, `Priority`, `CapabilityEntry`,
//!   `Value` and the message types; every pair of status codes);
//! - **change**: every variant moved to a new index past the end (and
//!   every status code replaced by an unused one).
//!
//! A swap goes unnoticed only if no vector uses either variant, so this
//! fails as soon as some variant has no vector: reordering `Unit` in the
//! crate would then pass every vector. Conversely, since the crate's own
//! encoder must reproduce the same `hex`, a reordered or renumbered enum
//! in the crate fails `tests/interaction_vectors.rs`.
//!
//! The vectors used: every valid descriptor and its expansion
//! (`descriptors.json`), every message and exchange payload
//! (`interaction.json`, whose `status` keys name statuses), every
//! canonical `Value` of `values.json`, and the message type of every frame
//! of `messages.json` (its payload found with the crate's frame parser,
//! so the frame header is not this test's concern).

#[path = "support/interaction_cases.rs"]
mod cases;

use applink::wire::Frame;
use cases::spec_codec::{self, Encoder, Table, Tables};
use serde_json::Value as Json;

fn load(name: &str) -> Json {
    let path = format!("{}/spec/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hex_of(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex")).expect("hex")
}

/// One check: JSON, how to encode it, the bytes it must give.
struct Check {
    json: Json,
    part: fn(&mut Encoder<'_>, &Json) -> Result<(), String>,
    bytes: Vec<u8>,
    /// A status name whose code the first byte-level answer carries.
    status: Option<(String, u64)>,
}

fn compact(e: &mut Encoder<'_>, j: &Json) -> Result<(), String> {
    e.compact(j)
}
fn device(e: &mut Encoder<'_>, j: &Json) -> Result<(), String> {
    e.device(j)
}
fn message(e: &mut Encoder<'_>, j: &Json) -> Result<(), String> {
    e.message(j)
}
fn value(e: &mut Encoder<'_>, j: &Json) -> Result<(), String> {
    e.value(j)
}
/// Only the message type of a message (for `messages.json`, whose other
/// messages this encoder does not know).
fn message_type(e: &mut Encoder<'_>, j: &Json) -> Result<(), String> {
    let mut only_type = j.clone();
    only_type
        .as_object_mut()
        .unwrap()
        .retain(|k, _| k == "type");
    // The first varint of `message` on a JSON holding just the type: the
    // encoder writes the index before looking at any field.
    let mut probe = Encoder::new(e.tables());
    let _ = probe.message(&only_type);
    let bytes = probe.finish();
    let end = bytes
        .iter()
        .position(|b| b & 0x80 == 0)
        .map_or(0, |i| i + 1);
    e.raw(&bytes[..end]);
    Ok(())
}

fn checks() -> Vec<Check> {
    let mut out = Vec::new();
    for v in load("descriptors.json")["vectors"].as_array().unwrap() {
        if !v["error"].is_null() {
            continue;
        }
        out.push(Check {
            json: v["decoded"].clone(),
            part: compact,
            bytes: hex_of(&v["hex"]),
            status: None,
        });
        out.push(Check {
            json: v["expanded"]["decoded"].clone(),
            part: device,
            bytes: hex_of(&v["expanded"]["hex"]),
            status: None,
        });
    }
    let tables = Tables::spec();
    for v in load("interaction.json")["vectors"].as_array().unwrap() {
        let (request, replies) = if v["kind"] == "exchange" {
            (
                &v["decoded"]["request"],
                v["decoded"]["replies"].as_array().unwrap().clone(),
            )
        } else {
            (&v["decoded"], Vec::new())
        };
        let status = v["status"].as_str().map(|s| {
            (
                s.to_string(),
                u64::from(tables.status_code(s).expect("a named status")),
            )
        });
        let answer_status = if replies.is_empty() {
            status.clone()
        } else {
            None
        };
        out.push(Check {
            json: request.clone(),
            part: message,
            bytes: hex_of(&v["hex"]),
            status: answer_status,
        });
        for (i, r) in replies.iter().enumerate() {
            out.push(Check {
                json: r["decoded"].clone(),
                part: message,
                bytes: hex_of(&r["hex"]),
                status: if i == 0 { status.clone() } else { None },
            });
        }
    }
    for v in load("values.json")["vectors"].as_array().unwrap() {
        if v["error"].is_null() && v["canonical"] != Json::Bool(false) {
            out.push(Check {
                json: v["decoded"].clone(),
                part: value,
                bytes: hex_of(&v["hex"]),
                status: None,
            });
        }
    }
    for v in load("messages.json")["vectors"].as_array().unwrap() {
        if !v["error"].is_null() || v["kind"] != "frame" {
            continue;
        }
        let bytes = hex_of(&v["hex"]);
        let frame = Frame::parse(&bytes).expect("a frame vector parses");
        let payload = frame.body;
        let end = payload
            .iter()
            .position(|b| b & 0x80 == 0)
            .map_or(0, |i| i + 1);
        out.push(Check {
            json: v["decoded"]["message"].clone(),
            part: message_type,
            bytes: payload[..end].to_vec(),
            status: None,
        });
    }
    out
}

/// Whether some check fails under `tables`.
fn detected(tables: &Tables, checks: &[Check]) -> bool {
    checks.iter().any(|c| {
        let encoded = spec_codec::encode(tables, &c.json, c.part);
        let status_moved = c
            .status
            .as_ref()
            .is_some_and(|(name, code)| tables.status_code(name).map(u64::from) != Some(*code));
        encoded.as_deref() != Ok(&c.bytes[..]) || status_moved
    })
}

type Pick = fn(&mut Tables) -> &mut Table;

const ENUMS: [(&str, Pick); 10] = [
    ("Unit", |t| &mut t.unit),
    ("Type", |t| &mut t.ty),
    ("Elem", |t| &mut t.elem),
    ("Width", |t| &mut t.width),
    ("Priority", |t| &mut t.priority),
    ("CapabilityEntry", |t| &mut t.entry),
    ("Value", |t| &mut t.value),
    ("message type", |t| &mut t.message),
    ("BatchItem", |t| &mut t.batch_item),
    ("BatchResult", |t| &mut t.batch_result),
];

#[test]
fn the_spec_tables_reproduce_every_vector() {
    let checks = checks();
    assert!(checks.len() > 300, "{} checks", checks.len());
    assert!(!detected(&Tables::spec(), &checks));
}

#[test]
fn every_reordering_and_renumbering_of_an_enum_breaks_a_vector() {
    let checks = checks();
    let mut missed = Vec::new();
    let mut mutations = 0;
    for (name, pick) in ENUMS {
        let n = pick(&mut Tables::spec()).len();
        for i in 0..n {
            for j in i + 1..n {
                let mut t = Tables::spec();
                pick(&mut t).swap(i, j);
                mutations += 1;
                if !detected(&t, &checks) {
                    let table = pick(&mut t);
                    missed.push(format!("{name}: {} <-> {}", table[j], table[i]));
                }
            }
            let mut t = Tables::spec();
            let table = pick(&mut t);
            let moved = core::mem::replace(&mut table[i], "(gap)".to_string());
            table.push(moved);
            mutations += 1;
            if !detected(&t, &checks) {
                missed.push(format!("{name}: {} moved to {n}", pick(&mut t)[n]));
            }
        }
    }
    assert!(
        missed.is_empty(),
        "undetected after {mutations} mutations: {missed:#?}"
    );
}

#[test]
fn every_swap_or_change_of_a_status_code_breaks_a_vector() {
    let checks = checks();
    let n = Tables::spec().status.len();
    let mut missed = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let mut t = Tables::spec();
            let (a, b) = (t.status[i].1, t.status[j].1);
            t.status[i].1 = b;
            t.status[j].1 = a;
            if !detected(&t, &checks) {
                missed.push(format!("{} <-> {}", t.status[i].0, t.status[j].0));
            }
        }
        let mut t = Tables::spec();
        t.status[i].1 = 0x7FFF;
        if !detected(&t, &checks) {
            missed.push(format!("{} changed", t.status[i].0));
        }
    }
    assert!(missed.is_empty(), "undetected: {missed:#?}");
}
