//! The QR code drawn as text, with the `qrcode` crate (std only).

use std::string::String;

use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};

use super::QrPayload;

/// How [`QrPayload::to_qr_text`] draws the modules. Every style keeps the
/// 4-module quiet zone a scanner needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextStyle {
    /// Unicode half blocks, two module rows per line, light modules drawn:
    /// for a terminal with a dark background (most terminals).
    DarkBackground,
    /// Unicode half blocks with the dark modules drawn: for a light
    /// background or paper.
    LightBackground,
    /// `##` for a dark module and two spaces for a light one, one module
    /// row per line: for logs and fonts without block characters, on a
    /// light background.
    Ascii,
}

impl QrPayload {
    /// The QR code of [`QrPayload::encode`], at error correction level M
    /// (a version-2 symbol, 25 × 25 modules, in alphanumeric mode), drawn
    /// as text: lines joined by `\n`, no trailing newline.
    ///
    /// ```
    /// # use applink::crypto::setup_code::SetupCode;
    /// # use applink::onboarding::{Discriminator, Flags, QrPayload, TextStyle, Transports};
    /// # let payload = QrPayload {
    /// #     vendor_id: 0xFFF1,
    /// #     product_id: 0x0042,
    /// #     device_id: *b"WASH0042",
    /// #     discriminator: Discriminator::new(0xA42).unwrap(),
    /// #     setup_code: SetupCode::parse("31415926").unwrap(),
    /// #     transports: Transports::UDP,
    /// #     flags: Flags::NONE,
    /// # };
    /// let text = payload.to_qr_text(TextStyle::DarkBackground);
    /// // 25 modules and a quiet zone of 4 on each side: 33 columns, 17 lines.
    /// assert_eq!(text.lines().count(), 17);
    /// assert!(text.lines().all(|l| l.chars().count() == 33));
    /// ```
    pub fn to_qr_text(&self, style: TextStyle) -> String {
        let code = QrCode::with_error_correction_level(self.encode().as_bytes(), EcLevel::M)
            .expect("36 alphanumeric characters always fit a QR code");
        match style {
            TextStyle::DarkBackground => code
                .render::<Dense1x2>()
                .dark_color(Dense1x2::Light)
                .light_color(Dense1x2::Dark)
                .quiet_zone(true)
                .build(),
            TextStyle::LightBackground => code.render::<Dense1x2>().quiet_zone(true).build(),
            TextStyle::Ascii => code
                .render::<char>()
                .dark_color('#')
                .light_color(' ')
                .module_dimensions(2, 1)
                .quiet_zone(true)
                .build(),
        }
    }
}
