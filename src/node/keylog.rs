//! A key log: the phone's traffic keys written to a file, so that a packet
//! analyser (the Wireshark dissector in `tools/wireshark/`) can decrypt a
//! capture. It plays the part `SSLKEYLOGFILE` plays for TLS.
//!
//! **A debugging aid only. Never enable it in a product:** whoever reads the
//! log reads, and can forge, every secured frame of the sessions it lists.
//! It is off unless the application hands a [`KeyLog`] to
//! [`Phone::set_key_log`](super::Phone::set_key_log); nothing in the crate
//! creates one by itself, and [`KeyLog::from_env`] only opens a file when
//! the application calls it.
//!
//! # Format
//!
//! The format is specified in `spec/KEYLOG.md`. Each time the phone's
//! secure channel is established (after pairing and after each resumption)
//! it appends two lines of ASCII, one per direction:
//!
//! ```text
//! APPLINK_TRAFFIC <device id> <session id> <direction> <key>
//! ```
//!
//! - `device id`: the appliance's device id, 16 lowercase hex digits;
//! - `session id`: the session id in the header of the frames this key
//!   seals, 4 lowercase hex digits (the appliance's id for `p2a`, the
//!   phone's for `a2p`);
//! - `direction`: `p2a` (phone to appliance, nonce direction byte 0) or
//!   `a2p` (appliance to phone, nonce direction byte 1);
//! - `key`: the ChaCha20-Poly1305 key of key phase 0, 64 lowercase hex digits.
//!
//! Later key phases are not logged: a reader derives them with the key
//! update of `spec/HANDSHAKE.md` section 3 as it meets flag K flipping.
//!
//! ```
//! use applink::node::keylog::traffic_line;
//!
//! let line = traffic_line(&[0xA5; 8], 0x1234, applink::session::Role::Phone, &[0x0F; 32]);
//! assert_eq!(
//!     line,
//!     "APPLINK_TRAFFIC a5a5a5a5a5a5a5a5 1234 p2a 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\n"
//! );
//! ```

use core::fmt::{self, Write as _};
use std::boxed::Box;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;
use std::string::String;

use crate::crypto::AeadKey;
use crate::session::Role;
use crate::session::SecureChannel;
use crate::session::pairing::DeviceId;

/// The environment variable [`KeyLog::from_env`] reads.
pub const ENV_VAR: &str = "APPLINK_KEYLOGFILE";

/// The label that starts every traffic-key line.
pub const TRAFFIC_LABEL: &str = "APPLINK_TRAFFIC";

/// Where a phone writes its traffic keys. See the [module docs](self).
pub struct KeyLog {
    out: Box<dyn Write + Send>,
    lines: u64,
    error: Option<io::Error>,
}

impl fmt::Debug for KeyLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyLog")
            .field("lines", &self.lines)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl KeyLog {
    /// Appends to the file at `path`, creating it (readable by its owner
    /// only, on Unix) if it does not exist.
    pub fn append(path: impl AsRef<Path>) -> io::Result<KeyLog> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        Ok(KeyLog::to_writer(options.open(path)?))
    }

    /// Appends to the file that the environment variable [`ENV_VAR`]
    /// (`APPLINK_KEYLOGFILE`) names, or returns `None` when it is unset or
    /// empty.
    pub fn from_env() -> io::Result<Option<KeyLog>> {
        match std::env::var_os(ENV_VAR) {
            Some(path) if !path.is_empty() => KeyLog::append(path).map(Some),
            _ => Ok(None),
        }
    }

    /// Writes to `out` (a file, a pipe, a buffer in a test).
    pub fn to_writer(out: impl Write + Send + 'static) -> KeyLog {
        KeyLog {
            out: Box::new(out),
            lines: 0,
            error: None,
        }
    }

    /// The lines written so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The first write error, if any. A failed write never disturbs the
    /// session; the lines it carried are lost.
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }

    /// Logs both traffic keys of a channel just established with the
    /// appliance `device_id`.
    pub(crate) fn log_channel(&mut self, device_id: &DeviceId, channel: &SecureChannel) {
        let keys = channel.current_keys();
        let (to_appliance, to_phone) = match channel.role() {
            Role::Phone => (channel.peer_session(), channel.local_session()),
            Role::Appliance => (channel.local_session(), channel.peer_session()),
        };
        let mut text = traffic_line(
            device_id,
            to_appliance,
            Role::Phone,
            &keys.phone_to_appliance,
        );
        text.push_str(&traffic_line(
            device_id,
            to_phone,
            Role::Appliance,
            &keys.appliance_to_phone,
        ));
        // One write per establishment, so appenders sharing the file never
        // interleave inside a line.
        match self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
        {
            Ok(()) => self.lines += 2,
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }
}

/// One traffic-key line, newline included: the key `key` sealing frames
/// sent by `sender` that carry `session` in their header.
pub fn traffic_line(device_id: &DeviceId, session: u16, sender: Role, key: &AeadKey) -> String {
    let direction = match sender {
        Role::Phone => "p2a",
        Role::Appliance => "a2p",
    };
    let mut line = String::with_capacity(128);
    let _ = write!(line, "{TRAFFIC_LABEL} ");
    push_hex(&mut line, device_id);
    let _ = write!(line, " {session:04x} {direction} ");
    push_hex(&mut line, key);
    line.push('\n');
    line
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::vec::Vec;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn both_directions_with_the_session_ids_their_frames_carry() {
        let keys = crate::session::SessionKeys {
            phone_to_appliance: [1; 32],
            appliance_to_phone: [2; 32],
        };
        let now = crate::time::Instant::from_secs(1);
        let idle = crate::time::Duration::from_secs(120);
        // The phone receives on 0x0102 and sends to the appliance's 0xA0B0.
        let phone = SecureChannel::new(Role::Phone, &keys, 0x0102, 0xA0B0, idle, now);
        let appliance = SecureChannel::new(Role::Appliance, &keys, 0xA0B0, 0x0102, idle, now);
        let expected = std::format!(
            "APPLINK_TRAFFIC 0001020304050607 a0b0 p2a {}\nAPPLINK_TRAFFIC 0001020304050607 0102 a2p {}\n",
            "01".repeat(32),
            "02".repeat(32)
        );
        for channel in [&phone, &appliance] {
            let sink = Shared::default();
            let mut log = KeyLog::to_writer(sink.clone());
            log.log_channel(&[0, 1, 2, 3, 4, 5, 6, 7], channel);
            assert_eq!(log.lines(), 2);
            assert!(log.error().is_none());
            assert_eq!(
                String::from_utf8(sink.0.lock().unwrap().clone()).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn a_failed_write_is_kept_not_raised() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let keys = crate::session::SessionKeys {
            phone_to_appliance: [1; 32],
            appliance_to_phone: [2; 32],
        };
        let now = crate::time::Instant::from_secs(1);
        let channel = SecureChannel::new(
            Role::Phone,
            &keys,
            1,
            2,
            crate::time::Duration::from_secs(1),
            now,
        );
        let mut log = KeyLog::to_writer(Broken);
        log.log_channel(&[0; 8], &channel);
        assert_eq!(log.lines(), 0);
        assert_eq!(std::format!("{}", log.error().unwrap()), "disk full");
    }
}
