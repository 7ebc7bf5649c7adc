//! The TOTP secret as a QR code, drawn here as one SVG path: no image service ever sees the
//! secret, and no `data:` URL is needed, so the CSP stays strict.

use qrcode::{Color, QrCode};

/// Scanners need four light modules round the code.
const QUIET_ZONE: usize = 4;

/// An SVG path of the dark modules and the side of its square view box.
pub struct QrPath {
    pub size: usize,
    pub d: String,
}

/// Each run of dark modules in a row becomes one rectangle, which keeps the path short.
pub fn qr_path(text: &str) -> Option<QrPath> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut d = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                d.push_str(&format!(
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                ));
            } else {
                x += 1;
            }
        }
    }
    Some(QrPath {
        size: width + 2 * QUIET_ZONE,
        d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_covers_exactly_the_dark_modules() {
        let text = "otpauth://totp/Safe%20Contact:a%40b.example?secret=JBSWY3DPEHPK3PXP";
        let qr = qr_path(text).unwrap();
        let code = QrCode::new(text.as_bytes()).unwrap();
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        let mut drawn = 0;
        for part in qr.d.split('M').filter(|p| !p.is_empty()) {
            let run: usize = part
                .split('h')
                .nth(1)
                .unwrap()
                .split('v')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            drawn += run;
        }
        assert_eq!(drawn, dark);
        assert_eq!(qr.size, code.width() + 8);
        // The finder pattern's top-left corner sits just inside the quiet zone.
        assert!(qr.d.starts_with("M4 4h7v1h-7z"));
    }
}
