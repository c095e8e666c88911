//! Markdown → HTML with Zola's extras: shortcodes, heading ids and anchor links, a table of
//! contents, `@/` internal links, external-link attributes and `<!-- more -->` summaries.
//! It touches no files; shortcodes and link targets come in through `Settings`.

pub mod highlight;
pub mod shortcodes;
pub mod toc;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};
use regex::Regex;
use serde_json::Value;

use crate::config::{AnchorLinks, MarkdownConfig};
use crate::content::Heading;
use crate::slugs::SlugifyStrategy;
use shortcodes::Segment;
use toc::IdAllocator;

/// A shortcode template is either HTML (inserted after Markdown) or Markdown (inserted before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcodeKind {
    Html,
    Markdown,
}

/// Renders shortcodes and heading anchor links; implemented over Tera by `templates`.
pub trait Renderer: Sync {
    fn kind(&self, name: &str) -> Option<ShortcodeKind>;
    fn shortcode(
        &self,
        name: &str,
        args: &BTreeMap<String, Value>,
        body: Option<&str>,
        nth: usize,
    ) -> Result<String, String>;
    fn anchor_link(&self, id: &str, level: u32) -> Result<String, String>;
}

/// Resolves `@/plan/health.md` (without `@/` and anchor) to a permalink.
pub type Resolver<'a> = dyn Fn(&str) -> Option<String> + Sync + 'a;

pub struct Settings<'a> {
    pub markdown: &'a MarkdownConfig,
    pub anchors: SlugifyStrategy,
    pub insert_anchor_links: AnchorLinks,
    /// Permalink of the document, for table-of-contents links.
    pub permalink: &'a str,
    pub resolve: &'a Resolver<'a>,
    /// Deepest nesting of Markdown containers allowed (`[limits] max_nesting`).
    pub max_nesting: usize,
}

/// An `@/` link found in the document, for anchor checking once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    pub target: String,
    pub anchor: Option<String>,
    /// Byte offset in the original body.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdError {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Markdown {
    pub html: String,
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    pub internal_links: Vec<InternalLink>,
    pub external_links: Vec<String>,
    /// Problems that still let the page render (a broken `@/` link, an image without alt
    /// text); the build reports them with everything else and then fails.
    pub problems: Vec<MdError>,
    /// Findings that do not fail the build (text that looks like a shortcode call).
    pub warnings: Vec<MdError>,
    /// Images without alt text (a sprout check, reported at `[link_checker] sprout_level`).
    pub missing_alt: Vec<MdError>,
}

const MORE: &str = "<!-- more -->";
const MORE_SENTINEL: &str = "<!--SPROUT-MORE-->";
const CONTINUE: &str = "<span id=\"continue-reading\"></span>";

/// Render one document. Problems that stop rendering (a malformed or unknown shortcode) are
/// the `Err`; the others come back in `Markdown::problems`.
pub fn render(
    body: &str,
    settings: &Settings,
    renderer: Option<&dyn Renderer>,
) -> Result<Markdown, Vec<MdError>> {
    let expanded = match renderer {
        Some(r) => expand(body, r)?,
        None => Expanded::plain(body),
    };
    let mut state = State::new(settings, renderer, &expanded);
    let events = state.transform(&expanded.text);
    if let Some(e) = state.too_deep {
        return Err(vec![e]);
    }
    let mut out = String::with_capacity(expanded.text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    let out = expanded.insert_html(out);
    let (html, summary) = match out.split_once(MORE_SENTINEL) {
        Some((before, after)) => (
            format!("{before}{CONTINUE}{after}"),
            Some(before.to_string()),
        ),
        None => (out, None),
    };
    Ok(Markdown {
        html,
        summary,
        toc: toc::nest(state.headings),
        internal_links: state.internal,
        external_links: state.external,
        problems: state.problems,
        warnings: expanded.warnings.clone(),
        missing_alt: state.missing_alt,
    })
}

/// The body with shortcodes applied: Markdown shortcodes inlined, HTML ones as placeholders.
struct Expanded {
    text: String,
    /// (offset in `text`, offset in the original body) at each segment start.
    map: Vec<(usize, usize)>,
    html: Vec<String>,
    /// Text that looked like a shortcode call but is not one (printed as it is).
    warnings: Vec<MdError>,
}

const PLACEHOLDER_PREFIX: &str = "SPROUTSHORTCODE";

fn placeholder(i: usize) -> String {
    format!("{PLACEHOLDER_PREFIX}{i}X")
}

impl Expanded {
    fn plain(body: &str) -> Self {
        Self {
            text: body.to_string(),
            map: vec![(0, 0)],
            html: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn original(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|(e, _)| *e <= offset);
        let (e, o) = self.map[i.saturating_sub(1)];
        o + (offset - e)
    }

    /// `text` with each placeholder replaced by its shortcode's output, as text.
    fn html_as_text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (i, html) in self.html.iter().enumerate().rev() {
            out = out.replace(&placeholder(i), html);
        }
        out
    }

    /// Put HTML shortcode output where the placeholders landed; a placeholder alone in a
    /// paragraph replaces the whole paragraph so block output stays valid HTML. One pass over
    /// the page, so the time is linear in its size however many shortcodes it has.
    fn insert_html(&self, out: String) -> String {
        if self.html.is_empty() {
            return out;
        }
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            Regex::new(r"<p>SPROUTSHORTCODE(\d+)X</p>\n|SPROUTSHORTCODE(\d+)X")
                .expect("static regex")
        });
        let mut used = vec![false; self.html.len()];
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        for caps in re.captures_iter(&out) {
            let whole = caps.get(0).expect("match");
            let n = caps.get(1).or(caps.get(2)).expect("one group matches");
            let Some(i) = n
                .as_str()
                .parse::<usize>()
                .ok()
                .filter(|i| *i < used.len() && !used[*i])
            else {
                continue;
            };
            used[i] = true;
            result.push_str(&out[last..whole.start()]);
            result.push_str(&self.html[i]);
            last = whole.end();
        }
        result.push_str(&out[last..]);
        result
    }
}

fn expand(body: &str, renderer: &dyn Renderer) -> Result<Expanded, Vec<MdError>> {
    let segments = shortcodes::parse(body).map_err(|e| {
        vec![MdError {
            offset: e.offset,
            message: e.message,
        }]
    })?;
    let mut ex = Expanded {
        text: String::with_capacity(body.len()),
        map: Vec::new(),
        html: Vec::new(),
        warnings: Vec::new(),
    };
    let mut calls = Calls {
        renderer,
        nth: BTreeMap::new(),
        errors: Vec::new(),
    };
    for seg in segments {
        match seg {
            Segment::Text(t) => {
                ex.map
                    .push((ex.text.len(), t.as_ptr() as usize - body.as_ptr() as usize));
                ex.text.push_str(t);
            }
            Segment::Literal(t, at) => {
                ex.map.push((ex.text.len(), at));
                ex.text.push_str(&t);
            }
            Segment::Malformed(e, t) => {
                ex.map.push((ex.text.len(), e.offset));
                ex.text.push_str(t);
                ex.warnings.push(MdError {
                    offset: e.offset,
                    message: e.message,
                });
            }
            Segment::Call(c) => {
                ex.map.push((ex.text.len(), c.start));
                let Some((kind, s)) = calls.render(&c, &mut ex.warnings) else {
                    continue;
                };
                if kind == ShortcodeKind::Markdown {
                    ex.text.push_str(&s);
                } else {
                    ex.text.push_str(&placeholder(ex.html.len()));
                    ex.html.push(s);
                }
            }
        }
    }
    if ex.map.is_empty() {
        ex.map.push((0, 0));
    }
    if calls.errors.is_empty() {
        Ok(ex)
    } else {
        Err(calls.errors)
    }
}

/// Renders shortcode calls, nested ones first (as Zola: an inner call's output, Markdown or
/// HTML, becomes part of the outer call's `body`), counting `nth` per name in document order.
struct Calls<'r, 'a> {
    renderer: &'r dyn Renderer,
    nth: BTreeMap<&'a str, usize>,
    errors: Vec<MdError>,
}

impl<'a> Calls<'_, 'a> {
    fn render(
        &mut self,
        c: &shortcodes::Call<'a>,
        warnings: &mut Vec<MdError>,
    ) -> Option<(ShortcodeKind, String)> {
        let n = self.nth.entry(c.name).or_insert(0);
        *n += 1;
        let n = *n;
        let Some(kind) = self.renderer.kind(c.name) else {
            self.errors.push(MdError {
                offset: c.start,
                message: format!(
                    "unknown shortcode `{}`; add templates/shortcodes/{}.html (or .md), or fix the name",
                    c.name, c.name
                ),
            });
            return None;
        };
        let body = c.body.map(|_| self.body(c, warnings));
        match self.renderer.shortcode(c.name, &c.args, body.as_deref(), n) {
            Ok(s) => Some((kind, s)),
            Err(m) => {
                self.errors.push(MdError {
                    offset: c.start,
                    message: format!("shortcode `{}` failed: {m}", c.name),
                });
                None
            }
        }
    }

    /// The call's body with its nested calls rendered in place.
    fn body(&mut self, c: &shortcodes::Call<'a>, warnings: &mut Vec<MdError>) -> String {
        let mut body = String::new();
        for seg in &c.inner {
            match seg {
                Segment::Text(t) => body.push_str(t),
                Segment::Literal(t, _) => body.push_str(t),
                Segment::Malformed(e, t) => {
                    body.push_str(t);
                    warnings.push(e.clone().into());
                }
                Segment::Call(inner) => {
                    if let Some((_, s)) = self.render(inner, warnings) {
                        body.push_str(&s);
                    }
                }
            }
        }
        body
    }
}

impl From<shortcodes::ParseError> for MdError {
    fn from(e: shortcodes::ParseError) -> Self {
        MdError {
            offset: e.offset,
            message: e.message,
        }
    }
}

/// The event pass: headings, links and the summary marker.
struct State<'s, 'a> {
    settings: &'s Settings<'a>,
    renderer: Option<&'s dyn Renderer>,
    expanded: &'s Expanded,
    ids: IdAllocator,
    headings: Vec<Heading>,
    internal: Vec<InternalLink>,
    external: Vec<String>,
    problems: Vec<MdError>,
    missing_alt: Vec<MdError>,
    /// Offset and alt text of the image being read.
    image: Option<(usize, String)>,
    /// Set when the document nests deeper than `Settings::max_nesting`; rendering stops.
    too_deep: Option<MdError>,
}

impl<'s, 'a> State<'s, 'a> {
    fn new(
        settings: &'s Settings<'a>,
        renderer: Option<&'s dyn Renderer>,
        expanded: &'s Expanded,
    ) -> Self {
        Self {
            settings,
            renderer,
            expanded,
            ids: IdAllocator::default(),
            headings: Vec::new(),
            internal: Vec::new(),
            external: Vec::new(),
            problems: Vec::new(),
            missing_alt: Vec::new(),
            image: None,
            too_deep: None,
        }
    }

    fn transform<'t>(&mut self, text: &'t str) -> Vec<Event<'t>> {
        let mut opts = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        let md = self.settings.markdown;
        if md.smart_punctuation {
            opts |= Options::ENABLE_SMART_PUNCTUATION;
        }
        if md.definition_list {
            opts |= Options::ENABLE_DEFINITION_LIST;
        }
        if md.github_alerts {
            opts |= Options::ENABLE_GFM;
        }
        let mut lazy_image = false;
        let mut out = Vec::new();
        let mut heading: Option<(Tag<'t>, Vec<Event<'t>>)> = None;
        // A code block being read: its fence, its text and where it starts.
        let mut code: Option<(String, String, usize)> = None;
        let mut depth = 0usize;
        for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth > self.settings.max_nesting {
                self.too_deep = Some(self.nesting_error(range.start));
                break;
            }
            let event = match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let fence = match kind {
                        CodeBlockKind::Fenced(f) => f.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((fence, String::new(), range.start));
                    continue;
                }
                // As in Zola, an HTML shortcode called inside a code block is shown as code.
                Event::Text(t) if code.is_some() => {
                    if let Some((_, content, _)) = &mut code {
                        if t.contains(PLACEHOLDER_PREFIX) {
                            content.push_str(&self.expanded.html_as_text(&t));
                        } else {
                            content.push_str(&t);
                        }
                    }
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (fence, content, at) = code.take().unwrap_or_default();
                    Event::Html(self.code_block(&fence, &content, at).into())
                }
                Event::Text(t) if md.render_emoji && t.contains(':') => {
                    Event::Text(emoji().replace_all(&t).into_owned().into())
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => self.link(link_type, dest_url, title, id, range.start),
                Event::Html(h) | Event::InlineHtml(h) if h.trim() == MORE => {
                    Event::Html(MORE_SENTINEL.into())
                }
                other => other,
            };
            self.watch_images(&event, range.start);
            let event = if md.lazy_async_image {
                lazy_async_image(event, &mut lazy_image)
            } else {
                event
            };
            match (&mut heading, event) {
                (None, Event::Start(t @ Tag::Heading { .. })) => heading = Some((t, Vec::new())),
                (Some(_), Event::End(TagEnd::Heading(_))) => {
                    let (tag, inner) = heading.take().expect("inside a heading");
                    out.extend(self.heading(tag, inner));
                }
                (Some((_, inner)), e) => inner.push(e),
                (None, e) => out.push(e),
            }
        }
        out
    }

    fn nesting_error(&self, offset: usize) -> MdError {
        let max = self.settings.max_nesting;
        MdError {
            offset: self.expanded.original(offset),
            message: format!(
                "nesting deeper than {max} levels (block quotes, lists, emphasis or links inside each other); flatten it, or {}",
                crate::config::limits::raise("max_nesting", max)
            ),
        }
    }

    fn link<'t>(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest: CowStr<'t>,
        title: CowStr<'t>,
        id: CowStr<'t>,
        offset: usize,
    ) -> Event<'t> {
        if let Some(target) = dest.strip_prefix("@/") {
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a.to_string())),
                None => (target, None),
            };
            let original = self.expanded.original(offset);
            let url = match (self.settings.resolve)(file) {
                Some(p) => p,
                None => {
                    self.problems.push(MdError {
                        offset: original,
                        message: format!(
                            "internal link `@/{target}` points to no content file; check the path under content/ (e.g. @/safety/drowning.md)"
                        ),
                    });
                    String::new()
                }
            };
            self.internal.push(InternalLink {
                target: file.to_string(),
                anchor: anchor.clone(),
                offset: original,
            });
            let href = match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url,
            };
            return Event::Start(Tag::Link {
                link_type,
                dest_url: href.into(),
                title,
                id,
            });
        }
        if dest.starts_with("http://") || dest.starts_with("https://") {
            self.external.push(dest.to_string());
            if let Some(tag) = external_link_tag(self.settings.markdown, &dest, &title) {
                return Event::InlineHtml(tag.into());
            }
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url: dest,
            title,
            id,
        })
    }

    /// A code block as Zola renders it (highlighted when `[markdown.highlighting]` is set).
    fn code_block(&mut self, fence: &str, content: &str, at: usize) -> String {
        let hl = self.settings.markdown.highlighting.as_ref();
        crate::markdown::highlight::code_block(hl, fence, content).unwrap_or_else(|message| {
            self.problems.push(MdError {
                offset: self.expanded.original(at),
                message,
            });
            crate::markdown::highlight::code_block(None, fence, content).unwrap_or_default()
        })
    }

    /// Every image needs a text alternative: `![what it shows](path)`.
    fn watch_images(&mut self, event: &Event, offset: usize) {
        match event {
            Event::Start(Tag::Image { .. }) => self.image = Some((offset, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt)) = &mut self.image {
                    alt.push_str(t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((at, alt)) = self.image.take()
                    && alt.trim().is_empty()
                {
                    self.missing_alt.push(MdError {
                        offset: self.expanded.original(at),
                        message:
                            "image has no alt text; describe what it shows: ![description](path)"
                                .into(),
                    });
                }
            }
            _ => {}
        }
    }

    fn heading<'t>(&mut self, tag: Tag<'t>, inner: Vec<Event<'t>>) -> Vec<Event<'t>> {
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = tag
        else {
            return inner;
        };
        let text = plain_text(&inner);
        let id = match id {
            Some(custom) => self.ids.custom(&custom),
            None => self.ids.from_text(&text, self.settings.anchors),
        };
        let n = level_number(level);
        self.headings.push(Heading {
            level: n,
            permalink: format!("{}#{}", self.settings.permalink, id),
            title: text.trim().to_string(),
            id: id.clone(),
            children: Vec::new(),
        });
        let mut open = format!("<h{n} id=\"{}\"", escape_attr(&id));
        if !classes.is_empty() {
            let cls: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            open.push_str(&format!(" class=\"{}\"", escape_attr(&cls.join(" "))));
        }
        for (k, v) in &attrs {
            match v {
                Some(v) => open.push_str(&format!(" {}=\"{}\"", escape_attr(k), escape_attr(v))),
                None => open.push_str(&format!(" {}", escape_attr(k))),
            }
        }
        open.push('>');
        let anchor = self.anchor_link(&id, n);
        let mut events = vec![Event::Html(open.into())];
        match self.settings.insert_anchor_links {
            AnchorLinks::Left => {
                events.push(Event::Html(anchor.into()));
                events.extend(inner);
            }
            AnchorLinks::Right => {
                events.extend(inner);
                events.push(Event::Html(anchor.into()));
            }
            AnchorLinks::Heading => {
                events.push(Event::Html(
                    format!(
                        "<a class=\"heading-anchor\" href=\"#{}\">",
                        escape_attr(&id)
                    )
                    .into(),
                ));
                events.extend(inner);
                events.push(Event::Html("</a>".into()));
            }
            AnchorLinks::None => events.extend(inner),
        }
        events.push(Event::Html(format!("</h{n}>\n").into()));
        events
    }

    fn anchor_link(&mut self, id: &str, level: u32) -> String {
        if matches!(
            self.settings.insert_anchor_links,
            AnchorLinks::None | AnchorLinks::Heading
        ) {
            return String::new();
        }
        let default = format!(
            "<a class=\"zola-anchor\" href=\"#{0}\" aria-label=\"Anchor link for: {0}\">🔗</a>",
            escape_attr(id)
        );
        match self.renderer {
            Some(r) => r.anchor_link(id, level).unwrap_or(default),
            None => default,
        }
    }
}

fn level_number(l: HeadingLevel) -> u32 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of inline events, for heading ids and table-of-contents titles.
fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

fn escape_attr(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

/// Zola's `render_emoji`: GitHub's `:name:` aliases become emoji.
fn emoji() -> &'static gh_emoji::Replacer {
    static REPLACER: std::sync::OnceLock<gh_emoji::Replacer> = std::sync::OnceLock::new();
    REPLACER.get_or_init(gh_emoji::Replacer::new)
}

/// Zola's `lazy_async_image`: `<img src title alt loading="lazy" decoding="async" />`, the
/// alt text written as plain text.
fn lazy_async_image<'t>(event: Event<'t>, inside: &mut bool) -> Event<'t> {
    match event {
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            *inside = true;
            let mut img = format!("<img src=\"{}\"", escape_attr(&dest_url));
            if !title.is_empty() {
                img.push_str(&format!(" title=\"{}\"", escape_attr(&title)));
            }
            img.push_str(" alt=\"");
            Event::Html(img.into())
        }
        Event::Text(t) | Event::Code(t) if *inside => Event::Html(escape_attr(&t).into()),
        Event::End(TagEnd::Image) => {
            *inside = false;
            Event::Html("\" loading=\"lazy\" decoding=\"async\" />".into())
        }
        other => other,
    }
}

/// Zola's tag for an external link when any `external_links_*` option is on: class, `rel`
/// (noopener, nofollow, noreferrer, external), target, title, href; `None` otherwise.
fn external_link_tag(md: &MarkdownConfig, dest: &str, title: &str) -> Option<String> {
    let rel: Vec<&str> = [
        (md.external_links_target_blank, "noopener"),
        (md.external_links_no_follow, "nofollow"),
        (md.external_links_no_referrer, "noreferrer"),
        (md.external_links_external, "external"),
    ]
    .into_iter()
    .filter_map(|(on, r)| on.then_some(r))
    .collect();
    if rel.is_empty() && md.external_links_class.is_none() {
        return None;
    }
    let mut a = String::from("<a ");
    if let Some(class) = &md.external_links_class {
        a.push_str(&format!("class=\"{}\" ", escape_attr(class)));
    }
    if !rel.is_empty() {
        a.push_str(&format!("rel=\"{}\" ", rel.join(" ")));
    }
    if md.external_links_target_blank {
        a.push_str("target=\"_blank\" ");
    }
    if !title.is_empty() {
        a.push_str(&format!("title=\"{}\" ", escape_attr(title)));
    }
    a.push_str(&format!("href=\"{}\">", escape_attr(dest)));
    Some(a)
}

#[cfg(test)]
mod tests;
