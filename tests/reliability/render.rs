//! The JSON form of the reliability transcripts (the format
//! `spec/vectors/README.md` documents): frames with their decoded headers
//! and plaintexts, what the link and the receiver did with each, every
//! random draw with its use, and the keys of every session.

use applink::crypto::CryptoProvider;
use applink::crypto::spake2plus::ProverSecret;
use applink::message::Message;
use applink::node::appliance::{HANDSHAKE_CACHE, HINT_INTERVAL, REPLY_CACHE, UNSOLICITED};
use applink::node::phone::PhoneStats;
use applink::node::reliable::{
    EXCHANGE_LIFETIME, MAX_TRANSMISSIONS, REQUESTS_IN_FLIGHT, RETRY_INITIAL, RETRY_MAX,
    SEEN_EXCHANGES,
};
use applink::node::{EndReason, Event, PhoneEvent, Rejections};
use applink::wire::{Flags, Header};
use serde_json::{Value as Json, json};

use super::Transcript;
use super::world::{
    APPLIANCE_STATIC, Cause, DATA_VERSION_SEED, DEVICE_ID, Fate, LINK_DELAY_MS, Observed,
    PHONE_STATIC, SETUP_CODE, Sent, Side, W0S_W1S, World, checker, w0s_w1s,
};

/// The file format version.
pub const FORMAT: u32 = 1;

/// A header: flags as the letters set on the wire, in bit order (the
/// convention of every vector file).
pub fn header(h: &Header) -> Json {
    let mut flags = Vec::new();
    for (set, letter) in [
        (h.flags.contains(Flags::SECURED), "S"),
        (h.flags.contains(Flags::ACK_REQUESTED), "R"),
        (h.ack.is_some(), "A"),
        (h.flags.contains(Flags::INITIATOR), "I"),
        (h.flags.contains(Flags::KEY_PHASE), "K"),
    ] {
        if set {
            flags.push(letter);
        }
    }
    json!({
        "version": h.version,
        "flags": flags,
        "session": h.session,
        "counter": h.counter,
        "exchange": h.exchange,
        "ack": h.ack,
    })
}

/// Whether a frame starts a wait of the retransmission schedule (section
/// 4): the phone's handshake flights and requests, the appliance's
/// reports and events.
pub fn scheduled(f: &Sent) -> bool {
    match f.from {
        Side::Phone if !f.header.is_secured() => {
            matches!(f.message, "Hello" | "PairRequest" | "ResumeRequest")
        }
        _ => f.header.flags.contains(Flags::ACK_REQUESTED),
    }
}

/// Which transmission of its message frame `index` is: 1 for the first;
/// a secured message is the same while its sender, session, exchange,
/// flag I and plaintext are, a plaintext one while its bytes are.
pub fn transmission(frames: &[Sent], index: usize) -> usize {
    let f = &frames[index];
    let same = |g: &Sent| {
        g.from == f.from
            && if f.header.is_secured() {
                g.header.is_secured()
                    && g.header.session == f.header.session
                    && g.header.exchange == f.header.exchange
                    && g.header.flags.contains(Flags::INITIATOR)
                        == f.header.flags.contains(Flags::INITIATOR)
                    && g.payload == f.payload
            } else {
                g.bytes == f.bytes
            }
    };
    frames[..=index].iter().filter(|g| same(g)).count()
}

/// The base interval of the wait after transmission `k` (section 4).
pub fn interval_ms(k: usize) -> u64 {
    let mut i = RETRY_INITIAL.millis();
    for _ in 1..k {
        i = (i * 2).min(RETRY_MAX.millis());
    }
    i
}

/// The jitter the reference draws from `r` for an interval.
pub fn jitter_ms(interval: u64, r: u16) -> u64 {
    interval / 4 * u64::from(r) / u64::from(u16::MAX)
}

fn u16_le(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

/// Every draw, in order, with its use: the frames sent in the same call
/// say what a two-byte draw was for.
fn randomness(w: &World) -> Json {
    let log = w.log.borrow();
    let mut out = Vec::new();
    for call in &w.calls {
        // Ids are drawn for a message's first transmission only.
        let sent: Vec<&Sent> = call
            .frames
            .iter()
            .filter(|&&i| transmission(&w.frames, i) == 1)
            .map(|&i| &w.frames[i])
            .collect();
        let mut waits = call
            .frames
            .iter()
            .copied()
            .filter(|&i| scheduled(&w.frames[i]));
        let mut exchanges: Vec<u16> = sent
            .iter()
            .filter(|f| f.from == Side::Phone && scheduled(f) && !f.header.is_secured())
            .map(|f| f.header.exchange)
            .collect();
        let mut sessions: Vec<u16> = sent
            .iter()
            .filter(|f| !f.header.is_secured())
            .filter_map(|f| match Message::from_bytes(&f.payload).unwrap() {
                Message::PairRequest(m) if f.from == call.side => Some(m.session),
                Message::PairChallenge(m) if f.from == call.side => Some(m.session),
                Message::ResumeRequest(m) if f.from == call.side => Some(m.session),
                Message::ResumeReply(m) if f.from == call.side => w
                    .sessions
                    .iter()
                    .find(|s| s.reply_ephemeral == Some(m.ephemeral.0))
                    .map(|s| s.appliance_session),
                _ => None,
            })
            .collect();
        for (side, bytes) in &log[call.draws.clone()] {
            assert_eq!(*side, call.side, "only the called node draws");
            let mut d = json!({
                "side": side.name(),
                "t_ms": call.at,
                "bytes": hex::encode(bytes),
            });
            match bytes.len() {
                64 => d["use"] = "P-256 scalar".into(),
                32 => d["use"] = "X25519 secret".into(),
                2 => {
                    let v = u16_le(bytes);
                    d["value"] = v.into();
                    if let Some(k) = exchanges.iter().position(|&x| x == v | 1) {
                        exchanges.remove(k);
                        d["use"] = "exchange id".into();
                        d["exchange"] = (v | 1).into();
                    } else if let Some(k) = sessions.iter().position(|&s| s == v) {
                        sessions.remove(k);
                        d["use"] = "session id".into();
                    } else if let Some(f) = waits.next() {
                        let k = transmission(&w.frames, f);
                        let interval = interval_ms(k);
                        d["use"] = "jitter".into();
                        d["frame"] = f.into();
                        d["transmission"] = k.into();
                        d["interval_ms"] = interval.into();
                        d["jitter_ms"] = jitter_ms(interval, v).into();
                    } else {
                        panic!("a draw of no known use: {d}");
                    }
                }
                n => panic!("a {n}-byte draw"),
            }
            out.push(d);
        }
        assert!(
            waits.next().is_none(),
            "a wait without its jitter draw at {}",
            call.at
        );
        assert!(
            exchanges.is_empty() && sessions.is_empty(),
            "ids not drawn at {}",
            call.at
        );
    }
    Json::Array(out)
}

fn counters(r: &Rejections) -> [(&'static str, u32); 15] {
    [
        ("malformed", r.malformed),
        ("oversize", r.oversize),
        ("unknown_session", r.unknown_session),
        ("authentication", r.authentication),
        ("replay", r.replay),
        ("closed", r.closed),
        ("handshake", r.handshake),
        ("unexpected", r.unexpected),
        ("needs_pairing", r.needs_pairing),
        ("busy", r.busy),
        ("duplicates", r.duplicates),
        ("stale", r.stale),
        ("handshake_duplicates", r.handshake_duplicates),
        ("unsolicited_dropped", r.unsolicited_dropped),
        ("outbox_full", r.outbox_full),
    ]
}

fn stats(s: &PhoneStats) -> [(&'static str, u32); 5] {
    [
        ("rejected", s.rejected),
        ("retransmissions", s.retransmissions),
        ("late_replies", s.late_replies),
        ("duplicates", s.duplicates),
        ("acks", s.acks),
    ]
}

fn is_request(m: &str) -> bool {
    matches!(
        m,
        "Describe" | "Read" | "Write" | "Invoke" | "Subscribe" | "Unsubscribe" | "Ping"
    )
}

fn is_reply(m: &str) -> bool {
    matches!(
        m,
        "Descriptor"
            | "ReadReply"
            | "WriteReply"
            | "InvokeReply"
            | "SubscribeReply"
            | "Status"
            | "Pong"
    )
}

/// What the receiver did, from its counters, its events and the frame.
fn outcome(f: &Sent, observed: &Observed, answered: bool) -> &'static str {
    match observed {
        Observed::Appliance {
            before,
            after,
            events,
            ..
        } => {
            let moved: Vec<&str> = counters(before)
                .iter()
                .zip(counters(after))
                .filter(|(b, a)| a.1 > b.1)
                .map(|(b, _)| b.0)
                .collect();
            match moved.first().copied() {
                Some("handshake_duplicates") if answered => "answered from the handshake cache",
                Some("handshake_duplicates") => "found in the handshake cache, no answer",
                Some("duplicates") => "answered from the reply cache",
                Some("stale") => "stale, dropped",
                Some("replay") => "replay, dropped",
                Some("unknown_session") if answered => "unknown session, hint sent",
                Some("unknown_session") => "unknown session, dropped",
                Some("busy") => "busy",
                Some(other) => panic!("a refusal ({other}) no transcript shows"),
                None => {
                    if events.iter().any(|e| matches!(e, Event::Paired { .. })) {
                        "paired"
                    } else if events.iter().any(|e| matches!(e, Event::Resumed { .. }))
                        && !is_request(f.message)
                    {
                        "resumed"
                    } else if f.message == "ResumeRequest" && answered {
                        "answered: the session is tentative until its first authenticated frame"
                    } else if events.iter().any(|e| {
                        matches!(
                            e,
                            Event::SessionEnded {
                                reason: EndReason::ClosedByPeer(_),
                                ..
                            }
                        )
                    }) {
                        "closed"
                    } else if f.message == "Ack" {
                        "acknowledgement"
                    } else if is_request(f.message) {
                        "executed"
                    } else {
                        "answered"
                    }
                }
            }
        }
        Observed::Phone {
            before,
            after,
            events,
        } => {
            if after.duplicates > before.duplicates {
                "duplicate, acknowledged again"
            } else if after.rejected > before.rejected {
                "refused"
            } else if after.late_replies > before.late_replies {
                "late reply, dropped"
            } else if events
                .iter()
                .any(|e| matches!(e, PhoneEvent::Report { .. } | PhoneEvent::Event { .. }))
            {
                "delivered"
            } else if events
                .iter()
                .any(|e| matches!(e, PhoneEvent::Paired { .. }))
            {
                // The appliance's first authenticated frame.
                "reply, request completed; the pairing is confirmed and stored"
            } else if f.message == "PairChallenge" {
                "keys agreed; the pairing is tentative until the appliance's first authenticated frame"
            } else if events
                .iter()
                .any(|e| matches!(e, PhoneEvent::Resumed { .. }))
            {
                "resumed"
            } else if events.iter().any(|e| matches!(e, PhoneEvent::Hello(_))) {
                "hello answered"
            } else if f.header.is_secured() && is_reply(f.message) {
                "reply, request completed"
            } else if f.message == "Status" {
                "hint recorded"
            } else {
                panic!("a phone outcome no transcript shows: {}", f.message)
            }
        }
    }
}

fn frame(w: &World, index: usize) -> Json {
    let f = &w.frames[index];
    let cause = match &f.cause {
        Cause::Application(action) => json!({"type": "application", "action": action}),
        Cause::Received(n) => json!({"type": "received", "frame": n}),
        Cause::Timer => json!({"type": "timer"}),
    };
    let mut j = json!({
        "index": index,
        "t_ms": f.at,
        "from": f.from.name(),
        "cause": cause,
        "delivered": f.received.is_some(),
        "hex": hex::encode(&f.bytes),
        "header": header(&f.header),
        "message": f.message,
        "payload": hex::encode(&f.payload),
    });
    if scheduled(f) {
        j["transmission"] = transmission(&w.frames, index).into();
    }
    match f.fate {
        Fate::Deliver => {}
        Fate::Lose => j["link"] = "lost".into(),
        Fate::Hold(ms) => j["link"] = format!("held {ms} ms").into(),
    }
    if let Some(rule) = f.rule {
        j["rule"] = rule.into();
    }
    if let Some((at, observed)) = &f.received {
        let answered = w.frames.iter().any(|g| g.cause == Cause::Received(index));
        j["received_ms"] = (*at).into();
        j["outcome"] = outcome(f, observed, answered).into();
        if let Observed::Appliance {
            toggles, toggled, ..
        } = observed
        {
            j["lamp_toggles"] = (*toggles).into();
            if *toggled > 0 {
                j["outcome"] = "executed: the lamp toggled".into();
            }
        }
    }
    j
}

fn keys_json(k: &applink::session::SessionKeys) -> Json {
    json!({
        "phone_to_appliance": hex::encode(k.phone_to_appliance),
        "appliance_to_phone": hex::encode(k.appliance_to_phone),
    })
}

fn summary(w: &World) -> Json {
    let rejections = w.appliance.rejections();
    let appliance: serde_json::Map<String, Json> = counters(&rejections)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| ((*k).to_string(), Json::from(*n)))
        .collect();
    let phone: serde_json::Map<String, Json> = stats(&w.phone.stats())
        .iter()
        .map(|(k, n)| ((*k).to_string(), Json::from(*n)))
        .collect();
    let count = |f: &dyn Fn(&PhoneEvent) -> bool| w.phone_events.iter().filter(|e| f(e)).count();
    json!({
        "lamp_toggles": w.devices.toggles.get(),
        "appliance_counters": appliance,
        "phone_counters": phone,
        "requests_answered": count(&|e| matches!(e, PhoneEvent::Reply { result: Ok(_), .. })),
        "requests_failed": count(&|e| matches!(e, PhoneEvent::Reply { result: Err(_), .. })),
        "reports_delivered": count(&|e| matches!(e, PhoneEvent::Report { .. })),
    })
}

fn transcript(t: &Transcript) -> Json {
    let w = &t.world;
    let sessions: Vec<Json> = w
        .sessions
        .iter()
        .map(|s| {
            json!({
                "established_by": s.by,
                "phone_session": s.phone_session,
                "appliance_session": s.appliance_session,
                "keys": keys_json(&s.keys),
                "psk": hex::encode(s.psk),
                "resume_guard": s.guard,
            })
        })
        .collect();
    let rules: Vec<Json> = w.rules.iter().map(|r| r.says.into()).collect();
    json!({
        "name": t.name,
        "description": t.description,
        "parameters": {
            "start_ms": 0,
            "link_delay_ms": LINK_DELAY_MS,
            "script": rules,
            "entropy": {
                "phone": format!("applink/reliability/{}/phone", t.name),
                "appliance": format!("applink/reliability/{}/appliance", t.name),
            },
        },
        "sessions": sessions,
        "randomness": randomness(w),
        "frames": (0..w.frames.len()).map(|i| frame(w, i)).collect::<Vec<_>>(),
        "summary": summary(w),
    })
}

fn parameters() -> Json {
    let p = checker();
    let secret = ProverSecret::from_pbkdf_output(&p, &w0s_w1s()).unwrap();
    let record = secret.verifier_record(&p);
    let public = |s: &[u8; 32]| hex::encode(p.x25519_public(&p.x25519_import(s)));
    json!({
        "reliability": {
            "retry_initial_ms": RETRY_INITIAL.millis(),
            "retry_factor": 2,
            "retry_max_ms": RETRY_MAX.millis(),
            "jitter": "floor(floor(interval_ms / 4) * r / 65535), r the 2-byte draw as u16 little-endian",
            "max_transmissions": MAX_TRANSMISSIONS,
            "exchange_lifetime_ms": EXCHANGE_LIFETIME.millis(),
            "requests_in_flight": REQUESTS_IN_FLIGHT,
            "reply_cache": REPLY_CACHE,
            "unsolicited_in_flight": UNSOLICITED,
            "seen_exchanges": SEEN_EXCHANGES,
            "handshake_cache": HANDSHAKE_CACHE,
            "hint_interval_ms": HINT_INTERVAL.millis(),
        },
        "device_id": hex::encode(DEVICE_ID),
        "setup_code": SETUP_CODE,
        "w0s_w1s": W0S_W1S,
        "w0": hex::encode(p.p256_scalar_bytes(&secret.w0)),
        "w1": hex::encode(p.p256_scalar_bytes(&secret.w1)),
        "L": hex::encode(p.p256_point_encode(&record.l).unwrap()),
        "appliance_static_secret": hex::encode(APPLIANCE_STATIC),
        "appliance_static_public": public(&APPLIANCE_STATIC),
        "phone_static_secret": hex::encode(PHONE_STATIC),
        "phone_static_public": public(&PHONE_STATIC),
        "lamp": {
            "endpoint": 1,
            "device_type": "dimmable light",
            "capabilities": ["identify", "on_off", "level_control"],
            "initial": {"on": false, "level": 100},
            "data_version_seed": DATA_VERSION_SEED,
            "max_frame": 512,
        },
    })
}

/// The whole file.
pub fn file(transcripts: &[Transcript]) -> String {
    let doc = json!({
        "format": FORMAT,
        "description": "applink reliable-delivery transcripts (spec/RELIABILITY.md): the reference Appliance (a lamp) and Phone on simulated time over a link that delivers every frame after a fixed delay unless the transcript's script loses or holds it. Every frame put on the link is listed, lost ones too, with its decoded header, its plaintext, and what the receiver did; every random draw is listed with its use; every session's traffic keys are listed so each secured frame can be opened.",
        "parameters": parameters(),
        "transcripts": transcripts.iter().map(transcript).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
