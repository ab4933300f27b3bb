//! Checks `spec/vectors/sessions.json` both ways: the file matches a fresh
//! run of the reference channel and pairing machines (encode direction),
//! and, independently of them, every sealed frame opens under the key the
//! HKDF chain gives for its phase, and every listed outcome is the one a
//! small model written from `spec/HANDSHAKE.md` (sections 2 and 3)
//! predicts (decode direction).

#[path = "support/session_cases.rs"]
mod cases;

use std::collections::BTreeSet;

use applink::crypto::{CryptoProvider, RustCrypto};
use applink::message::Message;
use applink::session::channel::KEY_UPDATE_LABEL;
use applink::wire::Header;
use cases::codec_vectors::render::{header as header_json, message as message_json};
use serde_json::{Value as Json, json};

fn doc() -> Json {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/sessions.json"
    ))
    .expect("spec/vectors/sessions.json");
    serde_json::from_str(&text).unwrap()
}

fn bytes(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().expect("a hex string")).unwrap()
}

fn key(v: &Json) -> [u8; 32] {
    bytes(v).try_into().unwrap()
}

fn provider() -> RustCrypto<impl FnMut(&mut [u8])> {
    RustCrypto::new(|_: &mut [u8]| panic!("checking needs no randomness"))
}

fn next(p: &impl CryptoProvider, k: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    p.hkdf_sha256(&[], k, &[KEY_UPDATE_LABEL], &mut out)
        .unwrap();
    out
}

/// Opens `frame` under `k` as HANDSHAKE.md 3 says, without the channel.
fn open(p: &impl CryptoProvider, k: &[u8; 32], direction: u8, frame: &[u8]) -> Option<Vec<u8>> {
    let (header, len) = Header::parse(frame).ok()?;
    let (covered, tag) = frame.split_at(frame.len().checked_sub(16)?);
    let (aad, body) = covered.split_at(len);
    let mut nonce = [0u8; 12];
    nonce[0] = direction;
    nonce[4..8].copy_from_slice(&header.counter.to_le_bytes());
    let mut plain = body.to_vec();
    p.aead_open(k, &nonce, aad, &mut plain, tag.try_into().ok()?)
        .ok()?;
    Some(plain)
}

#[test]
fn file_is_up_to_date() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/sessions.json"
    ))
    .unwrap();
    assert!(
        text == cases::render(),
        "spec/vectors/sessions.json is stale: run `cargo run --example gen_session_vectors`"
    );
}

/// The sender's key of each generation, from the first key.
fn sender_key(doc: &Json, t: &Json, generation: u64) -> [u8; 32] {
    let first = if t["sender"] == "phone" {
        "phone_to_appliance"
    } else {
        "appliance_to_phone"
    };
    let p = provider();
    let mut k = key(&doc["parameters"][first]);
    for _ in 0..generation {
        k = next(&p, &k);
    }
    k
}

#[test]
fn every_sealed_frame_opens_under_its_phase_key_to_the_listed_message() {
    let doc = doc();
    let p = provider();
    let mut sealed = 0;
    for t in doc["channel"].as_array().unwrap() {
        let direction = u8::from(t["sender"] != "phone");
        let mut last_counter: Option<u64> = None;
        for s in t["sender_steps"].as_array().unwrap() {
            let frame = match s["step"].as_str().unwrap() {
                "seal" => bytes(&s["hex"]),
                "forge" => {
                    let raw = bytes(&s["hex"]);
                    let g = sender_key(&doc, t, 0);
                    assert!(
                        open(&p, &g, direction, &raw).is_none(),
                        "forged frames verify under nothing"
                    );
                    continue;
                }
                _ => continue,
            };
            let generation = s["key_generation"].as_u64().unwrap();
            let k = sender_key(&doc, t, generation);
            assert_eq!(hex::encode(k), s["key"], "{}", t["name"]);
            let plain = open(&p, &k, direction, &frame).expect("opens under its phase key");
            assert_eq!(hex::encode(&plain), s["payload"]);
            let m = Message::from_bytes(&plain).unwrap();
            assert_eq!(message_json(&m), s["message"]);
            let (header, _) = Header::parse(&frame).unwrap();
            assert_eq!(header_json(&header), s["header"]);
            assert_eq!(u64::from(header.counter), s["counter"].as_u64().unwrap());
            // Counters only rise; flag K is the generation's parity.
            assert!(last_counter.is_none_or(|c| c < u64::from(header.counter)));
            last_counter = Some(u64::from(header.counter));
            assert_eq!(s["key_phase"].as_bool().unwrap(), generation % 2 == 1);
            sealed += 1;
        }
    }
    assert!(sealed > 100, "{sealed}");
}

/// The receiver of HANDSHAKE.md 3, written from its rules alone.
struct Model {
    top: Option<u32>,
    accepted: BTreeSet<u32>,
    phase: bool,
    current: [u8; 32],
    /// The previous key, frames accepted under the current one since, and
    /// when it is erased.
    previous: Option<([u8; 32], u32, u64)>,
    last_rx: u64,
    ended: Option<Json>,
}

impl Model {
    fn deliver(&mut self, p: &impl CryptoProvider, dir: u8, frame: &[u8], now: u64) -> Json {
        let refused = |e: Json| json!({"refused": e});
        if self.ended.is_none() && now >= self.last_rx + cases::IDLE_MS {
            self.ended = Some(json!({"type": "IdleTimeout"}));
        }
        if self.ended.is_some() {
            return refused(json!({"type": "Closed"}));
        }
        if self.previous.is_some_and(|(_, _, at)| now >= at) {
            self.previous = None;
        }
        let (h, _) = Header::parse(frame).unwrap();
        let c = h.counter;
        if let Some(top) = self.top
            && c <= top
            && (top - c >= 64 || self.accepted.contains(&c))
        {
            return refused(json!({"type": "Replay", "counter": c}));
        }
        let k = h.flags.contains(applink::wire::Flags::KEY_PHASE);
        let newer = self.top.is_none_or(|top| c > top);
        let auth = json!({"type": "Authentication"});
        let plain = if k == self.phase {
            let far = self
                .top
                .is_some_and(|top| u64::from(c) > u64::from(top) + 64);
            if let Some(plain) = open(p, &self.current, dir, frame) {
                if let Some(prev) = &mut self.previous {
                    prev.1 += 1;
                    if prev.1 >= 64 {
                        self.previous = None;
                    }
                }
                plain
            } else if far {
                let skipped = next(p, &self.current);
                let two = next(p, &skipped);
                let Some(plain) = open(p, &two, dir, frame) else {
                    return refused(auth);
                };
                self.previous = Some((skipped, 0, now + 10_000));
                self.current = two;
                plain
            } else {
                return refused(auth);
            }
        } else if newer {
            let n = next(p, &self.current);
            let Some(plain) = open(p, &n, dir, frame) else {
                return refused(auth);
            };
            self.previous = Some((self.current, 0, now + 10_000));
            self.current = n;
            self.phase = k;
            plain
        } else {
            let Some((prev, _, _)) = self.previous else {
                return refused(json!({"type": "StaleKeyPhase", "counter": c}));
            };
            let Some(plain) = open(p, &prev, dir, frame) else {
                return refused(auth);
            };
            plain
        };
        self.accepted.insert(c);
        self.top = Some(self.top.map_or(c, |t| t.max(c)));
        self.last_rx = now;
        let m = Message::from_bytes(&plain).unwrap();
        if let Message::Close(close) = m {
            self.ended = Some(json!({"type": "ClosedByPeer", "reason": close.reason.0}));
        }
        json!({"accepted": message_json(&m)})
    }
}

#[test]
fn every_outcome_is_the_one_the_rules_predict() {
    let doc = doc();
    let p = provider();
    let mut checked = 0;
    for t in doc["channel"].as_array().unwrap() {
        let dir = u8::from(t["sender"] != "phone");
        let frames: Vec<Vec<u8>> = t["sender_steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s.get("frame").is_some())
            .map(|s| bytes(&s["hex"]))
            .collect();
        let mut m = Model {
            top: None,
            accepted: BTreeSet::new(),
            phase: false,
            current: sender_key(&doc, t, 0),
            previous: None,
            last_rx: 0,
            ended: None,
        };
        for d in t["deliveries"].as_array().unwrap() {
            let frame = &frames[d["frame"].as_u64().unwrap() as usize];
            let outcome = m.deliver(&p, dir, frame, d["t_ms"].as_u64().unwrap());
            let name = &t["name"];
            assert_eq!(outcome, d["outcome"], "{name} at {d}");
            let r = &d["receiver"];
            assert_eq!(json!(m.top), r["highest"], "{name} at {d}");
            assert_eq!(json!(m.phase), r["receive_phase"], "{name} at {d}");
            assert_eq!(
                json!(m.previous.is_some()),
                r["previous_key"],
                "{name} at {d}"
            );
            assert_eq!(
                m.ended.clone().unwrap_or(Json::Null),
                r["ended"],
                "{name} at {d}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

/// The appliance's lockout, from HANDSHAKE.md 2 alone: which answer each
/// `PairRequest` gets, and the window's failure count after each event.
#[test]
fn every_lockout_answer_is_the_one_the_rules_predict() {
    let doc = doc();
    for t in doc["lockout"].as_array().unwrap() {
        let until = t["window_length_ms"].as_u64().unwrap();
        let mut open = true;
        let mut f = 0u32;
        let mut not_before = 0u64;
        let mut deadline: Option<u64> = None;
        let events = t["events"].as_array().unwrap();
        for (i, e) in events.iter().enumerate() {
            let now = e["t_ms"].as_u64().unwrap();
            if deadline.is_some_and(|d| now >= d) {
                deadline = None;
            }
            let message = &e["decoded"]["message"];
            let answer = events.get(i + 1).filter(|a| a["from"] == "appliance");
            match (e["from"].as_str().unwrap(), message["type"].as_str()) {
                ("phone", Some("PairRequest")) => {
                    let a = &answer.expect("every PairRequest is answered")["decoded"]["message"];
                    let reason = &a["value"]["value"];
                    if let Some(d) = deadline {
                        let wait = d - now;
                        assert_eq!(*reason, json!({"type": "Busy", "retry_after_ms": wait}));
                    } else if !open || now >= until {
                        assert_eq!(*reason, json!({"type": "PairingWindowClosed"}));
                    } else if now < not_before {
                        let s = (not_before - now).div_ceil(1000).max(1);
                        assert_eq!(*reason, json!({"type": "LockedOut", "retry_after_s": s}));
                    } else {
                        assert_eq!(a["type"], "PairChallenge", "{}", t["name"]);
                        f += 1;
                        if f >= 5 {
                            not_before = now + (1000 << (f - 5));
                        }
                        deadline = Some(now + 30_000);
                    }
                }
                ("phone", Some("Status")) => {
                    deadline = deadline.map(|d| d.min(now + 2_000));
                }
                ("phone", Some("PairFinish")) => {
                    if let Some(a) = answer {
                        // Every check passed and the appliance refused:
                        // the attempt is taken back.
                        assert_eq!(a["decoded"]["message"]["type"], "Close");
                        f -= 1;
                        if f < 5 {
                            not_before = now;
                        }
                    } else {
                        open = false;
                        assert_eq!(e["appliance_after"]["failure_report"], 0);
                    }
                    deadline = None;
                }
                _ => {}
            }
            if let Some(after) = e
                .get("appliance_after")
                .or(answer.and_then(|a| a.get("appliance_after")))
            {
                assert_eq!(after["window_failures"], f, "{} event {i}", t["name"]);
            }
        }
        assert!(f > 0);
    }
    let backoff = &doc["lockout"][0]["events"];
    let locked = backoff
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["decoded"]["message"]["value"]["value"]["type"] == "LockedOut")
        .count();
    assert!(
        locked >= 8,
        "every backoff step from 2 s to 512 s shows: {locked}"
    );
}
