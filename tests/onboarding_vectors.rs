//! `spec/vectors/onboarding.json`, checked both ways: every vector's fields
//! encode to exactly its text (when the text is canonical), every text
//! decodes to exactly its fields or is refused with exactly its error, the
//! packed bytes are what the body spells in base 32, and the committed file
//! is exactly what `examples/gen_onboarding_vectors.rs` writes.

#[path = "../examples/gen_onboarding_vectors.rs"]
#[allow(dead_code)]
mod generator;

use std::collections::BTreeSet;

use applink::onboarding::{
    Discriminator, Field, Flags, ManualCode, OnboardingError, QrPayload, SetupCode,
    ShortDiscriminator, Transports,
};
use serde_json::Value as Json;

const REGENERATE: &str =
    "spec/vectors/onboarding.json is stale: run `cargo run --example gen_onboarding_vectors`";

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/onboarding.json");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn vectors() -> Vec<Json> {
    let doc: Json = serde_json::from_str(&committed()).expect("valid JSON");
    assert_eq!(doc["format"], generator::FORMAT);
    doc["vectors"].as_array().expect("a vectors array").clone()
}

fn num<T: TryFrom<u64>>(v: &Json) -> T {
    T::try_from(v.as_u64().expect("a number"))
        .ok()
        .expect("in range")
}

/// A vector's `error` object as the crate's error: the reverse of the
/// generator's mapping.
fn expected_error(e: &Json) -> OnboardingError {
    let field = |name: &str| match name {
        "SetupCode" => Field::SetupCode,
        "Flags" => Field::Flags,
        "Transports" => Field::Transports,
        "ShortDiscriminator" => Field::ShortDiscriminator,
        other => panic!("unknown field {other}"),
    };
    match e["type"].as_str().expect("an error type") {
        "BadPrefix" => OnboardingError::BadPrefix,
        "UnknownVersion" => OnboardingError::UnknownVersion {
            version: num(&e["version"]),
        },
        "BadCharacter" => OnboardingError::BadCharacter {
            index: num(&e["index"]),
        },
        "WrongLength" => OnboardingError::WrongLength {
            expected: num(&e["expected"]),
            found: num(&e["found"]),
        },
        "ChecksumMismatch" => OnboardingError::ChecksumMismatch,
        "CheckDigit" => OnboardingError::CheckDigit,
        "FieldOutOfRange" => OnboardingError::FieldOutOfRange {
            field: field(e["field"].as_str().unwrap()),
        },
        "TrivialSetupCode" => OnboardingError::TrivialSetupCode,
        other => panic!("unknown error {other}"),
    }
}

fn setup_code(v: &Json) -> SetupCode {
    SetupCode::parse(v.as_str().unwrap()).expect("a valid setup code")
}

fn qr_payload(d: &Json) -> QrPayload {
    assert_eq!(d["version"], 1);
    QrPayload {
        vendor_id: num(&d["vendor_id"]),
        product_id: num(&d["product_id"]),
        device_id: hex::decode(d["device_id"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap(),
        discriminator: Discriminator::new(num(&d["discriminator"])).unwrap(),
        setup_code: setup_code(&d["setup_code"]),
        transports: Transports::from_bits(num(&d["transports"])).unwrap(),
        flags: Flags::from_bits(num(&d["flags"])).unwrap(),
    }
}

fn manual_code(d: &Json) -> ManualCode {
    assert_eq!(d["version"], 1);
    ManualCode {
        short_discriminator: ShortDiscriminator::new(num(&d["short_discriminator"])).unwrap(),
        setup_code: setup_code(&d["setup_code"]),
        one_time: d["one_time"].as_bool().unwrap(),
    }
}

/// RFC 4648 base 32, written here independently of the crate.
fn base32_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .bytes()
            .position(|a| a == c)
            .expect("a base-32 character") as u64;
        bits = bits << 5 | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn committed_file_equals_a_fresh_rendering() {
    assert!(committed() == generator::render(), "{REGENERATE}");
}

#[test]
fn qr_vectors_both_ways() {
    for v in vectors().iter().filter(|v| v["kind"] == "qr") {
        let name = v["name"].as_str().unwrap();
        let text = v["text"].as_str().unwrap();
        assert!(
            v.get("canonical").is_none(),
            "{name}: a QR string has one spelling"
        );
        if let Some(packed) = v.get("packed") {
            assert_eq!(text.len(), 36, "{name}");
            assert_eq!(
                hex::encode(base32_decode(&text[4..])),
                packed.as_str().unwrap(),
                "{name}: packed"
            );
        }
        if v["decoded"].is_null() {
            let error = expected_error(&v["error"]);
            assert_eq!(QrPayload::parse(text), Err(error), "{name}: decode");
            continue;
        }
        assert!(v.get("error").is_none(), "{name}");
        let payload = qr_payload(&v["decoded"]);
        assert_eq!(payload.encode().as_str(), text, "{name}: encode");
        assert_eq!(payload.to_string(), text, "{name}: Display");
        assert_eq!(QrPayload::parse(text), Ok(payload), "{name}: decode");
        let manual = v["manual_code"].as_str().unwrap();
        assert_eq!(payload.manual_code().encode().as_str(), manual, "{name}");
        assert_eq!(
            ManualCode::parse(manual),
            Ok(payload.manual_code()),
            "{name}"
        );
    }
}

#[test]
fn manual_vectors_both_ways() {
    for v in vectors().iter().filter(|v| v["kind"] == "manual") {
        let name = v["name"].as_str().unwrap();
        let text = v["text"].as_str().unwrap();
        if v["decoded"].is_null() {
            let error = expected_error(&v["error"]);
            assert_eq!(ManualCode::parse(text), Err(error), "{name}: decode");
            continue;
        }
        assert!(v.get("error").is_none(), "{name}");
        let code = manual_code(&v["decoded"]);
        assert_eq!(ManualCode::parse(text), Ok(code), "{name}: decode");
        let printed = v["printed"].as_str().unwrap();
        assert_eq!(code.encode().as_str(), printed, "{name}: encode");
        assert_eq!(code.to_string(), printed, "{name}: Display");
        let canonical = v.get("canonical").is_none();
        assert_eq!(canonical, text == printed, "{name}: canonical");
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(code.digits(), digits.as_bytes(), "{name}: digits");
    }
}

#[test]
fn names_are_unique_and_every_rejection_is_covered() {
    let vectors = vectors();
    let names: BTreeSet<_> = vectors.iter().map(|v| v["name"].to_string()).collect();
    assert_eq!(names.len(), vectors.len(), "vector names are unique");
    for kind in ["qr", "manual"] {
        let errors: BTreeSet<String> = vectors
            .iter()
            .filter(|v| v["kind"] == kind && !v["error"].is_null())
            .map(|v| {
                let e = &v["error"];
                match e.get("field") {
                    Some(f) => format!("FieldOutOfRange:{}", f.as_str().unwrap()),
                    None => e["type"].as_str().unwrap().to_string(),
                }
            })
            .collect();
        let expected: &[&str] = match kind {
            "qr" => &[
                "BadPrefix",
                "UnknownVersion",
                "WrongLength",
                "BadCharacter",
                "ChecksumMismatch",
                "FieldOutOfRange:SetupCode",
                "FieldOutOfRange:Flags",
                "FieldOutOfRange:Transports",
                "TrivialSetupCode",
            ],
            _ => &[
                "WrongLength",
                "BadCharacter",
                "CheckDigit",
                "UnknownVersion",
                "FieldOutOfRange:ShortDiscriminator",
                "TrivialSetupCode",
            ],
        };
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(errors, expected, "{kind}: rejections covered");
    }
}

#[test]
fn the_demo_washer() {
    let washer = generator::demo_washer();
    assert_eq!(washer.encode(), "AL1:6H7UEACXIFJUQMBQGQZHMXW7CFBFUOB5");
    assert_eq!(washer.manual_code().encode(), "1413-1415-9268");
}
