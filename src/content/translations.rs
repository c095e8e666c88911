//! The translation report: which default-language items lack a translation, and which
//! translations are stale (their source's body or translatable front matter changed since
//! `extra.source_hash` was recorded).
//! `stamp` records the current source hash in a translation's front matter.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use serde_json::Value;

use super::front_matter::{PageMeta, SectionMeta, Split, parse_page, parse_section};
use super::{ItemRef, Site};

/// One translation's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    UpToDate,
    /// No translation in this language.
    Missing {
        lang: String,
    },
    /// The source changed after the translation recorded its hash.
    Stale {
        file: String,
        recorded: String,
        current: String,
    },
    /// The translation never recorded a source hash.
    Unstamped {
        file: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// (source file, status) for every default-language item and other language.
    pub entries: Vec<(String, Status)>,
}

impl Report {
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.entries.iter().filter(|(_, s)| f(s)).count()
    }

    pub fn problems(&self) -> impl Iterator<Item = &(String, Status)> {
        self.entries.iter().filter(|(_, s)| *s != Status::UpToDate)
    }

    /// The counts and at most `limit` problems, then how many more there are.
    pub fn shortened(&self, limit: usize) -> String {
        let mut out = String::new();
        let _ = self.write(&mut out, limit);
        out
    }

    fn write(&self, f: &mut impl fmt::Write, limit: usize) -> fmt::Result {
        let ok = self.count(|s| *s == Status::UpToDate);
        let missing = self.count(|s| matches!(s, Status::Missing { .. }));
        let stale = self.count(|s| matches!(s, Status::Stale { .. }));
        let unstamped = self.count(|s| matches!(s, Status::Unstamped { .. }));
        write!(
            f,
            "translations: {ok} up to date, {missing} missing, {stale} stale, {unstamped} unstamped"
        )?;
        for (source, status) in self.problems().take(limit) {
            match status {
                Status::Missing { lang } => write!(
                    f,
                    "\n  missing  content/{source} has no `{lang}` translation"
                )?,
                Status::Stale {
                    file,
                    recorded,
                    current,
                } => write!(
                    f,
                    "\n  stale    content/{file}: content/{source} changed (recorded {recorded}, now {current}); update the translation, then run `sprout stamp content/{file}`"
                )?,
                Status::Unstamped { file } => write!(
                    f,
                    "\n  unstamped content/{file}: run `sprout stamp content/{file}` once it matches content/{source}"
                )?,
                Status::UpToDate => {}
            }
        }
        let more = self.problems().count().saturating_sub(limit);
        if more > 0 {
            write!(f, "\n  … and {more} more; `sprout check` lists every one")?;
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, usize::MAX)
    }
}

/// The translatable front matter of a source: its title, description and `[extra]` (key
/// messages, summaries, sources, ...), without the translation's own `source_hash`.
pub struct Translatable<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub extra: &'a Value,
}

/// Short, stable hash (hex) of what a translation must follow: the translatable front matter
/// and the Markdown body, so a new title or key message makes the translation stale as much
/// as a new sentence does. Weights, dates and taxonomies are left out: they are not translated.
pub fn source_hash(front: &Translatable, body: &str) -> String {
    let mut extra = front.extra.clone();
    if let Value::Object(m) = &mut extra {
        m.remove("source_hash");
    }
    let mut canonical = serde_json::json!({
        "title": front.title,
        "description": front.description,
        "extra": extra,
        "body": body.replace("\r\n", "\n").trim(),
    });
    // Keys in sorted order at every level, whatever order the file wrote them in: templates
    // see `extra` in file order (Zola's `preserve_order`), the hash must not.
    canonical.sort_all_objects();
    super::load::hash(&canonical.to_string())
}

fn current_hash(site: &Site, item: ItemRef) -> String {
    let (meta, body) = match item {
        ItemRef::Page(i) => {
            let p = &site.pages[i];
            (Translatable::of_page(&p.meta), p.body.text())
        }
        ItemRef::Section(i) => {
            let s = &site.sections[i];
            (Translatable::of_section(&s.meta), s.body.text())
        }
    };
    source_hash(&meta, &body)
}

impl<'a> Translatable<'a> {
    pub fn of_page(m: &'a PageMeta) -> Self {
        Translatable {
            title: m.title.as_deref(),
            description: m.description.as_deref(),
            extra: &m.extra,
        }
    }

    pub fn of_section(m: &'a SectionMeta) -> Self {
        Translatable {
            title: m.title.as_deref(),
            description: m.description.as_deref(),
            extra: &m.extra,
        }
    }
}

fn recorded_hash(site: &Site, item: ItemRef) -> Option<String> {
    let extra = match item {
        ItemRef::Page(i) => &site.pages[i].meta.extra,
        ItemRef::Section(i) => &site.sections[i].meta.extra,
    };
    extra
        .get("source_hash")
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

pub fn report(site: &Site) -> Report {
    let default = &site.config.default_language;
    let mut entries = Vec::new();
    let items = (0..site.pages.len())
        .filter(|i| site.pages[*i].meta.render)
        .map(ItemRef::Page)
        .chain((0..site.sections.len()).map(ItemRef::Section));
    for item in items {
        let file = site.file(item);
        if &file.lang != default {
            continue;
        }
        for lang in site.config.translation_langs() {
            let status = match site.translation_in(item, &lang.code) {
                None => Status::Missing {
                    lang: lang.code.clone(),
                },
                Some(t) => {
                    let current = current_hash(site, item);
                    let tfile = site.file(t).relative.clone();
                    match recorded_hash(site, t) {
                        None => Status::Unstamped { file: tfile },
                        Some(r) if r == current => Status::UpToDate,
                        Some(recorded) => Status::Stale {
                            file: tfile,
                            recorded,
                            current,
                        },
                    }
                }
            };
            entries.push((file.relative.clone(), status));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Report { entries }
}

/// The default-language source of a translation file: `plan/health.en.md` → `plan/health.md`.
pub fn source_of(translation: &Path, languages: &[String]) -> Option<PathBuf> {
    let name = translation.file_name()?.to_string_lossy().to_string();
    let stem = name.strip_suffix(".md")?;
    let (base, lang) = stem.rsplit_once('.')?;
    if !languages.iter().any(|l| l == lang) {
        return None;
    }
    Some(translation.with_file_name(format!("{base}.md")))
}

/// Write the source's current hash (front matter and body) into the translation's
/// `[extra] source_hash`.
pub fn stamp(translation: &Path, languages: &[String]) -> Result<String> {
    let Some(source) = source_of(translation, languages) else {
        bail!(
            "{} is not a translation (expected a name like page.en.md)",
            translation.display()
        );
    };
    let source_text = std::fs::read_to_string(&source)
        .with_context(|| format!("cannot read {}", source.display()))?;
    let split =
        super::front_matter::split(&source_text, &source).map_err(|d| anyhow::anyhow!("{d}"))?;
    let hash = file_hash(&split, &source)?;
    let text = std::fs::read_to_string(translation)
        .with_context(|| format!("cannot read {}", translation.display()))?;
    let updated = set_source_hash(&text, &hash).with_context(|| {
        format!(
            "{} needs TOML front matter between +++ lines",
            translation.display()
        )
    })?;
    std::fs::write(translation, updated)
        .with_context(|| format!("cannot write {}", translation.display()))?;
    Ok(hash)
}

/// The hash of a source file as the build computes it, so `stamp` and the report agree.
fn file_hash(split: &Split, source: &Path) -> Result<String> {
    let is_section = source
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("_index."));
    let error = |d: crate::diagnostics::Diagnostic| anyhow::anyhow!("{d}");
    Ok(if is_section {
        let meta = parse_section(split, source).map_err(error)?;
        source_hash(&Translatable::of_section(&meta), split.body)
    } else {
        let meta = parse_page(split, source).map_err(error)?;
        source_hash(&Translatable::of_page(&meta), split.body)
    })
}

/// Insert or replace `source_hash = "..."` in the `[extra]` table of TOML front matter, keeping
/// the rest of the file as written (with `toml_edit`). The front matter is found by the same
/// splitter the build uses, so every file the build accepts (a BOM, CRLF lines) can be
/// stamped; CRLF front matter stays CRLF. `None` when the text has no TOML front matter that
/// parses.
pub fn set_source_hash(text: &str, hash: &str) -> Option<String> {
    let split = super::front_matter::split(text, Path::new("")).ok()?;
    if split.format != super::front_matter::Format::Toml {
        return None;
    }
    let start = split.front_matter.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + split.front_matter.len();
    let crlf = split.front_matter.contains("\r\n");
    let mut doc: toml_edit::DocumentMut = split.front_matter.replace("\r\n", "\n").parse().ok()?;
    let extra = doc
        .entry("extra")
        .or_insert(toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()?;
    extra.insert("source_hash", toml_edit::value(hash));
    let mut front = doc.to_string();
    if crlf {
        front = front.replace('\n', "\r\n");
    }
    Some(format!("{}{front}{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortened_report_counts_the_problems_it_leaves_out() {
        let entries = (0..4)
            .map(|i| {
                let lang = "ar".to_string();
                (format!("p{i}.md"), Status::Missing { lang })
            })
            .chain([("ok.md".to_string(), Status::UpToDate)])
            .collect();
        let report = Report { entries };
        let short = report.shortened(1);
        assert_eq!(
            short.lines().collect::<Vec<_>>(),
            [
                "translations: 1 up to date, 4 missing, 0 stale, 0 unstamped",
                "  missing  content/p0.md has no `ar` translation",
                "  … and 3 more; `sprout check` lists every one",
            ]
        );
        assert_eq!(report.to_string().lines().count(), 5);
    }

    #[test]
    fn stamp_inserts_and_replaces() {
        let front =
            |s: &str| -> toml::Value { toml::from_str(s.split("+++").nth(1).unwrap()).unwrap() };
        let t = "+++\ntitle = \"A\"\n[taxonomies]\nage = [\"0-3\"]\n+++\nbody\n";
        let s = set_source_hash(t, "abc").unwrap();
        assert!(
            s.starts_with("+++\ntitle = \"A\"\n[taxonomies]\nage = [\"0-3\"]\n"),
            "{s}"
        );
        assert!(s.ends_with("+++\nbody\n"), "{s}");
        assert_eq!(front(&s)["extra"]["source_hash"].as_str(), Some("abc"));
        assert_eq!(front(&s)["taxonomies"]["age"][0].as_str(), Some("0-3"));
        let s2 = set_source_hash(&s, "def").unwrap();
        assert_eq!(front(&s2)["extra"]["source_hash"].as_str(), Some("def"));
        assert!(!s2.contains("abc"));
        // An existing [extra] keeps its keys; an [[extra.list]] before it stays valid.
        let t = "+++\ntitle = \"A\"\n[extra]\nx = 1\n[[extra.list]]\ny = 2\n+++\n";
        let s3 = set_source_hash(t, "h").unwrap();
        assert_eq!(front(&s3)["extra"]["x"].as_integer(), Some(1));
        assert_eq!(front(&s3)["extra"]["list"][0]["y"].as_integer(), Some(2));
        assert_eq!(front(&s3)["extra"]["source_hash"].as_str(), Some("h"));
        assert!(set_source_hash("no front matter", "h").is_none());
    }

    #[test]
    fn the_hash_follows_title_description_extra_and_body_but_not_source_hash() {
        let extra = serde_json::json!({"key_messages": ["每天读书。"]});
        let front = |title, description, extra| Translatable {
            title,
            description,
            extra,
        };
        let base = source_hash(&front(Some("阅读"), Some("说明"), &extra), "正文");
        assert_ne!(
            base,
            source_hash(&front(Some("一起阅读"), Some("说明"), &extra), "正文")
        );
        assert_ne!(
            base,
            source_hash(&front(Some("阅读"), None, &extra), "正文")
        );
        let other = serde_json::json!({"key_messages": ["每天睡前读书。"]});
        assert_ne!(
            base,
            source_hash(&front(Some("阅读"), Some("说明"), &other), "正文")
        );
        assert_ne!(
            base,
            source_hash(&front(Some("阅读"), Some("说明"), &extra), "正文。")
        );
        let stamped = serde_json::json!({"key_messages": ["每天读书。"], "source_hash": "x"});
        assert_eq!(
            base,
            source_hash(&front(Some("阅读"), Some("说明"), &stamped), "\r\n正文\r\n")
        );
        // Templates see `extra` in file order; the hash does not: moving a key stamps nothing
        // stale, and stamps made before file order was kept stay valid.
        let a = serde_json::json!({"a": 1, "b": {"y": 2, "x": 3}});
        let b = serde_json::json!({"b": {"x": 3, "y": 2}, "a": 1});
        assert_eq!(
            source_hash(&front(Some("t"), None, &a), "正文"),
            source_hash(&front(Some("t"), None, &b), "正文")
        );
        assert_eq!(
            source_hash(&front(Some("t"), None, &a), "正文"),
            "65d5cedf468d3a69"
        );
    }

    #[test]
    fn stamp_accepts_crlf_front_matter_as_the_build_does() {
        // Regression: stamp looked for `+++\n` itself and refused files saved with CRLF.
        let t = "+++\r\ntitle = \"A\"\r\n+++\r\nbody\r\n";
        assert!(super::super::front_matter::split(t, Path::new("a.en.md")).is_ok());
        let s = set_source_hash(t, "abc").expect("CRLF front matter is stamped");
        assert!(s.starts_with("+++\r\ntitle = \"A\"\r\n"), "{s:?}");
        assert!(s.contains("source_hash = \"abc\"\r\n"), "{s:?}");
        assert!(s.ends_with("+++\r\nbody\r\n"), "{s:?}");
        assert!(
            !s.replace("\r\n", "").contains('\n'),
            "mixed line endings: {s:?}"
        );
    }

    #[test]
    fn source_of_strips_language() {
        let langs = vec!["en".to_string()];
        assert_eq!(
            source_of(Path::new("content/a/b.en.md"), &langs),
            Some(PathBuf::from("content/a/b.md"))
        );
        assert_eq!(source_of(Path::new("content/a/b.md"), &langs), None);
    }
}
