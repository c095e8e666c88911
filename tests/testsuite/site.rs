//! The bundled site, built once in memory, checked the way its readers would: both languages,
//! every plan anchor, every practical page's promises, the indicator pages and downloads.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use sprout::content::translations::Status;
use sprout::pipeline::{BuildOptions, Built, build};

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        match build(&BuildOptions::new(root)) {
            Ok(b) => b,
            Err(e) => panic!("the bundled site must build:\n{e}"),
        }
    })
}

fn html(path: &str) -> String {
    let bytes = site()
        .output
        .read(path)
        .unwrap_or_else(|| panic!("{path} was not built"));
    String::from_utf8(bytes).expect("HTML is UTF-8")
}

fn content_files(dir: &str, suffix: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content")
            .join(dir),
    )
    .expect("content folder")
    .filter_map(|e| e.ok())
    .map(|e| e.file_name().to_string_lossy().to_string())
    .filter(|n| n.ends_with(suffix) && !n.starts_with("_index"))
    .filter(|n| suffix == ".en.md" || !n.ends_with(".en.md"))
    .collect();
    v.sort();
    v
}

fn slug(file: &str) -> &str {
    file.trim_end_matches(".en.md").trim_end_matches(".md")
}

#[test]
fn home_pages_exist_in_both_languages_with_the_right_lang() {
    let lang = Regex::new(r#"<html[^>]* lang="?([A-Za-z-]+)"#).unwrap();
    assert_eq!(&lang.captures(&html("index.html")).unwrap()[1], "zh-Hans");
    let en = html("en/index.html");
    assert_eq!(&lang.captures(&en).unwrap()[1], "en");
    assert!(
        en.contains("Bayannur Children's Development Plan")
            || en.contains("Bayannur Children&#x27;s Development Plan")
    );
}

#[test]
fn build_has_no_link_findings_and_no_translation_gaps() {
    // The expected warnings: the settings the publishing office fills in, which the bundled
    // config leaves as placeholders (base_url, and who runs the site, feedback, the plan's URL).
    let deployment = [
        "base_url is https://example.org",
        "[extra] site_owner is empty",
        "[extra] feedback is empty",
        "[extra] plan_url is empty",
    ];
    let unexpected: Vec<_> = site()
        .findings
        .iter()
        .filter(|w| !deployment.iter().any(|d| w.message.starts_with(d)))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    let gaps: Vec<_> = site().translations.problems().collect();
    assert!(gaps.is_empty(), "translations need attention: {gaps:#?}");
    assert!(
        site()
            .translations
            .entries
            .iter()
            .all(|(_, s)| *s == Status::UpToDate)
    );
}

#[test]
fn every_page_head_names_its_translations() {
    for page in [
        "safety/drowning/index.html",
        "en/plan/health/index.html",
        "indicators/neonatal-mortality/index.html",
    ] {
        let h = html(page);
        for tag in ["zh-Hans", "en", "x-default"] {
            assert!(
                h.contains(&format!("hreflang={tag}"))
                    || h.contains(&format!("hreflang=\"{tag}\"")),
                "{page} lacks hreflang {tag}"
            );
        }
    }
}

#[test]
fn sitemap_lists_hreflang_alternates_and_generated_pages() {
    let s = html("sitemap.xml");
    assert!(
        s.contains(r#"hreflang="zh-Hans" href="https://example.org/safety/drowning/""#),
        "sitemap lacks alternates"
    );
    assert!(s.contains("https://example.org/en/indicators/neonatal-mortality/"));
}

#[test]
fn each_language_has_its_own_404_page() {
    assert!(html("404.html").contains("找不到页面"));
    assert!(html("en/404.html").contains("Page not found"));
}

/// Every goal and measure anchor of the Chinese plan pages.
fn plan_anchors() -> Vec<(String, String)> {
    let re =
        Regex::new(r#"\{#([a-z]+-(?:goal|measure)-\d+)\}|item\(id="([a-z]+-goal-\d+)""#).unwrap();
    let mut out = Vec::new();
    for f in content_files("plan", ".md") {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("content/plan")
                .join(&f),
        )
        .unwrap();
        for c in re.captures_iter(&text) {
            let id = c.get(1).or(c.get(2)).unwrap().as_str().to_string();
            out.push((slug(&f).to_string(), id));
        }
    }
    out
}

#[test]
fn every_plan_anchor_resolves_in_both_languages() {
    let anchors = plan_anchors();
    assert!(anchors.len() > 150, "found only {} anchors", anchors.len());
    let mut missing = Vec::new();
    for (page, id) in &anchors {
        for prefix in ["", "en/"] {
            let h = html(&format!("{prefix}plan/{page}/index.html"));
            if !(h.contains(&format!("id={id}>"))
                || h.contains(&format!("id=\"{id}\""))
                || h.contains(&format!("id={id} ")))
            {
                missing.push(format!("/{prefix}plan/{page}/#{id}"));
            }
        }
    }
    assert!(missing.is_empty(), "anchors missing: {missing:#?}");
}

/// The plan index counts each domain's goals from the page's `extra.goals`, so that count must
/// be the page's own: as many goals as the plan text has, in both languages, shown on the index.
#[test]
fn the_plan_index_shows_each_domains_goal_count_from_its_page() {
    let anchors = plan_anchors();
    let goals_key = Regex::new(r"(?m)^goals = (\d+)$").unwrap();
    let mut checked = 0;
    for f in content_files("plan", ".md") {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/plan");
        let goals = anchors
            .iter()
            .filter(|(p, a)| p == slug(&f) && a.contains("-goal-"))
            .count();
        for (file, index, words) in [
            (f.clone(), "plan/index.html", " 项主要目标"),
            (
                f.replace(".md", ".en.md"),
                "en/plan/index.html",
                " main goals",
            ),
        ] {
            let text = std::fs::read_to_string(root.join(&file)).unwrap();
            let Some(declared) = goals_key
                .captures(&text)
                .map(|c| c[1].parse::<usize>().unwrap())
            else {
                assert_eq!(goals, 0, "content/plan/{file} has goals but no `goals =`");
                continue;
            };
            assert_eq!(
                declared, goals,
                "content/plan/{file}: `goals` says {declared}, the page has {goals}"
            );
            let h = html(index);
            let link = format!("/plan/{}/", slug(&f));
            let at = [">", "\">"]
                .iter()
                .find_map(|end| h.find(&format!("{link}{end}")))
                .unwrap_or_else(|| panic!("{index} lists {link}"));
            let after = &h[at..];
            let counts = &after[..after.find("</li>").unwrap()];
            assert!(
                counts.contains(&format!("{goals}{words}")),
                "{index}: {counts}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 14, "seven domains in two languages");
}

#[test]
fn goals_with_numbers_link_to_their_indicator_pages() {
    let data: toml::Value = toml::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("data/indicators.toml"),
        )
        .unwrap(),
    )
    .unwrap();
    for ind in data["indicator"].as_array().unwrap() {
        let id = ind["id"].as_str().unwrap();
        let anchor = ind["anchor"].as_str().unwrap();
        if !anchor.contains("-goal-") {
            continue;
        }
        let page = plan_anchors()
            .into_iter()
            .find(|(_, a)| a == anchor)
            .map(|(p, _)| p)
            .unwrap();
        for (prefix, lang_prefix) in [("", ""), ("en/", "en/")] {
            let h = html(&format!("{prefix}plan/{page}/index.html"));
            let link = format!("https://example.org/{lang_prefix}indicators/{id}/");
            assert!(
                h.contains(&link),
                "{prefix}plan/{page} goal {anchor} does not link to {link}"
            );
        }
    }
}

#[test]
fn practical_pages_keep_their_promises() {
    let qr = Regex::new(r#"<svg[^>]* class="?qr"#).unwrap();
    let own_age = Regex::new(r#"<dd class="?age-tags"?>.*?href="?#age-"#).unwrap();
    for (section, min) in [("guidance", 10), ("safety", 14), ("ages", 5)] {
        let pages = content_files(section, ".md");
        assert!(
            pages.len() >= min,
            "{section} has {} pages, needs {min}",
            pages.len()
        );
        for f in &pages {
            let s = slug(f);
            for prefix in ["", "en/"] {
                let h = html(&format!("{prefix}{section}/{s}/index.html"));
                let at = format!("/{prefix}{section}/{s}/");
                let keys = h.matches("<li>").count();
                assert!(h.contains("key-messages-title"), "{at}: no key messages");
                assert!(keys >= 3, "{at}: too few list items");
                assert!(
                    h.contains("id=emergency") || h.contains("id=\"emergency\""),
                    "{at}: no emergency section"
                );
                assert!(
                    h.contains("from-plan-title") && h.contains("plan/") && h.contains("#"),
                    "{at}: no plan link"
                );
                assert!(qr.is_match(&h), "{at}: no QR code");
                // Age tags link to the page's own age section where it has one (issue 12).
                let age_link = h.contains("/age/") || own_age.is_match(&h);
                assert!(
                    h.contains("/audience/") && age_link,
                    "{at}: no audience or age links"
                );
                assert!(h.contains("<time"), "{at}: no last-reviewed date");
            }
        }
    }
}

/// The page's own text: what the Markdown body renders to, without the template's boxes.
fn page_body(h: &str) -> &str {
    let start = Regex::new(r#"<div class="?body"?>"#).unwrap();
    let from = start.find(h).map_or(0, |m| m.end());
    let rest = &h[from..];
    let end = ["from-plan-title", "sources-title", "page-end"]
        .iter()
        .filter_map(|marker| rest.find(marker))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The ids of the section headings (h2) in a page body, in reading order.
fn section_ids(body: &str) -> Vec<String> {
    let h2 = Regex::new(r#"<h2[^>]*\sid="?([^"\s>]+)"#).unwrap();
    h2.captures_iter(body).map(|c| c[1].to_string()).collect()
}

#[test]
fn every_safety_page_opens_with_what_to_do_in_an_emergency() {
    let open = Regex::new(r#"id="?emergency"?"#).unwrap();
    let pages = content_files("safety", ".md");
    assert!(pages.len() >= 14, "safety has {} pages", pages.len());
    for f in &pages {
        let s = slug(f);
        for prefix in ["", "en/"] {
            let at = format!("/{prefix}safety/{s}/");
            let h = html(&format!("{prefix}safety/{s}/index.html"));
            let ids = section_ids(page_body(&h));
            assert_eq!(
                ids.first().map(String::as_str),
                Some("emergency"),
                "{at}: the first section must be the emergency steps, found {ids:?}"
            );
            // The steps themselves follow at once, with a number to tap.
            let body = page_body(&h);
            let after = &body[open.find(body).map_or(body.len(), |m| m.end())..];
            let section = after.split("<h2").next().unwrap_or("");
            assert!(
                section.contains("href=tel:") || section.contains("href=\"tel:"),
                "{at}: the emergency section has no number to tap"
            );
        }
    }
}

/// Every page of a practical section, in both languages, ends with a "Sources" section that lists
/// at least one source.
fn assert_pages_end_with_their_sources(section: &str) {
    let item = Regex::new(r"<li>\s*\S").unwrap();
    let pages = content_files(section, ".md");
    assert!(!pages.is_empty(), "{section} has no pages");
    let mut missing = Vec::new();
    for f in &pages {
        let s = slug(f);
        for (prefix, heading) in [("", "依据"), ("en/", "Sources")] {
            let at = format!("/{prefix}{section}/{s}/");
            let h = html(&format!("{prefix}{section}/{s}/index.html"));
            let Some(start) = h
                .find("id=sources-title")
                .or(h.find("id=\"sources-title\""))
            else {
                missing.push(format!("{at}: no sources section"));
                continue;
            };
            let sources = &h[start..];
            let sources = &sources[..sources.find("</section>").unwrap_or(sources.len())];
            let list = sources.split("<ol>").nth(1).unwrap_or("");
            if !sources.contains(heading) || !item.is_match(list) {
                missing.push(format!("{at}: no source listed under {heading:?}"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn every_safety_page_ends_with_its_sources() {
    assert_pages_end_with_their_sources("safety");
}

#[test]
fn every_guidance_page_ends_with_its_sources() {
    assert_pages_end_with_their_sources("guidance");
}

#[test]
fn age_pages_list_what_a_parent_of_a_four_year_old_needs() {
    let h = html("age/3-6/index.html");
    for page in [
        "/safety/drowning/",
        "/safety/road-safety/",
        "/guidance/starting-school/",
    ] {
        assert!(
            h.contains(&format!("https://example.org{page}")),
            "/age/3-6/ lacks {page}"
        );
    }
    assert!(html("en/age/3-6/index.html").contains("https://example.org/en/safety/drowning/"));
    assert!(html("audience/schools/index.html").contains("https://example.org/safety/bullying/"));
}

#[test]
fn a_parent_of_a_three_year_old_finds_checks_warning_signs_and_risks_from_the_home_page() {
    for (prefix, home, checks, signs) in [
        ("", "index.html", "36月龄", "尽快看儿童保健医生"),
        (
            "en/",
            "en/index.html",
            "36 months",
            "See a child health doctor soon",
        ),
    ] {
        let ages = format!("https://example.org/{prefix}ages/");
        assert!(html(home).contains(&ages), "{home} does not link to {ages}");
        let index = html(&format!("{prefix}ages/index.html"));
        for band in ["0-1", "1-3", "3-6", "6-12", "12-18"] {
            assert!(
                index.contains(&format!("{ages}{band}/")),
                "{ages} lacks {band}"
            );
        }
        let h = html(&format!("{prefix}ages/1-3/index.html"));
        assert!(h.contains(checks), "/{prefix}ages/1-3/: no 36-month check");
        assert!(h.contains(signs), "/{prefix}ages/1-3/: no warning signs");
        for id in [
            "milestones",
            "warning-signs",
            "checks-vaccines",
            "safety",
            "emergency",
        ] {
            assert!(
                h.contains(&format!("id={id}")) || h.contains(&format!("id=\"{id}\"")),
                "/{prefix}ages/1-3/: no #{id} section"
            );
        }
        for risk in [
            "drowning",
            "falls",
            "burns-scalds",
            "poisoning",
            "choking-suffocation",
        ] {
            let link = format!("/{prefix}safety/{risk}/#age-0-3");
            assert!(h.contains(&link), "/{prefix}ages/1-3/ lacks {link}");
        }
        assert!(
            h.contains("tel:120"),
            "/{prefix}ages/1-3/: 120 is not a tap-to-call link"
        );
        let older = html(&format!("{prefix}ages/3-6/index.html"));
        assert!(older.contains(&format!("/{prefix}safety/drowning/#age-3-6")));
        assert!(older.contains(&format!(
            "/{prefix}guidance/health-checks-vaccines/#schedule"
        )));
    }
}

/// The part of a built page from the element with `id` to the end of its first table.
fn table_after(h: &str, id: &str) -> String {
    let start = h
        .find(&format!("id={id}"))
        .or_else(|| h.find(&format!("id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = h[start..]
        .find("</table>")
        .unwrap_or_else(|| panic!("no table after #{id}"));
    h[start..start + end].to_string()
}

#[test]
fn the_vaccination_schedule_lists_every_national_programme_vaccine() {
    let zh = [
        "乙肝疫苗",
        "卡介苗",
        "脊灰灭活疫苗",
        "脊灰减毒活疫苗",
        "百白破疫苗",
        "麻腮风疫苗",
        "乙脑减毒活疫苗",
        "A群流脑多糖疫苗",
        "A群C群流脑多糖疫苗",
        "甲肝减毒活疫苗",
    ];
    let en = [
        "Hepatitis B",
        "BCG",
        "Polio (inactivated)",
        "Polio (oral live)",
        "DTaP",
        "MMR",
        "Japanese encephalitis (live)",
        "Meningococcal group A,",
        "Meningococcal groups A and C",
        "hepatitis A (live)",
    ];
    for (page, names, six, dtap) in [
        (
            "guidance/health-checks-vaccines/index.html",
            &zh[..],
            "6岁",
            "百白破疫苗第5剂",
        ),
        (
            "en/guidance/health-checks-vaccines/index.html",
            &en[..],
            "6 years",
            "DTaP, dose 5",
        ),
    ] {
        let table = table_after(&html(page), "schedule");
        for name in names {
            assert!(table.contains(name), "/{page}: the schedule lacks {name}");
        }
        // Since 1 January 2025 the dose at 6 years is DTaP, not DT (白破).
        // Rows are split on their opening tag: the minifier drops optional closing tags.
        let at_six = table
            .split("<tr")
            .find(|r| r.contains(&format!(">{six}<")))
            .unwrap_or_else(|| panic!("/{page}: no row for {six}"));
        assert!(
            at_six.contains(dtap),
            "/{page}: the 6-year row lacks {dtap}"
        );
        assert!(
            !at_six.replace("百白破", "").contains("白破") && !at_six.contains("DT,"),
            "/{page}: the 6-year row still gives the DT vaccine"
        );
    }
}

#[test]
fn every_age_page_links_to_safety_advice_for_the_same_age() {
    for (band, section) in [
        ("0-1", "age-0-3"),
        ("1-3", "age-0-3"),
        ("3-6", "age-3-6"),
        ("6-12", "age-6-12"),
        ("12-18", "age-12-18"),
    ] {
        for prefix in ["", "en/"] {
            let h = html(&format!("{prefix}ages/{band}/index.html"));
            let link = Regex::new(&format!(r"/{prefix}safety/[a-z-]+/#{section}\b")).unwrap();
            let n = link.find_iter(&h).count();
            assert!(
                n >= 3,
                "/{prefix}ages/{band}/ links to {n} safety sections for #{section}; a parent needs the main risks"
            );
            assert!(
                h.contains(&format!("/{prefix}safety/emergencies/")),
                "/{prefix}ages/{band}/ does not link to the emergency first-aid page"
            );
        }
    }
}

#[test]
fn every_indicator_has_pages_and_downloads() {
    let json: serde_json::Value =
        serde_json::from_slice(&site().output.read("indicators/indicators.json").unwrap()).unwrap();
    let list = json["indicators"].as_array().unwrap();
    assert!(list.len() > 25, "only {} indicators", list.len());
    for ind in list {
        let id = ind["id"].as_str().unwrap();
        for prefix in ["", "en/"] {
            let h = html(&format!("{prefix}indicators/{id}/index.html"));
            assert!(
                h.contains("role=img") || h.contains("role=\"img\""),
                "{id}: no chart"
            );
            assert!(h.contains("<table"), "{id}: no table");
        }
        let csv = String::from_utf8(site().output.read(&format!("indicators/{id}.csv")).unwrap())
            .unwrap();
        assert!(csv.starts_with("indicator,year,area,value,source,note"));
    }
    // No city figure is invented: every shipped figure is national.
    let obs =
        String::from_utf8(site().output.read("indicators/observations.csv").unwrap()).unwrap();
    assert!(
        obs.lines().skip(1).all(|l| l.contains(",national,")),
        "{obs}"
    );
}

#[test]
fn english_pages_link_to_english_pages() {
    let href = Regex::new(r#"href="?https://example.org/([^"\s>]*)"#).unwrap();
    let main = Regex::new(r"(?s)<main.*</main>").unwrap();
    let mut wrong = BTreeSet::new();
    for (file, text) in site().output.html() {
        if !file.starts_with("en/") {
            continue;
        }
        let Some(m) = main.find(text) else { continue };
        for c in href.captures_iter(m.as_str()) {
            let target = &c[1];
            let neutral = target.starts_with("indicators/")
                && (target.ends_with(".csv") || target.ends_with(".json"));
            if !target.starts_with("en/") && !neutral {
                wrong.insert(format!("{file} → /{target}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "English pages link into the Chinese site: {wrong:#?}"
    );
}

#[test]
fn nothing_is_loaded_from_another_host() {
    let src = Regex::new(r#"(?:src|srcset)="?(?:https?:)?//([^/"\s>]+)"#).unwrap();
    let stylesheet = Regex::new(r#"<link[^>]+rel="?(?:stylesheet|icon|preload|modulepreload)"?[^>]+href="?https?://(?:[^/"]+)"#).unwrap();
    for (file, text) in site().output.html() {
        for c in src.captures_iter(text) {
            assert_eq!(
                &c[1], "example.org",
                "{file} loads a resource from another host"
            );
        }
        for m in stylesheet.find_iter(text) {
            assert!(
                m.as_str().contains("https://example.org"),
                "{file}: {}",
                m.as_str()
            );
        }
    }
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let again = build(&BuildOptions::new(root)).expect("second build");
    let first = &site().output;
    assert_eq!(first.len(), again.output.len());
    for path in first.paths() {
        let (a, b) = (first.read(path), again.output.read(path));
        if a == b {
            continue;
        }
        // Say where, so that a rare difference can be read from the CI log.
        let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let around = |v: &[u8]| {
            String::from_utf8_lossy(&v[at.saturating_sub(80)..(at + 80).min(v.len())]).into_owned()
        };
        panic!(
            "{path} differs between two builds at byte {at} ({} and {} bytes):\n{}\n---\n{}",
            a.len(),
            b.len(),
            around(&a),
            around(&b)
        );
    }
}

#[test]
fn practical_pages_use_only_numbers_from_the_plan_or_the_national_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let num = Regex::new(r"\d+(?:\.\d+)?").unwrap();
    let sources = std::fs::read_to_string(root.join("data/source/plan.zh.txt")).unwrap()
        + &std::fs::read_to_string(root.join("data/source/national-figures.md")).unwrap();
    let mut allowed: BTreeSet<String> = num
        .find_iter(&sources)
        .map(|m| m.as_str().to_string())
        .collect();
    // Phone numbers from the hotline file, figures from the standards register, and the
    // plan's age groups used in headings (12–18).
    allowed.extend(hotline_numbers());
    allowed.extend(standard_figures(&num));
    allowed.insert("18".to_string());
    let strip = Regex::new(r"\(@/[^)]*\)|\{#[^}]*\}").unwrap();
    let mut found = Vec::new();
    for section in ["guidance", "safety", "ages"] {
        for suffix in [".md", ".en.md"] {
            for f in content_files(section, suffix) {
                let text =
                    std::fs::read_to_string(root.join("content").join(section).join(&f)).unwrap();
                let body = text.splitn(3, "+++").nth(2).unwrap_or("");
                let fm = text.split("+++").nth(1).unwrap_or("");
                let messages = fm
                    .split("key_messages")
                    .nth(1)
                    .and_then(|r| r.split(']').next())
                    .unwrap_or("");
                let checked = strip
                    .replace_all(&format!("{body}\n{messages}"), "")
                    .to_string();
                for m in num.find_iter(&checked) {
                    if !allowed.contains(m.as_str()) {
                        found.push(format!("content/{section}/{f}: {}", m.as_str()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "numbers not from the plan or the national figures: {found:#?}"
    );
}

#[test]
fn plan_index_shows_the_structure_with_counts() {
    let h = html("plan/index.html");
    for part in [
        "一、指导思想、基本原则和总体目标",
        "二、发展领域、主要目标和策略措施",
        "三、组织实施",
        "四、监测评估",
        "术语表",
    ] {
        assert!(h.contains(part), "plan index lacks {part}");
    }
    assert!(h.contains("13 项主要目标，15 项策略措施"), "health counts");
    assert!(html("en/plan/index.html").contains("13 main goals, 15 strategic measures"));
    assert!(
        !h.contains("[bookmark: _Toc2170]"),
        "the errata table has its own page now, not the plan's landing page"
    );
}

/// The editorial notes have their own page, linked from the plan's landing page, with one
/// anchored row per change; the plan pages mark each change where it occurs with a link to its
/// row (the build's link check makes sure every such link finds its row).
#[test]
fn editorial_changes_are_listed_on_their_own_page_and_marked_where_they_occur() {
    // Each mark is a paragraph that may link to several rows.
    let marks = Regex::new(r#"(?s)<p class="?erratum-mark"?>.*?</p>"#).unwrap();
    let row = Regex::new(r#"href="?[^" >]*/plan/errata/#([a-z-]+)"#).unwrap();
    for prefix in ["", "en/"] {
        let index = html(&format!("{prefix}plan/index.html"));
        assert!(
            index.contains(&format!("/{prefix}plan/errata/")),
            "/{prefix}plan/ does not link to the editorial notes"
        );
        let errata = html(&format!("{prefix}plan/errata/index.html"));
        assert!(
            errata.contains("[bookmark: _Toc2170]"),
            "/{prefix}plan/errata/ lists the removed bookmark"
        );
        for (page, id) in [
            ("family", "bookmark"),
            ("notice", "plan-title"),
            ("principles", "part-one-number"),
            ("safety", "kept-as-written"),
            ("environment", "item-number-spaces"),
        ] {
            let h = html(&format!("{prefix}plan/{page}/index.html"));
            assert!(
                marks
                    .find_iter(&h)
                    .flat_map(|m| row.captures_iter(m.as_str()))
                    .any(|c| &c[1] == id),
                "/{prefix}plan/{page}/ has no editorial note linking to #{id}"
            );
            assert!(
                errata.contains(&format!("id={id}>")) || errata.contains(&format!("id=\"{id}\"")),
                "/{prefix}plan/errata/ has no row #{id}"
            );
        }
    }
    assert!(
        html("en/plan/safety/index.html").contains("Translator’s note"),
        "the repeated sentences of safety measure 8 carry a translator's note"
    );
}

/// Only the plan's official text is labelled as such; the glossary, the editorial notes and the
/// practical pages say they are the site's own writing.
#[test]
fn only_the_official_text_is_labelled_official() {
    let meta = Regex::new(r#"<p class="?meta"?>([^<·]*)"#).unwrap();
    let label = |path: &str| -> String {
        let h = html(path);
        meta.captures(&h)
            .map(|c| c[1].trim().to_string())
            .unwrap_or_else(|| panic!("{path} has no label"))
    };
    assert_eq!(label("plan/health/index.html"), "正式文本");
    assert!(label("en/plan/health/index.html").contains("official version"));
    for path in [
        "plan/glossary/index.html",
        "plan/errata/index.html",
        "safety/drowning/index.html",
        "guidance/emotions/index.html",
    ] {
        let l = label(path);
        assert!(
            l.contains("本站") && l.contains("不是规划原文"),
            "{path}: {l}"
        );
    }
    for path in [
        "en/plan/glossary/index.html",
        "en/plan/errata/index.html",
        "en/safety/drowning/index.html",
        "en/guidance/emotions/index.html",
    ] {
        let l = label(path);
        assert!(l.contains("not the official text"), "{path}: {l}");
    }
}

/// Every number in `data/hotlines.toml`.
fn hotline_numbers() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("data/hotlines.toml")).unwrap();
    let data: toml::Value = toml::from_str(&text).expect("data/hotlines.toml parses");
    data["hotline"]
        .as_array()
        .expect("[[hotline]] entries")
        .iter()
        .map(|h| h["number"].as_str().expect("number").to_string())
        .collect()
}

/// Every number stated in `data/figures/*.toml` (figures from named national or international
/// standards that the practical pages may give).
fn standard_figures(num: &Regex) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/figures");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let data: toml::Value = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        for f in data["figure"].as_array().expect("[[figure]] entries") {
            let value = f["value"].as_str().expect("value is a string");
            assert!(
                f.get("source").and_then(|s| s.as_str()).is_some(),
                "{}: figure {value} names no source",
                path.display()
            );
            out.extend(num.find_iter(value).map(|m| m.as_str().to_string()));
        }
    }
    out
}

#[test]
fn every_phone_number_shown_is_in_the_hotline_file_and_can_be_tapped() {
    let known = hotline_numbers();
    // Chinese service numbers: 110, 119, 120, 122 and the 123xx lines.
    let phone = Regex::new(r"(?:^|[^0-9.,])(1[12][0-9]|123[0-9]{2})(?:[^0-9.,%‰]|$)").unwrap();
    let tag = Regex::new(r"<[^>]*>").unwrap();
    let tel = Regex::new(r#"href="?tel:([0-9]+)"#).unwrap();
    let mut stray = Vec::new();
    for path in site().output.paths() {
        let skip_plan = path.starts_with("plan/") || path.starts_with("en/plan/");
        if !path.ends_with(".html") || path.contains("indicators/") {
            continue;
        }
        let h = html(path);
        for c in tel.captures_iter(&h) {
            if !known.contains(&c[1]) {
                stray.push(format!(
                    "{path}: tel:{} is not in data/hotlines.toml",
                    &c[1]
                ));
            }
        }
        if skip_plan && !path.contains("glossary") {
            continue;
        }
        let text = tag.replace_all(&h, " ");
        for c in phone.captures_iter(&text) {
            if !known.contains(&c[1]) {
                stray.push(format!("{path}: {} is not in data/hotlines.toml", &c[1]));
            }
        }
    }
    assert!(
        stray.is_empty(),
        "phone numbers not in the hotline file: {stray:#?}"
    );
    let safety_pages = content_files("safety", ".md")
        .into_iter()
        .map(|f| format!("safety/{}/index.html", slug(&f)));
    let safety_en = content_files("safety", ".en.md")
        .into_iter()
        .map(|f| format!("en/safety/{}/index.html", slug(&f)));
    let home = ["index.html".to_string(), "en/index.html".to_string()];
    for p in home.into_iter().chain(safety_pages).chain(safety_en) {
        let h = html(&p);
        for n in ["120", "110", "12345"] {
            assert!(
                h.contains(&format!("href=tel:{n}")) || h.contains(&format!("href=\"tel:{n}\"")),
                "{p}: {n} is not a tap-to-call link"
            );
        }
    }
}

#[test]
fn a_redirect_on_this_site_works_under_its_content_security_policy() {
    // The site's CSP forbids inline scripts, so Zola's redirect page (a script, with the meta
    // refresh inside <noscript>) would go nowhere here: the theme's own redirect page
    // refreshes without a script.
    let tmp = bundled_site_with("content/safety/emergencies.md", |text| {
        text.replacen("+++\n", "+++\naliases = [\"/old-emergencies/\"]\n", 1)
    });
    let built = match build(&BuildOptions::new(tmp.path())) {
        Ok(b) => b,
        Err(e) => panic!("the site with an alias must build:\n{e}"),
    };
    let csp = String::from_utf8(built.output.read("_headers").expect("_headers")).unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let redirect = String::from_utf8(
        built
            .output
            .read("old-emergencies/index.html")
            .expect("alias"),
    )
    .unwrap();
    assert!(!redirect.contains("<script"), "{redirect}");
    assert!(!redirect.contains("<noscript"), "{redirect}");
    // Minified: `<meta content="0; url=…" http-equiv=refresh>`.
    let target = format!(
        "{}/safety/emergencies/",
        built.config.base_url.trim_end_matches('/')
    );
    assert!(redirect.contains("http-equiv=refresh"), "{redirect}");
    assert!(
        redirect.contains(&format!(r#"content="0; url={target}""#)),
        "{redirect}"
    );
}

/// A copy of the bundled site in a temporary folder, with one file's text changed by `edit`.
fn bundled_site_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    for part in ["content", "themes", "data", "config.toml"] {
        let to = tmp.path().join(part);
        if root.join(part).is_dir() {
            crate::common::copy_dir(&root.join(part), &to, &[]);
        } else {
            std::fs::copy(root.join(part), &to).expect("copy config");
        }
    }
    let path = tmp.path().join(file);
    let text = std::fs::read_to_string(&path).expect("read the file to edit");
    std::fs::write(&path, edit(&text)).expect("write the edited file");
    tmp
}

#[test]
fn a_practical_page_with_an_unknown_print_size_fails_naming_the_page_and_the_fix() {
    // print_size fits a safety page's printout to its sheets (the card test says which pages
    // need it); a typo must not silently print the default size.
    let tmp = bundled_site_with("content/safety/falls.md", |text| {
        text.replacen("[extra]\n", "[extra]\nprint_size = \"small\"\n", 1)
    });
    let err = match build(&BuildOptions::new(tmp.path())) {
        Ok(_) => panic!("a print_size of \"small\" must fail the build"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("content/safety/falls.md"), "{err}");
    assert!(err.contains(r#"use "smaller" or "larger""#), "{err}");
    // The content is at fault, not the template that checked it.
    assert!(
        err.contains("content/safety/falls.md: error: [extra] print_size"),
        "{err}"
    );
    assert!(!err.contains("fix the template"), "{err}");
}
