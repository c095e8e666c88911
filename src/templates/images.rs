//! Zola's `get_image_metadata(path, allow_missing?)`: width, height, format and MIME type of an
//! image found where Zola looks for files, read with `imagesize` (headers only) and
//! `svg_metadata` for SVG. (Zola also swaps width and height for JPEGs rotated by EXIF; sprout
//! does not read EXIF.)

use std::path::Path;

use serde_json::{Value, json};

/// The metadata of the image at `file`, in Zola's shape.
pub fn metadata(file: &Path) -> Result<Value, String> {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "svg" {
        let svg = svg_metadata::Metadata::parse_file(file).map_err(|e| e.to_string())?;
        let (w, h) = match (svg.width(), svg.height(), svg.view_box()) {
            (Some(w), Some(h), _) => (w, h),
            (_, _, Some(vb)) => (vb.width, vb.height),
            _ => return Err("the SVG sets neither width and height nor a viewBox".into()),
        };
        return Ok(
            json!({"width": w as u32, "height": h as u32, "format": "svg", "mime": "text/svg+xml"}),
        );
    }
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let size = imagesize::blob_size(&bytes).map_err(|e| e.to_string())?;
    let kind = imagesize::image_type(&bytes).map_err(|e| e.to_string())?;
    let (format, mime) = format_and_mime(kind);
    Ok(json!({"width": size.width, "height": size.height, "format": format, "mime": mime}))
}

/// The names Zola gives (the `image` crate's first extension and its MIME type).
fn format_and_mime(kind: imagesize::ImageType) -> (Value, Value) {
    use imagesize::ImageType as T;
    let pair = match kind {
        T::Png => ("png", "image/png"),
        T::Jpeg => ("jpg", "image/jpeg"),
        T::Gif => ("gif", "image/gif"),
        T::Webp => ("webp", "image/webp"),
        T::Bmp => ("bmp", "image/bmp"),
        T::Ico => ("ico", "image/x-icon"),
        T::Tiff => ("tiff", "image/tiff"),
        _ => return (Value::Null, Value::Null),
    };
    (json!(pair.0), json!(pair.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_svg_sizes_are_read() {
        let dir = tempfile::tempdir().unwrap();
        // A 3×2 PNG header: signature, IHDR length and type, width 3, height 2.
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&[0, 0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0, 0, 0, 0, 0]);
        let p = dir.path().join("a.png");
        std::fs::write(&p, &png).unwrap();
        assert_eq!(
            metadata(&p).unwrap(),
            json!({"width": 3, "height": 2, "format": "png", "mime": "image/png"})
        );
        let s = dir.path().join("b.svg");
        std::fs::write(
            &s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"></svg>"#,
        )
        .unwrap();
        assert_eq!(metadata(&s).unwrap()["width"], 40);
        assert_eq!(metadata(&s).unwrap()["format"], "svg");
    }
}
