//! Writes `spec/vectors/primitives.json`: known answers for every
//! cryptographic primitive applink uses, each copied from its standard and
//! citing it, plus applink's own setup-code derivation (HANDSHAKE.md 1),
//! which no standard publishes.
//!
//! ```text
//! cargo run --example gen_primitive_vectors
//! ```
//!
//! The published values below are copied from their sources (the `source`
//! of each vector names the section); this file computes nothing for them.
//! Only the `setup_code` vector is computed, by the crate, because it is
//! applink's own composition. `tests/primitive_vectors.rs` checks every
//! vector against the crate's software provider (`RustCrypto`) both ways
//! where the primitive has two directions, and fails while the committed
//! file differs from what this program writes.

use applink::crypto::setup_code::{self, SetupCode};
use applink::crypto::{CryptoProvider, noise, os_crypto, spake2plus};
use serde_json::{Value as Json, json};

/// The version of this file's format (spec/vectors/README.md).
pub const FORMAT: u64 = 1;

/// The device id and printed setup code of the `appliance` example's lamp
/// (`cargo run --example appliance` with its default `--code`).
pub const LAMP_DEVICE_ID: [u8; 8] = *b"LAMP0001";
/// The setup code as the `appliance` example prints it.
pub const LAMP_SETUP_CODE: &str = "3141-5926";

fn h(s: &str) -> String {
    // Sources wrap long values over several lines; the file holds them whole.
    s.split_whitespace().collect()
}

fn text(s: &str) -> String {
    hex::encode(s.as_bytes())
}

fn repeat(byte: u8, n: usize) -> String {
    hex::encode(vec![byte; n])
}

fn vector(name: &str, kind: &str, source: &str, description: &str, input: Json) -> Json {
    json!({
        "name": name,
        "kind": kind,
        "source": source,
        "description": description,
        "input": input,
    })
}

fn with(mut v: Json, key: &str, value: Json) -> Json {
    v[key] = value;
    v
}

fn sha256() -> Vec<Json> {
    let one = |name, source, description, message: String, digest: &str| {
        with(
            vector(
                name,
                "sha256",
                source,
                description,
                json!({ "message": message }),
            ),
            "output",
            json!({ "digest": h(digest) }),
        )
    };
    vec![
        one(
            "sha256_empty",
            "NIST CAVP SHAVS, SHA256ShortMsg.rsp, Len = 0",
            "SHA-256 of the empty message",
            String::new(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        one(
            "sha256_fips180_abc",
            "FIPS 180-2 appendix B.1",
            "SHA-256 of \"abc\" (one block)",
            text("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        one(
            "sha256_fips180_two_blocks",
            "FIPS 180-2 appendix B.2",
            "SHA-256 of the 448-bit message \"abcdbcde...nopq\" (two blocks after padding)",
            text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
    ]
}

fn hmac() -> Vec<Json> {
    let one = |case: u32, description, key: String, data: String, mac: &str| {
        with(
            vector(
                &format!("hmac_sha256_rfc4231_{case}"),
                "hmac_sha256",
                &format!("RFC 4231 §4.{}, test case {case}, HMAC-SHA-256", case + 1),
                description,
                json!({ "key": key, "data": data }),
            ),
            "output",
            json!({ "mac": h(mac) }),
        )
    };
    vec![
        one(
            1,
            "a 20-byte key",
            repeat(0x0b, 20),
            text("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        one(
            2,
            "a key shorter than the output",
            text("Jefe"),
            text("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        one(
            3,
            "50 bytes of data",
            repeat(0xaa, 20),
            repeat(0xdd, 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        one(
            4,
            "a 25-byte key",
            "0102030405060708090a0b0c0d0e0f10111213141516171819".into(),
            repeat(0xcd, 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        one(
            5,
            "output truncated to 128 bits: `mac` is the first 16 bytes",
            repeat(0x0c, 20),
            text("Test With Truncation"),
            "a3b6167473100ee06e0c796c2955552b",
        ),
        one(
            6,
            "a key longer than the block (hashed first)",
            repeat(0xaa, 131),
            text("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        one(
            7,
            "a key and data longer than the block",
            repeat(0xaa, 131),
            text(
                "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            ),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ]
}

fn hkdf() -> Vec<Json> {
    let seq = |start: u8| hex::encode((0..80u8).map(|i| start + i).collect::<Vec<_>>());
    let one = |case: u32, description, input: Json, prk: &str, okm: &str| {
        with(
            vector(
                &format!("hkdf_sha256_rfc5869_a{case}"),
                "hkdf_sha256",
                &format!("RFC 5869 appendix A.{case}"),
                description,
                input,
            ),
            "output",
            json!({ "prk": h(prk), "okm": h(okm) }),
        )
    };
    vec![
        one(
            1,
            "basic test case with SHA-256",
            json!({
                "ikm": repeat(0x0b, 22),
                "salt": "000102030405060708090a0b0c",
                "info": "f0f1f2f3f4f5f6f7f8f9",
                "length": 42,
            }),
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf
             34007208d5b887185865",
        ),
        one(
            2,
            "longer inputs and outputs (80-byte ikm, salt and info; 82-byte okm)",
            json!({ "ikm": seq(0x00), "salt": seq(0x60), "info": seq(0xb0), "length": 82 }),
            "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c
             59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71
             cc30c58179ec3e87c14c01d5c1f3434f1d87",
        ),
        one(
            3,
            "zero-length salt and info, the form applink uses (\"empty\" salt, HANDSHAKE.md)",
            json!({ "ikm": repeat(0x0b, 22), "salt": "", "info": "", "length": 42 }),
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d
             9d201395faa4b61a96c8",
        ),
    ]
}

fn x25519() -> Vec<Json> {
    let one = |name, source, description, scalar: &str, u: &str, out: &str| {
        with(
            vector(
                name,
                "x25519",
                source,
                description,
                json!({ "scalar": h(scalar), "u": h(u) }),
            ),
            "output",
            json!({ "u": h(out) }),
        )
    };
    let base = "0900000000000000000000000000000000000000000000000000000000000000";
    let alice = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    let alice_pub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    let bob = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    let bob_pub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    let iterated = |name, n: u64, out: &str| {
        with(
            vector(
                name,
                "x25519_iterated",
                "RFC 7748 §5.2, iterated test",
                &format!("k = u = 9, then {n} times (k, u) = (X25519(k, u), k)"),
                json!({ "k": base, "u": base, "iterations": n }),
            ),
            "output",
            json!({ "k": h(out) }),
        )
    };
    vec![
        one(
            "x25519_rfc7748_5_2_a",
            "RFC 7748 §5.2, first test vector",
            "a scalar whose clamping changes it; the u-coordinate's top bit is masked",
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        ),
        one(
            "x25519_rfc7748_5_2_b",
            "RFC 7748 §5.2, second test vector",
            "a u-coordinate with its top bit set (masked before use)",
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        ),
        iterated(
            "x25519_rfc7748_5_2_iterated_1",
            1,
            "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
        ),
        iterated(
            "x25519_rfc7748_5_2_iterated_1000",
            1000,
            "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
        ),
        one(
            "x25519_rfc7748_6_1_alice_public",
            "RFC 7748 §6.1",
            "Alice's public key: her private key times the base point (u = 9)",
            alice,
            base,
            alice_pub,
        ),
        one(
            "x25519_rfc7748_6_1_bob_public",
            "RFC 7748 §6.1",
            "Bob's public key",
            bob,
            base,
            bob_pub,
        ),
        one(
            "x25519_rfc7748_6_1_alice_shared",
            "RFC 7748 §6.1",
            "the shared secret K, computed by Alice from Bob's public key",
            alice,
            bob_pub,
            shared,
        ),
        one(
            "x25519_rfc7748_6_1_bob_shared",
            "RFC 7748 §6.1",
            "the same K, computed by Bob from Alice's public key",
            bob,
            alice_pub,
            shared,
        ),
        with(
            vector(
                "x25519_all_zero_output_refused",
                "x25519",
                "RFC 7748 §6.1 (the check for the all-zero value), required by applink",
                "u = 0 is a low-order point: the result is all zeros, which applink refuses (a peer's key that yields it ends the handshake)",
                json!({ "scalar": alice, "u": repeat(0, 32) }),
            ),
            "error",
            json!({ "type": "AllZeroOutput" }),
        ),
    ]
}

fn aead() -> Vec<Json> {
    let input = json!({
        "key": "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        "nonce": "070000004041424344454647",
        "aad": "50515253c0c1c2c3c4c5c6c7",
        "plaintext": text("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."),
    });
    let ciphertext = h(
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6
         3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36
         92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
         3ff4def08e4b7a9de576d26586cec64b6116",
    );
    let tag = "1ae10b594f09e26a7e902ecbd0600691";
    let mut forged = input.clone();
    let plain = forged.as_object_mut().and_then(|o| o.remove("plaintext"));
    assert!(plain.is_some());
    forged["ciphertext"] = json!(ciphertext);
    // The last tag byte with its top bit flipped.
    forged["tag"] = json!("1ae10b594f09e26a7e902ecbd0600611");
    vec![
        with(
            vector(
                "chacha20poly1305_rfc8439_2_8_2",
                "chacha20poly1305",
                "RFC 8439 §2.8.2",
                "AEAD_CHACHA20_POLY1305 seal; opening the result gives the plaintext back",
                input,
            ),
            "output",
            json!({ "ciphertext": ciphertext, "tag": tag }),
        ),
        with(
            vector(
                "chacha20poly1305_rfc8439_2_8_2_forged_tag",
                "chacha20poly1305_open",
                "RFC 8439 §2.8.2, the tag altered (one bit of its last byte)",
                "opening with a wrong tag fails and yields no plaintext",
                forged,
            ),
            "error",
            json!({ "type": "Authentication" }),
        ),
    ]
}

fn spake2plus() -> Vec<Json> {
    let input = json!({
        "context": text("SPAKE2+-P256-SHA256-HKDF-SHA256-HMAC-SHA256 Test Vectors"),
        "idProver": text("client"),
        "idVerifier": text("server"),
        "M": hex::encode(spake2plus::M),
        "N": hex::encode(spake2plus::N),
        "w0": "bb8e1bbcf3c48f62c08db243652ae55d3e5586053fca77102994f23ad95491b3",
        "w1": "7e945f34d78785b8a3ef44d0df5a1a97d6b3b460409a345ca7830387a74b1dba",
        "x": "d1232c8e8693d02368976c174e2088851b8365d0d79a9eee709c6a05a2fad539",
        "y": "717a72348a182085109c8d3917d6c43d59b224dc6a7fc4f0483232fa6516d8b3",
    });
    let tt = h(
        "38000000000000005350414b45322b2d503235362d5348413235362d484b4446
         2d5348413235362d484d41432d534841323536205465737420566563746f7273
         0600000000000000636c69656e740600000000000000736572766572410000000000000004886e2f97ace46e55ba9dd7242579f2993b64e16ef3dcab95afd497333d8fa12f5ff355163e43ce224e0b0e65ff02ac8e5c7be09419c785e0ca547d55a12e2d20
         410000000000000004d8bbd6c639c62937b04d997f38c3770719c629d7014d49a24b4f98baa1292b4907d60aa6bfade45008a636337f5168c64d9bd36034808cd564490b1e656edbe7
         410000000000000004ef3bd051bf78a2234ec0df197f7828060fe9856503579bb1733009042c15c0c1de127727f418b5966afadfdd95a6e4591d171056b333dab97a79c7193e341727
         410000000000000004c0f65da0d11927bdf5d560c69e1d7d939a05b0e88291887d679fcadea75810fb5cc1ca7494db39e82ff2f50665255d76173e09986ab46742c798a9a68437b048
         410000000000000004bbfce7dd7f277819c8da21544afb7964705569bdf12fb92aa388059408d50091a0c5f1d3127f56813b5337f9e4e67e2ca633117a4fbd559946ab474356c41839
         41000000000000000458bf27c6bca011c9ce1930e8984a797a3419797b936629a5a937cf2f11c8b9514b82b993da8a46e664f23db7c01edc87faa530db01c2ee405230b18997f16b68
         2000000000000000bb8e1bbcf3c48f62c08db243652ae55d3e5586053fca77102994f23ad95491b3",
    );
    let share_p = "04ef3bd051bf78a2234ec0df197f7828060fe9856503579bb1733009042c15c0c1de127727f418b5966afadfdd95a6e4591d171056b333dab97a79c7193e341727";
    let output = json!({
        "L": "04eb7c9db3d9a9eb1f8adab81b5794c1f13ae3e225efbe91ea487425854c7fc00f00bfedcbd09b2400142d40a14f2064ef31dfaa903b91d1faea7093d835966efd",
        "shareP": share_p,
        "shareV": "04c0f65da0d11927bdf5d560c69e1d7d939a05b0e88291887d679fcadea75810fb5cc1ca7494db39e82ff2f50665255d76173e09986ab46742c798a9a68437b048",
        "Z": "04bbfce7dd7f277819c8da21544afb7964705569bdf12fb92aa388059408d50091a0c5f1d3127f56813b5337f9e4e67e2ca633117a4fbd559946ab474356c41839",
        "V": "0458bf27c6bca011c9ce1930e8984a797a3419797b936629a5a937cf2f11c8b9514b82b993da8a46e664f23db7c01edc87faa530db01c2ee405230b18997f16b68",
        "TT": tt,
        "K_main": "4c59e1ccf2cfb961aa31bd9434478a1089b56cd11542f53d3576fb6c2a438a29",
        "K_confirmP": "871ae3f7b78445e34438fb284504240239031c39d80ac23eb5ab9be5ad6db58a",
        "K_confirmV": "ccd53c7c1fa37b64a462b40db8be101cedcf838950162902054e644b400f1680",
        "confirmP": "926cc713504b9b4d76c9162ded04b5493e89109f6d89462cd33adc46fda27527",
        "confirmV": "9747bcc4f8fe9f63defee53ac9b07876d907d55047e6ff2def2e7529089d3e68",
        "K_shared": "0c5f8ccd1413423a54f6c1fb26ff01534a87f893779c6e68666d772bfd91f3e7",
    });
    let mut off_curve = input.clone();
    // shareP with the last byte of its y-coordinate changed: not on P-256.
    let mut bad = share_p.to_owned();
    bad.replace_range(128..130, "26");
    off_curve["shareP"] = json!(bad);
    vec![
        with(
            vector(
                "spake2plus_rfc9383_p256",
                "spake2plus",
                "RFC 9383 appendix C (SPAKE2+-P256-SHA256-HKDF-SHA256-HMAC-SHA256); M and N from RFC 9383 §4, uncompressed",
                "every value of the published run, both roles",
                input,
            ),
            "output",
            output,
        ),
        with(
            vector(
                "spake2plus_rfc9383_share_off_curve",
                "spake2plus_verifier",
                "RFC 9383 §3.3 (the verifier checks shareP is on the curve), with the appendix C inputs",
                "the appendix C run with shareP's last byte changed: the verifier refuses it before answering",
                off_curve,
            ),
            "error",
            json!({ "type": "InvalidPoint" }),
        ),
    ]
}

fn noise_ikpsk2() -> Json {
    let payloads = [
        "Ludwig von Mises",
        "Murray Rothbard",
        "F. A. Hayek",
        "Carl Menger",
        "Jean-Baptiste Say",
    ]
    .map(text)
    .to_vec();
    let mut payloads = payloads;
    // "Eugen Böhm von Bawerk" with ö as the single byte 0xf6.
    payloads.push("457567656e2042f6686d20766f6e2042617765726b".into());
    let messages = [
        "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944
         2ec9b09893d0f510791784c10cbc959f25b1766e0def6e301d14fbca1c7790ac
         829b8b3674f5f649a5f0e98479662cbfbf2b2c47cd4b09fcd266cd29d7cb675f
         1808849707847840f6d178ec4d3733aa",
        "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843
         9a1b3cebf680b2c74217fcb5eba4ff58a9468cd90c4aca6194f57479b379a7",
        "a8fde7a0accec190cd306c5950d4fd8e04a205ec288aa747d8b347",
        "59caddd9984a3bbe24c4fb31a2bd455b7eba3fa0980674b1a3a5f9",
        "3b9bfebd210c22ba0cff9de79b4007d7a552fffbf92616881faa8a883e25b80258",
        "f37512df1043d564d7c46ac85c53d3b6a9a05724bc297e7142808f217561651217fe85b782",
    ]
    .map(h);
    with(
        vector(
            "noise_ikpsk2_cacophony",
            "noise",
            "cacophony test vectors (haskell-cryptography/cacophony, vectors/cacophony.txt), Noise_IKpsk2_25519_ChaChaPoly_SHA256; the Noise Protocol Framework revision 34",
            "the pattern applink's resumption uses (HANDSHAKE.md 4), with cacophony's prologue, keys and payloads: both handshake messages and four transport messages",
            json!({
                "protocol_name": String::from_utf8_lossy(noise::PROTOCOL_NAME),
                "prologue": text("John Galt"),
                "psk": "54686973206973206d7920417573747269616e20706572737065637469766521",
                "init_static": "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
                "init_ephemeral": "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
                "init_remote_static": "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62",
                "resp_static": "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
                "resp_ephemeral": "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
                "payloads": payloads,
            }),
        ),
        "output",
        json!({
            "handshake_hash": "8310f86394dc0dabb40beb8210031556db4403ab1202db7034c526232147a700",
            "messages": messages,
        }),
    )
}

fn argon2id() -> Json {
    with(
        vector(
            "argon2id_rfc9106_5_3",
            "argon2id",
            "RFC 9106 §5.3",
            "Argon2id version 0x13 with a secret and associated data (applink itself uses neither)",
            json!({
                "password": repeat(0x01, 32),
                "salt": repeat(0x02, 16),
                "secret": repeat(0x03, 8),
                "associated_data": repeat(0x04, 12),
                "memory_kib": 32,
                "passes": 3,
                "lanes": 4,
                "version": 0x13,
                "tag_length": 32,
            }),
        ),
        "output",
        json!({ "tag": "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659" }),
    )
}

/// applink's own derivation from a setup code (HANDSHAKE.md 1 and 6.2),
/// computed by the crate: no standard publishes it.
fn setup_code() -> Json {
    let p = os_crypto();
    let code = SetupCode::parse(LAMP_SETUP_CODE).expect("a valid code");
    let salt = p.sha256(&[setup_code::SALT_LABEL, &LAMP_DEVICE_ID]);
    let w = setup_code::derive_w0s_w1s(&code, &LAMP_DEVICE_ID).expect("Argon2id");
    let secret = spake2plus::ProverSecret::from_pbkdf_output(&p, &w).expect("non-zero w0, w1");
    let record = secret.verifier_record(&p).to_bytes(&p).expect("a record");
    with(
        vector(
            "setup_code_lamp0001",
            "setup_code",
            "applink HANDSHAKE.md 1 and 6.2 (applink's own parameters; computed by the reference, not published elsewhere)",
            "the appliance example's lamp (device id LAMP0001, printed code 3141-5926): salt, Argon2id with m = 19456 KiB, t = 2, p = 1, 80 bytes, then w0, w1, L and the 97-byte verifier record",
            json!({
                "setup_code": LAMP_SETUP_CODE,
                "device_id": hex::encode(LAMP_DEVICE_ID),
                "salt_label": hex::encode(setup_code::SALT_LABEL),
                "memory_kib": setup_code::ARGON2_M_KIB,
                "passes": setup_code::ARGON2_T,
                "lanes": setup_code::ARGON2_P,
                "version": 0x13,
                "tag_length": 80,
            }),
        ),
        "output",
        json!({
            "password": hex::encode(code.as_bytes()),
            "salt": hex::encode(salt),
            "w0s_w1s": hex::encode(w),
            "w0": hex::encode(p.p256_scalar_bytes(&secret.w0)),
            "w1": hex::encode(p.p256_scalar_bytes(&secret.w1)),
            "L": hex::encode(&record[32..]),
            "verifier_record": hex::encode(record),
        }),
    )
}

/// Every vector, in file order.
pub fn vectors() -> Vec<Json> {
    let mut v = sha256();
    v.extend(hmac());
    v.extend(hkdf());
    v.extend(x25519());
    v.extend(aead());
    v.extend(spake2plus());
    v.push(noise_ikpsk2());
    v.push(argon2id());
    v.push(setup_code());
    v
}

/// The file's text.
pub fn render() -> String {
    let doc = json!({
        "format": FORMAT,
        "description": "Known answers for every cryptographic primitive applink uses (SHA-256, HMAC-SHA256, HKDF-SHA256, X25519, ChaCha20-Poly1305, SPAKE2+ P256-SHA256, Noise IKpsk2, Argon2id), each copied from the standard its `source` names, and applink's own setup-code derivation. Format: spec/vectors/README.md. Generated by examples/gen_primitive_vectors.rs; never edit by hand.",
        "vectors": vectors(),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON");
    text.push('\n');
    text
}

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/vectors/primitives.json");
    std::fs::write(path, render())?;
    println!("wrote {path}");
    Ok(())
}
