use super::*;
use crate::crypto::InsecureTestCrypto;
use crate::message::{Ping, Pong};

const IDLE: Duration = Duration::from_secs(30);

fn pair() -> (InsecureTestCrypto, SecureChannel, SecureChannel) {
    let keys = SessionKeys {
        phone_to_appliance: [0x11; 32],
        appliance_to_phone: [0x22; 32],
    };
    let phone = SecureChannel::new(Role::Phone, &keys, 7, 9, IDLE, Instant::ZERO);
    let appliance = SecureChannel::new(Role::Appliance, &keys, 9, 7, IDLE, Instant::ZERO);
    (InsecureTestCrypto::from_seed([1; 32]), phone, appliance)
}

fn ping(p: &InsecureTestCrypto, ch: &mut SecureChannel, nonce: u32) -> std::vec::Vec<u8> {
    let mut buf = [0u8; 64];
    let n = ch
        .seal_message(
            p,
            3,
            Flags::INITIATOR,
            &Message::Ping(Ping { nonce }),
            &mut buf,
        )
        .unwrap();
    buf[..n].to_vec()
}

#[test]
fn round_trip_both_directions() {
    let (p, mut phone, mut appliance) = pair();
    let mut f = ping(&p, &mut phone, 42);
    let (h, m) = appliance
        .open_message(&p, &mut f, Instant::from_secs(1))
        .unwrap();
    assert_eq!(h.session, 9);
    assert_eq!(h.counter, 0);
    assert!(h.flags.contains(Flags::INITIATOR));
    assert_eq!(m, Message::Ping(Ping { nonce: 42 }));
    let mut buf = [0u8; 64];
    let n = appliance
        .seal_message(
            &p,
            3,
            Flags::EMPTY,
            &Message::Pong(Pong { nonce: 42 }),
            &mut buf,
        )
        .unwrap();
    let (h, m) = phone
        .open_message(&p, &mut buf[..n], Instant::from_secs(1))
        .unwrap();
    assert_eq!((h.session, h.counter), (7, 0));
    assert_eq!(m, Message::Pong(Pong { nonce: 42 }));
}

#[test]
fn the_body_is_encrypted_and_the_nonce_is_specified() {
    let (p, mut phone, _) = pair();
    let f = ping(&p, &mut phone, 42);
    // header 10 | body "15 2a" encrypted | tag 16
    assert_eq!(f.len(), 10 + 2 + 16);
    assert_ne!(&f[10..12], &[0x15, 0x2A]);
    let mut body = [0x15, 0x2A];
    let mut nonce = [0u8; 12];
    nonce[0] = 0; // phone → appliance
    let tag = p
        .aead_seal(&[0x11; 32], &nonce, &f[..10], &mut body)
        .unwrap();
    assert_eq!(&f[10..12], &body);
    assert_eq!(&f[12..], &tag);
}

#[test]
fn every_replayed_frame_is_rejected() {
    let (p, mut phone, mut appliance) = pair();
    let frames: std::vec::Vec<_> = (0..10).map(|i| ping(&p, &mut phone, i)).collect();
    for f in &frames {
        appliance.open(&p, &mut f.clone(), Instant::ZERO).unwrap();
    }
    for f in &frames {
        let counter = Header::parse(f).unwrap().0.counter;
        assert_eq!(
            appliance.open(&p, &mut f.clone(), Instant::ZERO),
            Err(SessionError::Replay(counter))
        );
    }
    assert!(appliance.is_open());
}

#[test]
fn reordered_frames_within_the_window_are_accepted_once() {
    let (p, mut phone, mut appliance) = pair();
    let frames: std::vec::Vec<_> = (0..70).map(|i| ping(&p, &mut phone, i)).collect();
    appliance
        .open(&p, &mut frames[69].clone(), Instant::ZERO)
        .unwrap();
    // 6..69 are within 63 of 69; 0..=5 are too old.
    for f in frames[6..69].iter().rev() {
        appliance.open(&p, &mut f.clone(), Instant::ZERO).unwrap();
        assert!(matches!(
            appliance.open(&p, &mut f.clone(), Instant::ZERO),
            Err(SessionError::Replay(_))
        ));
    }
    for f in &frames[..6] {
        assert!(matches!(
            appliance.open(&p, &mut f.clone(), Instant::ZERO),
            Err(SessionError::Replay(_))
        ));
    }
}

#[test]
fn every_flipped_bit_is_rejected_and_changes_nothing() {
    let (p, mut phone, mut appliance) = pair();
    let f = ping(&p, &mut phone, 7);
    for byte in 0..f.len() {
        for bit in 0..8 {
            let mut bad = f.clone();
            bad[byte] ^= 1 << bit;
            assert!(
                appliance.open(&p, &mut bad, Instant::ZERO).is_err(),
                "byte {byte} bit {bit}"
            );
        }
    }
    // The untouched frame still opens: no rejection moved the window.
    appliance.open(&p, &mut f.clone(), Instant::ZERO).unwrap();
}

#[test]
fn wrong_session_and_plaintext_frames_are_rejected() {
    let (p, mut phone, mut appliance) = pair();
    let mut f = ping(&p, &mut phone, 1);
    assert_eq!(
        phone.open(&p, &mut f.clone(), Instant::ZERO),
        Err(SessionError::UnknownSession(9))
    );
    let mut plain = [0u8; 32];
    let n = crate::to_slice(
        &Header::plaintext(1),
        &Message::Ping(Ping { nonce: 1 }),
        &mut plain,
    )
    .unwrap();
    assert_eq!(
        appliance.open(&p, &mut plain[..n], Instant::ZERO),
        Err(SessionError::WrongFrameKind)
    );
    appliance.open(&p, &mut f, Instant::ZERO).unwrap();
}

/// Seals `n` pings on `ch` (delivered or not, as the caller chooses).
fn fill(
    p: &InsecureTestCrypto,
    ch: &mut SecureChannel,
    n: u64,
) -> std::vec::Vec<std::vec::Vec<u8>> {
    (0..n).map(|i| ping(p, ch, i as u32)).collect()
}

fn delivered(p: &InsecureTestCrypto, to: &mut SecureChannel, frames: &[std::vec::Vec<u8>]) {
    for f in frames {
        to.open(p, &mut f.clone(), Instant::ZERO).unwrap();
    }
}

#[test]
fn key_update_on_both_sides_with_reordering_across_phases() {
    let (p, mut phone, mut appliance) = pair();
    assert_eq!(phone.update_keys(&p), Err(SessionError::KeyUpdateTooSoon));
    let first = fill(&p, &mut phone, MIN_FRAMES_PER_KEY_PHASE);
    let (old, rest) = first.split_last().unwrap();
    delivered(&p, &mut appliance, rest);
    assert!(phone.can_update_keys());
    phone.update_keys(&p).unwrap();
    assert!(!phone.can_update_keys());
    let new = ping(&p, &mut phone, 1);
    assert!(
        Header::parse(&new)
            .unwrap()
            .0
            .flags
            .contains(Flags::KEY_PHASE)
    );
    // The new phase arrives first; the old frame, reordered, still opens.
    appliance.open(&p, &mut new.clone(), Instant::ZERO).unwrap();
    assert!(appliance.receive_phase());
    appliance.open(&p, &mut old.clone(), Instant::ZERO).unwrap();
    // The appliance updates its own direction too.
    let back = fill(&p, &mut appliance, MIN_FRAMES_PER_KEY_PHASE);
    delivered(&p, &mut phone, &back);
    appliance.update_keys(&p).unwrap();
    let mut buf = [0u8; 64];
    let n = appliance
        .seal_message(
            &p,
            3,
            Flags::EMPTY,
            &Message::Pong(Pong { nonce: 1 }),
            &mut buf,
        )
        .unwrap();
    phone.open(&p, &mut buf[..n], Instant::ZERO).unwrap();
    assert!(phone.receive_phase());
    // A second update on the phone: the phase bit returns to 0 with a new
    // key. A frame two phases old is below the window: a replay, never an
    // authentication failure.
    let second = fill(&p, &mut phone, MIN_FRAMES_PER_KEY_PHASE - 1);
    delivered(&p, &mut appliance, &second);
    phone.update_keys(&p).unwrap();
    let third = ping(&p, &mut phone, 2);
    assert!(
        !Header::parse(&third)
            .unwrap()
            .0
            .flags
            .contains(Flags::KEY_PHASE)
    );
    appliance
        .open(&p, &mut third.clone(), Instant::ZERO)
        .unwrap();
    assert!(!appliance.receive_phase());
    assert!(matches!(
        appliance.open(&p, &mut first[0].clone(), Instant::ZERO),
        Err(SessionError::Replay(0))
    ));
    // A forged phase flip with a higher counter does not move the receiver.
    let mut forged = ping(&p, &mut phone, 3);
    forged[1] ^= Flags::KEY_PHASE.bits();
    assert_eq!(
        appliance.open(&p, &mut forged, Instant::ZERO),
        Err(SessionError::Authentication)
    );
    assert!(!appliance.receive_phase());
}

#[test]
fn a_whole_lost_key_phase_is_skipped() {
    let (p, mut phone, mut appliance) = pair();
    let phase0 = fill(&p, &mut phone, MIN_FRAMES_PER_KEY_PHASE);
    delivered(&p, &mut appliance, &phase0);
    phone.update_keys(&p).unwrap();
    // Every frame of phase 1 is lost.
    let _lost = fill(&p, &mut phone, MIN_FRAMES_PER_KEY_PHASE);
    phone.update_keys(&p).unwrap();
    // Phase 2 has the same K bit as phase 0, two keys on: the receiver
    // finds it because the counter is more than a window ahead.
    let phase2 = fill(&p, &mut phone, 3);
    delivered(&p, &mut appliance, &phase2);
    assert!(!appliance.receive_phase());
    // A forgery that far ahead with the same K bit is still refused, and
    // moves nothing.
    let mut forged = phase2[0].clone();
    forged[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        appliance.open(&p, &mut forged, Instant::ZERO),
        Err(SessionError::Authentication)
    );
    let next = ping(&p, &mut phone, 9);
    appliance
        .open(&p, &mut next.clone(), Instant::ZERO)
        .unwrap();
}

#[test]
fn counter_exhaustion_ends_the_session() {
    let (p, mut phone, mut appliance) = pair();
    phone.set_next_counter(u64::from(u32::MAX));
    let last = ping(&p, &mut phone, 1);
    assert_eq!(Header::parse(&last).unwrap().0.counter, u32::MAX);
    assert_eq!(phone.ended(), Some(Ended::CounterExhausted));
    let mut buf = [0u8; 64];
    assert_eq!(
        phone.seal(&p, 1, Flags::EMPTY, None, &[1], &mut buf),
        Err(SessionError::Closed)
    );
    assert_eq!(phone.next_counter(), None);
    appliance
        .open(&p, &mut last.clone(), Instant::ZERO)
        .unwrap();
}

#[test]
fn close_is_encrypted_and_ends_both_sides() {
    let (p, mut phone, mut appliance) = pair();
    let mut buf = [0u8; 64];
    let n = phone.close(&p, 5, Status::SUCCESS, &mut buf).unwrap();
    assert_eq!(phone.ended(), Some(Ended::ClosedLocally(Status::SUCCESS)));
    assert!(
        crate::from_bytes(&buf[..n]).is_err(),
        "Close is not plaintext"
    );
    let (_, m) = appliance
        .open_message(&p, &mut buf[..n], Instant::ZERO)
        .unwrap();
    assert_eq!(
        m,
        Message::Close(Close {
            reason: Status::SUCCESS
        })
    );
    assert_eq!(
        appliance.ended(),
        Some(Ended::ClosedByPeer(Status::SUCCESS))
    );
    let mut f = [0u8; 64];
    assert_eq!(
        appliance.seal(&p, 1, Flags::EMPTY, None, &[], &mut f),
        Err(SessionError::Closed)
    );
}

#[test]
fn idle_timeout_is_driven_by_now() {
    let (p, mut phone, mut appliance) = pair();
    assert_eq!(appliance.poll_timeout(), Some(Instant::from_secs(30)));
    let mut f = ping(&p, &mut phone, 1);
    appliance.open(&p, &mut f, Instant::from_secs(20)).unwrap();
    assert_eq!(appliance.poll_timeout(), Some(Instant::from_secs(50)));
    assert!(!appliance.handle_timeout(Instant::from_secs(49)));
    assert!(appliance.handle_timeout(Instant::from_secs(50)));
    assert_eq!(appliance.ended(), Some(Ended::IdleTimeout));
    assert_eq!(appliance.poll_timeout(), None);
}

#[test]
fn short_and_garbage_frames_never_panic() {
    let (p, _, mut appliance) = pair();
    for len in 0..40 {
        let mut junk = std::vec![0xA5u8; len];
        assert!(appliance.open(&p, &mut junk, Instant::ZERO).is_err());
        let mut secured = std::vec![0u8; len];
        if len >= 10 {
            secured[..10].copy_from_slice(&[1, 1, 9, 0, 0, 0, 0, 0, 0, 0]);
        }
        assert!(appliance.open(&p, &mut secured, Instant::ZERO).is_err());
    }
}

#[test]
fn a_frame_two_phases_on_opens_although_the_failed_attempt_zeroed_the_buffer() {
    let (p, mut phone, mut appliance) = pair();
    // A provider zeroes the buffer of a failed open, as the trait allows.
    let zeroing = crate::crypto::spy::Spy::zeroing_failed_opens([1; 32]);
    let phase0 = fill(&p, &mut phone, MIN_FRAMES_PER_KEY_PHASE);
    for f in &phase0 {
        appliance
            .open(&zeroing, &mut f.clone(), Instant::ZERO)
            .unwrap();
    }
    phone.update_keys(&p).unwrap();
    let _lost = fill(&p, &mut phone, MIN_FRAMES_PER_KEY_PHASE);
    phone.update_keys(&p).unwrap();
    // The first attempt, under the current key, fails and zeroes the
    // buffer; the attempt two keys on must see the frame as it arrived.
    let mut far = ping(&p, &mut phone, 77);
    let (_, m) = appliance
        .open_message(&zeroing, &mut far, Instant::ZERO)
        .unwrap();
    assert_eq!(m, Message::Ping(Ping { nonce: 77 }));
    assert!(!appliance.receive_phase());
    // A forgery that far ahead is still refused after both attempts.
    let mut forged = ping(&p, &mut phone, 78);
    forged[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        appliance.open(&zeroing, &mut forged, Instant::ZERO),
        Err(SessionError::Authentication)
    );
}

/// The phone updates its key; the appliance receives one frame of the new
/// phase at `at`. Returns a late frame of the old phase still inside the
/// replay window.
fn update_with_a_late_frame(
    p: &InsecureTestCrypto,
    phone: &mut SecureChannel,
    appliance: &mut SecureChannel,
    at: Instant,
) -> std::vec::Vec<u8> {
    let old = fill(p, phone, MIN_FRAMES_PER_KEY_PHASE);
    let (late, rest) = old.split_last().unwrap();
    delivered(p, appliance, rest);
    phone.update_keys(p).unwrap();
    let mut first = ping(p, phone, 500);
    appliance.open(p, &mut first, at).unwrap();
    assert!(appliance.receive_phase());
    assert!(appliance.holds_previous_key());
    late.clone()
}

#[test]
fn the_previous_key_is_erased_after_its_lifetime_and_a_late_frame_is_then_refused() {
    let (p, mut phone, mut appliance) = pair();
    let rotated = Instant::from_secs(1);
    let late = update_with_a_late_frame(&p, &mut phone, &mut appliance, rotated);
    let erase_at = rotated.saturating_add(PREVIOUS_KEY_LIFETIME);
    // The timer asks to be run when the key is due, before the idle deadline.
    assert_eq!(appliance.poll_timeout(), Some(erase_at));
    assert!(!appliance.handle_timeout(Instant::from_millis(erase_at.millis() - 1)));
    assert!(appliance.holds_previous_key());
    // Past the lifetime, whether or not the timer ran, the frame is refused
    // unopened and the channel is as it was.
    let mut refused = late.clone();
    assert_eq!(
        appliance.open(&p, &mut refused, erase_at),
        Err(SessionError::StaleKeyPhase(
            Header::parse(&late).unwrap().0.counter
        ))
    );
    assert!(!appliance.holds_previous_key());
    assert!(appliance.is_open());
    assert!(appliance.receive_phase());
    assert_eq!(appliance.poll_timeout(), Some(rotated.saturating_add(IDLE)));
    let mut next = ping(&p, &mut phone, 501);
    appliance.open(&p, &mut next, erase_at).unwrap();
}

#[test]
fn the_timer_erases_the_previous_key_without_a_frame() {
    let (p, mut phone, mut appliance) = pair();
    let late = update_with_a_late_frame(&p, &mut phone, &mut appliance, Instant::ZERO);
    assert!(!appliance.handle_timeout(Instant::ZERO.saturating_add(PREVIOUS_KEY_LIFETIME)));
    assert!(!appliance.holds_previous_key());
    assert!(appliance.is_open());
    assert!(matches!(
        appliance.open(&p, &mut late.clone(), Instant::from_secs(10)),
        Err(SessionError::StaleKeyPhase(_))
    ));
}

#[test]
fn the_previous_key_is_erased_after_a_window_of_new_frames() {
    let (p, mut phone, mut appliance) = pair();
    let late = update_with_a_late_frame(&p, &mut phone, &mut appliance, Instant::ZERO);
    // Within the bounds the late frame still opens, once.
    appliance
        .open(&p, &mut late.clone(), Instant::ZERO)
        .unwrap();
    let more = fill(&p, &mut phone, u64::from(PREVIOUS_KEY_FRAMES));
    let (last, before) = more.split_last().unwrap();
    delivered(&p, &mut appliance, before);
    assert!(appliance.holds_previous_key());
    appliance
        .open(&p, &mut last.clone(), Instant::ZERO)
        .unwrap();
    assert!(!appliance.holds_previous_key());
    // Every old-phase counter is now below the window.
    assert!(matches!(
        appliance.open(&p, &mut late.clone(), Instant::ZERO),
        Err(SessionError::Replay(_))
    ));
}

#[test]
fn an_old_phase_frame_before_any_update_is_refused_unopened() {
    let (p, mut phone, mut appliance) = pair();
    let frames = fill(&p, &mut phone, 3);
    delivered(&p, &mut appliance, &frames[1..]);
    let mut flipped = frames[0].clone();
    flipped[1] ^= Flags::KEY_PHASE.bits();
    assert_eq!(
        appliance.open(&p, &mut flipped, Instant::ZERO),
        Err(SessionError::StaleKeyPhase(0))
    );
    appliance
        .open(&p, &mut frames[0].clone(), Instant::ZERO)
        .unwrap();
}

#[test]
fn the_fallback_copy_holds_the_largest_frame_the_reference_accepts() {
    assert_eq!(
        FALLBACK_BODY_MAX + SECURED_LEN + TAG_LEN,
        crate::node::MAX_FRAME
    );
}

#[test]
fn zeroize_clears_both_session_keys() {
    let mut keys = SessionKeys {
        phone_to_appliance: [0x11; 32],
        appliance_to_phone: [0x22; 32],
    };
    keys.zeroize();
    assert_eq!(keys.phone_to_appliance, [0; 32]);
    assert_eq!(keys.appliance_to_phone, [0; 32]);
}
