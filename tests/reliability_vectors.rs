//! Checks `spec/vectors/reliability.json`: the file matches a fresh run of
//! the nodes (encode direction); and, reading only the file, as a port
//! would: every frame parses with the header listed, every plaintext
//! frame's CRC checks, every secured frame opens with the listed keys to
//! the listed plaintext, the flags, counters, acks and exchanges follow
//! spec/RELIABILITY.md, every wait of the retransmission schedule is the
//! listed draw's, and each transcript shows the rule it is named for.

#[path = "reliability/cases.rs"]
mod cases;

use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, RustCrypto};
use applink::message::{Message, Status};
use applink::wire::{Frame, Header, crc32c};
use serde_json::Value as Json;

fn file() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/vectors/reliability.json"
    ))
    .expect("spec/vectors/reliability.json")
}

fn doc() -> Json {
    serde_json::from_str(&file()).unwrap()
}

fn bytes(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().expect("a hex string")).unwrap()
}

fn num(v: &Json) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("a number: {v}"))
}

fn provider() -> RustCrypto<impl FnMut(&mut [u8])> {
    RustCrypto::new(|_: &mut [u8]| panic!("checking needs no randomness"))
}

fn transcripts(doc: &Json) -> &Vec<Json> {
    doc["transcripts"].as_array().unwrap()
}

fn transcript<'a>(doc: &'a Json, name: &str) -> &'a Json {
    transcripts(doc)
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("transcript {name}"))
}

fn frames(t: &Json) -> &Vec<Json> {
    t["frames"].as_array().unwrap()
}

fn flags(f: &Json) -> String {
    f["header"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect()
}

fn secured(f: &Json) -> bool {
    flags(f).contains('S')
}

fn counter(f: &Json) -> u64 {
    num(&f["header"]["counter"])
}

fn exchange(f: &Json) -> u64 {
    num(&f["header"]["exchange"])
}

fn cause_frame(f: &Json) -> Option<usize> {
    (f["cause"]["type"] == "received").then(|| num(&f["cause"]["frame"]) as usize)
}

/// The frames that frame `i` made its receiver send.
fn answers(t: &Json, i: usize) -> Vec<&Json> {
    frames(t)
        .iter()
        .filter(|g| cause_frame(g) == Some(i))
        .collect()
}

/// The frames of one message type from one side.
fn of<'a>(t: &'a Json, from: &str, message: &str) -> Vec<&'a Json> {
    frames(t)
        .iter()
        .filter(|f| f["from"] == from && f["message"] == message)
        .collect()
}

/// The earlier transmission of a scheduled frame's message.
fn previous<'a>(t: &'a Json, f: &Json) -> &'a Json {
    let k = num(&f["transmission"]);
    frames(t)[..num(&f["index"]) as usize]
        .iter()
        .rev()
        .find(|g| {
            g["from"] == f["from"]
                && g["transmission"] == k - 1
                && if secured(f) {
                    exchange(g) == exchange(f) && g["payload"] == f["payload"]
                } else {
                    g["hex"] == f["hex"]
                }
        })
        .unwrap_or_else(|| panic!("no transmission {} before {}", k - 1, f["index"]))
}

#[test]
fn file_is_up_to_date() {
    assert!(
        file() == cases::render(),
        "spec/vectors/reliability.json is stale: run `cargo run --example gen_reliability_vectors`"
    );
}

#[test]
fn the_static_inputs_are_handshake_json_s_and_agree() {
    let doc = doc();
    let p = provider();
    let params = &doc["parameters"];
    let handshake: Json = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/spec/vectors/handshake.json"
        ))
        .unwrap(),
    )
    .unwrap();
    for key in [
        "device_id",
        "setup_code",
        "w0s_w1s",
        "w0",
        "w1",
        "L",
        "appliance_static_secret",
        "appliance_static_public",
        "phone_static_secret",
        "phone_static_public",
    ] {
        assert_eq!(params[key], handshake["parameters"][key], "{key}");
    }
    let w: [u8; 80] = bytes(&params["w0s_w1s"]).try_into().unwrap();
    let secret = ProverSecret::from_pbkdf_output(&p, &w).unwrap();
    assert_eq!(
        p.p256_scalar_bytes(&secret.w0).to_vec(),
        bytes(&params["w0"])
    );
    let record = secret.verifier_record(&p);
    assert_eq!(
        p.p256_point_encode(&record.l).unwrap().to_vec(),
        bytes(&params["L"])
    );
    let r = &params["reliability"];
    assert_eq!(
        (
            num(&r["retry_initial_ms"]),
            num(&r["retry_max_ms"]),
            num(&r["max_transmissions"])
        ),
        (250, 1000, 10)
    );
}

/// The keys of the session a secured frame from `from` is addressed to.
fn key(t: &Json, from: &str, session: u64) -> [u8; 32] {
    let (id, key) = if from == "phone" {
        ("appliance_session", "phone_to_appliance")
    } else {
        ("phone_session", "appliance_to_phone")
    };
    let s = t["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| num(&s[id]) == session)
        .unwrap_or_else(|| panic!("no session {session} for a frame from the {from}"));
    bytes(&s["keys"][key]).try_into().unwrap()
}

#[test]
fn every_frame_parses_opens_and_matches_its_listing() {
    let doc = doc();
    let p = provider();
    let mut opened = 0;
    for t in transcripts(&doc) {
        for (i, f) in frames(t).iter().enumerate() {
            let name = format!("{} frame {i}", t["name"]);
            assert_eq!(num(&f["index"]) as usize, i, "{name}");
            let raw = bytes(&f["hex"]);
            let (h, len) = Header::parse(&raw).expect("the header parses");
            let listed = &f["header"];
            assert_eq!(u64::from(h.version), num(&listed["version"]), "{name}");
            assert_eq!(u64::from(h.session), num(&listed["session"]), "{name}");
            assert_eq!(u64::from(h.counter), num(&listed["counter"]), "{name}");
            assert_eq!(u64::from(h.exchange), num(&listed["exchange"]), "{name}");
            assert_eq!(h.ack.map(u64::from), listed["ack"].as_u64(), "{name}");
            let mut letters = String::new();
            for (bit, letter) in [
                (0x01, 'S'),
                (0x02, 'R'),
                (0x04, 'A'),
                (0x08, 'I'),
                (0x10, 'K'),
            ] {
                if raw[1] & bit != 0 {
                    letters.push(letter);
                }
            }
            assert_eq!(letters, flags(f), "{name}");
            let payload = if h.is_secured() {
                // AEAD(key, nonce = direction || 0 0 0 || counter LE || 0 0 0 0,
                // aad = header) as HANDSHAKE.md 3 says.
                let key = key(t, f["from"].as_str().unwrap(), num(&listed["session"]));
                let mut nonce = [0u8; 12];
                nonce[0] = u8::from(f["from"] == "appliance");
                nonce[4..8].copy_from_slice(&h.counter.to_le_bytes());
                let end = raw.len() - 16;
                let mut body = raw[len..end].to_vec();
                let tag: [u8; 16] = raw[end..].try_into().unwrap();
                p.aead_open(&key, &nonce, &raw[..len], &mut body, &tag)
                    .unwrap_or_else(|_| panic!("{name} opens with the listed keys"));
                opened += 1;
                body
            } else {
                let n = raw.len();
                assert_eq!(
                    crc32c(&raw[..n - 4]).to_le_bytes(),
                    raw[n - 4..],
                    "{name}: the CRC"
                );
                Frame::parse(&raw)
                    .expect("a checked plaintext frame")
                    .body
                    .to_vec()
            };
            assert_eq!(hex::encode(&payload), f["payload"], "{name}");
            let m = Message::from_bytes(&payload).expect("the payload decodes");
            assert_eq!(m.name(), f["message"], "{name}");
        }
    }
    assert!(opened > 50, "{opened} secured frames opened");
}

#[test]
fn flags_counters_and_sessions_follow_the_table() {
    let doc = doc();
    for t in transcripts(&doc) {
        let mut next: std::collections::BTreeMap<(String, u64), u64> = Default::default();
        for f in frames(t) {
            let name = format!("{} frame {}", t["name"], f["index"]);
            let from = f["from"].as_str().unwrap();
            let m = f["message"].as_str().unwrap();
            let fl = flags(f);
            assert!(!fl.contains('K'), "{name}: no key update here");
            if !secured(f) {
                // RELIABILITY.md 6.1, section 8.
                assert_eq!(counter(f), 0, "{name}");
                assert_eq!(fl, if from == "phone" { "I" } else { "" }, "{name}");
                continue;
            }
            // Each direction of a session counts from 0, one per frame.
            let session = num(&f["header"]["session"]);
            let expected = next.entry((from.to_string(), session)).or_insert(0);
            assert_eq!(counter(f), *expected, "{name}: the next counter");
            *expected += 1;
            // Section 8.
            let want: &[&str] = match (from, m) {
                (_, "Close") => &["S"],
                ("phone", "Ack") => &["SA"],
                ("phone", _) => &["SRI", "SRAI"],
                ("appliance", "Report" | "Event") => &["SRI"],
                _ => &["SA"],
            };
            assert!(want.contains(&fl.as_str()), "{name}: {m} with {fl}");
        }
    }
}

#[test]
fn every_wait_is_the_listed_draw_s() {
    let doc = doc();
    let mut waits = 0;
    for t in transcripts(&doc) {
        let fs = frames(t);
        let draws = t["randomness"].as_array().unwrap();
        for d in draws {
            let raw = bytes(&d["bytes"]);
            match d["use"].as_str().unwrap() {
                "P-256 scalar" => assert_eq!(raw.len(), 64),
                "X25519 secret" => assert_eq!(raw.len(), 32),
                "exchange id" => {
                    let v = u16::from_le_bytes([raw[0], raw[1]]) | 1;
                    assert_eq!(u64::from(v), num(&d["exchange"]));
                    assert!(fs.iter().any(|f| f["from"] == "phone"
                        && f["t_ms"] == d["t_ms"]
                        && exchange(f) == u64::from(v)));
                }
                "session id" => {
                    let v = u64::from(u16::from_le_bytes([raw[0], raw[1]]));
                    let id = if d["side"] == "phone" {
                        "phone_session"
                    } else {
                        "appliance_session"
                    };
                    assert!(
                        t["sessions"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|s| num(&s[id]) == v)
                    );
                }
                "jitter" => {
                    let r = u64::from(u16::from_le_bytes([raw[0], raw[1]]));
                    let f = &fs[num(&d["frame"]) as usize];
                    let k = num(&d["transmission"]);
                    assert_eq!(f["transmission"], d["transmission"]);
                    assert_eq!(
                        (f["t_ms"].clone(), f["from"].clone()),
                        (d["t_ms"].clone(), d["side"].clone())
                    );
                    let interval = (250u64 << (k - 1).min(2)).min(1000);
                    assert_eq!(num(&d["interval_ms"]), interval);
                    assert_eq!(num(&d["jitter_ms"]), interval / 4 * r / 65535);
                    // The next transmission, if any, goes out when the wait ends.
                    if let Some(g) = fs.iter().find(|g| {
                        g.get("transmission").is_some()
                            && num(&g["transmission"]) == k + 1
                            && num(&previous(t, g)["index"]) == num(&f["index"])
                    }) {
                        assert_eq!(
                            num(&g["t_ms"]),
                            num(&f["t_ms"]) + interval + num(&d["jitter_ms"]),
                            "{}: the wait after frame {}",
                            t["name"],
                            f["index"]
                        );
                        waits += 1;
                    }
                }
                other => panic!("a draw for {other}"),
            }
        }
        // Every scheduled transmission drew its wait's jitter.
        for f in fs.iter().filter(|f| f.get("transmission").is_some()) {
            let n = draws.iter().filter(|d| d["frame"] == f["index"]).count();
            assert_eq!(n, 1, "{} frame {}", t["name"], f["index"]);
        }
    }
    assert!(waits >= 5, "{waits} retransmissions timed by their draws");
}

#[test]
fn every_draw_comes_from_the_listed_source() {
    use sha2::{Digest, Sha256};
    let doc = doc();
    for t in transcripts(&doc) {
        for side in ["phone", "appliance"] {
            let label = t["parameters"]["entropy"][side].as_str().unwrap();
            let mut counter = 0u64;
            for d in t["randomness"].as_array().unwrap() {
                if d["side"] != side {
                    continue;
                }
                let mut expected = Vec::new();
                for chunk in bytes(&d["bytes"]).chunks(32) {
                    let mut h = Sha256::new();
                    h.update(label.as_bytes());
                    h.update(counter.to_le_bytes());
                    counter += 1;
                    expected.extend_from_slice(&h.finalize()[..chunk.len()]);
                }
                assert_eq!(hex::encode(expected), d["bytes"], "{} {side}", t["name"]);
            }
        }
    }
}

#[test]
fn retransmissions_replies_and_acks_keep_the_rules() {
    let doc = doc();
    for t in transcripts(&doc) {
        for f in frames(t) {
            let name = format!("{} frame {}", t["name"], f["index"]);
            // 5.1 rule 4, 5.4 rule 2, 6.2 rule 1: sealed anew, or identical.
            if f.get("transmission").is_some_and(|k| num(k) > 1) {
                let p = previous(t, f);
                if secured(f) {
                    assert!(counter(f) > counter(p), "{name}: a new counter");
                    assert_eq!(exchange(f), exchange(p), "{name}");
                    assert_eq!(f["payload"], p["payload"], "{name}");
                    assert_eq!(flags(f), flags(p), "{name}");
                    assert_ne!(f["hex"], p["hex"], "{name}: never the same bytes twice");
                } else {
                    assert_eq!(f["hex"], p["hex"], "{name}: identical bytes");
                }
            }
            // 5.2 rule 1: a reply acks the transmission that made it.
            if f["from"] == "appliance" && secured(f) && flags(f) == "SA" {
                let q = &frames(t)[cause_frame(f).expect("a reply answers a frame")];
                assert_eq!(exchange(f), exchange(q), "{name}");
                assert_eq!(num(&f["header"]["ack"]), counter(q), "{name}");
            }
            // 5.5 rule 1: a standalone Ack names the frame it acknowledges.
            if f["message"] == "Ack" {
                let r = &frames(t)[cause_frame(f).expect("an Ack answers a frame")];
                assert_eq!(flags(r), "SRI", "{name}");
                assert_eq!(exchange(f), exchange(r), "{name}");
                assert_eq!(num(&f["header"]["ack"]), counter(r), "{name}");
            }
            // Each R frame the phone received was acknowledged at once.
            if f["from"] == "appliance" && flags(f) == "SRI" && f["delivered"] == true {
                let acks: Vec<_> = answers(t, num(&f["index"]) as usize)
                    .into_iter()
                    .filter(|a| a["message"] == "Ack")
                    .collect();
                assert_eq!(acks.len(), 1, "{name}");
                assert_eq!(acks[0]["t_ms"], f["received_ms"], "{name}");
            }
        }
    }
}

fn outcomes<'a>(t: &'a Json, outcome: &str) -> Vec<&'a Json> {
    frames(t)
        .iter()
        .filter(|f| f["outcome"] == outcome)
        .collect()
}

/// The lamp's toggle count before frame `f` reached the appliance.
fn toggles_before(t: &Json, f: &Json) -> u64 {
    let at = (num(&f["received_ms"]), num(&f["index"]));
    frames(t)
        .iter()
        .filter(|g| g["from"] == "phone" && g["delivered"] == true)
        .filter(|g| (num(&g["received_ms"]), num(&g["index"])) < at)
        .map(|g| num(&g["lamp_toggles"]))
        .max()
        .unwrap_or(0)
}

#[test]
fn reply_lost_is_answered_from_the_cache_without_running_again() {
    let doc = doc();
    let t = transcript(&doc, "reply-lost");
    let invokes = of(t, "phone", "Invoke");
    let replies = of(t, "appliance", "InvokeReply");
    assert_eq!((invokes.len(), replies.len()), (2, 2));
    assert_eq!(replies[0]["delivered"], false);
    assert_eq!(invokes[1]["outcome"], "answered from the reply cache");
    assert_eq!(toggles_before(t, invokes[1]), 1);
    assert_eq!(invokes[1]["lamp_toggles"], 1, "not executed again");
    // The cached payload, sealed anew, acking the retransmission.
    assert_eq!(replies[0]["payload"], replies[1]["payload"]);
    assert_eq!(replies[1]["header"]["ack"], invokes[1]["header"]["counter"]);
    assert_eq!(replies[0]["header"]["ack"], invokes[0]["header"]["counter"]);
    assert_eq!(t["summary"]["lamp_toggles"], 1);
}

#[test]
fn a_lost_report_is_sent_again_and_acknowledged_by_its_exchange() {
    let doc = doc();
    let t = transcript(&doc, "report-lost");
    let reports = of(t, "appliance", "Report");
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["delivered"], false);
    assert_eq!(reports[1]["outcome"], "delivered");
    let acks = of(t, "phone", "Ack");
    assert_eq!(acks.len(), 1);
    assert_eq!(flags(acks[0]), "SA");
    assert_eq!(exchange(acks[0]), exchange(reports[0]));
    assert_eq!(acks[0]["header"]["ack"], reports[1]["header"]["counter"]);
    // Acknowledged: nothing more on that exchange.
    let acked = num(&acks[0]["received_ms"]);
    assert!(
        frames(t)
            .iter()
            .filter(|f| f["from"] == "appliance" && exchange(f) == exchange(reports[0]))
            .all(|f| num(&f["t_ms"]) < acked)
    );
}

#[test]
fn a_report_whose_ack_was_lost_is_delivered_once_and_acknowledged_twice() {
    let doc = doc();
    let t = transcript(&doc, "ack-lost");
    let reports = of(t, "appliance", "Report");
    let x = exchange(reports.last().unwrap());
    let again: Vec<_> = reports.iter().filter(|r| exchange(r) == x).collect();
    assert_eq!(again.len(), 2);
    assert_eq!(again[0]["outcome"], "delivered");
    assert_eq!(again[1]["outcome"], "duplicate, acknowledged again");
    let acks: Vec<_> = of(t, "phone", "Ack")
        .into_iter()
        .filter(|a| exchange(a) == x)
        .collect();
    assert_eq!(acks.len(), 2);
    assert_eq!(acks[0]["delivered"], false);
    assert_eq!(acks[0]["header"]["ack"], again[0]["header"]["counter"]);
    assert_eq!(acks[1]["header"]["ack"], again[1]["header"]["counter"]);
    assert!(counter(acks[1]) > counter(acks[0]), "its own new counter");
    assert_eq!(t["summary"]["reports_delivered"], 2);
}

#[test]
fn a_lost_pair_finish_precedes_the_retransmitted_first_request() {
    let doc = doc();
    let t = transcript(&doc, "pair-finish-lost");
    let finishes = of(t, "phone", "PairFinish");
    assert!(
        finishes.iter().all(|f| f["hex"] == finishes[0]["hex"]),
        "identical"
    );
    let invokes = of(t, "phone", "Invoke");
    assert_eq!(invokes.len(), 2);
    // Each transmission of the request follows a copy of PairFinish.
    for i in &invokes {
        let before = &frames(t)[num(&i["index"]) as usize - 1];
        assert_eq!(before["message"], "PairFinish");
        assert_eq!(before["t_ms"], i["t_ms"]);
    }
    assert!(finishes.iter().filter(|f| f["delivered"] == false).count() >= 1);
    // The first copy of the request found no session: the hint, unsecured,
    // on the request's exchange.
    assert_eq!(invokes[0]["outcome"], "unknown session, hint sent");
    let hint = answers(t, num(&invokes[0]["index"]) as usize);
    assert_eq!(hint.len(), 1);
    assert_eq!(flags(hint[0]), "");
    assert_eq!(exchange(hint[0]), exchange(invokes[0]));
    let Message::Status(s) = Message::from_bytes(&bytes(&hint[0]["payload"])).unwrap() else {
        panic!("a Status");
    };
    assert_eq!(s.status, Status::UNKNOWN_SESSION);
    assert_eq!(finishes.last().unwrap()["outcome"], "paired");
    assert_eq!(invokes[1]["outcome"], "executed: the lamp toggled");
    let reply = of(t, "appliance", "InvokeReply");
    assert_eq!(reply[0]["header"]["ack"], invokes[1]["header"]["counter"]);
}

#[test]
fn a_retransmitted_resume_request_gets_the_same_resume_reply() {
    let doc = doc();
    let t = transcript(&doc, "resume-reply-lost");
    let requests = of(t, "phone", "ResumeRequest");
    let replies = of(t, "appliance", "ResumeReply");
    assert_eq!((requests.len(), replies.len()), (2, 2));
    assert_eq!(requests[0]["hex"], requests[1]["hex"], "identical bytes");
    assert_eq!(replies[0]["hex"], replies[1]["hex"], "the cached answer");
    assert_eq!(replies[0]["delivered"], false);
    assert_eq!(
        requests[0]["outcome"],
        "answered: the session is tentative until its first authenticated frame"
    );
    assert_eq!(requests[1]["outcome"], "answered from the handshake cache");
    assert_eq!(replies[1]["outcome"], "resumed");
    let sessions = t["sessions"].as_array().unwrap();
    assert_eq!(sessions[1]["established_by"], "resumption");
    assert_eq!(sessions[1]["resume_guard"], 1);
    assert_eq!(sessions[0]["psk"], sessions[1]["psk"]);
    // The toggle then runs on the resumed session.
    let invoke = of(t, "phone", "Invoke")[0];
    assert_eq!(
        invoke["header"]["session"],
        sessions[1]["appliance_session"]
    );
    assert_eq!(invoke["outcome"], "executed: the lamp toggled");
}

#[test]
fn a_late_copy_eight_exchanges_behind_is_stale() {
    let doc = doc();
    let t = transcript(&doc, "stale-copy");
    let stale = outcomes(t, "stale, dropped");
    assert_eq!(stale.len(), 1);
    let late = stale[0];
    assert_eq!(late["transmission"], 1);
    assert!(
        answers(t, num(&late["index"]) as usize).is_empty(),
        "unanswered"
    );
    assert_eq!(
        late["lamp_toggles"],
        toggles_before(t, late),
        "not executed"
    );
    // The newest exchange the appliance had received is 8 or more ahead.
    let newest = frames(t)
        .iter()
        .filter(|f| f["from"] == "phone" && secured(f) && f["delivered"] == true)
        .filter(|f| num(&f["received_ms"]) < num(&late["received_ms"]))
        .map(exchange)
        .max()
        .unwrap();
    let behind = (newest as u16).wrapping_sub(exchange(late) as u16);
    assert!((8..0x8000).contains(&behind), "{behind} behind");
    // The retransmission of that request ran, once.
    let retry = frames(t)
        .iter()
        .find(|f| f.get("transmission").is_some_and(|k| k == 2))
        .unwrap();
    assert_eq!(exchange(retry), exchange(late));
    assert_eq!(retry["outcome"], "executed: the lamp toggled");
    assert_eq!(t["summary"]["lamp_toggles"], 9);
}

#[test]
fn the_summary_counts_what_the_frames_show() {
    let doc = doc();
    for t in transcripts(&doc) {
        let ran = outcomes(t, "executed: the lamp toggled").len() as u64;
        assert_eq!(num(&t["summary"]["lamp_toggles"]), ran, "{}", t["name"]);
        let cached = outcomes(t, "answered from the reply cache").len() as u64;
        let counted = t["summary"]["appliance_counters"]["duplicates"]
            .as_u64()
            .unwrap_or(0);
        assert_eq!(counted, cached, "{}", t["name"]);
    }
}
