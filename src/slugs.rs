//! Turning titles, file names and taxonomy terms into URL segments and anchors, with Zola's
//! three `[slugify]` strategies.

use serde::{Deserialize, Serialize};

/// How a string becomes a URL segment or an anchor (Zola's `[slugify]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SlugifyStrategy {
    #[default]
    On,
    Safe,
    Off,
}

/// Slug for a path segment or taxonomy term.
pub fn slugify(s: &str, strategy: SlugifyStrategy) -> String {
    match strategy {
        SlugifyStrategy::On => slug::slugify(s),
        SlugifyStrategy::Safe => {
            let trimmed = s.trim().trim_end_matches('.');
            trimmed
                .chars()
                .filter(|c| !r#"<>:"/\|?*#"#.contains(*c))
                .map(|c| if c.is_whitespace() { '-' } else { c })
                .collect()
        }
        SlugifyStrategy::Off => s.to_string(),
    }
}

/// Slug for a heading id: anchors may not contain whitespace in any strategy.
pub fn slugify_anchor(s: &str, strategy: SlugifyStrategy) -> String {
    match strategy {
        SlugifyStrategy::On => slug::slugify(s),
        SlugifyStrategy::Safe | SlugifyStrategy::Off => s
            .trim()
            .chars()
            .filter(|c| !r#"<>:"/\|?*#&'"#.contains(*c))
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_transliterates_and_lowercases() {
        assert_eq!(slugify("Hello World!", SlugifyStrategy::On), "hello-world");
        assert!(!slugify("儿童与健康", SlugifyStrategy::On).is_empty());
    }

    #[test]
    fn safe_keeps_unicode_but_strips_unsafe() {
        assert_eq!(slugify("儿童 安全?", SlugifyStrategy::Safe), "儿童-安全");
    }

    #[test]
    fn anchors_never_contain_spaces() {
        assert_eq!(slugify_anchor("a b", SlugifyStrategy::Off), "a_b");
    }
}
