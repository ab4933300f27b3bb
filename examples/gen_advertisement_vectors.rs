//! Writes `spec/vectors/advertisement.json`: advertisement payloads
//! (spec/DISCOVERY.md section 2), their TXT records (section 4) and the
//! rotating identifier (section 3), with the rejections by name.
//!
//! ```text
//! cargo run --example gen_advertisement_vectors
//! ```
//!
//! `tests/advertisement_vectors.rs` includes this file to check that the
//! committed file is what [`render`] writes, and checks every vector both
//! ways from the JSON alone.

use applink::advertisement::{
    Advertisement, AdvertisementError, AdvertisingKey, Identifier, Model, TxtError, epoch_at,
};
use applink::crypto::{CryptoProvider, RustCrypto};
use applink::message::{Fixed, VendorId};
use serde_json::{Value as Json, json};

/// The demo washer of the onboarding vectors (spec/ONBOARDING.md).
pub const DEMO: Model = Model {
    vendor: VendorId(0xFFF1),
    product: 0x0042,
    protocol_min: 1,
    protocol_max: 1,
};
/// Its device id.
pub const DEMO_ID: [u8; 8] = *b"WASH0042";
/// Its discriminator.
pub const DEMO_DISCRIMINATOR: u16 = 0xA42;
/// A descriptor hash for the vectors (the demo's own depends on its build).
pub const HASH: [u8; 16] = [
    0x9e, 0x41, 0x7c, 0x02, 0x5b, 0xd3, 0x18, 0x66, 0xa0, 0x3f, 0xc4, 0x71, 0x0d, 0xe2, 0x95, 0x2b,
];
/// The appliance's X25519 static secret in the rotation vectors.
pub const STATIC_SECRET: [u8; 32] = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
];
/// The Unix times of the rotation vectors.
pub const TIMES: [u64; 3] = [1_800_000_000, 1_800_000_900, 4_294_967_295];

/// The provider the vectors are computed with: no randomness is drawn, so
/// its entropy is never called.
pub fn crypto() -> RustCrypto<fn(&mut [u8])> {
    RustCrypto::new(|out: &mut [u8]| out.fill(0))
}

/// A decoded advertisement as JSON.
pub fn decoded(a: &Advertisement) -> Json {
    let id = match a.id {
        Identifier::Device(d) => json!({"type": "Device", "device_id": hex::encode(d)}),
        Identifier::Rotating { id, epoch } => {
            json!({"type": "Rotating", "id": hex::encode(id), "epoch": epoch})
        }
    };
    json!({
        "protocol_min": a.model.protocol_min,
        "protocol_max": a.model.protocol_max,
        "pairing_window_open": a.pairing_window_open,
        "vendor": a.model.vendor.0,
        "product": a.model.product,
        "id": id,
        "descriptor": hex::encode(a.descriptor),
        "discriminator": a.discriminator,
    })
}

/// A payload rejection as JSON.
pub fn payload_error(e: AdvertisementError) -> Json {
    match e {
        AdvertisementError::Truncated { len } => json!({"type": "Truncated", "len": len}),
        AdvertisementError::TooLong { len } => json!({"type": "TooLong", "len": len}),
        AdvertisementError::UnknownFormat { format } => {
            json!({"type": "UnknownFormat", "format": format})
        }
        AdvertisementError::BadProtocolRange { min, max } => {
            json!({"type": "BadProtocolRange", "min": min, "max": max})
        }
        other => json!({"type": format!("{other:?}")}),
    }
}

/// A TXT rejection as JSON.
pub fn txt_error(e: TxtError) -> Json {
    match e {
        TxtError::MissingVersion => json!({"type": "MissingVersion"}),
        TxtError::UnknownVersion => json!({"type": "UnknownVersion"}),
        TxtError::MissingPayload => json!({"type": "MissingPayload"}),
        TxtError::BadHex => json!({"type": "BadHex"}),
        TxtError::Payload(p) => json!({"type": "Payload", "error": payload_error(p)}),
        other => json!({"type": format!("{other:?}")}),
    }
}

fn payload_vector(name: &str, description: &str, bytes: &[u8]) -> Json {
    let mut v = json!({
        "name": name,
        "description": description,
        "kind": "advertisement",
        "hex": hex::encode(bytes),
    });
    match Advertisement::parse(bytes) {
        Ok(a) => {
            v["decoded"] = decoded(&a);
            if a.to_bytes()[..] != *bytes {
                v["canonical"] = json!(false);
            }
        }
        Err(e) => {
            v["decoded"] = Json::Null;
            v["error"] = payload_error(e);
        }
    }
    v
}

fn txt_vector(name: &str, description: &str, entries: &[(&str, &str)]) -> Json {
    let mut v = json!({
        "name": name,
        "description": description,
        "kind": "txt",
        "txt": entries.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
    });
    match Advertisement::from_txt(entries.iter().copied()) {
        Ok(a) => {
            v["hex"] = json!(hex::encode(a.to_bytes()));
            v["decoded"] = decoded(&a);
            if a.to_txt().entries() != entries {
                v["canonical"] = json!(false);
            }
        }
        Err(e) => {
            v["hex"] = json!("");
            v["decoded"] = Json::Null;
            v["error"] = txt_error(e);
        }
    }
    v
}

fn rotation_vector(name: &str, device_id: [u8; 8], unix_seconds: u64, window: bool) -> Json {
    let p = crypto();
    let public = p.x25519_public(&p.x25519_import(&STATIC_SECRET));
    let key = AdvertisingKey::derive(&p, &device_id, &public);
    let epoch = epoch_at(unix_seconds);
    let hmac = p.hmac_sha256(key.as_bytes(), &[&epoch.to_le_bytes()]);
    let a = Advertisement::paired(
        &p,
        &key,
        epoch,
        DEMO,
        DEMO_DISCRIMINATOR,
        &Fixed(HASH),
        window,
    );
    let unmasked = a.recognise(&p, &key).expect("its own key recognises it");
    json!({
        "name": name,
        "description": format!(
            "a paired appliance at Unix time {unix_seconds} (epoch {epoch}): the rotating id and the masked descriptor prefix"
        ),
        "kind": "rotation",
        "hex": hex::encode(a.to_bytes()),
        "decoded": decoded(&a),
        "rotation": {
            "device_id": hex::encode(device_id),
            "appliance_static_secret": hex::encode(STATIC_SECRET),
            "appliance_static_public": hex::encode(public),
            "key": hex::encode(key.as_bytes()),
            "unix_seconds": unix_seconds,
            "epoch": epoch,
            "hmac": hex::encode(hmac),
            "rotating_id": hex::encode(&hmac[..8]),
            "mask": hex::encode(&hmac[8..12]),
            "discriminator": DEMO_DISCRIMINATOR,
            "descriptor_hash": hex::encode(HASH),
            "descriptor_prefix": hex::encode(unmasked),
        },
    })
}

/// The file's text.
pub fn render() -> String {
    let p = crypto();
    let unpaired = Advertisement::unpaired(DEMO, DEMO_ID, DEMO_DISCRIMINATOR, &Fixed(HASH), true);
    let closed = Advertisement::unpaired(DEMO, DEMO_ID, DEMO_DISCRIMINATOR, &Fixed(HASH), false);
    let public = p.x25519_public(&p.x25519_import(&STATIC_SECRET));
    let key = AdvertisingKey::derive(&p, &DEMO_ID, &public);
    let paired = Advertisement::paired(
        &p,
        &key,
        epoch_at(TIMES[0]),
        DEMO,
        DEMO_DISCRIMINATOR,
        &Fixed(HASH),
        false,
    );
    let sharing = Advertisement::paired(
        &p,
        &key,
        epoch_at(TIMES[0]),
        DEMO,
        DEMO_DISCRIMINATOR,
        &Fixed(HASH),
        true,
    );
    let other_model = Advertisement::unpaired(
        Model {
            vendor: VendorId(0x1234),
            product: 0xBEEF,
            protocol_min: 1,
            protocol_max: 3,
        },
        [0, 1, 2, 3, 4, 5, 6, 7],
        0x0FFF,
        &Fixed([0xFF; 16]),
        false,
    );
    let u = unpaired.to_bytes();
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut v = u.to_vec();
        f(&mut v);
        v
    };
    let hex_u = hex::encode(u);
    let upper = hex_u.to_ascii_uppercase();
    let short = hex::encode(&u[..u.len() - 1]);
    let mut vectors = vec![
        payload_vector(
            "adv_demo_unpaired_window_open",
            "the demo washer before pairing, pairing window open: its device id in the clear",
            &u,
        ),
        payload_vector(
            "adv_demo_unpaired_window_closed",
            "the same appliance with its pairing window closed (flag W clear)",
            &closed.to_bytes(),
        ),
        payload_vector(
            "adv_demo_paired",
            "the demo washer once paired: rotating id, epoch and masked descriptor prefix (flag P)",
            &paired.to_bytes(),
        ),
        payload_vector(
            "adv_demo_paired_sharing",
            "paired with the window open, as while an admin shares it (flags W and P)",
            &sharing.to_bytes(),
        ),
        payload_vector(
            "adv_other_model",
            "another vendor and product speaking protocol versions 1 to 3",
            &other_model.to_bytes(),
        ),
        payload_vector(
            "adv_reserved_flags",
            "reserved flag bits 3..8 set: ignored",
            &with(&|v| v[3] |= 0xF8),
        ),
        payload_vector(
            "adv_discriminator_reserved_bits",
            "bits 12..16 of the discriminator field set: ignored",
            &with(&|v| v[23] |= 0xF0),
        ),
        payload_vector(
            "adv_discriminator_without_flag",
            "a discriminator field without flag D: ignored",
            &with(&|v| v[3] &= !0x04),
        ),
        payload_vector(
            "adv_unpaired_epoch_set",
            "an epoch in an unpaired advertisement: ignored",
            &with(&|v| v[16] = 7),
        ),
        payload_vector("adv_empty", "no bytes", &[]),
        payload_vector(
            "adv_truncated",
            "one byte short",
            &with(&|v| {
                v.pop();
            }),
        ),
        payload_vector(
            "adv_one_byte_long",
            "25 bytes: more than BLE service data holds",
            &with(&|v| v.push(0)),
        ),
        payload_vector(
            "adv_too_long",
            "32 bytes",
            &with(&|v| v.extend_from_slice(&[0; 8])),
        ),
        payload_vector("adv_unknown_format", "format 2", &with(&|v| v[0] = 2)),
        payload_vector("adv_format_zero", "format 0", &with(&|v| v[0] = 0)),
        payload_vector("adv_protocol_zero", "protocol_min 0", &with(&|v| v[1] = 0)),
        payload_vector(
            "adv_protocol_inverted",
            "protocol_min above protocol_max",
            &with(&|v| {
                v[1] = 3;
                v[2] = 2;
            }),
        ),
        txt_vector(
            "txt_demo_unpaired",
            "the demo washer's TXT record before pairing",
            &unpaired.to_txt().entries(),
        ),
        txt_vector(
            "txt_demo_paired",
            "the demo washer's TXT record once paired",
            &paired.to_txt().entries(),
        ),
        txt_vector(
            "txt_case_insensitive",
            "upper-case keys and hexadecimal digits",
            &[("V", "1"), ("AD", &upper)],
        ),
        txt_vector(
            "txt_unknown_keys_and_order",
            "unknown keys ignored, `ad` before `v`",
            &[("name", "washer"), ("ad", &hex_u), ("x", ""), ("v", "1")],
        ),
        txt_vector(
            "txt_first_key_wins",
            "a repeated key: only the first counts",
            &[("v", "1"), ("ad", &hex_u), ("v", "2"), ("ad", "00")],
        ),
        txt_vector("txt_missing_version", "no `v`", &[("ad", &hex_u)]),
        txt_vector(
            "txt_unknown_version",
            "`v=2`",
            &[("v", "2"), ("ad", &hex_u)],
        ),
        txt_vector(
            "txt_empty_version",
            "`v` without a value",
            &[("v", ""), ("ad", &hex_u)],
        ),
        txt_vector("txt_missing_payload", "no `ad`", &[("v", "1")]),
        txt_vector(
            "txt_odd_hex",
            "an odd number of digits",
            &[("v", "1"), ("ad", &hex_u[..hex_u.len() - 1])],
        ),
        txt_vector(
            "txt_bad_digit",
            "a character that is not a hexadecimal digit",
            &[("v", "1"), ("ad", &hex_u.replacen('0', "g", 1))],
        ),
        txt_vector(
            "txt_payload_truncated",
            "hexadecimal of a payload one byte short",
            &[("v", "1"), ("ad", &short)],
        ),
        txt_vector(
            "txt_payload_unknown_format",
            "hexadecimal of a format-2 payload",
            &[("v", "1"), ("ad", &hex::encode(with(&|v| v[0] = 2)))],
        ),
    ];
    vectors.push(rotation_vector(
        "rotation_epoch_a",
        DEMO_ID,
        TIMES[0],
        false,
    ));
    vectors.push(rotation_vector(
        "rotation_epoch_b",
        DEMO_ID,
        TIMES[1],
        false,
    ));
    vectors.push(rotation_vector(
        "rotation_epoch_wraps",
        DEMO_ID,
        TIMES[2],
        true,
    ));
    vectors.push(rotation_vector(
        "rotation_other_device",
        *b"WASH0043",
        TIMES[0],
        false,
    ));
    let file = json!({
        "format": 1,
        "description": "Advertisement payloads, their mDNS TXT records and rotating identifiers (spec/DISCOVERY.md). Generated by examples/gen_advertisement_vectors.rs.",
        "vectors": vectors,
    });
    let mut text = serde_json::to_string_pretty(&file).expect("JSON");
    text.push('\n');
    text
}

#[allow(dead_code)]
fn main() -> std::io::Result<()> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/advertisement.json"
    );
    std::fs::write(path, render())?;
    println!("wrote {path}");
    Ok(())
}
