//! Pairing with the setup code, a refused wrong code, and a resumed session.
//!
//! The appliance holds only what the factory wrote: its SPAKE2+ verifier
//! record (never the code) and its X25519 static key. The phone types the
//! code printed on the appliance and pairs in 1.5 round trips with its first
//! command in the third flight; a second phone with a mistyped code gets a
//! typed error at once; later the first phone resumes in one round trip and
//! a captured resumption request replayed by an attacker is refused.
//! Randomness comes from the operating system.

use applink::crypto::setup_code::{self, SetupCode};
use applink::crypto::spake2plus::ProverSecret;
use applink::crypto::{CryptoProvider, RustCrypto};
use applink::interaction::clients::OnOff;
use applink::message::{EndpointId, InvokeReply, Message, Seq, Status};
use applink::session::pairing::{ApplianceEvent, ApplianceIdentity, DeviceId, PhonePairing};
use applink::session::resume::PhoneResume;
use applink::session::store::{MemoryStore, Pairing, PairingStore};
use applink::session::{ApplianceHandshake, SecureChannel, SessionError};
use applink::time::{Duration, Instant};
use applink::wire::Flags;

const DEVICE_ID: DeviceId = *b"LAMP0042";
const PRINTED_CODE: &str = "3141-5926";

type Os = RustCrypto<fn(&mut [u8])>;

fn os_random(out: &mut [u8]) {
    getrandom::fill(out).expect("the operating system's random source");
}

fn provider() -> Os {
    RustCrypto::new(os_random as fn(&mut [u8]))
}

/// The appliance: what the factory wrote, its pairings and its handshake
/// machine.
struct Appliance {
    p: Os,
    identity: ApplianceIdentity<Os>,
    handshake: ApplianceHandshake,
    store: MemoryStore<4>,
}

impl Appliance {
    /// Feeds one plaintext frame; returns the answer, if any.
    fn handle(
        &mut self,
        bytes: &[u8],
        now: Instant,
    ) -> (Result<(), SessionError>, Option<Vec<u8>>) {
        let r =
            self.handshake
                .handle_frame(&mut self.p, &mut self.store, &self.identity, bytes, now);
        let mut buf = [0u8; 256];
        let out = self
            .handshake
            .poll_transmit(&mut buf)
            .map(|n| buf[..n].to_vec());
        (r, out)
    }
}

/// A phone: its long-term key and, once paired, what it stored.
struct Phone {
    name: &'static str,
    p: Os,
    static_secret: <Os as CryptoProvider>::X25519Secret,
    pairing: Option<Pairing>,
}

fn show(from: &str, to: &str, bytes: &[u8]) {
    let what = match applink::from_bytes(bytes) {
        Ok((_, m)) => m.name().to_string(),
        Err(_) => "secured frame".to_string(),
    };
    println!(
        "  {from:>9} → {to:<9} {what:<14} {:>3} bytes  {}…",
        bytes.len(),
        hex(&bytes[..16.min(bytes.len())])
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn take(f: &mut impl FnMut(&mut [u8]) -> Option<usize>) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = f(&mut buf).expect("a frame to send");
    buf[..n].to_vec()
}

/// The phone sends a command on `phone`; the appliance opens it on
/// `appliance` and answers.
fn command(
    phone: &mut Phone,
    channel: &mut SecureChannel,
    a: &mut Appliance,
    appliance: &mut SecureChannel,
    exchange: u16,
    now: Instant,
) {
    let mut buf = [0u8; 128];
    let toggle = OnOff::new(EndpointId(1)).toggle();
    let n = channel
        .seal_message(
            &phone.p,
            exchange,
            Flags::INITIATOR,
            &toggle.message(),
            &mut buf,
        )
        .unwrap();
    show(phone.name, "appliance", &buf[..n]);
    let (header, m) = appliance.open_message(&a.p, &mut buf[..n], now).unwrap();
    println!("  appliance opens counter {}: {m:?}", header.counter);
    let reply = Message::InvokeReply(InvokeReply {
        status: Status::SUCCESS,
        fields: Seq::empty(),
    });
    let n = appliance
        .seal_message(&a.p, exchange, Flags::EMPTY, &reply, &mut buf)
        .unwrap();
    show("appliance", phone.name, &buf[..n]);
    let (_, m) = channel.open_message(&phone.p, &mut buf[..n], now).unwrap();
    println!("  {} opens: {m:?}", phone.name);
}

fn pair(
    phone: &mut Phone,
    a: &mut Appliance,
    typed: &str,
    now: Instant,
) -> Result<(SecureChannel, SecureChannel), SessionError> {
    let code = SetupCode::parse(typed).expect("eight digits");
    let w = ProverSecret::from_pbkdf_output(
        &phone.p,
        &setup_code::derive_w0s_w1s(&code, &DEVICE_ID).expect("Argon2id"),
    )
    .unwrap();
    println!(
        "  {} derives w0, w1 from {typed:?} with Argon2id",
        phone.name
    );
    let public = phone.p.x25519_public(&phone.static_secret);
    let mut machine = PhonePairing::start(&mut phone.p, w, DEVICE_ID, public, 0x0101, 1, now)?;
    let request = take(&mut |b| machine.poll_transmit(b));
    show(phone.name, "appliance", &request);
    let (_, challenge) = a.handle(&request, now);
    let challenge = challenge.expect("the appliance answers");
    show("appliance", phone.name, &challenge);
    println!(
        "  appliance counted the attempt first: lifetime failures = {}",
        a.store.lifetime_failures()
    );
    let outcome = machine.handle_frame(&phone.p, &challenge, now);
    let last = take(&mut |b| machine.poll_transmit(b));
    show(phone.name, "appliance", &last);
    let (r, answer) = a.handle(&last, now);
    if let Err(e) = outcome {
        println!(
            "  {} reports at once: {e} (status {:?})",
            phone.name,
            e.status()
        );
        println!(
            "  appliance: {r:?}, reports {:?}; lifetime failures stay {}",
            a.handshake.poll_event(),
            a.store.lifetime_failures()
        );
        assert!(answer.is_none());
        return Err(e);
    }
    let paired = machine.poll_event().unwrap()?;
    let Some(ApplianceEvent::Paired { channel, admin, .. }) = a.handshake.poll_event() else {
        panic!("the appliance did not pair: {r:?}");
    };
    println!("  paired in 1.5 round trips; the first phone is admin: {admin}");
    phone.pairing = Some(paired.pairing);
    Ok((paired.channel, channel))
}

fn resume(
    phone: &mut Phone,
    a: &mut Appliance,
    now: Instant,
) -> (SecureChannel, SecureChannel, Vec<u8>) {
    let pairing = phone.pairing.as_mut().expect("paired");
    let mut machine = PhoneResume::start(
        &mut phone.p,
        &phone.static_secret,
        DEVICE_ID,
        pairing,
        0x0202,
        7,
        now,
    )
    .unwrap();
    println!(
        "  {} stores replay guard {} before sending",
        phone.name, pairing.resume_counter
    );
    let request = take(&mut |b| machine.poll_transmit(b));
    show(phone.name, "appliance", &request);
    let (r, reply) = a.handle(&request, now);
    r.unwrap();
    let reply = reply.unwrap();
    show("appliance", phone.name, &reply);
    machine
        .handle_frame(&phone.p, &phone.static_secret, &reply, now)
        .unwrap();
    let channel = machine.poll_event().unwrap().unwrap();
    let Some(ApplianceEvent::Resumed {
        channel: appliance, ..
    }) = a.handshake.poll_event()
    else {
        panic!("the appliance did not resume");
    };
    println!("  resumed in 1 round trip, fresh keys from new ephemeral X25519 exchanges");
    (channel, appliance, request)
}

/// Runs the pairing, wrong-code and resumption story.
pub fn run() {
    let code = SetupCode::parse(PRINTED_CODE).expect("a valid code");
    let w = setup_code::derive_w0s_w1s(&code, &DEVICE_ID).expect("Argon2id");
    let mut p = provider();
    let record = ProverSecret::from_pbkdf_output(&p, &w)
        .unwrap()
        .verifier_record(&p);
    let static_secret = p.x25519_generate();
    let mut a = Appliance {
        identity: ApplianceIdentity {
            device_id: DEVICE_ID,
            record,
            static_secret,
        },
        p,
        handshake: ApplianceHandshake::new(),
        store: MemoryStore::new(),
    };
    println!("factory: writes w0 and L = w1×G for code {PRINTED_CODE}, never the code");
    let new_phone = |name| {
        let mut p = provider();
        let static_secret = p.x25519_generate();
        Phone {
            name,
            p,
            static_secret,
            pairing: None,
        }
    };
    let mut alice = new_phone("alice");
    let mut bob = new_phone("bob");

    println!("\n== alice presses the pairing button and types {PRINTED_CODE}");
    let now = Instant::from_secs(10);
    a.handshake
        .pairing_mut()
        .open_window(now, Duration::from_secs(900));
    let (mut ch, mut ach) =
        pair(&mut alice, &mut a, PRINTED_CODE, now).expect("the right code pairs");
    command(&mut alice, &mut ch, &mut a, &mut ach, 2, now);

    println!("\n== alice (admin) opens a window for bob, who mistypes the code");
    let alice_key = alice.p.x25519_public(&alice.static_secret);
    a.handshake
        .pairing_mut()
        .open_window_as(&a.store, &alice_key, now, Duration::from_secs(300))
        .unwrap();
    let e = pair(&mut bob, &mut a, "3141-5927", now).expect_err("a wrong code fails");
    assert_eq!(e, SessionError::WrongSetupCode);

    println!("\n== later: alice comes back and resumes");
    let later = Instant::from_secs(3600);
    let (mut ch, mut ach, captured) = resume(&mut alice, &mut a, later);
    command(&mut alice, &mut ch, &mut a, &mut ach, 8, later);

    println!("\n== an attacker replays alice's captured ResumeRequest");
    show("attacker", "appliance", &captured);
    let (r, answer) = a.handle(&captured, later);
    let answer = answer.expect("a typed refusal");
    show("appliance", "attacker", &answer);
    println!("  refused: {}", r.unwrap_err());
}
