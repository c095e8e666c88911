//! QR codes as inline SVG, generated at build time so a printed page links back to itself.
//! The `qrcode` crate encodes; we only draw its module matrix as one compact path (runs of dark
//! modules per row), which is a third of the size of the crate's one-rectangle-per-module SVG.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, as the standard requires.
const QUIET: usize = 4;

/// An inline `<svg>` encoding `text`, labelled for screen readers with `label`.
pub fn svg(text: &str, label: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot encode `{text}` as a QR code ({e})"))?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET;
    let mut path = String::with_capacity(width * width / 2);
    for y in 0..width {
        let row = &colors[y * width..(y + 1) * width];
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        r##"<svg class="qr" role="img" aria-label="{}" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##,
        crate::markdown::escape_attr(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_url_as_labelled_inline_svg() {
        let s = svg("https://example.org/safety/drowning/", "QR code").unwrap();
        assert!(s.starts_with("<svg class=\"qr\" role=\"img\" aria-label=\"QR code\""));
        assert!(s.contains("viewBox=\"0 0 "));
        assert!(s.len() < 4000, "{}", s.len());
    }

    #[test]
    fn same_input_same_svg() {
        assert_eq!(svg("a", "b").unwrap(), svg("a", "b").unwrap());
    }
}
