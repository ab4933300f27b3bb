//! `spec/vectors/descriptors.json` and `spec/vectors/interaction.json`,
//! checked both ways: the crate decodes every `hex` to exactly its
//! `decoded` fields (rendered as JSON), the crate encodes every case to
//! exactly its `hex`, an encoder written from the specification's tables
//! alone (`support/spec_codec.rs`) encodes every `decoded` to exactly its
//! `hex`, every rejected descriptor is rejected as listed, and the files are
//! exactly what the generator writes.

#[path = "support/interaction_cases.rs"]
mod cases;

use std::collections::BTreeMap;

use applink::descriptor;
use applink::message::Message;
use cases::descriptor_json;
use cases::spec_codec::{self, Encoder, Tables};
use serde_json::Value as Json;

fn load(name: &str) -> (String, Json) {
    let path = format!("{}/spec/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json = serde_json::from_str(&text).unwrap();
    (text, json)
}

fn hex_of(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().expect("a hex string")).expect("hex")
}

#[test]
fn files_are_up_to_date() {
    let (descriptors, interaction) = cases::render();
    assert!(
        load("descriptors.json").0 == descriptors,
        "descriptors.json is stale: run `cargo run --example gen_interaction_vectors`"
    );
    assert!(
        load("interaction.json").0 == interaction,
        "interaction.json is stale: run `cargo run --example gen_interaction_vectors`"
    );
}

#[test]
fn descriptors_both_ways() {
    let (_, json) = load("descriptors.json");
    let tables = Tables::spec();
    let valid = cases::descriptor_cases::valid();
    let mut checked = 0;
    for v in json["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let bytes = hex_of(&v["hex"]);
        if !v["error"].is_null() {
            let got = cases::descriptor_cases::rejection(&bytes)
                .unwrap_or_else(|| panic!("{name}: accepted"));
            assert_eq!(got["stage"], v["error"]["stage"], "{name}");
            assert_eq!(got["type"], v["error"]["type"], "{name}");
            assert!(v["decoded"].is_null(), "{name}");
            checked += 1;
            continue;
        }
        // Decode: the bytes give exactly the listed fields.
        let compact = descriptor::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            descriptor_json::compact(&compact),
            v["decoded"],
            "{name}: decode"
        );
        // Encode: the crate's value and the listed fields give the bytes.
        let case = valid.iter().find(|c| c.name == name).expect("a case");
        assert_eq!(
            descriptor::encode::encode_to_vec(&case.device),
            bytes,
            "{name}: encode"
        );
        let spec = spec_codec::encode(&tables, &v["decoded"], Encoder::compact).unwrap();
        assert_eq!(
            hex::encode(spec),
            hex::encode(&bytes),
            "{name}: fields encode"
        );
        assert_eq!(
            descriptor::hash_bytes(&bytes).0.to_vec(),
            hex_of(&v["hash"]),
            "{name}: hash"
        );
        // The expansion, both ways.
        let owned = descriptor::OwnedDescriptor::from_vec(bytes.clone()).unwrap();
        let expanded = hex_of(&v["expanded"]["hex"]);
        assert_eq!(owned.expanded_bytes(), &expanded[..], "{name}: expanded");
        let device = descriptor::decode_device(&expanded).unwrap();
        assert_eq!(
            descriptor_json::device(&device),
            v["expanded"]["decoded"],
            "{name}"
        );
        let spec = spec_codec::encode(&tables, &v["expanded"]["decoded"], Encoder::device).unwrap();
        assert_eq!(spec, expanded, "{name}: expanded fields encode");
        checked += 1;
    }
    assert_eq!(
        checked,
        valid.len() + cases::descriptor_cases::rejected().len()
    );
}

/// Checks one payload both ways: the crate decodes it to `decoded` and
/// encodes it back; the spec encoder encodes `decoded` to it.
fn payload_both_ways(name: &str, hex: &Json, decoded: &Json, tables: &Tables) {
    let bytes = hex_of(hex);
    let m = Message::from_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(&cases::message_json(&m), decoded, "{name}: decode");
    let mut buf = [0u8; 256];
    assert_eq!(m.to_slice(&mut buf).unwrap(), &bytes[..], "{name}: encode");
    let spec = spec_codec::encode(tables, decoded, Encoder::message).unwrap();
    assert_eq!(spec, bytes, "{name}: fields encode");
}

#[test]
fn interaction_both_ways() {
    let (_, json) = load("interaction.json");
    let tables = Tables::spec();
    let vectors = json["vectors"].as_array().unwrap();
    let cases = cases::message_cases();
    let mut messages = 0;
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        match v["kind"].as_str().unwrap() {
            "message" => {
                payload_both_ways(name, &v["hex"], &v["decoded"], &tables);
                let (_, _, m) = cases.iter().find(|c| c.0 == name).expect("a case");
                assert_eq!(cases::message_json(m), v["decoded"], "{name}: case");
                messages += 1;
            }
            "exchange" => {
                let d = &v["decoded"];
                payload_both_ways(name, &v["hex"], &d["request"], &tables);
                let replies = d["replies"].as_array().unwrap();
                assert!(!replies.is_empty(), "{name}: answered");
                for r in replies {
                    assert!(hex_of(&r["hex"]).len() <= cases::exchange_cases::REPLY_BUFFER);
                    payload_both_ways(name, &r["hex"], &r["decoded"], &tables);
                }
            }
            other => panic!("{name}: kind {other}"),
        }
        // A named status is the code the answer carries.
        if let Some(status) = v["status"].as_str() {
            let answer = if v["kind"] == "exchange" {
                &v["decoded"]["replies"][0]["decoded"]
            } else {
                &v["decoded"]
            };
            assert_eq!(
                answer["status"].as_u64(),
                tables.status_code(status).map(u64::from),
                "{name}: {status}"
            );
        }
    }
    assert_eq!(messages, cases.len());
}

#[test]
fn vector_names_are_unique_across_files() {
    let dir = format!("{}/spec/vectors", env!("CARGO_MANIFEST_DIR"));
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let json: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for key in ["vectors", "transcripts"] {
            for v in json[key].as_array().into_iter().flatten() {
                let Some(name) = v["name"].as_str() else {
                    continue;
                };
                if let Some(other) = seen.insert(name.to_string(), file.clone()) {
                    panic!("vector {name} is in {other} and {file}");
                }
            }
        }
    }
    assert!(seen.len() > 100);
}
