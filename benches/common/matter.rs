//! The attribute report as Matter would carry it, encoded by hand, for the
//! size comparison in the bench table: a ReportDataMessage in Matter TLV
//! (Matter 1.x core specification, appendix A and section 10.6) of the same
//! five attributes, inside a secured Matter message.

/// Matter's message header without any optional field: message flags (1),
/// session id (2), security flags (1), message counter (4).
pub const MESSAGE_HEADER: usize = 8;
/// Matter's protocol header without optional fields: exchange flags (1),
/// opcode (1), exchange id (2), protocol id (2).
pub const PROTOCOL_HEADER: usize = 6;
/// The AES-CCM message integrity check.
pub const MIC: usize = 16;

/// A TLV value of the report's attributes.
pub enum Data<'a> {
    Bool(bool),
    U8(u8),
    U16(u16),
    F32(f32),
    Str(&'a str),
}

struct Tlv(Vec<u8>);

// Control byte: tag form (bits 5..8) | element type (bits 0..5).
const ANON: u8 = 0x00;
const CTX: u8 = 0x20;
const STRUCT: u8 = 0x15;
const ARRAY: u8 = 0x16;
const LIST: u8 = 0x17;
const END: u8 = 0x18;

impl Tlv {
    fn open(&mut self, tag: Option<u8>, kind: u8) {
        self.head(tag, kind);
    }
    fn close(&mut self) {
        self.0.push(END);
    }
    fn head(&mut self, tag: Option<u8>, kind: u8) {
        match tag {
            None => self.0.push(ANON | kind),
            Some(t) => self.0.extend([CTX | kind, t]),
        }
    }
    /// An unsigned integer in its smallest width (types 0x04..0x07).
    fn uint(&mut self, tag: u8, v: u64) {
        let (kind, n) = match v {
            0..=0xFF => (0x04, 1),
            0x100..=0xFFFF => (0x05, 2),
            0x1_0000..=0xFFFF_FFFF => (0x06, 4),
            _ => (0x07, 8),
        };
        self.head(Some(tag), kind);
        self.0.extend(&v.to_le_bytes()[..n]);
    }
    fn data(&mut self, tag: u8, d: &Data<'_>) {
        match *d {
            // Booleans live in the control byte (types 0x08, 0x09).
            Data::Bool(b) => self.head(Some(tag), if b { 0x09 } else { 0x08 }),
            Data::U8(v) => self.uint(tag, v.into()),
            Data::U16(v) => self.uint(tag, v.into()),
            Data::F32(v) => {
                self.head(Some(tag), 0x0A);
                self.0.extend(v.to_le_bytes());
            }
            Data::Str(s) => {
                // UTF-8 string, 1-byte length (type 0x0C).
                self.head(Some(tag), 0x0C);
                self.0.push(s.len() as u8);
                self.0.extend(s.as_bytes());
            }
        }
    }
}

/// `ReportDataMessage { SubscriptionId [0], AttributeReportIBs [1]: [
/// AttributeReportIB { AttributeData [1]: { DataVersion [0], Path [1]:
/// AttributePathIB list { Endpoint [2], Cluster [3], Attribute [4] },
/// Data [2] } } ... ], InteractionModelRevision [0xFF] }`, every integer in
/// its smallest TLV width.
pub fn report_tlv(
    subscription: u32,
    endpoint: u16,
    cluster: u32,
    data_version: u32,
    attributes: &[(u32, Data<'_>)],
) -> Vec<u8> {
    let mut t = Tlv(Vec::new());
    t.open(None, STRUCT);
    t.uint(0, subscription.into());
    t.open(Some(1), ARRAY);
    for (id, value) in attributes {
        t.open(None, STRUCT);
        t.open(Some(1), STRUCT);
        t.uint(0, data_version.into());
        t.open(Some(1), LIST);
        t.uint(2, endpoint.into());
        t.uint(3, cluster.into());
        t.uint(4, (*id).into());
        t.close();
        t.data(2, value);
        t.close();
        t.close();
    }
    t.close();
    t.uint(0xFF, 11);
    t.close();
    t.0
}

/// The secured Matter message of `tlv`: headers, TLV, MIC.
pub fn secured_len(tlv: &[u8]) -> usize {
    MESSAGE_HEADER + PROTOCOL_HEADER + tlv.len() + MIC
}
