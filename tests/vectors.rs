//! Checks the committed vectors in `spec/vectors/` both ways.
//!
//! For every vector: the Rust value of its case encodes to exactly its `hex`;
//! decoding `hex` with the crate gives the case's value and, rendered as JSON,
//! exactly its `decoded`; an error vector is rejected with exactly its
//! `error`; streams give the listed frames and errors however they are
//! chunked; segments are cut and reassembled as listed. The committed files
//! must equal a fresh rendering of the case table, so a wire change without
//! regenerated vectors fails here.

#[path = "vectors/cases.rs"]
mod cases;

use std::collections::BTreeSet;

use applink::message::{MESSAGE_TYPES, Message, Value};
use applink::time::{Duration, Instant};
use applink::wire::{Frame, Reassembler, Segmenter, stream::Deframer, stream::Feed};
use applink::{CodecError, from_bytes};
use cases::render::{self, codec_error, framed, wire_error};
use cases::{Case, Expect, File, Kind, REASSEMBLY_CAPACITY, REASSEMBLY_SLOTS};
use serde_json::{Value as Json, json};

const REGENERATE: &str = "spec/vectors is stale: run `cargo run --example gen_vectors`";

fn committed(file: File) -> String {
    let path = format!(
        "{}/spec/vectors/{}",
        env!("CARGO_MANIFEST_DIR"),
        file.name()
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn committed_vectors() -> Vec<(File, Json)> {
    let mut out = Vec::new();
    for file in File::ALL {
        let doc: Json = serde_json::from_str(&committed(file)).expect("valid JSON");
        assert_eq!(doc["format"], json!(render::FORMAT), "{}", file.name());
        for v in doc["vectors"].as_array().expect("a vectors array") {
            out.push((file, v.clone()));
        }
    }
    out
}

#[test]
fn committed_files_equal_a_fresh_rendering() {
    for (name, text) in render::files(&cases::cases()) {
        let file = File::ALL.into_iter().find(|f| f.name() == name).unwrap();
        assert!(committed(file) == text, "{name}: {REGENERATE}");
    }
}

#[test]
fn corpus_size_and_coverage() {
    let vectors = committed_vectors();
    assert!(vectors.len() >= 60, "only {} vectors", vectors.len());
    let names: BTreeSet<_> = vectors.iter().map(|(_, v)| v["name"].to_string()).collect();
    assert_eq!(names.len(), vectors.len(), "vector names are unique");
    // Every message type appears in at least one frame vector.
    let mut types = BTreeSet::new();
    for (_, v) in &vectors {
        if v["kind"] == "frame" && v["error"].is_null() {
            let bytes = hex::decode(v["hex"].as_str().unwrap()).unwrap();
            types.insert(from_bytes(&bytes).unwrap().1.message_type());
        }
    }
    assert_eq!(types.len(), MESSAGE_TYPES as usize);
    // Every value variant appears in a value vector.
    let variants: BTreeSet<_> = vectors
        .iter()
        .filter(|(f, v)| *f == File::Values && v["error"].is_null())
        .map(|(_, v)| v["decoded"]["type"].to_string())
        .collect();
    assert_eq!(variants.len(), 18);
}

#[test]
fn every_vector_checks_both_ways() {
    let cases = cases::cases();
    let vectors = committed_vectors();
    assert_eq!(vectors.len(), cases.len(), "{REGENERATE}");
    for (file, v) in &vectors {
        let name = v["name"].as_str().expect("a name");
        let case = cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}: no case; {REGENERATE}"));
        assert_eq!(case.file, *file, "{name}");
        let bytes = hex::decode(v["hex"].as_str().expect("hex")).expect("valid hex");
        assert_eq!(bytes, case.bytes(), "{name}: encoding differs from hex");
        check(case, &bytes, v);
    }
}

fn check(case: &Case, bytes: &[u8], v: &Json) {
    let name = case.name;
    let decoded = &v["decoded"];
    match &case.kind {
        Kind::Value(value) | Kind::ValueNonCanonical { value, .. } => {
            let (got, rest) = postcard::take_from_bytes::<Value<'_>>(bytes).expect(name);
            assert!(rest.is_empty(), "{name}: trailing bytes");
            assert_eq!(&got, value, "{name}");
            assert_eq!(&render::value(&got), decoded, "{name}");
            let canonical = cases::value_bytes(value) == bytes;
            assert_eq!(canonical, v.get("canonical").is_none(), "{name}");
        }
        Kind::BadValue(_) => {
            assert!(
                postcard::take_from_bytes::<Value<'_>>(bytes).is_err(),
                "{name}"
            );
            let expected = codec_error(CodecError::Message(
                applink::message::MessageError::Malformed,
            ));
            assert_eq!(v["error"], expected, "{name}");
        }
        Kind::Frame { header, message }
        | Kind::FrameNonCanonical {
            header, message, ..
        } => {
            let (h, m) = from_bytes(bytes).expect(name);
            assert_eq!((&h, &m), (header, message), "{name}");
            assert_eq!(&framed(&h, &m), decoded, "{name}");
            let canonical = cases::frame(header, message) == bytes;
            assert_eq!(canonical, v.get("canonical").is_none(), "{name}");
            if canonical {
                assert_eq!(applink::encoded_len(header, message), bytes.len(), "{name}");
            }
        }
        Kind::Secured {
            header,
            ciphertext,
            tag,
        } => {
            let frame = Frame::parse(bytes).expect(name);
            assert_eq!(&frame.header, header, "{name}");
            assert_eq!(frame.header_bytes, &bytes[..header.buffer_len()], "{name}");
            assert_eq!(frame.body, &ciphertext[..], "{name}");
            assert_eq!(frame.tag, Some(tag), "{name}");
            let rendered = json!({
                "header": render::header(&frame.header),
                "ciphertext": hex::encode(frame.body),
                "tag": hex::encode(frame.tag.unwrap()),
            });
            assert_eq!(&rendered, decoded, "{name}");
            assert_eq!(from_bytes(bytes), Err(CodecError::Secured), "{name}");
        }
        Kind::BadFrame { error, .. } => {
            let got = from_bytes(bytes).expect_err(name);
            assert_eq!(got, *error, "{name}");
            assert_eq!(v["error"], codec_error(got), "{name}");
        }
        Kind::Stream { capacity, .. } => {
            let expected = &decoded["events"];
            assert_eq!(decoded["capacity"], json!(capacity), "{name}");
            for chunk in [1, 2, 7, bytes.len()] {
                let got = match *capacity {
                    cases::STREAM_CAPACITY => deframe::<{ cases::STREAM_CAPACITY }>(bytes, chunk),
                    cases::STREAM_CAPACITY_DEFAULT_FRAME => {
                        deframe::<{ cases::STREAM_CAPACITY_DEFAULT_FRAME }>(bytes, chunk)
                    }
                    other => panic!("{name}: no receiver of capacity {other}"),
                };
                assert_eq!(&Json::Array(got), expected, "{name}: chunks of {chunk}");
            }
        }
        Kind::Segmentation {
            frame,
            tag,
            mtu,
            segments,
        } => {
            let mut s = Segmenter::new(frame, *tag, *mtu).expect(name);
            assert_eq!(s.segment_count(), segments.len(), "{name}");
            let mut out = vec![0u8; *mtu];
            let mut r = Reassembler::<1, 1024>::new(Duration::from_secs(1));
            let mut got = Vec::new();
            let mut whole = None;
            while let Some(n) = s.next_segment(&mut out) {
                let seg = &out[..n.expect(name)];
                got.push(hex::encode(seg));
                if let Some(m) = r.push(seg, Instant::ZERO).expect(name) {
                    whole = Some(m.to_vec());
                }
            }
            let listed: Vec<String> = segments.iter().map(hex::encode).collect();
            assert_eq!(got, listed, "{name}");
            assert_eq!(decoded["segments"], json!(got), "{name}");
            assert_eq!(whole.as_deref(), Some(&frame[..]), "{name}");
        }
        Kind::Reassembly { steps } => {
            assert_eq!(decoded["slots"], json!(REASSEMBLY_SLOTS), "{name}");
            assert_eq!(decoded["capacity"], json!(REASSEMBLY_CAPACITY), "{name}");
            let timeout = decoded["timeout_ms"].as_u64().expect("timeout_ms");
            let mut r = Reassembler::<REASSEMBLY_SLOTS, REASSEMBLY_CAPACITY>::new(
                Duration::from_millis(timeout),
            );
            let listed = decoded["steps"].as_array().expect("steps");
            assert_eq!(listed.len(), steps.len(), "{name}");
            for (i, (step, json_step)) in steps.iter().zip(listed).enumerate() {
                let segment = hex::decode(json_step["segment"].as_str().unwrap()).unwrap();
                assert_eq!(segment, step.segment, "{name} step {i}");
                let at = Instant::from_millis(json_step["at_ms"].as_u64().unwrap());
                let got = match r.push(&segment, at) {
                    Ok(None) => json!({"type": "Pending"}),
                    Ok(Some(m)) => json!({"type": "Complete", "message": hex::encode(m)}),
                    Err(e) => json!({"type": "Error", "error": wire_error(e)}),
                };
                let want = match &step.expect {
                    Expect::Pending => json!({"type": "Pending"}),
                    Expect::Complete(m) => json!({"type": "Complete", "message": hex::encode(m)}),
                    Expect::Error(e) => json!({"type": "Error", "error": wire_error(*e)}),
                };
                assert_eq!(got, want, "{name} step {i}");
                assert_eq!(json_step["result"], got, "{name} step {i}");
            }
            let last = &listed.last().expect("a step")["result"];
            assert_eq!(
                v["error"], last["error"],
                "{name}: error is the last step's"
            );
        }
    }
}

/// Feeds `input` to an `N`-byte deframer in `chunk`-byte pieces and renders
/// every event.
fn deframe<const N: usize>(input: &[u8], chunk: usize) -> Vec<Json> {
    let mut d = Deframer::<N>::new();
    let mut events = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        let mut rest = piece;
        loop {
            match d.feed(rest) {
                Feed::Consumed => break,
                Feed::Frame { frame, remaining } => {
                    let mut buf = vec![0u8; frame.buffer_len()];
                    frame.emit(&mut buf).expect("re-emits");
                    let (h, m): (_, Message<'_>) = from_bytes(&buf).expect("a plaintext frame");
                    events.push(json!({
                        "type": "Frame",
                        "frame": hex::encode(&buf),
                        "header": render::header(&h),
                        "message": render::message(&m),
                    }));
                    rest = remaining;
                }
                Feed::Error { error, remaining } => {
                    events.push(json!({"type": "Error", "error": wire_error(error)}));
                    rest = remaining;
                }
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    events
}
