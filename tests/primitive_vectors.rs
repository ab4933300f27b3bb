//! `spec/vectors/primitives.json`, checked against the crate's software
//! provider (`RustCrypto`, through `os_crypto`): every vector read from the
//! committed file, each primitive run in both directions where it has two
//! (seal and open, both X25519 parties, both SPAKE2+ roles, both Noise
//! roles), every refusal refused with the listed error, and the file
//! exactly what `examples/gen_primitive_vectors.rs` writes.

#[path = "../examples/gen_primitive_vectors.rs"]
#[allow(dead_code)]
mod generator;

use std::collections::BTreeSet;

use applink::crypto::setup_code::{self, SetupCode};
use applink::crypto::spake2plus::{self, Context, ProverSecret, VerifierRecord};
use applink::crypto::{CryptoError, CryptoProvider, NONCE_LEN, TAG_LEN, noise, os_crypto};
use serde_json::Value as Json;

const REGENERATE: &str =
    "spec/vectors/primitives.json is stale: run `cargo run --example gen_primitive_vectors`";

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/primitives.json");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn vectors() -> Vec<Json> {
    let doc: Json = serde_json::from_str(&committed()).expect("valid JSON");
    assert_eq!(doc["format"], generator::FORMAT);
    doc["vectors"].as_array().expect("a vectors array").clone()
}

fn bytes(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().expect("a hex string")).expect("lowercase hex")
}

fn array<const N: usize>(v: &Json) -> [u8; N] {
    bytes(v).try_into().expect("the right length")
}

fn num(v: &Json) -> u64 {
    v.as_u64().expect("a number")
}

type P = applink::crypto::OsCrypto;

fn sha256(p: &P, v: &Json) {
    let message = bytes(&v["input"]["message"]);
    let digest = bytes(&v["output"]["digest"]);
    assert_eq!(p.sha256(&[&message]).to_vec(), digest);
    // The same digest when the message arrives in two pieces.
    let (a, b) = message.split_at(message.len() / 2);
    assert_eq!(p.sha256(&[a, b]).to_vec(), digest);
}

fn hmac(p: &P, v: &Json) {
    let mac = bytes(&v["output"]["mac"]);
    let got = p.hmac_sha256(&bytes(&v["input"]["key"]), &[&bytes(&v["input"]["data"])]);
    assert_eq!(&got[..mac.len()], &mac[..]);
}

fn hkdf(p: &P, v: &Json) {
    let i = &v["input"];
    let (ikm, salt, info) = (bytes(&i["ikm"]), bytes(&i["salt"]), bytes(&i["info"]));
    let okm = bytes(&v["output"]["okm"]);
    assert_eq!(okm.len() as u64, num(&i["length"]));
    let mut out = vec![0u8; okm.len()];
    p.hkdf_sha256(&salt, &ikm, &[&info], &mut out).unwrap();
    assert_eq!(out, okm);
    // PRK = HMAC(salt, ikm); an absent salt is HashLen zero bytes, which
    // HMAC treats like the empty key.
    assert_eq!(
        p.hmac_sha256(&salt, &[&ikm]).to_vec(),
        bytes(&v["output"]["prk"])
    );
    assert_eq!(
        p.hmac_sha256(&[0; 32], &[&ikm]),
        p.hmac_sha256(&[], &[&ikm])
    );
}

fn x25519(p: &P, v: &Json) {
    let scalar: [u8; 32] = array(&v["input"]["scalar"]);
    let u: [u8; 32] = array(&v["input"]["u"]);
    let secret = p.x25519_import(&scalar);
    let got = p.x25519(&secret, &u);
    if let Some(e) = v.get("error") {
        assert_eq!(e["type"], "AllZeroOutput");
        assert_eq!(got, Err(CryptoError::LowOrderKey));
        return;
    }
    let out: [u8; 32] = array(&v["output"]["u"]);
    assert_eq!(got, Ok(out));
    let mut base = [0u8; 32];
    base[0] = 9;
    if u == base {
        assert_eq!(p.x25519_public(&secret), out, "the public-key path agrees");
    }
}

fn x25519_iterated(p: &P, v: &Json) {
    let mut k: [u8; 32] = array(&v["input"]["k"]);
    let mut u: [u8; 32] = array(&v["input"]["u"]);
    for _ in 0..num(&v["input"]["iterations"]) {
        let next = p.x25519(&p.x25519_import(&k), &u).unwrap();
        u = k;
        k = next;
    }
    assert_eq!(k, array::<32>(&v["output"]["k"]));
}

fn aead_inputs(v: &Json) -> ([u8; 32], [u8; NONCE_LEN], Vec<u8>) {
    let i = &v["input"];
    (array(&i["key"]), array(&i["nonce"]), bytes(&i["aad"]))
}

fn aead(p: &P, v: &Json) {
    let (key, nonce, aad) = aead_inputs(v);
    let plaintext = bytes(&v["input"]["plaintext"]);
    let ciphertext = bytes(&v["output"]["ciphertext"]);
    let tag: [u8; TAG_LEN] = array(&v["output"]["tag"]);
    let mut buf = plaintext.clone();
    assert_eq!(p.aead_seal(&key, &nonce, &aad, &mut buf), Ok(tag));
    assert_eq!(buf, ciphertext);
    assert_eq!(p.aead_open(&key, &nonce, &aad, &mut buf, &tag), Ok(()));
    assert_eq!(buf, plaintext);
}

fn aead_open_refused(p: &P, v: &Json) {
    let (key, nonce, aad) = aead_inputs(v);
    assert_eq!(v["error"]["type"], "Authentication");
    let ciphertext = bytes(&v["input"]["ciphertext"]);
    let tag: [u8; TAG_LEN] = array(&v["input"]["tag"]);
    let mut buf = ciphertext.clone();
    assert_eq!(
        p.aead_open(&key, &nonce, &aad, &mut buf, &tag),
        Err(CryptoError::Authentication)
    );
    assert!(
        buf == ciphertext || buf.iter().all(|b| *b == 0),
        "no unauthenticated plaintext is released"
    );
}

/// RFC 9383's transcript, built from its parts as a port builds it: each
/// item preceded by its length as 8 bytes little-endian.
fn transcript(items: &[&[u8]]) -> Vec<u8> {
    let mut tt = Vec::new();
    for item in items {
        tt.extend_from_slice(&(item.len() as u64).to_le_bytes());
        tt.extend_from_slice(item);
    }
    tt
}

struct Spake<'a> {
    context: Vec<u8>,
    id_p: Vec<u8>,
    id_v: Vec<u8>,
    input: &'a Json,
}

impl<'a> Spake<'a> {
    fn new(v: &'a Json) -> Self {
        let i = &v["input"];
        assert_eq!(array::<65>(&i["M"]), spake2plus::M);
        assert_eq!(array::<65>(&i["N"]), spake2plus::N);
        Spake {
            context: bytes(&i["context"]),
            id_p: bytes(&i["idProver"]),
            id_v: bytes(&i["idVerifier"]),
            input: i,
        }
    }

    fn ctx(&self) -> Context<'_> {
        Context {
            context: &self.context,
            prover_id: &self.id_p,
            verifier_id: &self.id_v,
        }
    }

    fn scalar(&self, p: &P, key: &str) -> <P as CryptoProvider>::Scalar {
        p.p256_scalar_reduce(&bytes(&self.input[key])).unwrap()
    }
}

fn spake2plus_run(p: &P, v: &Json) {
    let s = Spake::new(v);
    let o = &v["output"];
    let secret: ProverSecret<P> = ProverSecret {
        w0: s.scalar(p, "w0"),
        w1: s.scalar(p, "w1"),
    };
    let (x, y) = (s.scalar(p, "x"), s.scalar(p, "y"));
    // The verifier holds only w0 and L: its record from those bytes.
    let l: [u8; 65] = array(&o["L"]);
    assert_eq!(
        p.p256_point_encode(&secret.verifier_record(p).l).unwrap(),
        l
    );
    let mut record_bytes = bytes(&s.input["w0"]);
    record_bytes.extend_from_slice(&l);
    let record = VerifierRecord::from_bytes(p, &record_bytes.try_into().unwrap()).unwrap();

    let share_p = spake2plus::prover_share(p, &secret, &x).unwrap();
    assert_eq!(share_p, array::<65>(&o["shareP"]));
    let (share_v, verifier) = spake2plus::verifier_respond(p, &s.ctx(), &record, &y, &share_p)
        .expect("the verifier accepts shareP");
    assert_eq!(share_v, array::<65>(&o["shareV"]));
    let prover = spake2plus::prover_finish(p, &s.ctx(), &secret, &x, &share_p, &share_v)
        .expect("the prover accepts shareV");

    // The transcript and every key from it, as RFC 9383 §3.4 defines them.
    let (z, vv, w0) = (bytes(&o["Z"]), bytes(&o["V"]), bytes(&s.input["w0"]));
    let tt = transcript(&[
        &s.context,
        &s.id_p,
        &s.id_v,
        &spake2plus::M,
        &spake2plus::N,
        &share_p,
        &share_v,
        &z,
        &vv,
        &w0,
    ]);
    assert_eq!(tt, bytes(&o["TT"]));
    let k_main = p.sha256(&[&tt]);
    assert_eq!(k_main.to_vec(), bytes(&o["K_main"]));
    assert_eq!(
        spake2plus::transcript_hash(
            p,
            &s.ctx(),
            &share_p,
            &share_v,
            &array(&o["Z"]),
            &array(&o["V"]),
            &array(&s.input["w0"]),
        ),
        k_main
    );
    let mut confirmation = [0u8; 64];
    p.hkdf_sha256(&[], &k_main, &[b"ConfirmationKeys"], &mut confirmation)
        .unwrap();
    assert_eq!(confirmation[..32].to_vec(), bytes(&o["K_confirmP"]));
    assert_eq!(confirmation[32..].to_vec(), bytes(&o["K_confirmV"]));
    let mut shared = [0u8; 32];
    p.hkdf_sha256(&[], &k_main, &[b"SharedKey"], &mut shared)
        .unwrap();
    assert_eq!(shared.to_vec(), bytes(&o["K_shared"]));
    let confirm_p = p.hmac_sha256(&confirmation[..32], &[&share_v]);
    let confirm_v = p.hmac_sha256(&confirmation[32..], &[&share_p]);
    assert_eq!(confirm_p.to_vec(), bytes(&o["confirmP"]));
    assert_eq!(confirm_v.to_vec(), bytes(&o["confirmV"]));
    // Both roles reach the same keys and accept each other's confirmation.
    for keys in [&prover, &verifier] {
        assert_eq!(keys.confirm_p, confirm_p);
        assert_eq!(keys.confirm_v, confirm_v);
        assert_eq!(keys.shared, shared);
    }
    assert!(prover.check_confirm_v(&confirm_v));
    assert!(verifier.check_confirm_p(&confirm_p));
}

fn spake2plus_refused(p: &P, v: &Json) {
    let s = Spake::new(v);
    assert_eq!(v["error"]["type"], "InvalidPoint");
    let secret: ProverSecret<P> = ProverSecret {
        w0: s.scalar(p, "w0"),
        w1: s.scalar(p, "w1"),
    };
    let record = secret.verifier_record(p);
    let share_p: [u8; 65] = array(&s.input["shareP"]);
    assert_eq!(
        p.p256_point_decode(&share_p).err(),
        Some(CryptoError::InvalidPoint)
    );
    let got = spake2plus::verifier_respond(p, &s.ctx(), &record, &s.scalar(p, "y"), &share_p);
    assert_eq!(got.err(), Some(CryptoError::InvalidPoint));
}

fn noise_ikpsk2(p: &P, v: &Json) {
    let i = &v["input"];
    let o = &v["output"];
    assert_eq!(
        i["protocol_name"].as_str().unwrap().as_bytes(),
        noise::PROTOCOL_NAME
    );
    let prologue = bytes(&i["prologue"]);
    let psk: [u8; 32] = array(&i["psk"]);
    let i_s = p.x25519_import(&array(&i["init_static"]));
    let r_s = p.x25519_import(&array(&i["resp_static"]));
    let remote: [u8; 32] = array(&i["init_remote_static"]);
    assert_eq!(p.x25519_public(&r_s), remote);
    let payloads: Vec<Vec<u8>> = i["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(bytes)
        .collect();
    let messages: Vec<Vec<u8>> = o["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(bytes)
        .collect();
    assert_eq!(payloads.len(), messages.len());
    assert!(messages.len() >= 2, "two handshake messages first");

    let mut out = vec![0u8; 256];
    let mut read = vec![0u8; 256];
    let (initiator, n) = noise::Initiator::write_message_1(
        p,
        &prologue,
        &i_s,
        &remote,
        p.x25519_import(&array(&i["init_ephemeral"])),
        &payloads[0],
        &mut out,
    )
    .unwrap();
    assert_eq!(out[..n], messages[0][..], "message 1, written");
    let (responder, n) =
        noise::Responder::read_message_1(p, &prologue, &r_s, &remote, &messages[0], &mut read)
            .unwrap();
    assert_eq!(read[..n], payloads[0][..], "message 1, read");
    assert_eq!(responder.remote_static(), &p.x25519_public(&i_s));

    let r_e = p.x25519_import(&array(&i["resp_ephemeral"]));
    let (resp, n) = responder
        .write_message_2(p, &r_e, &psk, &payloads[1], &mut out)
        .unwrap();
    assert_eq!(out[..n], messages[1][..], "message 2, written");
    let (init, n) = initiator
        .read_message_2(p, &i_s, &psk, &messages[1], &mut read)
        .unwrap();
    assert_eq!(read[..n], payloads[1][..], "message 2, read");
    let hash: [u8; 32] = array(&o["handshake_hash"]);
    assert_eq!(init.handshake_hash, hash);
    assert_eq!(resp.handshake_hash, hash);

    // Transport: the initiator first, then alternating; each direction's
    // nonce is 4 zero bytes then its own 64-bit counter little-endian.
    for (k, (plain, expected)) in payloads.iter().zip(&messages).enumerate().skip(2) {
        let t = k - 2;
        let (seal_key, open_key) = if t % 2 == 0 {
            (&init.initiator_to_responder, &resp.initiator_to_responder)
        } else {
            (&resp.responder_to_initiator, &init.responder_to_initiator)
        };
        let mut nonce = [0u8; NONCE_LEN];
        nonce[4..].copy_from_slice(&((t / 2) as u64).to_le_bytes());
        let mut body = plain.clone();
        let tag = p.aead_seal(seal_key, &nonce, &[], &mut body).unwrap();
        body.extend_from_slice(&tag);
        assert_eq!(&body, expected, "transport message {t}, sealed");
        let (ct, tag) = expected.split_at(expected.len() - TAG_LEN);
        let mut ct = ct.to_vec();
        p.aead_open(open_key, &nonce, &[], &mut ct, &tag.try_into().unwrap())
            .unwrap();
        assert_eq!(&ct, plain, "transport message {t}, opened");
    }
}

fn argon2id(v: &Json) {
    let i = &v["input"];
    assert_eq!(num(&i["version"]), 0x13);
    let tag = bytes(&v["output"]["tag"]);
    assert_eq!(tag.len() as u64, num(&i["tag_length"]));
    let ad = bytes(&i["associated_data"]);
    let params = argon2::ParamsBuilder::new()
        .m_cost(num(&i["memory_kib"]) as u32)
        .t_cost(num(&i["passes"]) as u32)
        .p_cost(num(&i["lanes"]) as u32)
        .output_len(tag.len())
        .data(argon2::AssociatedData::new(&ad).unwrap())
        .build()
        .unwrap();
    let secret = bytes(&i["secret"]);
    // The Argon2id implementation `setup_code::derive_w0s_w1s` runs.
    let kdf = argon2::Argon2::new_with_secret(
        &secret,
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    )
    .unwrap();
    let mut out = vec![0u8; tag.len()];
    kdf.hash_password_into(&bytes(&i["password"]), &bytes(&i["salt"]), &mut out)
        .unwrap();
    assert_eq!(out, tag);
}

fn setup_code_derivation(p: &P, v: &Json) {
    let i = &v["input"];
    let o = &v["output"];
    assert_eq!(
        (num(&i["memory_kib"]), num(&i["passes"]), num(&i["lanes"])),
        (
            u64::from(setup_code::ARGON2_M_KIB),
            u64::from(setup_code::ARGON2_T),
            u64::from(setup_code::ARGON2_P)
        )
    );
    assert_eq!((num(&i["version"]), num(&i["tag_length"])), (0x13, 80));
    let label = bytes(&i["salt_label"]);
    assert_eq!(label, setup_code::SALT_LABEL);
    let code = SetupCode::parse(i["setup_code"].as_str().unwrap()).unwrap();
    assert_eq!(code.as_bytes().to_vec(), bytes(&o["password"]));
    let device_id: [u8; 8] = array(&i["device_id"]);
    assert_eq!(p.sha256(&[&label, &device_id]).to_vec(), bytes(&o["salt"]));
    let w = setup_code::derive_w0s_w1s(&code, &device_id).unwrap();
    assert_eq!(w.to_vec(), bytes(&o["w0s_w1s"]));
    let secret = ProverSecret::<P>::from_pbkdf_output(p, &w).unwrap();
    assert_eq!(p.p256_scalar_bytes(&secret.w0).to_vec(), bytes(&o["w0"]));
    assert_eq!(p.p256_scalar_bytes(&secret.w1).to_vec(), bytes(&o["w1"]));
    let record = secret.verifier_record(p).to_bytes(p).unwrap();
    assert_eq!(record.to_vec(), bytes(&o["verifier_record"]));
    assert_eq!(record[32..].to_vec(), bytes(&o["L"]));
    // The record reads back, and the reductions are those of HANDSHAKE.md 1.
    assert!(VerifierRecord::from_bytes(p, &record).is_ok());
    assert_eq!(
        p.p256_scalar_bytes(&p.p256_scalar_reduce(&w[..40]).unwrap()),
        record[..32]
    );
}

#[test]
fn every_vector_holds_against_the_software_provider() {
    let p = os_crypto();
    let mut kinds = BTreeSet::new();
    for v in vectors() {
        let name = v["name"].as_str().expect("a name");
        for key in ["kind", "source", "description"] {
            assert!(
                v[key].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: {key}"
            );
        }
        assert!(
            v.get("output").is_some() != v.get("error").is_some(),
            "{name}: output or error"
        );
        let kind = v["kind"].as_str().unwrap();
        kinds.insert(kind.to_owned());
        match kind {
            "sha256" => sha256(&p, &v),
            "hmac_sha256" => hmac(&p, &v),
            "hkdf_sha256" => hkdf(&p, &v),
            "x25519" => x25519(&p, &v),
            "x25519_iterated" => x25519_iterated(&p, &v),
            "chacha20poly1305" => aead(&p, &v),
            "chacha20poly1305_open" => aead_open_refused(&p, &v),
            "spake2plus" => spake2plus_run(&p, &v),
            "spake2plus_verifier" => spake2plus_refused(&p, &v),
            "noise" => noise_ikpsk2(&p, &v),
            "argon2id" => argon2id(&v),
            "setup_code" => setup_code_derivation(&p, &v),
            other => panic!("{name}: unknown kind {other}"),
        }
    }
    let expected: BTreeSet<String> = [
        "sha256",
        "hmac_sha256",
        "hkdf_sha256",
        "x25519",
        "x25519_iterated",
        "chacha20poly1305",
        "chacha20poly1305_open",
        "spake2plus",
        "spake2plus_verifier",
        "noise",
        "argon2id",
        "setup_code",
    ]
    .map(String::from)
    .into();
    assert_eq!(kinds, expected, "every primitive has its known answers");
}

#[test]
fn names_are_unique_here_and_across_the_other_files() {
    let mine: Vec<String> = vectors()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    let set: BTreeSet<&String> = mine.iter().collect();
    assert_eq!(set.len(), mine.len(), "names repeat in primitives.json");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") || path.ends_with("primitives.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for name in &mine {
            assert!(
                !text.contains(&format!("\"name\": \"{name}\"")),
                "{name} is also in {}",
                path.display()
            );
        }
    }
}

#[test]
fn committed_file_equals_a_fresh_rendering() {
    assert!(committed() == generator::render(), "{REGENERATE}");
}
