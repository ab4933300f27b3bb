//! `spec/vectors/advertisement.json`, checked both ways: every payload and
//! TXT record decodes to the value (or the named rejection) the file lists,
//! every canonical value encodes to the listed bytes, every rotation is
//! recomputed from its inputs, and the file is exactly what
//! `examples/gen_advertisement_vectors.rs` writes.

#[path = "../examples/gen_advertisement_vectors.rs"]
mod generator;

use applink::advertisement::{
    self, Advertisement, AdvertisementError, AdvertisingKey, Identifier, Model, TxtError, epoch_at,
    rotating_id,
};
use applink::crypto::CryptoProvider;
use applink::message::{Fixed, VendorId};
use serde_json::Value as Json;

fn load() -> (String, Json) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/advertisement.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json = serde_json::from_str(&text).unwrap();
    (text, json)
}

fn vectors(kind: &str) -> Vec<Json> {
    let (_, json) = load();
    assert_eq!(json["format"], 1);
    json["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == kind)
        .cloned()
        .collect()
}

fn bytes(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn array<const N: usize>(v: &Json) -> [u8; N] {
    bytes(v).try_into().unwrap()
}

fn num<T: TryFrom<u64>>(v: &Json) -> T {
    T::try_from(v.as_u64().unwrap()).ok().unwrap()
}

/// The advertisement a `decoded` object names, read from the JSON alone.
fn from_json(d: &Json) -> Advertisement {
    let id = match d["id"]["type"].as_str().unwrap() {
        "Device" => Identifier::Device(array(&d["id"]["device_id"])),
        "Rotating" => Identifier::Rotating {
            id: array(&d["id"]["id"]),
            epoch: num(&d["id"]["epoch"]),
        },
        other => panic!("unknown id type {other}"),
    };
    Advertisement {
        model: Model {
            vendor: VendorId(num(&d["vendor"])),
            product: num(&d["product"]),
            protocol_min: num(&d["protocol_min"]),
            protocol_max: num(&d["protocol_max"]),
        },
        pairing_window_open: d["pairing_window_open"].as_bool().unwrap(),
        id,
        descriptor: array(&d["descriptor"]),
        discriminator: d["discriminator"].as_u64().map(|n| n as u16),
    }
}

fn payload_error_matches(e: AdvertisementError, j: &Json) -> bool {
    match e {
        AdvertisementError::Truncated { len } => j["type"] == "Truncated" && j["len"] == len,
        AdvertisementError::TooLong { len } => j["type"] == "TooLong" && j["len"] == len,
        AdvertisementError::UnknownFormat { format } => {
            j["type"] == "UnknownFormat" && j["format"] == format
        }
        AdvertisementError::BadProtocolRange { min, max } => {
            j["type"] == "BadProtocolRange" && j["min"] == min && j["max"] == max
        }
        _ => false,
    }
}

fn txt_error_matches(e: TxtError, j: &Json) -> bool {
    match e {
        TxtError::MissingVersion => j["type"] == "MissingVersion",
        TxtError::UnknownVersion => j["type"] == "UnknownVersion",
        TxtError::MissingPayload => j["type"] == "MissingPayload",
        TxtError::BadHex => j["type"] == "BadHex",
        TxtError::Payload(p) => j["type"] == "Payload" && payload_error_matches(p, &j["error"]),
        _ => false,
    }
}

fn canonical(v: &Json) -> bool {
    v["canonical"] != false
}

#[test]
fn file_is_up_to_date() {
    assert!(
        load().0 == generator::render(),
        "advertisement.json is stale: run `cargo run --example gen_advertisement_vectors`"
    );
}

#[test]
fn payloads_both_ways() {
    let vs = vectors("advertisement");
    assert!(vs.len() >= 10);
    for v in vs {
        let name = v["name"].as_str().unwrap();
        let wire = bytes(&v["hex"]);
        let parsed = Advertisement::parse(&wire);
        if v["decoded"].is_null() {
            let e = parsed.expect_err(name);
            assert!(payload_error_matches(e, &v["error"]), "{name}: {e:?}");
            continue;
        }
        let value = from_json(&v["decoded"]);
        assert_eq!(parsed, Ok(value), "{name}: decode");
        assert!(wire.len() <= advertisement::MAX_LEN, "{name}");
        if canonical(&v) {
            assert_eq!(value.to_bytes().to_vec(), wire, "{name}: encode");
            let mut buf = [0u8; advertisement::MAX_LEN];
            assert_eq!(value.emit(&mut buf), Ok(advertisement::LEN));
            assert_eq!(buf[..advertisement::LEN], wire[..], "{name}: emit");
        } else {
            assert_ne!(
                value.to_bytes().to_vec(),
                wire,
                "{name}: marked non-canonical"
            );
        }
    }
}

#[test]
fn txt_records_both_ways() {
    for v in vectors("txt") {
        let name = v["name"].as_str().unwrap();
        let entries: Vec<(String, String)> = v["txt"]
            .as_array()
            .unwrap()
            .iter()
            .map(|kv| {
                let kv = kv.as_array().unwrap();
                (
                    kv[0].as_str().unwrap().into(),
                    kv[1].as_str().unwrap().into(),
                )
            })
            .collect();
        let parsed = Advertisement::from_txt(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if v["decoded"].is_null() {
            let e = parsed.expect_err(name);
            assert!(txt_error_matches(e, &v["error"]), "{name}: {e:?}");
            continue;
        }
        let value = from_json(&v["decoded"]);
        assert_eq!(parsed, Ok(value), "{name}: decode");
        assert_eq!(
            value.to_bytes().to_vec(),
            bytes(&v["hex"]),
            "{name}: payload"
        );
        let emitted: Vec<(String, String)> = value
            .to_txt()
            .entries()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(emitted == entries, canonical(&v), "{name}: encode");
    }
}

#[test]
fn rotations_recomputed_from_their_inputs() {
    let p = generator::crypto();
    let vs = vectors("rotation");
    assert!(vs.len() >= 3);
    let mut keys = Vec::new();
    for v in vs {
        let name = v["name"].as_str().unwrap();
        let r = &v["rotation"];
        let device: [u8; 8] = array(&r["device_id"]);
        let public = p.x25519_public(&p.x25519_import(&array(&r["appliance_static_secret"])));
        assert_eq!(public, array::<32>(&r["appliance_static_public"]), "{name}");
        let key = AdvertisingKey::derive(&p, &device, &public);
        assert_eq!(key.as_bytes(), &array::<32>(&r["key"]), "{name}: key");
        let mut hkdf = [0u8; 32];
        p.hkdf_sha256(advertisement::KEY_SALT, &public, &[&device], &mut hkdf)
            .unwrap();
        assert_eq!(&hkdf, key.as_bytes(), "{name}: the key is HKDF-SHA256");
        let epoch: u16 = num(&r["epoch"]);
        assert_eq!(
            epoch_at(r["unix_seconds"].as_u64().unwrap()),
            epoch,
            "{name}"
        );
        let hmac = p.hmac_sha256(key.as_bytes(), &[&epoch.to_le_bytes()]);
        assert_eq!(hmac, array::<32>(&r["hmac"]), "{name}: hmac");
        assert_eq!(rotating_id(&p, &key, epoch), array::<8>(&r["rotating_id"]));
        let value = from_json(&v["decoded"]);
        let made = Advertisement::paired(
            &p,
            &key,
            epoch,
            value.model,
            num(&r["discriminator"]),
            &Fixed(array(&r["descriptor_hash"])),
            value.pairing_window_open,
        );
        assert_eq!(made, value, "{name}: paired");
        assert_eq!(made.to_bytes().to_vec(), bytes(&v["hex"]), "{name}: encode");
        let parsed = Advertisement::parse(&bytes(&v["hex"])).unwrap();
        assert_eq!(
            parsed.recognise(&p, &key),
            Some(array::<4>(&r["descriptor_prefix"])),
            "{name}: a paired phone recognises it"
        );
        let mask: [u8; 4] = array(&r["mask"]);
        let prefix: [u8; 4] = array(&r["descriptor_prefix"]);
        let masked: Vec<u8> = prefix.iter().zip(mask).map(|(a, b)| a ^ b).collect();
        assert_eq!(masked, value.descriptor.to_vec(), "{name}: mask");
        keys.push((name.to_string(), key, parsed));
    }
    // No key recognises another device's advertisement; one epoch's id is
    // not another's.
    for (a, key, _) in &keys {
        for (b, _, ad) in &keys {
            let same_device = a.starts_with("rotation_epoch") == b.starts_with("rotation_epoch");
            if !same_device {
                assert_eq!(ad.recognise(&p, key), None, "{a} recognised {b}");
            }
        }
    }
}

#[test]
fn every_rejection_is_named_in_the_file() {
    let (text, _) = load();
    for name in [
        "Truncated",
        "TooLong",
        "UnknownFormat",
        "BadProtocolRange",
        "MissingVersion",
        "UnknownVersion",
        "MissingPayload",
        "BadHex",
        "Payload",
    ] {
        assert!(
            text.contains(&format!("\"type\": \"{name}\"")),
            "{name} has no vector"
        );
    }
}

#[test]
fn malformed_payloads_are_rejected_by_name() {
    let good = Advertisement::parse(&bytes(&vectors("advertisement")[0]["hex"])).unwrap();
    let u = good.to_bytes();
    let cases: [(&[u8], AdvertisementError); 4] = [
        (&u[..3], AdvertisementError::Truncated { len: 3 }),
        (&[0u8; 30], AdvertisementError::TooLong { len: 30 }),
        (
            &[&[9u8][..], &u[1..]].concat(),
            AdvertisementError::UnknownFormat { format: 9 },
        ),
        (
            &[&u[..1], &[2, 1], &u[3..]].concat(),
            AdvertisementError::BadProtocolRange { min: 2, max: 1 },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(Advertisement::parse(input), Err(expected));
    }
    // Every truncation and every single-byte change either parses or is
    // one of the named rejections; none panics.
    for len in 0..u.len() {
        assert_eq!(
            Advertisement::parse(&u[..len]),
            Err(AdvertisementError::Truncated { len })
        );
    }
    for at in 0..u.len() {
        for byte in 0..=255u8 {
            let mut v = u;
            v[at] = byte;
            let _ = Advertisement::parse(&v);
            let hex = hex::encode(v);
            let _ = Advertisement::from_txt([("v", "1"), ("ad", hex.as_str())]);
        }
    }
}
