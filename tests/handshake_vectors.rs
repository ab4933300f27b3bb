//! Checks `spec/vectors/handshake.json`: the file matches a fresh run of the
//! state machines with the recorded randomness (encode direction), every
//! frame decodes to the message it names, every secured frame opens with
//! the listed traffic keys, and the listed SPAKE2+ and Noise values agree
//! with the frames (decode direction).

#[path = "support/handshake_cases.rs"]
mod cases;

use applink::crypto::{CryptoProvider, RustCrypto, spake2plus};
use applink::message::Message;
use applink::session::{Role, SecureChannel, SessionKeys};
use applink::time::{Duration, Instant};
use serde_json::Value as Json;

fn file() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/handshake.json"
    ))
    .expect("spec/vectors/handshake.json")
}

fn doc() -> Json {
    serde_json::from_str(&file()).unwrap()
}

fn bytes(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().expect("a hex string")).unwrap()
}

fn arr<const N: usize>(v: &Json) -> [u8; N] {
    bytes(v).try_into().unwrap()
}

fn provider() -> RustCrypto<impl FnMut(&mut [u8])> {
    RustCrypto::new(|_: &mut [u8]| panic!("checking needs no randomness"))
}

fn transcript<'a>(doc: &'a Json, name: &str) -> &'a Json {
    doc["transcripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("transcript {name}"))
}

#[test]
fn file_is_up_to_date() {
    assert!(
        file() == cases::render(),
        "spec/vectors/handshake.json is stale: run `cargo run --example gen_handshake_vectors`"
    );
}

#[test]
fn plaintext_frames_decode_to_the_messages_named() {
    let doc = doc();
    let mut seen = 0;
    for t in doc["transcripts"].as_array().unwrap() {
        for f in t["frames"].as_array().unwrap() {
            let raw = bytes(&f["hex"]);
            if let Ok((header, m)) = applink::from_bytes(&raw) {
                assert!(!header.flags.contains(applink::wire::Flags::SECURED));
                assert_eq!(m.name(), f["message"], "{}", t["name"]);
                assert_eq!(cases::codec_vectors::render::message(&m), f["decoded"]);
                assert_eq!(cases::codec_vectors::render::header(&header), f["header"]);
                // Every handshake flight is on the transcript's exchange.
                assert_eq!(json_u16(&t["exchange"]), header.exchange, "{}", t["name"]);
                assert_eq!(
                    header.flags.contains(applink::wire::Flags::INITIATOR),
                    f["from"] == "phone"
                );
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 3 + 3 + 3, "every handshake frame is plaintext");
}

/// Opens a transcript's secured frames in order with its listed keys.
fn open_secured(t: &Json, appliance_session: u16) -> usize {
    let p = provider();
    let k = &t["keys"]["traffic"];
    let keys = SessionKeys {
        phone_to_appliance: arr(&k["phone_to_appliance"]),
        appliance_to_phone: arr(&k["appliance_to_phone"]),
    };
    let idle = Duration::from_secs(120);
    let phone_session = cases::PHONE_SESSION;
    let mut phone = SecureChannel::new(
        Role::Phone,
        &keys,
        phone_session,
        appliance_session,
        idle,
        Instant::ZERO,
    );
    let mut appliance = SecureChannel::new(
        Role::Appliance,
        &keys,
        appliance_session,
        phone_session,
        idle,
        Instant::ZERO,
    );
    let mut opened = 0;
    let (mut from_phone, mut from_appliance) = (0u32, 0u32);
    for f in t["frames"].as_array().unwrap() {
        let mut raw = bytes(&f["hex"]);
        if applink::from_bytes(&raw).is_ok() {
            continue;
        }
        let receiver = if f["from"] == "phone" {
            &mut appliance
        } else {
            &mut phone
        };
        let (header, m) = receiver
            .open_message(&p, &mut raw, Instant::ZERO)
            .expect("opens with the listed keys");
        assert_eq!(m.name(), f["message"]);
        assert_eq!(cases::codec_vectors::render::message(&m), f["decoded"]);
        assert_eq!(cases::codec_vectors::render::header(&header), f["header"]);
        // Each direction counts 0, 1, 2, ... with no counter left out.
        let sent = if f["from"] == "phone" {
            &mut from_phone
        } else {
            &mut from_appliance
        };
        assert_eq!(header.counter, *sent, "{}", f["note"]);
        *sent += 1;
        if f["note"].as_str().unwrap().contains("after a key update") {
            // The receiver switched keys because the frame said so (flag K).
            assert!(receiver.receive_phase());
        }
        opened += 1;
    }
    opened
}

fn json_u16(v: &Json) -> u16 {
    u16::try_from(v.as_u64().expect("a number")).unwrap()
}

/// The genuine (not forged) frame of a message type.
fn genuine<'a>(t: &'a Json, message: &str) -> &'a Json {
    t["frames"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"] == message && !f["note"].as_str().unwrap().starts_with("forged"))
        .unwrap()
}

fn session_from(t: &Json, index: usize) -> u16 {
    let raw = bytes(&t["frames"][index]["hex"]);
    match applink::from_bytes(&raw).unwrap().1 {
        Message::PairChallenge(c) => c.session,
        // Sealed in message 2: the transcript lists its payload.
        Message::ResumeReply(_) => {
            let payload = bytes(&t["noise"]["message_2_payload"]);
            u16::from_le_bytes([payload[0], payload[1]])
        }
        other => panic!("no session in {other:?}"),
    }
}

#[test]
fn secured_frames_open_with_the_listed_keys() {
    let doc = doc();
    let pairing = transcript(&doc, "pairing");
    assert_eq!(open_secured(pairing, session_from(pairing, 1)), 2);
    let resumption = transcript(&doc, "resumption");
    assert_eq!(
        open_secured(resumption, session_from(resumption, 1)),
        3 + 63
    );
}

#[test]
fn spake2plus_values_agree_with_the_frames() {
    let doc = doc();
    let p = provider();
    let params = &doc["parameters"];
    let pairing = transcript(&doc, "pairing");
    let s = &pairing["spake2plus"];
    // shareP = x×G + w0×M, from the listed x and w0.
    let x = p.p256_scalar_reduce(&bytes(&s["x"])).unwrap();
    let w0 = p.p256_scalar_reduce(&bytes(&params["w0"])).unwrap();
    let m = p.p256_point_decode(&spake2plus::M).unwrap();
    let share = p.p256_add(&p.p256_mul_base(&x), &p.p256_mul(&w0, &m));
    let Message::PairRequest(r) = applink::from_bytes(&bytes(&pairing["frames"][0]["hex"]))
        .unwrap()
        .1
    else {
        panic!("the first frame is PairRequest");
    };
    assert_eq!(p.p256_point_encode(&share).unwrap(), r.share.0);
    // x is the first draw, reduced mod n.
    let draw = bytes(&pairing["randomness"][0]["bytes"]);
    assert_eq!(
        p.p256_scalar_bytes(&p.p256_scalar_reduce(&draw).unwrap()),
        arr::<32>(&s["x"])
    );
    // L = w1 × G.
    let w1 = p.p256_scalar_reduce(&bytes(&params["w1"])).unwrap();
    assert_eq!(
        p.p256_point_encode(&p.p256_mul_base(&w1)).unwrap().to_vec(),
        bytes(&params["L"])
    );
    // The challenge carries confirmV.
    let Message::PairChallenge(c) = applink::from_bytes(&bytes(&pairing["frames"][1]["hex"]))
        .unwrap()
        .1
    else {
        panic!("the second frame is PairChallenge");
    };
    assert_eq!(c.confirm.0, arr::<32>(&s["confirmV"]));
}

#[test]
fn noise_messages_are_the_resume_fields() {
    let doc = doc();
    let t = transcript(&doc, "resumption");
    let n = &t["noise"];
    let Message::ResumeRequest(r) = applink::from_bytes(&bytes(&t["frames"][0]["hex"]))
        .unwrap()
        .1
    else {
        panic!("the first frame is ResumeRequest");
    };
    let mut m1 = r.ephemeral.0.to_vec();
    m1.extend_from_slice(&r.identity.0);
    m1.extend_from_slice(&r.payload.0);
    assert_eq!(m1, bytes(&n["message_1"]));
    let Message::ResumeReply(q) = applink::from_bytes(&bytes(&genuine(t, "ResumeReply")["hex"]))
        .unwrap()
        .1
    else {
        panic!("the second frame is ResumeReply");
    };
    let mut m2 = q.ephemeral.0.to_vec();
    m2.extend_from_slice(&q.payload.0);
    assert_eq!(m2, bytes(&n["message_2"]));
    // The PSK is the pairing transcript's.
    assert_eq!(n["psk"], transcript(&doc, "pairing")["keys"]["psk"]);
}
