//! Messages that set up a conversation: version negotiation, first pairing
//! and session resumption.
//!
//! The cryptographic fields are fixed-size byte arrays ([`Fixed`]), encoded
//! as raw bytes with no length prefix. Their contents (SPAKE2+ shares and
//! confirmations over P-256, X25519 keys, ChaCha20-Poly1305 ciphertexts and
//! tags) are defined in the handshake section of the specification.

use serde::{Deserialize, Serialize};

use super::seq::Fixed;

/// A descriptor fingerprint: lets a phone skip Describe when it has the
/// descriptor cached.
pub type DescriptorHash = Fixed<16>;

/// Optional protocol features a side implements, as a bit set. Unknown bits
/// are ignored by the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Features(pub u32);

impl Features {
    /// Acknowledgements and retransmission on datagram links.
    pub const RELIABLE: Features = Features(1 << 0);
    /// Segmentation and reassembly (small-MTU links).
    pub const SEGMENTATION: Features = Features(1 << 1);
    /// Subscriptions and reports.
    pub const SUBSCRIPTIONS: Features = Features(1 << 2);
    /// Events.
    pub const EVENTS: Features = Features(1 << 3);

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Features) -> bool {
        self.0 & other.0 == other.0
    }

    /// The bits both sides set.
    pub const fn intersection(self, other: Features) -> Features {
        Features(self.0 & other.0)
    }
}

impl core::ops::BitOr for Features {
    type Output = Features;
    fn bitor(self, rhs: Features) -> Features {
        Features(self.0 | rhs.0)
    }
}

/// Why the phone says hello.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Purpose {
    /// Only to learn versions, limits and the descriptor hash.
    Query,
    /// To pair for the first time with the setup code.
    Pair,
    /// To resume a session with an existing pairing.
    Resume,
}

/// The phone's opening message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Hello {
    /// Oldest protocol version the sender speaks.
    pub min_version: u8,
    /// Newest protocol version the sender speaks.
    pub max_version: u8,
    /// Largest frame, in bytes, the sender accepts.
    pub max_frame: u16,
    /// Features the sender implements.
    pub features: Features,
    /// What the sender means to do next.
    pub purpose: Purpose,
}

/// The appliance's answer to [`Hello`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HelloReply {
    /// Go ahead, with these parameters.
    Accept(HelloAccept),
    /// Not now, for this reason.
    Reject(HelloReject),
}

/// Parameters agreed in [`HelloReply::Accept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HelloAccept {
    /// The protocol version both will use: the highest both speak.
    pub version: u8,
    /// Largest frame the appliance accepts; each side sends at most the
    /// smaller of the two maxima.
    pub max_frame: u16,
    /// Features the appliance implements.
    pub features: Features,
    /// The fingerprint of the appliance's current descriptor.
    pub descriptor_hash: DescriptorHash,
    /// The appliance's device id: it salts the setup code's derivation and
    /// binds pairing and resumption, so a phone that has only the typed
    /// code learns it here.
    pub device_id: Fixed<8>,
}

/// Typed reasons for refusing a [`Hello`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HelloReject {
    /// No common protocol version; these are the appliance's.
    UnsupportedVersion {
        /// Oldest version the appliance speaks.
        min: u8,
        /// Newest version the appliance speaks.
        max: u8,
    },
    /// Resumption was asked for, but the appliance holds no pairing.
    NotPaired,
    /// Pairing was asked for, but no pairing window is open.
    PairingWindowClosed,
    /// Another attempt is in progress; retry after this many milliseconds.
    Busy {
        /// Suggested wait in milliseconds.
        retry_after_ms: u32,
    },
    /// Too many failed pairing attempts; retry after this many seconds
    /// (0: pairing is disabled until a factory reset).
    LockedOut {
        /// Wait in seconds, or 0 for "until factory reset".
        retry_after_s: u32,
    },
}

/// Pairing, flight 1 (phone to appliance): the prover's SPAKE2+ share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PairRequest {
    /// The session id the appliance must use in frames to the phone.
    pub session: u16,
    /// SPAKE2+ share X (uncompressed SEC1 P-256 point).
    pub share: Fixed<65>,
    /// What the phone offers for the session; bound into the SPAKE2+
    /// context, so a changed offer fails the confirmations.
    pub offer: Offer,
}

/// What a phone offers for a session it opens: the frame size and the
/// features it takes. It rides in `PairRequest` and `ResumeRequest` and is
/// bound into their key schedules, so an on-path change is detected; the
/// appliance's own values come back sealed (HANDSHAKE.md 2 and 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Offer {
    /// The largest frame the phone accepts, in bytes.
    pub max_frame: u16,
    /// The features the phone supports.
    pub features: Features,
}

impl Offer {
    /// The 6 bytes bound into the handshake: `max_frame` (u16 LE) then
    /// `features` (u32 LE).
    pub fn binding(&self) -> [u8; 6] {
        let mut out = [0u8; 6];
        out[..2].copy_from_slice(&self.max_frame.to_le_bytes());
        out[2..].copy_from_slice(&self.features.0.to_le_bytes());
        out
    }
}

/// Pairing, flight 2 (appliance to phone): the verifier's share and
/// confirmation, and its sealed long-term identity key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PairChallenge {
    /// The session id the phone must use in frames to the appliance.
    pub session: u16,
    /// SPAKE2+ share Y (uncompressed SEC1 P-256 point).
    pub share: Fixed<65>,
    /// The verifier's key confirmation.
    pub confirm: Fixed<32>,
    /// The appliance block, sealed: its X25519 static public key, its
    /// frame size, features and descriptor hash, and the replay-guard
    /// floor (62 bytes) + 16-byte tag (HANDSHAKE.md 2).
    pub identity: Fixed<78>,
}

/// Pairing, flight 3 (phone to appliance): the prover's confirmation and its
/// sealed long-term identity key. The phone's first command follows in the
/// same flight as a secured frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PairFinish {
    /// The prover's key confirmation.
    pub confirm: Fixed<32>,
    /// The phone's X25519 static public key, sealed: 32 + 16-byte tag.
    pub identity: Fixed<48>,
    /// Proof that the phone holds the secret of that key: derived from
    /// the SPAKE2+ key and the static-static X25519 secret.
    pub proof: Fixed<32>,
}

/// Resumption, flight 1 (phone to appliance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResumeRequest {
    /// The session id the appliance must use in frames to the phone.
    pub session: u16,
    /// The phone's ephemeral X25519 public key.
    pub ephemeral: Fixed<32>,
    /// The phone's static public key, sealed: 32 + 16-byte tag.
    pub identity: Fixed<48>,
    /// The sealed replay guard (an 8-byte per-pairing counter) + 16-byte tag.
    pub payload: Fixed<24>,
    /// What the phone offers for the session; bound into the prologue.
    pub offer: Offer,
    /// A cheap keyed check: the first 16 bytes of HMAC-SHA256 under a key
    /// derived from the appliance's static public key, over every byte of
    /// the message before this field. A sender that does not know the key
    /// costs the appliance one hash.
    pub mac: Fixed<16>,
}

/// Resumption, flight 2 (appliance to phone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResumeReply {
    /// The appliance's ephemeral X25519 public key.
    pub ephemeral: Fixed<32>,
    /// The sealed appliance block: the session id the phone must use in
    /// frames to the appliance, the appliance's frame size, features and
    /// descriptor hash (24 bytes) + 16-byte tag (HANDSHAKE.md 4).
    pub payload: Fixed<40>,
}
