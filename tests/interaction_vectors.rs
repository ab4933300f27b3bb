//! `spec/vectors/descriptors.json` and `spec/vectors/interaction.json`,
//! checked both ways: every committed byte string decodes to the case it
//! names, every case encodes to the committed bytes, and the files are
//! exactly what the generator writes.

#[path = "support/interaction_cases.rs"]
mod cases;

use applink::descriptor;
use applink::message::Message;
use serde_json::Value as Json;

fn load(name: &str) -> (String, Json) {
    let path = format!("{}/spec/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json = serde_json::from_str(&text).unwrap();
    (text, json)
}

fn hex_of(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
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
    let vectors = json["vectors"].as_array().unwrap();
    let cases = cases::descriptor_cases();
    assert_eq!(vectors.len(), cases.len());
    for (v, (name, device)) in vectors.iter().zip(cases) {
        assert_eq!(v["name"], name);
        let bytes = hex_of(&v["encoded"]);
        assert_eq!(
            descriptor::decode(&bytes).unwrap(),
            device,
            "{name}: decode"
        );
        assert_eq!(
            descriptor::encode::encode_to_vec(&device),
            bytes,
            "{name}: encode"
        );
        assert_eq!(
            descriptor::hash_bytes(&bytes).0.to_vec(),
            hex_of(&v["hash"]),
            "{name}: hash"
        );
        assert_eq!(
            descriptor::hash_of(&device).unwrap(),
            descriptor::hash_bytes(&bytes)
        );
        assert_eq!(v["length"].as_u64().unwrap() as usize, bytes.len());
        let owned = descriptor::OwnedDescriptor::from_vec(bytes.clone()).unwrap();
        assert_eq!(
            owned.expanded_bytes(),
            &hex_of(&v["expanded"])[..],
            "{name}: expanded"
        );
        assert_eq!(
            descriptor::decode_device(&hex_of(&v["expanded"])).unwrap(),
            owned.device(),
            "{name}: expanded decodes"
        );
    }
}

#[test]
fn messages_both_ways() {
    let (_, json) = load("interaction.json");
    let vectors = json["messages"].as_array().unwrap();
    let mut k = 0;
    cases::message_cases(&mut |name, message| {
        let v = &vectors[k];
        k += 1;
        assert_eq!(v["name"], name);
        let bytes = hex_of(&v["payload"]);
        assert_eq!(
            Message::from_bytes(&bytes).unwrap(),
            *message,
            "{name}: decode"
        );
        let mut buf = [0u8; 128];
        assert_eq!(
            message.to_slice(&mut buf).unwrap(),
            &bytes[..],
            "{name}: encode"
        );
    });
    assert_eq!(k, vectors.len());
}

#[test]
fn transcript_replays_and_decodes() {
    let (_, json) = load("interaction.json");
    let transcript = &json["transcript"];
    let (steps, hash) = cases::transcript();
    assert_eq!(hex_of(&transcript["descriptor_hash"]), hash.0.to_vec());
    // The dispatcher's view of the lamp encodes exactly like the const LAMP.
    assert_eq!(
        hash,
        descriptor::hash_of(&applink::catalog::reference::LAMP).unwrap()
    );
    assert_eq!(transcript["steps"], steps);
    for step in transcript["steps"].as_array().unwrap() {
        let request = hex_of(&step["request"]);
        Message::from_bytes(&request).unwrap();
        for reply in step["replies"].as_array().unwrap() {
            let bytes = hex_of(reply);
            assert!(bytes.len() <= 64);
            let m = Message::from_bytes(&bytes).unwrap();
            let mut buf = [0u8; 64];
            assert_eq!(
                m.to_slice(&mut buf).unwrap(),
                &bytes[..],
                "{}",
                step["step"]
            );
        }
    }
}
