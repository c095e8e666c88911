//! What a content file's location says about it: page or section, language, translation key,
//! URL components and a date or slug in its name.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// Facts derived from a content file's path alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileInfo {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Relative to `content/`, with `/` separators: `plan/health.en.md`.
    pub relative: String,
    pub lang: String,
    /// Shared by all translations of one item: `plan/health` or `plan/_index`.
    pub canonical: String,
    /// Folders between `content/` and the item (for `index.md` pages, the page's own folder is
    /// not included).
    pub components: Vec<String>,
    /// File stem without language: `health`, `index` or `_index`; for `index.md` pages the
    /// folder's name.
    pub name: String,
    pub is_section: bool,
    /// The folder whose other files are this item's assets (`index.md` pages and sections).
    pub colocated_dir: Option<PathBuf>,
}

impl FileInfo {
    /// Classify `path` (inside `content_dir`), checking its language code against the config.
    pub fn new(path: &Path, content_dir: &Path, config: &Config) -> Result<FileInfo, Diagnostic> {
        let rel_path = path.strip_prefix(content_dir).unwrap_or(path);
        let relative = rel_path.to_string_lossy().replace('\\', "/");
        let shown = Path::new("content").join(rel_path);
        let stem = rel_path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let (name, lang) = split_lang(&stem, config).map_err(|m| Diagnostic::error(&shown, m))?;
        let mut components: Vec<String> = rel_path
            .parent()
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let is_section = name == "_index";
        let parent_dir = path.parent().map(Path::to_path_buf);
        let (name, colocated_dir) = if is_section {
            (name, parent_dir)
        } else if name == "index" && !components.is_empty() {
            let folder = components.pop().unwrap_or_default();
            (folder, parent_dir)
        } else {
            (name, None)
        };
        let canonical = match rel_path.parent() {
            Some(p) if !p.as_os_str().is_empty() => {
                let base = p.to_string_lossy().replace('\\', "/");
                let own = if is_section {
                    "_index"
                } else {
                    stem_no_lang(&stem, &lang, config)
                };
                format!("{base}/{own}")
            }
            _ => {
                if is_section {
                    "_index".to_string()
                } else {
                    stem_no_lang(&stem, &lang, config).to_string()
                }
            }
        };
        Ok(FileInfo {
            path: path.to_path_buf(),
            relative,
            lang,
            canonical,
            components,
            name,
            is_section,
            colocated_dir,
        })
    }
}

fn stem_no_lang<'a>(stem: &'a str, lang: &str, config: &Config) -> &'a str {
    if lang == config.default_language {
        stem
    } else {
        stem.strip_suffix(&format!(".{lang}")).unwrap_or(stem)
    }
}

/// `health.en` → (`health`, `en`); `health` → (`health`, default language).
fn split_lang(stem: &str, config: &Config) -> Result<(String, String), String> {
    let default = config.default_language.clone();
    let Some((name, code)) = stem.rsplit_once('.') else {
        return Ok((stem.to_string(), default));
    };
    if code == config.default_language && config.is_multilingual() {
        return Err(format!(
            "`.{code}` is the default language; name the file `{name}.md` instead"
        ));
    }
    if config.language(code).is_some() {
        return Ok((name.to_string(), code.to_string()));
    }
    let known: Vec<&str> = config
        .translation_langs()
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    Err(format!(
        "language code `{code}` in the file name is not configured; add [languages.{code}] to config.toml or rename the file (configured: {})",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    ))
}

/// A date at the start of a file name: `2024-05-31-title` → (`2024-05-31`, `title`).
pub fn date_prefix(name: &str) -> Option<(String, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?)[_-](.+)$",
        )
        .expect("static regex")
    });
    let caps = re.captures(name)?;
    Some((caps[1].to_string(), caps[2].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "base_url = \"https://x.org\"\ndefault_language = \"zh\"\n[languages.en]\n",
            Path::new("config.toml"),
        )
        .unwrap()
    }

    fn info(rel: &str) -> Result<FileInfo, Diagnostic> {
        let content = Path::new("/site/content");
        FileInfo::new(&content.join(rel), content, &config())
    }

    #[test]
    fn translation_pairs_share_canonical() {
        let zh = info("plan/health.md").unwrap();
        let en = info("plan/health.en.md").unwrap();
        assert_eq!(zh.canonical, en.canonical);
        assert_eq!(en.lang, "en");
        assert_eq!(zh.lang, "zh");
        assert_eq!(en.name, "health");
        assert_eq!(en.components, vec!["plan"]);
    }

    #[test]
    fn index_pages_use_their_folder() {
        let p = info("safety/drowning/index.en.md").unwrap();
        assert_eq!(p.name, "drowning");
        assert_eq!(p.components, vec!["safety"]);
        assert!(p.colocated_dir.is_some());
        assert_eq!(p.canonical, "safety/drowning/index");
    }

    #[test]
    fn sections_are_recognised() {
        let s = info("_index.en.md").unwrap();
        assert!(s.is_section);
        assert_eq!(s.canonical, "_index");
    }

    #[test]
    fn unknown_language_suffix_is_an_error() {
        let e = info("plan/health.fr.md").unwrap_err();
        assert!(e.message.contains("`fr`"));
        let e = info("plan/health.zh.md").unwrap_err();
        assert!(e.message.contains("default language"));
    }

    #[test]
    fn date_prefix_is_split() {
        assert_eq!(
            date_prefix("2024-05-31-hello"),
            Some(("2024-05-31".into(), "hello".into()))
        );
        assert_eq!(date_prefix("hello"), None);
    }
}
