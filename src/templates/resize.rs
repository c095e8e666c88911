//! Zola's `resize_image(path, width?, height?, op = "fill", format = "auto", quality?)`, as
//! Zola 0.22's `imageproc` component does it: the same operations (`scale`, `fit_width`,
//! `fit_height`, `fit`, `fill`), the same output format choice and the same file names
//! (`processed_images/<stem>.<hash>.<ext>`, the hash of the path as written, the operation and
//! the format), so the URLs a template prints are Zola's. Calls are queued while pages render;
//! [`ImageQueue::process`] makes the images afterwards, each once, in parallel.
//!
//! Encoders as Zola's: PNG, JPEG and AVIF (rav1e) from `image`, WebP from libwebp (lossy with
//! a `quality`, lossless without). Unlike Zola: processed images are not written into the
//! site's `static/` folder, only into the output, and a grey image converts to WebP (Zola's
//! `webp::Encoder::from_image` refuses anything but RGB and RGBA).

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::imageops::FilterType;
use rayon::prelude::*;
use serde_json::{Value, json};

/// Zola's `RESIZED_SUBDIR`.
pub const RESIZED_SUBDIR: &str = "processed_images";

/// Zola's `ResizeOperation` (its derived `Hash` is part of the file name: keep the variants
/// and their order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResizeOperation {
    Scale(u32, u32),
    FitWidth(u32),
    FitHeight(u32),
    Fit(u32, u32),
    Fill(u32, u32),
}

impl ResizeOperation {
    pub fn from_args(op: &str, width: Option<u32>, height: Option<u32>) -> Result<Self, String> {
        use ResizeOperation::*;
        match (op, width, height) {
            ("fit_width", Some(w), _) => Ok(FitWidth(w)),
            ("fit_width", None, _) => Err("op=\"fit_width\" requires a `width` argument".into()),
            ("fit_height", _, Some(h)) => Ok(FitHeight(h)),
            ("fit_height", _, None) => Err("op=\"fit_height\" requires a `height` argument".into()),
            ("scale", Some(w), Some(h)) => Ok(Scale(w, h)),
            ("fit", Some(w), Some(h)) => Ok(Fit(w, h)),
            ("fill", Some(w), Some(h)) => Ok(Fill(w, h)),
            ("scale" | "fit" | "fill", _, _) => {
                Err(format!("op={op} requires a `width` and `height` argument"))
            }
            _ => Err(format!("Invalid image resize operation: {op}")),
        }
    }
}

/// Crop (x, y, w, h) first, then resize (w, h): Zola's `ResizeInstructions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Instructions {
    crop: Option<(u32, u32, u32, u32)>,
    resize: Option<(u32, u32)>,
}

impl Instructions {
    fn new(op: ResizeOperation, (orig_w, orig_h): (u32, u32)) -> Self {
        use ResizeOperation::*;
        let resize = |size| Instructions {
            crop: None,
            resize: Some(size),
        };
        match op {
            Scale(w, h) => resize((w, h)),
            FitWidth(w) => resize((w, ((orig_h as u64 * w as u64) / orig_w as u64) as u32)),
            FitHeight(h) => resize((((orig_w as u64 * h as u64) / orig_h as u64) as u32, h)),
            Fit(w, h) => {
                if orig_w <= w && orig_h <= h {
                    return Instructions::default();
                }
                if orig_w as u64 * h as u64 > orig_h as u64 * w as u64 {
                    Self::new(FitWidth(w), (orig_w, orig_h))
                } else {
                    Self::new(FitHeight(h), (orig_w, orig_h))
                }
            }
            Fill(w, h) => {
                let factor_w = orig_w as f32 / w as f32;
                let factor_h = orig_h as f32 / h as f32;
                if (factor_w - factor_h).abs() <= 0.1 {
                    return resize((w, h));
                }
                let (crop_w, crop_h) = if factor_w < factor_h {
                    (orig_w, (factor_w * h as f32).round() as u32)
                } else {
                    ((factor_h * w as f32).round() as u32, orig_h)
                };
                let (x, y) = if factor_w < factor_h {
                    (0, (orig_h - crop_h) / 2)
                } else {
                    ((orig_w - crop_w) / 2, 0)
                };
                Instructions {
                    crop: Some((x, y, crop_w, crop_h)),
                    resize: Some((w, h)),
                }
            }
        }
    }
}

/// Zola's output `Format`; its `Hash` is written by hand as Zola's is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg { quality: u8 },
    Png,
    WebP { quality: Option<u8> },
    Avif { quality: u8, speed: u8 },
}

impl Format {
    pub fn from_args(
        is_lossy: bool,
        format: &str,
        quality: Option<u8>,
        speed: Option<u8>,
    ) -> Result<Format, String> {
        let chosen = match (format, is_lossy) {
            ("auto", true) => "jpeg",
            ("auto", false) => "png",
            (other, _) => other,
        };
        match chosen {
            "jpeg" | "jpg" => match quality.unwrap_or(75) {
                q @ 1..=100 => Ok(Format::Jpeg { quality: q }),
                q => Err(format!(
                    "Quality for JPEG must be between 1 and 100 (inclusive); {q} is not valid"
                )),
            },
            "png" => Ok(Format::Png),
            "webp" => match quality {
                Some(0..=100) | None => Ok(Format::WebP { quality }),
                Some(q) => Err(format!(
                    "Quality for WebP must be between 0 and 100 (inclusive); {q} is not valid"
                )),
            },
            "avif" => {
                let quality = match quality.unwrap_or(80) {
                    q @ 1..=100 => q,
                    q => {
                        return Err(format!(
                            "Quality for AVIF must be between 1 and 100 (inclusive); {q} is not valid"
                        ));
                    }
                };
                let speed = match speed.unwrap_or(5) {
                    s @ 1..=10 => s,
                    s => {
                        return Err(format!(
                            "Speed for AVIF must be between 1 and 10 (inclusive); {s} is not valid"
                        ));
                    }
                };
                Ok(Format::Avif { quality, speed })
            }
            _ => Err(format!("Invalid image format: {format}")),
        }
    }

    pub fn extension(&self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg { .. } => "jpg",
            Format::WebP { .. } => "webp",
            Format::Avif { .. } => "avif",
        }
    }
}

impl Hash for Format {
    fn hash<H: Hasher>(&self, hasher: &mut H) {
        let quality: i16 = match *self {
            Format::Png | Format::WebP { quality: None } => -1,
            Format::Jpeg { quality }
            | Format::WebP {
                quality: Some(quality),
            } => quality.into(),
            Format::Avif { quality, .. } => quality.into(),
        };
        let speed: i16 = match *self {
            Format::Avif { speed, .. } => speed.into(),
            _ => -1,
        };
        hasher.write(self.extension().as_bytes());
        hasher.write_i16(quality);
        hasher.write_i16(speed);
    }
}

/// Zola's `get_processed_filename`: `<stem>.<16 hex digits>.<ext>`, the hash of the path as
/// the template wrote it (`@/` made `content/`), the operation and the format.
pub fn processed_filename(
    input: &Path,
    input_src: &str,
    op: &ResizeOperation,
    format: &Format,
) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(input_src.as_bytes());
    op.hash(&mut hasher);
    format.hash(&mut hasher);
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unknown".into());
    format!("{stem}.{:016x}.{}", hasher.finish(), format.extension())
}

/// Size and lossiness of a source image, read from its header.
#[derive(Debug, Clone, Copy)]
struct Meta {
    size: (u32, u32),
    lossy: bool,
}

fn read_meta(file: &Path) -> Result<Meta, String> {
    let reader = image::ImageReader::open(file)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| e.to_string())?;
    // As Zola's `ImageMeta::is_lossy`: lossy unless a lossless format (unknown: lossy).
    use image::ImageFormat as F;
    let lossy = !matches!(
        reader.format().unwrap_or(F::Jpeg),
        F::Png | F::Pnm | F::Tiff | F::Tga | F::Bmp | F::Ico | F::Hdr | F::Farbfeld
    );
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    // As Zola's `get_rotated_size`: sizes are those of the image as it is shown, turned by
    // its EXIF orientation.
    let size = if turns_sideways(orientation(&mut decoder)) {
        (h, w)
    } else {
        (w, h)
    };
    Ok(Meta { size, lossy })
}

/// The EXIF orientation a decoder reports (none when it has none or cannot read it).
fn orientation(decoder: &mut impl image::ImageDecoder) -> image::metadata::Orientation {
    decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms)
}

/// Whether an orientation swaps width and height.
fn turns_sideways(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

#[derive(Debug, Clone)]
struct Job {
    input: PathBuf,
    instructions: Instructions,
    format: Format,
}

/// The output format a call asks for: `format` (`auto`, `jpg`, `png`, `webp`), `quality`,
/// `speed`.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub format: &'a str,
    pub quality: Option<u8>,
    pub speed: Option<u8>,
}

/// One made image (its path in the output and its bytes), or its source and what went wrong.
pub type Made = Result<(String, Vec<u8>), (PathBuf, String)>;

/// The `resize_image` calls of one build: each output file once, made after rendering.
#[derive(Debug, Default)]
pub struct ImageQueue {
    jobs: Mutex<BTreeMap<String, Job>>,
    meta: Mutex<HashMap<PathBuf, Meta>>,
}

impl ImageQueue {
    /// Queue one resize of `input` (found from `input_src`, the path as written) and return
    /// what Zola's `resize_image` returns. `permalink_base` is the URL of `processed_images/`.
    pub fn enqueue(
        &self,
        op: ResizeOperation,
        input_src: &str,
        input: &Path,
        wanted: &Wanted,
        permalink_base: &str,
    ) -> Result<Value, String> {
        let meta = {
            let mut cache = self.meta.lock().unwrap_or_else(|e| e.into_inner());
            match cache.get(input) {
                Some(m) => *m,
                None => {
                    let m = read_meta(input)
                        .map_err(|e| format!("Failed to read image: {}: {e}", input.display()))?;
                    cache.insert(input.to_path_buf(), m);
                    m
                }
            }
        };
        let format = Format::from_args(meta.lossy, wanted.format, wanted.quality, wanted.speed)?;
        let filename = processed_filename(input, input_src, &op, &format);
        let instructions = Instructions::new(op, meta.size);
        let (width, height) = instructions.resize.unwrap_or(meta.size);
        let response = json!({
            "url": format!("{permalink_base}{filename}"),
            "static_path": format!("static/{RESIZED_SUBDIR}/{filename}"),
            "width": width,
            "height": height,
            "orig_width": meta.size.0,
            "orig_height": meta.size.1,
        });
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(filename)
            .or_insert_with(|| Job {
                input: input.to_path_buf(),
                instructions,
                format,
            });
        Ok(response)
    }

    /// Make every queued image: (output path under the output folder, bytes), or the source
    /// file and what went wrong.
    pub fn process(&self) -> Vec<Made> {
        let jobs: Vec<(String, Job)> =
            std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .collect();
        jobs.into_par_iter()
            .map(|(name, job)| {
                perform(&job)
                    .map(|bytes| (format!("{RESIZED_SUBDIR}/{name}"), bytes))
                    .map_err(|e| (job.input.clone(), e))
            })
            .collect()
    }
}

/// Zola's `ImageOp::perform`: decode, turn upright by the EXIF orientation (Zola's
/// `fix_orientation`), crop, resize (Lanczos3), encode.
fn perform(job: &Job) -> Result<Vec<u8>, String> {
    let mut decoder = image::ImageReader::open(&job.input)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let turn = orientation(&mut decoder);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(turn);
    let img = match job.instructions.crop {
        Some((x, y, w, h)) => img.crop_imm(x, y, w, h),
        None => img,
    };
    let img = match job.instructions.resize {
        Some((w, h)) => img.resize_exact(w, h, FilterType::Lanczos3),
        None => img,
    };
    let mut out = Cursor::new(Vec::new());
    match job.format {
        Format::Png => img
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
            .map_err(|e| e.to_string())?,
        Format::Jpeg { quality } => {
            // JPEG has no alpha channel.
            let rgb = image::DynamicImage::ImageRgb8(img.to_rgb8());
            rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, quality,
            ))
            .map_err(|e| e.to_string())?
        }
        Format::WebP { quality } => return Ok(webp(&img, quality)),
        Format::Avif { quality, speed } => {
            let encoder =
                image::codecs::avif::AvifEncoder::new_with_speed_quality(&mut out, speed, quality);
            eight_bit(&img)
                .write_with_encoder(encoder)
                .map_err(|e| e.to_string())?
        }
    }
    Ok(out.into_inner())
}

/// `img` as 8-bit RGB, or RGBA when it has an alpha channel: what libwebp and rav1e take.
fn eight_bit(img: &image::DynamicImage) -> image::DynamicImage {
    match img {
        image::DynamicImage::ImageRgb8(_) | image::DynamicImage::ImageRgba8(_) => img.clone(),
        _ if img.color().has_alpha() => image::DynamicImage::ImageRgba8(img.to_rgba8()),
        _ => image::DynamicImage::ImageRgb8(img.to_rgb8()),
    }
}

/// Zola's WebP: libwebp, lossy at `quality` (0–100) or lossless without one.
fn webp(img: &image::DynamicImage, quality: Option<u8>) -> Vec<u8> {
    let img = eight_bit(img);
    let (w, h) = (img.width(), img.height());
    let encoder = match &img {
        image::DynamicImage::ImageRgba8(px) => webp::Encoder::from_rgba(px.as_raw(), w, h),
        _ => webp::Encoder::from_rgb(img.as_bytes(), w, h),
    };
    match quality {
        Some(q) => encoder.encode(f32::from(q)).to_vec(),
        None => encoder.encode_lossless().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_give_zola_sizes() {
        use ResizeOperation::*;
        let size = |op| {
            let i = Instructions::new(op, (400, 200));
            (i.crop, i.resize)
        };
        assert_eq!(size(FitWidth(100)), (None, Some((100, 50))));
        assert_eq!(size(FitHeight(100)), (None, Some((200, 100))));
        assert_eq!(size(Fit(1000, 1000)), (None, None));
        assert_eq!(size(Fit(100, 100)), (None, Some((100, 50))));
        assert_eq!(
            size(Fill(100, 100)),
            (Some((100, 0, 200, 200)), Some((100, 100)))
        );
        assert_eq!(size(Scale(10, 30)), (None, Some((10, 30))));
    }

    /// A 40 × 20 JPEG whose EXIF says "turn 90° clockwise to show" (orientation 6).
    fn sideways_jpeg(path: &Path) {
        let img = image::RgbImage::from_pixel(40, 20, image::Rgb([200, 30, 30]));
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        let exif: &[u8] = &[
            0xFF, 0xE1, 0x00, 0x22, b'E', b'x', b'i', b'f', 0, 0, b'I', b'I', 0x2A, 0, 8, 0, 0, 0,
            1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
        ];
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(exif);
        out.extend_from_slice(&jpeg[2..]);
        std::fs::write(path, out).unwrap();
    }

    #[test]
    fn exif_orientation_turns_the_image_before_resizing_as_zola() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.jpg");
        sideways_jpeg(&file);
        let meta = read_meta(&file).unwrap();
        assert_eq!(meta.size, (20, 40), "the size as shown");
        let job = Job {
            input: file,
            instructions: Instructions::new(ResizeOperation::FitWidth(10), meta.size),
            format: Format::Png,
        };
        let made = image::load_from_memory(&perform(&job).unwrap()).unwrap();
        assert_eq!((made.width(), made.height()), (10, 20));
    }

    #[test]
    fn format_follows_the_source_when_auto() {
        assert_eq!(
            Format::from_args(true, "auto", None, None),
            Ok(Format::Jpeg { quality: 75 })
        );
        assert_eq!(
            Format::from_args(false, "auto", None, None),
            Ok(Format::Png)
        );
        assert!(Format::from_args(true, "jpg", Some(0), None).is_err());
        assert!(Format::from_args(true, "gif", None, None).is_err());
    }
}
