//! QR codes as inline SVG, generated at build time so a printed page links back to itself.
//! The `qrcode` crate encodes; we only draw its module matrix as one compact path (runs of dark
//! modules per row as strokes), a fraction of the size of the crate's one-rectangle-per-module
//! SVG, which matters on a page that lists fifteen codes.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, LazyLock, Mutex};

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, as the standard requires.
const QUIET: usize = 4;

/// An inline `<svg>` encoding `text`, labelled for screen readers with `label`.
pub fn svg(text: &str, label: &str) -> Result<String, String> {
    let (size, path) = drawn(text)?;
    Ok(format!(
        r##"<svg class="qr" role="img" aria-label="{}" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path stroke="#000" d="{path}"/></svg>"##,
        html_escape::encode_double_quoted_attribute(label),
    ))
}

/// A code's size with its quiet zone, and its path.
type Drawn = (usize, Arc<str>);

/// Draw `text`'s code, once per process. Encoding is most of the cost (the encoder
/// scores all eight masks), and one address is drawn on its page, on the schools page and on the
/// print-all-cards page, and again on each rebuild under `serve`: each is encoded once per process.
fn drawn(text: &str) -> Result<Drawn, String> {
    static DRAWN: LazyLock<Mutex<HashMap<String, Drawn>>> = LazyLock::new(Default::default);
    if let Some(hit) = DRAWN.lock().map_err(|e| e.to_string())?.get(text) {
        return Ok(hit.clone());
    }
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot encode `{text}` as a QR code ({e})"))?;
    let width = code.width();
    let drawn = (
        width + 2 * QUIET,
        Arc::from(runs_path(&code.to_colors(), width)),
    );
    let mut cache = DRAWN.lock().map_err(|e| e.to_string())?;
    Ok(cache.entry(text.to_owned()).or_insert(drawn).clone())
}

/// Each row's runs of dark modules as horizontal strokes one module thick, with relative moves
/// inside a row ("M4 4.5h7m2 0h1").
fn runs_path(colors: &[Color], width: usize) -> String {
    let mut path = String::with_capacity(width * width / 3);
    for y in 0..width {
        let row = &colors[y * width..(y + 1) * width];
        let mut pen: Option<usize> = None;
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            let _ = match pen {
                None => write!(path, "M{} {}.5h{}", start + QUIET, y + QUIET, x - start),
                Some(end) => write!(path, "m{} 0h{}", start - end, x - start),
            };
            pen = Some(x);
        }
    }
    path
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

    /// Drawing the path back into a grid gives exactly the encoder's modules.
    #[test]
    fn path_redraws_the_code_exactly() {
        let code = QrCode::with_error_correction_level(
            b"https://example.org/safety/drowning/",
            EcLevel::M,
        )
        .unwrap();
        let (w, colors) = (code.width(), code.to_colors());
        let path = runs_path(&colors, w);
        let mut grid = vec![false; w * w];
        let (mut x, mut y) = (0usize, 0usize);
        let mut s = path.as_str();
        while !s.is_empty() {
            let cmd = s.chars().next().unwrap();
            s = &s[1..];
            let end = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
            let args: Vec<f64> = s[..end]
                .split(' ')
                .filter(|a| !a.is_empty())
                .map(|a| a.parse().unwrap())
                .collect();
            s = &s[end..];
            match cmd {
                'M' => {
                    x = args[0] as usize - QUIET;
                    y = (args[1] - 0.5) as usize - QUIET;
                }
                'm' => x += args[0] as usize,
                'h' => {
                    for i in 0..args[0] as usize {
                        grid[y * w + x + i] = true;
                    }
                    x += args[0] as usize;
                }
                other => panic!("unexpected command {other}"),
            }
        }
        let expected: Vec<bool> = colors.iter().map(|c| *c == Color::Dark).collect();
        assert_eq!(grid, expected);
    }

    #[test]
    fn same_input_same_svg() {
        assert_eq!(svg("a", "b").unwrap(), svg("a", "b").unwrap());
    }
}
