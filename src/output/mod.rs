//! The built site (path → bytes in memory, a file to copy, or a page the page pass already
//! wrote into the staging folder), HTML minification, and the staging folder whose atomic swap
//! replaces the output folder only when everything is ready.

pub mod sass;
pub mod statics;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::diagnostics::Diagnostic;

/// The contents of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Bytes(Vec<u8>),
    /// Copied from disk at write time (static files, colocated assets).
    File(PathBuf),
    /// Already in the staging folder, written there by the page pass as soon as the page was
    /// rendered (`sprout build`).
    Written(PathBuf),
}

/// One output file and what made it (`content/a.md`, `static/x.css`, `templates/404.html`).
#[derive(Debug, Clone)]
struct Entry {
    body: Body,
    source: PathBuf,
}

/// Every file of the site, keyed by its normalised path relative to the output folder
/// (`plan/index.html`). Two sources writing one path is a problem, never a silent overwrite.
#[derive(Debug, Default, Clone)]
pub struct Output {
    files: BTreeMap<String, Entry>,
    problems: Vec<Diagnostic>,
}

impl Output {
    /// Add a file made from `source`. A path taken by another source keeps the first file and
    /// records a problem naming both (see `take_problems`).
    pub fn insert(&mut self, path: impl AsRef<str>, body: Body, source: impl Into<PathBuf>) {
        let source = source.into();
        let Some(path) = self.normalise(path.as_ref(), &source) else {
            return;
        };
        if let Some(first) = self.files.get(&path) {
            if first.source != source || first.body != body {
                self.problems.push(Diagnostic::error(
                    &source,
                    format!(
                        "writes `{path}`, which {} also writes; give one of them another path (or remove one)",
                        first.source.display()
                    ),
                ));
            }
            return;
        }
        self.files.insert(path, Entry { body, source });
    }

    /// Move every file of `other` in, as `insert` would add each (collisions are problems).
    pub fn append(&mut self, other: Output) {
        self.problems.extend(other.problems);
        for (path, entry) in other.files {
            self.insert(path, entry.body, entry.source);
        }
    }

    pub fn insert_text(&mut self, path: impl AsRef<str>, text: String, source: impl Into<PathBuf>) {
        self.insert(path, Body::Bytes(text.into_bytes()), source);
    }

    /// Add a file that deliberately takes the place of an earlier one (the site's static file
    /// over the theme's of the same name).
    pub fn replace(&mut self, path: impl AsRef<str>, body: Body, source: impl Into<PathBuf>) {
        let source = source.into();
        if let Some(path) = self.normalise(path.as_ref(), &source) {
            self.files.insert(path, Entry { body, source });
        }
    }

    /// What made the file at `path`.
    pub fn source_of(&self, path: &str) -> Option<&Path> {
        self.files.get(path).map(|e| e.source.as_path())
    }

    /// Collisions and bad paths recorded by `insert`, emptied.
    pub fn take_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.problems)
    }

    /// `/a//./b` → `a/b`; a path that climbs out of the output folder is a problem.
    fn normalise(&mut self, path: &str, source: &Path) -> Option<String> {
        let key = key(path);
        if key.is_none() {
            self.problems.push(Diagnostic::error(
                source,
                format!("output path `{path}` leaves the output folder; remove the `..`"),
            ));
        }
        key
    }

    pub fn get(&self, path: &str) -> Option<&Body> {
        self.files.get(path).map(|e| &e.body)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Body)> {
        self.files.iter().map(|(k, v)| (k.as_str(), &v.body))
    }

    /// HTML pages as text, for checking and indexing.
    pub fn html(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter_map(|(k, v)| match &v.body {
            Body::Bytes(b) if k.ends_with(".html") => {
                std::str::from_utf8(b).ok().map(|s| (k.as_str(), s))
            }
            _ => None,
        })
    }

    /// Hand each HTML page held in memory that `wanted` picks to `finish`, in parallel, and keep
    /// the body it returns in the page's place.
    pub fn finish_html(
        &mut self,
        wanted: impl Fn(&str) -> bool + Sync,
        finish: impl Fn(&str, String) -> Body + Sync,
    ) {
        self.files.par_iter_mut().for_each(|(k, v)| {
            let Body::Bytes(b) = &mut v.body else {
                return;
            };
            if !k.ends_with(".html") || !wanted(k) {
                return;
            }
            match String::from_utf8(std::mem::take(b)) {
                Ok(text) => v.body = finish(k, text),
                Err(e) => *b = e.into_bytes(),
            }
        });
    }

    /// Read a file's bytes, from memory or from disk.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        match &self.files.get(path)?.body {
            Body::Bytes(b) => Some(b.clone()),
            Body::File(p) | Body::Written(p) => fs::read(p).ok(),
        }
    }

    /// One page minified, as the page pass minifies each page of a build and `serve` each page
    /// it sends.
    pub fn minified(html: &[u8]) -> Vec<u8> {
        minify_html::minify(html, &minify_config())
    }

    /// Write everything to a staging folder beside `dest` (the one given, which may hold pages
    /// already, or a new one), then swap it in. On any error the previous `dest` is left as it
    /// was.
    pub fn write_atomic(&self, dest: &Path, staging: Option<Staging>) -> Result<()> {
        let staging = match staging {
            Some(s) => s,
            None => Staging::beside(dest)?,
        };
        self.write_into(staging.path())?;
        let (parent, name) = parent_and_name(dest);
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if dest.exists() {
            fs::rename(dest, &old)
                .with_context(|| format!("cannot move the previous {} aside", dest.display()))?;
        }
        let staged = staging.dir.keep();
        if let Err(e) = fs::rename(&staged, dest) {
            // Put the previous site back before reporting.
            if old.exists() {
                let _ = fs::rename(&old, dest);
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("cannot move the new site into {}", dest.display()));
        }
        if old.exists() {
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
        Ok(())
    }

    /// Write the files not in the staging folder yet.
    fn write_into(&self, dir: &Path) -> Result<()> {
        let dirs: std::collections::BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter(|(_, v)| !matches!(v.body, Body::Written(_)))
            .filter_map(|(k, _)| Path::new(k).parent().map(|p| dir.join(p)))
            .collect();
        for d in &dirs {
            fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
        }
        self.files.par_iter().try_for_each(|(k, v)| {
            let target = dir.join(k);
            match &v.body {
                Body::Bytes(b) => fs::write(&target, b),
                Body::File(src) => fs::copy(src, &target).map(|_| ()),
                Body::Written(_) => Ok(()),
            }
            .with_context(|| format!("cannot write {}", target.display()))
        })
    }
}

/// The folder a new site is written into, beside the output folder it will replace: the page
/// pass writes pages there as they are rendered, `Output::write_atomic` the rest before the
/// swap. Dropped before the swap (a build that stops), it is removed with what it holds.
pub struct Staging {
    dir: tempfile::TempDir,
}

/// The folders in `parent` named `{prefix}{pid}` or `{prefix}{pid}-…` whose process no longer
/// runs: what a build killed mid-way (Ctrl-C) leaves. With `own`, this process's id counts as
/// gone too (a container may give every run the same id). Only where the system lists its
/// processes in `/proc`.
fn abandoned(parent: &Path, prefix: &str, own: bool) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    if !Path::new("/proc/self").exists() {
        return Vec::new();
    }
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().to_string();
            let pid = name
                .strip_prefix(prefix)
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<u32>().ok());
            pid.is_some_and(|pid| {
                (own && pid == std::process::id())
                    || (pid != std::process::id()
                        && !Path::new("/proc").join(pid.to_string()).exists())
            })
        })
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

/// Tidy what builds killed mid-way left beside `dest`: their staging folders are removed; the
/// previous site a build had moved aside (`.{name}.old-{pid}`) is put back when `dest` is
/// missing (the build was killed between its two renames), and removed otherwise. A folder
/// that cannot be moved or removed stays. Called by `pipeline::prepare` before this process
/// moves anything aside, so a `.old-` folder with its own id is a killed build's too.
pub fn tidy_abandoned(dest: &Path) {
    let (parent, name) = parent_and_name(dest);
    for dir in abandoned(&parent, &format!(".{name}.staging-"), false) {
        let _ = fs::remove_dir_all(dir);
    }
    for old in abandoned(&parent, &format!(".{name}.old-"), true) {
        if dest.exists() {
            let _ = fs::remove_dir_all(old);
        } else {
            let _ = fs::rename(&old, dest);
        }
    }
}

/// The folder that holds `dest` (`.` for a bare name) and `dest`'s own name.
fn parent_and_name(dest: &Path) -> (PathBuf, String) {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().to_string());
    (parent.to_path_buf(), name)
}

impl Staging {
    /// A new, empty staging folder beside `dest`, named with this process's id. What killed
    /// builds left there is tidied once per build, before it can fail (`tidy_abandoned`, called
    /// by `pipeline::prepare`).
    pub fn beside(dest: &Path) -> Result<Staging> {
        let (parent, name) = parent_and_name(dest);
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.staging-{}-", std::process::id()))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a staging folder in {}", parent.display()))?;
        Ok(Staging { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write the file at output path `key` (as `key` makes it), creating its folders.
    pub fn write(&self, key: &str, bytes: &[u8]) -> std::io::Result<Body> {
        let path = self.dir.path().join(key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
        Ok(Body::Written(path))
    }
}

/// The output path `path` is stored under: `/a//./b` → `a/b`; `None` when it climbs out of
/// the output folder.
pub fn key(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for seg in path.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn minify_config() -> minify_html::Cfg {
    minify_html::Cfg {
        // Keep the output valid HTML: the Nu checker must accept it.
        minify_doctype: false,
        keep_html_and_head_opening_tags: true,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_removing_spaces_between_attributes: false,
        keep_closing_tags: true,
        minify_css: true,
        // Inline scripts stay as written.
        minify_js: false,
        ..minify_html::Cfg::new()
    }
}

/// Output path of a site path: `/plan/` → `plan/index.html`, `/404.html` → `404.html`.
pub fn file_for(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() {
        "index.html".into()
    } else if p.ends_with('/') {
        format!("{p}index.html")
    } else if Path::new(p).extension().is_some() {
        p.to_string()
    } else {
        format!("{p}/index.html")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_index_files() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/en/plan/"), "en/plan/index.html");
        assert_eq!(file_for("/old"), "old/index.html");
        assert_eq!(file_for("/old.html"), "old.html");
    }

    #[test]
    fn atomic_write_replaces_and_keeps_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("public");
        fs::create_dir_all(&dest).unwrap();
        fs::write(dest.join("stale.html"), "old").unwrap();
        let mut out = Output::default();
        out.insert_text("index.html", "new".into(), "a.md");
        out.insert_text("a/b/index.html", "deep".into(), "b.md");
        out.write_atomic(&dest, None).unwrap();
        assert_eq!(fs::read_to_string(dest.join("index.html")).unwrap(), "new");
        assert!(!dest.join("stale.html").exists());
        assert!(dest.join("a/b/index.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn staging_folders_of_builds_that_were_killed_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        // No process has this id (above Linux's largest, 2^22).
        let abandoned = tmp.path().join(".public.staging-999999999-x1y2");
        let running = tmp
            .path()
            .join(format!(".public.staging-{}-a1b2", std::process::id()));
        let other_site = tmp.path().join(".docs.staging-999999999-x1y2");
        for dir in [&abandoned, &running, &other_site] {
            fs::create_dir_all(dir.join("plan")).unwrap();
            fs::write(dir.join("plan/index.html"), "old").unwrap();
        }
        tidy_abandoned(&tmp.path().join("public"));
        let staging = Staging::beside(&tmp.path().join("public")).unwrap();
        assert!(
            !abandoned.exists(),
            "a killed build's staging folder is removed"
        );
        assert!(running.exists(), "a running build's staging folder stays");
        assert!(other_site.exists(), "another output folder's staging stays");
        let name = staging
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(
            name.starts_with(&format!(".public.staging-{}-", std::process::id())),
            "{name}"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_previous_site_moved_aside_by_a_killed_build_is_put_back_or_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("public");
        // Killed between its two renames: `public/` is gone, the previous site is aside.
        let aside = tmp.path().join(".public.old-999999999");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join("index.html"), "previous").unwrap();
        tidy_abandoned(&dest);
        assert_eq!(
            fs::read_to_string(dest.join("index.html")).unwrap(),
            "previous",
            "the previous site is put back"
        );
        assert!(!aside.exists());
        // Killed after both renames: `public/` is the new site, the old one is only clutter;
        // also when the killed build had this process's id, as in a container.
        let aside = tmp
            .path()
            .join(format!(".public.old-{}", std::process::id()));
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join("index.html"), "older").unwrap();
        tidy_abandoned(&dest);
        assert!(!aside.exists(), "the moved-aside copy is removed");
        assert_eq!(
            fs::read_to_string(dest.join("index.html")).unwrap(),
            "previous"
        );
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["public"], "nothing else is left beside it");
    }

    #[test]
    fn minify_keeps_doctype_and_lang() {
        let page = "<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head><title>x</title></head>\n<body>  <p>a   b</p>  </body></html>";
        let s = String::from_utf8(Output::minified(page.as_bytes())).unwrap();
        assert!(s.to_ascii_lowercase().starts_with("<!doctype html>"), "{s}");
        assert!(
            s.contains("lang=zh-Hans") || s.contains("lang=\"zh-Hans\""),
            "{s}"
        );
    }

    #[test]
    fn two_sources_at_one_path_are_reported_by_name() {
        let mut out = Output::default();
        out.insert_text("/tags/index.html", "list".into(), "config.toml");
        out.insert_text("tags//./index.html", "term".into(), "content/a.md");
        out.insert_text("../up.html", "x".into(), "content/b.md");
        let problems = out.take_problems();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        let collision = problems[0].to_string();
        assert!(collision.starts_with("content/a.md: error:"), "{collision}");
        assert!(
            collision.contains("`tags/index.html`") && collision.contains("config.toml"),
            "{collision}"
        );
        assert!(problems[1].message.contains("leaves the output folder"));
        assert_eq!(out.read("tags/index.html").unwrap(), b"list");
        out.replace(
            "tags/index.html",
            Body::Bytes(b"new".to_vec()),
            "static/tags/index.html",
        );
        assert_eq!(
            out.source_of("tags/index.html"),
            Some(Path::new("static/tags/index.html"))
        );
    }
}
