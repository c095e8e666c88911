//! Markdown → HTML with Zola's extras: shortcodes, heading ids and anchor links, a table of
//! contents, `@/` internal links, external-link attributes and `<!-- more -->` summaries.
//! It touches no files; shortcodes and link targets come in through `Settings`.

pub mod prerender;
pub mod shortcodes;
pub mod toc;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
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
    })
}

/// The body with shortcodes applied: Markdown shortcodes inlined, HTML ones as placeholders.
struct Expanded {
    text: String,
    /// (offset in `text`, offset in the original body) at each segment start.
    map: Vec<(usize, usize)>,
    html: Vec<String>,
}

fn placeholder(i: usize) -> String {
    format!("SPROUTSHORTCODE{i}X")
}

impl Expanded {
    fn plain(body: &str) -> Self {
        Self {
            text: body.to_string(),
            map: vec![(0, 0)],
            html: Vec::new(),
        }
    }

    fn original(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|(e, _)| *e <= offset);
        let (e, o) = self.map[i.saturating_sub(1)];
        o + (offset - e)
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
    };
    let mut errors = Vec::new();
    let mut nth: BTreeMap<&str, usize> = BTreeMap::new();
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
            Segment::Call(c) => {
                ex.map.push((ex.text.len(), c.start));
                let n = nth.entry(c.name).or_insert(0);
                *n += 1;
                let Some(kind) = renderer.kind(c.name) else {
                    errors.push(MdError {
                        offset: c.start,
                        message: format!(
                            "unknown shortcode `{}`; add templates/shortcodes/{}.html (or .md), or fix the name",
                            c.name, c.name
                        ),
                    });
                    continue;
                };
                match renderer.shortcode(c.name, &c.args, c.body, *n) {
                    Ok(s) if kind == ShortcodeKind::Markdown => ex.text.push_str(&s),
                    Ok(s) => {
                        ex.text.push_str(&placeholder(ex.html.len()));
                        ex.html.push(s);
                    }
                    Err(m) => errors.push(MdError {
                        offset: c.start,
                        message: format!("shortcode `{}` failed: {m}", c.name),
                    }),
                }
            }
        }
    }
    if ex.map.is_empty() {
        ex.map.push((0, 0));
    }
    if errors.is_empty() {
        Ok(ex)
    } else {
        Err(errors)
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
        if self.settings.markdown.smart_punctuation {
            opts |= Options::ENABLE_SMART_PUNCTUATION;
        }
        let mut out = Vec::new();
        let mut heading: Option<(Tag<'t>, Vec<Event<'t>>)> = None;
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
            let md = self.settings.markdown;
            let mut rel = Vec::new();
            if md.external_links_target_blank {
                rel.push("noopener");
            }
            if md.external_links_no_follow {
                rel.push("nofollow");
            }
            if md.external_links_no_referrer {
                rel.push("noreferrer");
            }
            if !rel.is_empty() || md.external_links_target_blank {
                let mut a = format!("<a href=\"{}\"", escape_attr(&dest));
                if !title.is_empty() {
                    a.push_str(&format!(" title=\"{}\"", escape_attr(&title)));
                }
                if !rel.is_empty() {
                    a.push_str(&format!(" rel=\"{}\"", rel.join(" ")));
                }
                if md.external_links_target_blank {
                    a.push_str(" target=\"_blank\"");
                }
                a.push('>');
                return Event::InlineHtml(a.into());
            }
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url: dest,
            title,
            id,
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
                    self.problems.push(MdError {
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
            "<a class=\"zola-anchor\" href=\"#{0}\" aria-label=\"Anchor link for: {0}\">#</a>",
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

#[cfg(test)]
mod tests;
