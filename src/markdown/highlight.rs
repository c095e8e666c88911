//! Fenced code as Zola 0.22 renders it, with `giallo` (Zola's highlighter) and its built-in
//! grammars and themes: inline styles, or CSS classes (`z-` prefix) plus `giallo.css`
//! (`giallo-light.css` and `giallo-dark.css` for two themes) for sites with a strict CSP.
//! Without `[markdown.highlighting]` a block is `<pre><code data-lang="x">`, escaped.

use giallo::{HighlightOptions, HtmlRenderer, ParsedFence, ThemeVariant};

use crate::config::{HighlightStyle, HighlightingConfig};

/// The CSS files the class style needs, by output name (none for inline styles).
pub fn theme_css(hl: &HighlightingConfig) -> Vec<(&'static str, String)> {
    let Ok(registry) = hl.registry() else {
        return Vec::new();
    };
    if hl.style == HighlightStyle::Inline {
        return Vec::new();
    }
    let css = |t: &str| registry.generate_css(t, "z-").unwrap_or_default();
    match (&hl.theme, &hl.light_theme, &hl.dark_theme) {
        (Some(t), _, _) => vec![("giallo.css", css(t))],
        (None, Some(l), Some(d)) => vec![("giallo-light.css", css(l)), ("giallo-dark.css", css(d))],
        _ => Vec::new(),
    }
}

/// One code block as HTML. `Err` only for an unknown language when the site asks for that
/// to be an error (`error_on_missing_language`).
pub fn code_block(
    hl: Option<&HighlightingConfig>,
    fence: &str,
    code: &str,
) -> Result<String, String> {
    let fence = if fence.trim().is_empty() {
        ParsedFence::default()
    } else {
        giallo::parse_markdown_fence(fence)
    };
    let Some(hl) = hl else {
        return Ok(plain(&fence.lang, code));
    };
    let registry = hl.registry()?;
    if !registry.contains_grammar(&fence.lang) && hl.error_on_missing_language {
        return Err(format!(
            "language `{}` not found for syntax highlighting; fix the code fence or set error_on_missing_language = false",
            fence.lang
        ));
    }
    let variant = match (&hl.theme, &hl.light_theme, &hl.dark_theme) {
        (Some(t), _, _) => ThemeVariant::Single(t.as_str()),
        (None, Some(l), Some(d)) => ThemeVariant::Dual {
            light: l.as_str(),
            dark: d.as_str(),
        },
        _ => return Ok(plain(&fence.lang, code)),
    };
    let options = HighlightOptions::new(&fence.lang, variant).fallback_to_plain(true);
    let highlighted = registry
        .highlight(code, &options)
        .map_err(|e| e.to_string())?;
    let renderer = HtmlRenderer {
        other_metadata: fence.rest.clone(),
        css_class_prefix: (hl.style == HighlightStyle::Class).then(|| "z-".to_string()),
    };
    Ok(renderer.render(&highlighted, &fence.options))
}

fn plain(lang: &str, code: &str) -> String {
    let data = if lang != giallo::PLAIN_GRAMMAR_NAME {
        format!(" data-lang=\"{}\"", crate::markdown::escape_attr(lang))
    } else {
        String::new()
    };
    let mut escaped = String::with_capacity(code.len());
    for c in code.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            _ => escaped.push(c),
        }
    }
    format!("<pre><code{data}>{escaped}</code></pre>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_highlighting_blocks_are_escaped_with_their_language() {
        assert_eq!(
            code_block(None, "rust", "a < b").unwrap(),
            "<pre><code data-lang=\"rust\">a &lt; b</code></pre>\n"
        );
        assert_eq!(
            code_block(None, "", "x").unwrap(),
            "<pre><code>x</code></pre>\n"
        );
    }

    #[test]
    fn class_mode_uses_z_classes_and_a_stylesheet() {
        let hl = HighlightingConfig {
            theme: Some("github-dark".into()),
            style: HighlightStyle::Class,
            ..Default::default()
        };
        crate::config::highlighting::check(&hl).unwrap();
        let html = code_block(Some(&hl), "rust", "fn main() {}\n").unwrap();
        assert!(html.contains("class=\"z-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        let css = theme_css(&hl);
        assert_eq!(css[0].0, "giallo.css");
        assert!(css[0].1.contains(".z-"), "{}", css[0].1);
    }

    #[test]
    fn unknown_theme_and_language_are_reported() {
        let hl = HighlightingConfig {
            theme: Some("no-such-theme".into()),
            ..Default::default()
        };
        assert!(
            crate::config::highlighting::check(&hl)
                .unwrap_err()
                .contains("no-such-theme")
        );
        let hl = HighlightingConfig {
            theme: Some("github-dark".into()),
            error_on_missing_language: true,
            ..Default::default()
        };
        assert!(code_block(Some(&hl), "nosuchlang", "x").is_err());
    }
}
