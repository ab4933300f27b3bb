//! The security properties of the node, each shown by playing the
//! attacker against a lamp `Appliance` and real `Phone`s in memory, on
//! simulated time: pairing administration on the wire, a forged
//! `HelloAccept`, a changed offer, and what a removed phone can still do.

mod node_support;

use std::collections::VecDeque;

use applink::crypto::spake2plus::ProverSecret;
use applink::message::{Fixed, HelloAccept, HelloReply, Message, Ping, Status};
use applink::node::store::MemoryPhoneStore;
use applink::node::{ApplianceConfig, Event, Node, NodeError, Phone, PhoneEvent, Reply};
use applink::session::SessionError;
use applink::session::store::PairingStore;
use applink::time::{Duration, Instant};
use applink::wire::Header;

use node_support::{APPLIANCE, Crypto, DEVICE, Lamp, PBKDF, crypto, lamp, lamp_devices};

type TestPhone = Phone<Crypto, MemoryPhoneStore, u8>;

/// What an on-path attacker does with one frame: pass it, drop it, or
/// pass a changed copy.
type Tap = Box<dyn FnMut(u8, u8, &[u8]) -> Option<Vec<u8>>>;

/// A lamp and phones at addresses 2, 3, …, and a link that delivers at
/// once (through the tap, if any).
struct Net {
    now: Instant,
    lamp: Lamp,
    phones: Vec<(u8, TestPhone, Vec<PhoneEvent>)>,
    lamp_events: Vec<Event>,
    air: VecDeque<(u8, u8, Vec<u8>)>,
    tap: Option<Tap>,
}

impl Net {
    fn new(seed: u64) -> Net {
        let mut lamp = lamp(lamp_devices(), seed, ApplianceConfig::default());
        let now = Instant::from_secs(100);
        lamp.open_pairing_window(now, Duration::from_secs(600))
            .expect("a new lamp opens its window");
        Net {
            now,
            lamp,
            phones: Vec::new(),
            lamp_events: Vec::new(),
            air: VecDeque::new(),
            tap: None,
        }
    }

    fn add_phone(&mut self, seed: u64) -> usize {
        let addr = 2 + self.phones.len() as u8;
        let phone = Phone::new(crypto(seed, 0xB0 + addr), MemoryPhoneStore::default()).unwrap();
        self.phones.push((addr, phone, Vec::new()));
        self.phones.len() - 1
    }

    fn phone(&mut self, k: usize) -> &mut TestPhone {
        &mut self.phones[k].1
    }

    fn events(&self, k: usize) -> &[PhoneEvent] {
        &self.phones[k].2
    }

    fn collect(&mut self) {
        let mut buf = [0u8; 1024];
        while let Some((to, n)) = self.lamp.poll_transmit(&mut buf) {
            self.air.push_back((APPLIANCE, to, buf[..n].to_vec()));
        }
        for (addr, phone, events) in &mut self.phones {
            while let Some((to, n)) = phone.poll_transmit(&mut buf) {
                self.air.push_back((*addr, to, buf[..n].to_vec()));
            }
            while let Some(e) = phone.poll_event() {
                events.push(e);
            }
        }
        while let Some(e) = self.lamp.poll_event() {
            self.lamp_events.push(e);
        }
    }

    /// Delivers everything in flight, then runs timers, for `d` of
    /// simulated time.
    fn run_for(&mut self, d: Duration) {
        let until = self.now.saturating_add(d);
        loop {
            self.collect();
            while let Some((from, to, bytes)) = self.air.pop_front() {
                let bytes = match &mut self.tap {
                    Some(tap) => match tap(from, to, &bytes) {
                        Some(b) => b,
                        None => continue,
                    },
                    None => bytes,
                };
                let mut bytes = bytes;
                if to == APPLIANCE {
                    self.lamp.handle_datagram(from, &mut bytes, self.now);
                } else if let Some((_, phone, _)) =
                    self.phones.iter_mut().find(|(a, _, _)| *a == to)
                {
                    phone.handle_datagram(APPLIANCE, &mut bytes, self.now);
                }
                self.collect();
            }
            let next = self
                .phones
                .iter()
                .filter_map(|(_, p, _)| p.poll_timeout())
                .chain(self.lamp.poll_timeout())
                .min();
            match next {
                Some(t) if t <= until => {
                    self.now = t.max(self.now);
                    self.lamp.handle_timeout(self.now);
                    for (_, p, _) in &mut self.phones {
                        if p.poll_timeout().is_some_and(|t| t <= self.now) {
                            p.handle_timeout(self.now);
                        }
                    }
                }
                _ => {
                    self.now = until;
                    self.collect();
                    return;
                }
            }
        }
    }

    /// Pairs phone `k` with the derived secret of `pbkdf` (the factory code
    /// or a one-time code) and waits for the outcome.
    fn pair(&mut self, k: usize, pbkdf: &[u8; 80]) -> Result<(), NodeError> {
        let secret = ProverSecret::from_pbkdf_output(&crypto(0, 0), pbkdf).unwrap();
        let now = self.now;
        let to = APPLIANCE;
        self.phone(k)
            .pair_with_secret(to, secret, DEVICE, now)
            .unwrap();
        self.run_for(Duration::from_secs(5));
        self.events(k)
            .iter()
            .rev()
            .find_map(|e| match e {
                PhoneEvent::Paired { .. } => Some(Ok(())),
                PhoneEvent::HandshakeFailed(e) => Some(Err(*e)),
                _ => None,
            })
            .expect("the pairing ended")
    }

    fn ask(&mut self, k: usize, m: &Message<'_>) -> Result<Reply, NodeError> {
        let now = self.now;
        let id = self.phone(k).request(m, now)?;
        self.settle(k, id)
    }

    fn settle(&mut self, k: usize, id: applink::node::RequestId) -> Result<Reply, NodeError> {
        self.run_for(Duration::from_secs(15));
        self.events(k)
            .iter()
            .find_map(|e| match e {
                PhoneEvent::Reply { id: x, result } if *x == id => Some(result.clone()),
                _ => None,
            })
            .expect("the request settled")
    }
}

/// The verifier record of a one-time code whose derived secret is `pbkdf`.
fn one_time(pbkdf: &[u8; 80]) -> [u8; 97] {
    let p = crypto(0, 0);
    ProverSecret::from_pbkdf_output(&p, pbkdf)
        .unwrap()
        .verifier_record(&p)
        .to_bytes(&p)
        .unwrap()
}

const SHARED: [u8; 80] = [0x3C; 80];

#[test]
fn an_admin_shares_over_the_wire_and_a_user_administers_nothing() {
    let mut net = Net::new(1);
    let alice = net.add_phone(11);
    let bob = net.add_phone(12);
    net.pair(alice, &PBKDF).expect("the first phone pairs");
    // The printed code no longer adds anyone: the window closed with the
    // first pairing, and a button press now opens nothing.
    assert_eq!(net.pair(bob, &PBKDF), Err(NodeError::PairingWindowClosed));
    let now = net.now;
    assert!(
        net.lamp
            .open_pairing_window(now, Duration::from_secs(60))
            .is_err()
    );
    // alice opens a window for a one-time code, over her session.
    let now = net.now;
    let id = net
        .phone(alice)
        .open_window(120, one_time(&SHARED), now)
        .unwrap();
    assert_eq!(net.settle(alice, id), Ok(Reply::Administered));
    // The printed code does not open it; the one-time code does.
    let carol = net.add_phone(13);
    assert_eq!(net.pair(carol, &PBKDF), Err(NodeError::WrongSetupCode));
    net.run_for(Duration::from_secs(3));
    net.pair(bob, &SHARED).expect("the one-time code pairs");
    let bob_key = net.phone(bob).public_key();
    assert!(
        net.events(alice).iter().any(|e| matches!(
            e,
            PhoneEvent::PairingAdded { peer_static, admin: false } if *peer_static == bob_key
        )),
        "alice is told: {:?}",
        net.events(alice)
    );
    // The window closed with bob's pairing: the code works once. (bob
    // steps away, so the two-session table has room for dave to try.)
    let now = net.now;
    net.phone(bob).close(now);
    net.run_for(Duration::from_millis(50));
    let dave = net.add_phone(14);
    assert_eq!(net.pair(dave, &SHARED), Err(NodeError::PairingWindowClosed));
    // bob is a user: every admin request is refused, nothing changes.
    let now = net.now;
    net.phone(bob).resume(APPLIANCE, DEVICE, now).unwrap();
    net.run_for(Duration::from_secs(1));
    let alice_key = net.phone(alice).public_key();
    let now = net.now;
    let id = net
        .phone(bob)
        .open_window(120, one_time(&SHARED), now)
        .unwrap();
    assert_eq!(
        net.settle(bob, id),
        Err(NodeError::Refused(Status::ACCESS_DENIED))
    );
    let now = net.now;
    let id = net.phone(bob).remove_pairing(alice_key, now).unwrap();
    assert_eq!(
        net.settle(bob, id),
        Err(NodeError::Refused(Status::ACCESS_DENIED))
    );
    let now = net.now;
    let id = net.phone(bob).set_role(bob_key, true, now).unwrap();
    assert_eq!(
        net.settle(bob, id),
        Err(NodeError::Refused(Status::ACCESS_DENIED))
    );
    let now = net.now;
    let id = net.phone(bob).list_pairings(0, now).unwrap();
    assert_eq!(
        net.settle(bob, id),
        Err(NodeError::Refused(Status::ACCESS_DENIED))
    );
    // alice lists both, cannot remove herself (the last admin), removes bob.
    let now = net.now;
    let id = net.phone(alice).list_pairings(0, now).unwrap();
    let Ok(Reply::Pairings {
        total: 2, entries, ..
    }) = net.settle(alice, id)
    else {
        panic!("two pairings: {:?}", net.events(alice));
    };
    assert!(entries.contains(&(alice_key, true)) && entries.contains(&(bob_key, false)));
    let now = net.now;
    let id = net.phone(alice).remove_pairing(alice_key, now).unwrap();
    assert_eq!(
        net.settle(alice, id),
        Err(NodeError::Refused(Status::INVALID_STATE))
    );
    let now = net.now;
    let id = net.phone(alice).remove_pairing(bob_key, now).unwrap();
    assert_eq!(net.settle(alice, id), Ok(Reply::Administered));
    assert!(
        net.events(bob)
            .iter()
            .any(|e| matches!(e, PhoneEvent::SessionEnded(_))),
        "bob's session ended at once"
    );
    // bob, removed, cannot come back by resuming.
    let now = net.now;
    net.phone(bob).resume(APPLIANCE, DEVICE, now).unwrap();
    net.run_for(Duration::from_secs(5));
    assert!(
        net.events(bob)
            .contains(&PhoneEvent::HandshakeFailed(NodeError::NeedsPairing))
    );
    assert!(net.ask(alice, &Message::Ping(Ping { nonce: 9 })).is_ok());
}

#[test]
fn a_forged_hello_accept_is_caught_as_a_changed_negotiation() {
    let mut net = Net::new(2);
    let alice = net.add_phone(21);
    // On the path: the first HelloAccept is replaced by one that announces
    // a smaller frame and another descriptor hash.
    let mut forged = false;
    net.tap = Some(Box::new(move |_, _, bytes| {
        let Ok((h, Message::HelloReply(HelloReply::Accept(a)))) = applink::from_bytes(bytes) else {
            return Some(bytes.to_vec());
        };
        if forged {
            return Some(bytes.to_vec());
        }
        forged = true;
        let lie = HelloAccept {
            max_frame: 256,
            descriptor_hash: Fixed([0xEE; 16]),
            ..a
        };
        let mut out = [0u8; 128];
        let n = applink::to_slice(
            &Header::plaintext(h.exchange),
            &Message::HelloReply(HelloReply::Accept(lie)),
            &mut out,
        )
        .unwrap();
        Some(out[..n].to_vec())
    }));
    assert_eq!(
        net.pair(alice, &PBKDF),
        Err(NodeError::Session(SessionError::Downgrade))
    );
    // The phone sent no PairFinish: the appliance stored nothing.
    net.run_for(Duration::from_secs(40));
    assert!(
        net.lamp.store().is_empty(),
        "no pairing the phone abandoned"
    );
    // Without the attacker the phone pairs, and uses the sealed values.
    net.tap = None;
    net.pair(alice, &PBKDF).expect("pairs");
    let accepted = net.phone(alice).hello_accept().copied().unwrap();
    assert_eq!(
        accepted.descriptor_hash,
        net.lamp.dispatcher().descriptor_hash()
    );
}

#[test]
fn a_changed_offer_fails_the_pairing_instead_of_shrinking_its_frames() {
    let mut net = Net::new(3);
    let alice = net.add_phone(31);
    // On the path: the PairRequest's offer is cut to 256-byte frames.
    net.tap = Some(Box::new(|_, _, bytes| {
        let Ok((h, Message::PairRequest(mut r))) = applink::from_bytes(bytes) else {
            return Some(bytes.to_vec());
        };
        r.offer.max_frame = 256;
        let mut out = [0u8; 256];
        let n = applink::to_slice(&h, &Message::PairRequest(r), &mut out).unwrap();
        Some(out[..n].to_vec())
    }));
    // The appliance bound the changed offer, the phone its own: the
    // confirmation fails, and the attempt ends without a session.
    assert_eq!(net.pair(alice, &PBKDF), Err(NodeError::WrongSetupCode));
    assert!(net.lamp.store().is_empty());
    assert!(net.lamp.sessions().next().is_none());
}

#[test]
fn a_removed_phone_keeps_nothing_it_can_use() {
    let mut net = Net::new(4);
    let alice = net.add_phone(41);
    let bob = net.add_phone(42);
    net.pair(alice, &PBKDF).unwrap();
    let now = net.now;
    let id = net
        .phone(alice)
        .open_window(120, one_time(&SHARED), now)
        .unwrap();
    net.settle(alice, id).unwrap();
    net.pair(bob, &SHARED).unwrap();
    // Everything bob sends on the path is recorded.
    let recorded = std::rc::Rc::new(core::cell::RefCell::new(Vec::new()));
    let log = recorded.clone();
    let bob_addr = net.phones[bob].0;
    net.tap = Some(Box::new(move |from, _, bytes| {
        if from == bob_addr {
            log.borrow_mut().push(bytes.to_vec());
        }
        Some(bytes.to_vec())
    }));
    let now = net.now;
    net.phone(bob).close(now);
    net.run_for(Duration::from_millis(100));
    let now = net.now;
    net.phone(bob).resume(APPLIANCE, DEVICE, now).unwrap();
    net.run_for(Duration::from_secs(1));
    assert!(net.ask(bob, &Message::Ping(Ping { nonce: 1 })).is_ok());
    let bob_key = net.phone(bob).public_key();
    let now = net.now;
    let id = net.phone(alice).remove_pairing(bob_key, now).unwrap();
    net.settle(alice, id).unwrap();
    net.tap = None;
    // Replaying every frame bob ever sent (his ResumeRequest included)
    // gives him nothing: no session, no pairing, nothing executed.
    let frames = recorded.borrow().clone();
    assert!(frames.len() >= 3);
    let toggles = lamp_devices().toggles();
    for f in frames {
        let mut f = f;
        net.lamp.handle_datagram(bob_addr, &mut f, net.now);
    }
    net.run_for(Duration::from_secs(1));
    assert!(net.lamp.sessions().all(|(_, k)| k != bob_key));
    assert!(net.lamp.store().get(&bob_key).is_none());
    assert_eq!(lamp_devices().toggles(), toggles);
}

#[test]
fn a_forged_refusal_of_the_hello_does_not_end_a_pairing_by_the_typed_code() {
    // A lamp whose verifier comes from a typed code: the phone has no
    // device id, so it asks Hello { purpose: Pair } first.
    let code = "3141-5926";
    let mut net = Net::new(5);
    net.lamp = node_support::lamp_at(lamp_devices(), 5, ApplianceConfig::default(), Some(code));
    let now = net.now;
    net.lamp
        .open_pairing_window(now, Duration::from_secs(600))
        .unwrap();
    let alice = net.add_phone(51);
    // In radio range: a forged "window closed" reaches the phone before
    // the genuine HelloAccept (delivered by hand, ahead of the Hello).
    let now = net.now;
    net.phone(alice)
        .pair_with_code(APPLIANCE, code, None, now)
        .unwrap();
    net.collect();
    let (from, to, hello) = net.air.pop_front().expect("the Hello");
    let (h, _) = applink::from_bytes(&hello).unwrap();
    let reject = Message::HelloReply(HelloReply::Reject(
        applink::message::HelloReject::PairingWindowClosed,
    ));
    let mut out = [0u8; 64];
    let n = applink::to_slice(&Header::plaintext(h.exchange), &reject, &mut out).unwrap();
    net.phone(alice)
        .handle_datagram(APPLIANCE, &mut out[..n].to_vec(), now);
    net.air.push_front((from, to, hello));
    net.run_for(Duration::from_secs(5));
    assert!(
        net.events(alice)
            .iter()
            .any(|e| matches!(e, PhoneEvent::Paired { .. })),
        "the genuine attempt completes: {:?}",
        net.events(alice)
    );
    assert_eq!(net.lamp.store().len(), 1);
}
