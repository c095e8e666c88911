//! The template functions that find files: `get_url` (with `cachebust`), `get_hash`,
//! `get_image_metadata` and `resize_image`, looking where Zola looks.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;
use sha2::{Digest, Sha256};
use tera::{Error, Result};

use super::{arg_str, find_item, opt_bool, opt_str, opt_uint};
use crate::templates::Shared;

pub(super) fn get_url(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_url")?;
    let lang = opt_str(args, "lang");
    let site = &shared.site;
    if let Some(target) = path.strip_prefix("@/") {
        let (file, anchor) = target
            .split_once('#')
            .map_or((target, None), |(f, a)| (f, Some(a)));
        let item = find_item(site, file, lang).ok_or_else(|| {
            Error::msg(format!(
                "`get_url`: no content file `{file}`{}",
                lang.map(|l| format!(" in language `{l}`"))
                    .unwrap_or_default()
            ))
        })?;
        let mut url = site.permalink_of(item).to_string();
        if let Some(a) = anchor {
            url = format!("{url}#{a}");
        }
        return Ok(Value::String(url));
    }
    let config = &site.config;
    let rel = path.trim_start_matches('/');
    // Zola adds the language's prefix unless the path already starts with it.
    let prefix = match lang {
        Some(l)
            if l != config.default_language && rel != l && !rel.starts_with(&format!("{l}/")) =>
        {
            format!("{l}/")
        }
        _ => String::new(),
    };
    let joined = format!("{prefix}{rel}");
    let mut url = config.permalink(&joined);
    // Zola's permalinks end in a slash (except feeds and fragments), which `get_url` removes
    // unless `trailing_slash = true`.
    if !opt_bool(args, "trailing_slash", false) {
        url = url.strip_suffix('/').map_or(url.clone(), str::to_string);
    } else if !url.ends_with('/')
        && !url.contains('#')
        && !config
            .languages
            .iter()
            .any(|l| l.feed_filenames.iter().any(|f| url.ends_with(f.as_str())))
    {
        url.push('/');
    }
    if opt_bool(args, "cachebust", false) {
        let h = cached_hash(shared, &joined).ok_or_else(|| {
            Error::msg(format!(
                "`get_url`: cannot cachebust `{path}`: no such file in the site folder, static/, content/ or the theme's static/"
            ))
        })?;
        url = format!("{url}?h={h}");
    }
    Ok(Value::String(url))
}

pub(super) fn cached_hash(shared: &Shared, path: &str) -> Option<String> {
    if let Some(h) = shared.hash_cache.lock().ok()?.get(path) {
        return h.clone();
    }
    let config = &shared.site.config;
    let root = &shared.site.root;
    let h = file_hash(shared, path).or_else(|| {
        let css = crate::output::sass::compiled(root, config, path.trim_start_matches('/'))?;
        Some(content_hash(css.as_bytes()))
    });
    if let Ok(mut cache) = shared.hash_cache.lock() {
        cache.insert(path.to_string(), h.clone());
    }
    h
}

/// Hash of a file for cache-busting URLs (see `find_site_file`).
pub(super) fn file_hash(shared: &Shared, path: &str) -> Option<String> {
    let file = find_site_file(shared, path.trim_start_matches('/'))?;
    let bytes = std::fs::read(file).ok()?;
    Some(content_hash(&bytes))
}

/// The cache-busting hash of a file's bytes: SHA-256, first 10 bytes in hex.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d[..10].iter().map(|b| format!("{b:02x}")).collect()
}

/// A file a template names (`@/` for `content/`), found as `find_site_file` finds it.
pub(super) fn site_file(shared: &Shared, path: &str) -> Option<PathBuf> {
    let rel = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    find_site_file(shared, &rel)
}

/// A file named relative to the site, found where Zola looks: the site folder itself, then
/// `static/`, `content/`, the output folder and the theme's `static/`. Zola copies colocated
/// files into the output before it renders the page or section that owns them, so a template
/// finds them there (`ca/archive/card.jpg`); sprout looks them up where this build writes
/// them rather than in a previous build's output. (A previous build's output on disk, last:
/// it may be stale, so the theme's file, which this build writes, comes before it.)
pub(super) fn find_site_file(shared: &Shared, rel: &str) -> Option<PathBuf> {
    if rel.split('/').any(|c| c == "..") {
        return None;
    }
    let root = &shared.site.root;
    let config = &shared.site.config;
    let on_disk = [
        root.join(rel),
        root.join("static").join(rel),
        root.join("content").join(rel),
    ];
    if let Some(p) = on_disk.into_iter().find(|p| p.is_file()) {
        return Some(p);
    }
    let colocated = shared.colocated.get_or_init(|| {
        shared
            .site
            .colocated_outputs()
            .into_iter()
            .map(|(k, f)| (k, f.to_path_buf()))
            .collect()
    });
    if let Some(f) = colocated.get(rel.trim_end_matches('/')) {
        return Some(f.clone());
    }
    let mut rest = Vec::new();
    if let Some(t) = config.theme.as_deref() {
        rest.push(root.join("themes").join(t).join("static").join(rel));
    }
    rest.push(root.join(&config.output_dir).join(rel));
    rest.into_iter().find(|p| p.is_file())
}

/// `get_hash(path | literal, sha_type = 384, base64 = true)`, as Zola: a file found where
/// `get_url` looks, or a string; SHA-256/384/512 as base64 (for `integrity=`) or hex.
pub(super) fn get_hash(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let bytes = match (opt_str(args, "path"), opt_str(args, "literal")) {
        (Some(_), Some(_)) => {
            return Err(Error::msg(
                "`get_hash`: give either `path` or `literal`, not both",
            ));
        }
        (None, None) => return Err(Error::msg("`get_hash` needs a `path` or a `literal`")),
        (None, Some(literal)) => literal.as_bytes().to_vec(),
        (Some(path), None) => {
            let file = site_file(shared, path)
                .ok_or_else(|| Error::msg(format!("`get_hash`: cannot find file `{path}`")))?;
            std::fs::read(&file)
                .map_err(|e| Error::msg(format!("`get_hash`: cannot read `{path}` ({e})")))?
        }
    };
    let digest: Vec<u8> = match args.get("sha_type").and_then(Value::as_u64).unwrap_or(384) {
        256 => Sha256::digest(&bytes).to_vec(),
        384 => sha2::Sha384::digest(&bytes).to_vec(),
        512 => sha2::Sha512::digest(&bytes).to_vec(),
        _ => return Err(Error::msg("`get_hash`: `sha_type` must be 256, 384 or 512")),
    };
    if opt_bool(args, "base64", true) {
        use base64::Engine;
        Ok(Value::String(
            base64::engine::general_purpose::STANDARD.encode(digest),
        ))
    } else {
        Ok(Value::String(
            digest.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    }
}

/// `get_image_metadata(path, allow_missing = false)`, as Zola (see `images`).
pub(super) fn get_image_metadata(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "get_image_metadata")?;
    let found = site_file(shared, path);
    let Some(file) = found else {
        if opt_bool(args, "allow_missing", false) {
            return Ok(Value::Null);
        }
        return Err(Error::msg(format!(
            "`get_image_metadata`: cannot find `{path}` in the site folder, static/, content/ or the theme's static/"
        )));
    };
    crate::templates::images::metadata(&file)
        .map_err(|e| Error::msg(format!("`get_image_metadata`: `{path}`: {e}")))
}

/// `resize_image(path, width?, height?, op = "fill", format = "auto", quality?, speed?)`, as
/// Zola (see `resize`): the image is found where `get_image_metadata` looks, and made after
/// rendering.
pub(super) fn resize_image(shared: &Shared, args: &HashMap<String, Value>) -> Result<Value> {
    let path = arg_str(args, "path", "resize_image")?;
    let width = opt_uint(args, "width", "resize_image")?;
    let height = opt_uint(args, "height", "resize_image")?;
    let op = opt_str(args, "op").unwrap_or("fill");
    let format = opt_str(args, "format").unwrap_or("auto");
    let quality = opt_uint(args, "quality", "resize_image")?;
    let speed = opt_uint(args, "speed", "resize_image")?;
    let small = |v: Option<u32>, name: &str| -> Result<Option<u8>> {
        v.map(|n| {
            u8::try_from(n)
                .map_err(|_| Error::msg(format!("`resize_image`: `{name}` must be a number")))
        })
        .transpose()
    };
    let (quality, speed) = (small(quality, "quality")?, small(speed, "speed")?);
    let op = crate::templates::resize::ResizeOperation::from_args(op, width, height)
        .map_err(|e| Error::msg(format!("`resize_image`: {e}")))?;
    let Some(file) = site_file(shared, path) else {
        return Err(Error::msg(format!(
            "`resize_image`: Cannot find file: {path}"
        )));
    };
    let unified = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    let base = shared
        .site
        .config
        .permalink(&format!("{}/", crate::templates::resize::RESIZED_SUBDIR));
    shared
        .images
        .enqueue(
            op,
            &unified,
            &file,
            &crate::templates::resize::Wanted {
                format,
                quality,
                speed,
            },
            &base,
        )
        .map_err(|e| Error::msg(format!("`resize_image`: {e}")))
}
