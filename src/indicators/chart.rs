//! A series of yearly values → a small inline SVG line chart with the target drawn as a dashed
//! line. Pure: no files, no templates. Areas differ by marker shape and line style, not colour
//! alone, and every value is printed beside its point, on the side of the point where it does
//! not touch the target line or a gridline. A legend under the plot names each line.

use std::fmt::Write;

/// One line of the chart (e.g. the national figures).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// (year, value), any order; drawn in year order.
    pub points: Vec<(i32, f64)>,
}

/// Everything the chart shows, with its texts already in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// A sentence that says what the chart shows, read by screen readers.
    pub description: String,
    pub unit: String,
    pub target: f64,
    pub target_year: i32,
    /// The legend's entry for the target line ("Target 3.0‰").
    pub target_label: String,
    /// The target as the plan writes it, with its unit ("3.0‰"), beside the target line.
    pub target_value: String,
    pub series: Vec<Series>,
    /// Shown when no series has a point.
    pub empty_label: String,
}

pub const WIDTH: f64 = 320.0;
pub const HEIGHT: f64 = 216.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 62.0;
const TOP: f64 = 16.0;
/// The year labels, then two rows of legend.
const BOTTOM: f64 = 62.0;
/// Text height in viewBox units (the stylesheet sets `font-size: 11px` on `.chart text`).
const TEXT: f64 = 11.0;

/// The plot area and the scales from data to SVG coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub year_min: i32,
    pub year_max: i32,
    pub max: f64,
}

impl Frame {
    pub fn new(chart: &Chart) -> Frame {
        let years = chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let year_min = years
            .clone()
            .min()
            .unwrap_or(chart.target_year)
            .min(chart.target_year - 10);
        let year_max = years
            .max()
            .unwrap_or(chart.target_year)
            .max(chart.target_year);
        let values = chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1));
        let top = values.fold(chart.target, f64::max).max(0.0);
        Frame {
            year_min,
            year_max,
            max: nice_ceiling(top * 1.1),
        }
    }

    pub fn x(&self, year: i32) -> f64 {
        let span = f64::from((self.year_max - self.year_min).max(1));
        LEFT + f64::from(year - self.year_min) / span * (WIDTH - LEFT - RIGHT)
    }

    pub fn y(&self, value: f64) -> f64 {
        let v = value.clamp(0.0, self.max);
        HEIGHT - BOTTOM - v / self.max * (HEIGHT - TOP - BOTTOM)
    }
}

/// A round number at or above `v` (1, 2, 2.5, 5 × 10ⁿ), never zero.
pub fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|m| m * mag >= v)
        .unwrap_or(10.0);
    step * mag
}

/// Format a value the way the plan writes it: no trailing zeros beyond what is needed.
pub fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn esc(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

const MARKERS: [&str; 3] = ["circle", "square", "diamond"];

/// Render the chart as an inline `<svg>`.
pub fn svg(chart: &Chart, id: &str) -> String {
    let f = Frame::new(chart);
    let mut s = String::with_capacity(2500);
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(&chart.title),
        esc(&chart.description)
    );
    axes(&mut s, &f, chart);
    let ty = f.y(chart.target);
    let _ = write!(
        s,
        r#"<line class="target" x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}"/><text class="target-label" x="{:.1}" y="{:.1}">{}</text>"#,
        WIDTH - RIGHT,
        WIDTH - RIGHT + 3.0,
        ty + 4.0,
        // Only the value fits in the margin at phone width; the legend says it is the target.
        esc(&chart.target_value)
    );
    let mut any = false;
    for (i, series) in chart.series.iter().enumerate() {
        any |= !series.points.is_empty();
        line(&mut s, &f, series, i, chart);
    }
    legend(&mut s, chart);
    if !any {
        let _ = write!(
            s,
            r#"<text class="empty" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            (LEFT + WIDTH - RIGHT) / 2.0,
            (TOP + HEIGHT - BOTTOM) / 2.0,
            esc(&chart.empty_label)
        );
    }
    s.push_str("</svg>");
    s
}

fn axes(s: &mut String, f: &Frame, chart: &Chart) {
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        s,
        r#"<g class="axis"><line x1="{LEFT}" y1="{base}" x2="{:.1}" y2="{base}"/>"#,
        WIDTH - RIGHT
    );
    for k in 0..=2 {
        let v = f.max * f64::from(k) / 2.0;
        let y = f.y(v);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            number(v),
            esc(&chart.unit)
        );
    }
    let mut years = vec![f.year_min, chart.target_year];
    years.extend(
        chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0)),
    );
    years.sort_unstable();
    years.dedup();
    let mut last_x = f64::NEG_INFINITY;
    for y in years {
        let x = f.x(y);
        if x - last_x < 30.0 {
            continue;
        }
        last_x = x;
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{y}</text>"#,
            base + 15.0
        );
    }
    s.push_str("</g>");
}

fn line(s: &mut String, f: &Frame, series: &Series, index: usize, chart: &Chart) {
    let (unit, lines) = (&chart.unit, rules(f, chart.target));
    let mut pts = series.points.clone();
    pts.sort_by_key(|p| p.0);
    let class = format!("series s{}", index % MARKERS.len());
    let _ = write!(s, r#"<g class="{class}">"#);
    if pts.len() > 1 {
        let path: Vec<String> = pts
            .iter()
            .map(|(y, v)| format!("{:.1},{:.1}", f.x(*y), f.y(*v)))
            .collect();
        let _ = write!(s, r#"<polyline points="{}"/>"#, path.join(" "));
    }
    for (year, v) in &pts {
        let (x, y) = (f.x(*year), f.y(*v));
        marker(s, MARKERS[index % MARKERS.len()], x, y);
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}{}</text>"#,
            label_baseline(y, &lines),
            number(*v),
            esc(unit)
        );
    }
    s.push_str("</g>");
}

/// The heights of the horizontal lines a value label must not touch: the target and the
/// gridlines.
fn rules(f: &Frame, target: f64) -> Vec<f64> {
    let mut v: Vec<f64> = (0..=2).map(|k| f.y(f.max * f64::from(k) / 2.0)).collect();
    v.push(f.y(target));
    v
}

/// The baseline of a value label for a point at height `y`: above the point unless that
/// touches a line in `lines`, then below, else whichever side touches fewer.
pub fn label_baseline(y: f64, lines: &[f64]) -> f64 {
    let clear = |base: f64| {
        let (top, bottom) = (base - TEXT * 0.8, base + TEXT * 0.2);
        lines
            .iter()
            .filter(|l| **l >= top - 1.0 && **l <= bottom + 1.0)
            .count()
    };
    let above = (y - 6.0).max(TEXT);
    let below = (y + 6.0 + TEXT * 0.8).min(HEIGHT - BOTTOM - 1.0);
    if clear(above) == 0 || clear(above) <= clear(below) {
        above
    } else {
        below
    }
}

/// Under the plot: each line's marker and name, then the target's dashed line.
fn legend(s: &mut String, chart: &Chart) {
    let row = |i: usize| HEIGHT - BOTTOM + 30.0 + 16.0 * (i / 2) as f64;
    let col = |i: usize| 4.0 + 160.0 * (i % 2) as f64;
    s.push_str(r#"<g class="legend">"#);
    for (i, series) in chart.series.iter().enumerate() {
        let (x, y) = (col(i), row(i));
        let _ = write!(s, r#"<g class="series s{}">"#, i % MARKERS.len());
        if !series.points.is_empty() {
            let _ = write!(
                s,
                r#"<polyline points="{x:.1},{:.1} {:.1},{:.1}"/>"#,
                y - 4.0,
                x + 18.0,
                y - 4.0
            );
            marker(s, MARKERS[i % MARKERS.len()], x + 9.0, y - 4.0);
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{y:.1}">{}</text></g>"#,
            x + 22.0,
            esc(&series.label)
        );
    }
    let i = chart.series.len();
    let (x, y) = (col(i), row(i));
    let _ = write!(
        s,
        r#"<line class="target" x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
        y - 4.0,
        x + 18.0,
        y - 4.0,
        x + 22.0,
        esc(&chart.target_label)
    );
    s.push_str("</g>");
}

fn marker(s: &mut String, shape: &str, x: f64, y: f64) {
    match shape {
        "square" => {
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="6" height="6"/>"#,
                x - 3.0,
                y - 3.0
            );
        }
        "diamond" => {
            let _ = write!(s, r#"<path d="M{x:.1} {:.1}l4 4-4 4-4-4z"/>"#, y - 4.0);
        }
        _ => {
            let _ = write!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5"/>"#);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    fn chart(points: Vec<(i32, f64)>, target: f64, unit: &str) -> Chart {
        Chart {
            title: "新生儿死亡率".into(),
            description: "全国 2020 年 3.4‰；目标 2030 年 3.0‰ 以下".into(),
            unit: unit.into(),
            target,
            target_year: 2030,
            target_label: format!("目标 {}{unit}", number(target)),
            target_value: format!("{}{unit}", number(target)),
            series: vec![Series {
                label: "全国".into(),
                points,
            }],
            empty_label: "暂无数据".into(),
        }
    }

    /// Every numeric x/y coordinate the SVG draws at.
    fn coordinates(svg: &str) -> Vec<(f64, f64)> {
        let re = Regex::new(r#"c?x1?="([-\d.]+)" c?y1?="([-\d.]+)""#).unwrap();
        let mut v: Vec<(f64, f64)> = re
            .captures_iter(svg)
            .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
            .collect();
        let poly = Regex::new(r#"points="([^"]+)""#).unwrap();
        for c in poly.captures_iter(svg) {
            for p in c[1].split(' ') {
                let (x, y) = p.split_once(',').unwrap();
                v.push((x.parse().unwrap(), y.parse().unwrap()));
            }
        }
        v
    }

    #[test]
    fn snapshot_of_a_typical_chart() {
        let svg = svg(&chart(vec![(2020, 3.4)], 3.0, "‰"), "c1");
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn empty_series_says_so_and_still_draws_the_target() {
        let s = svg(&chart(vec![], 95.0, "%"), "c");
        assert!(s.contains("暂无数据"));
        assert!(s.contains(r#"class="target""#));
        assert!(s.contains(r#"role="img""#));
    }

    #[test]
    fn a_value_label_moves_below_its_point_when_the_target_line_is_in_the_way() {
        // Above the point its text would cross the line at 100; below it is clear.
        assert!(label_baseline(106.0, &[100.0]) > 106.0);
        // Far from every line, the label sits above its point.
        assert_eq!(label_baseline(140.0, &[100.0]), 134.0);
    }

    #[test]
    fn the_legend_names_every_line_and_the_target() {
        let mut c = chart(vec![(2020, 3.4)], 3.0, "‰");
        c.series.push(Series {
            label: "巴彦淖尔市：暂无数据".into(),
            points: vec![],
        });
        let s = svg(&c, "c");
        let legend = &s[s.find(r#"<g class="legend">"#).unwrap()..];
        for text in ["全国", "巴彦淖尔市：暂无数据", "目标 3‰"] {
            assert!(
                legend.contains(&format!(">{text}</text>")),
                "legend lacks {text}"
            );
        }
    }

    #[test]
    fn nice_ceiling_rounds_up() {
        assert_eq!(nice_ceiling(3.74), 5.0);
        assert_eq!(nice_ceiling(88.0), 100.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(number(3.0), "3");
        assert_eq!(number(1.12), "1.12");
    }

    proptest! {
        #[test]
        fn points_stay_inside_the_viewbox_and_years_keep_order(
            raw in proptest::collection::vec((2000i32..2100, 0.0f64..1000.0), 0..12),
            target in 0.0f64..1000.0,
            per_mille in proptest::bool::ANY,
        ) {
            let unit = if per_mille { "‰" } else { "%" };
            let c = chart(raw.clone(), target, unit);
            let s = svg(&c, "p");
            prop_assert!(s.len() < 4608, "chart is {} bytes", s.len());
            for (x, y) in coordinates(&s) {
                prop_assert!((0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y), "({x},{y}) outside");
            }
            let f = Frame::new(&c);
            let mut years: Vec<i32> = raw.iter().map(|p| p.0).collect();
            years.sort_unstable();
            for w in years.windows(2) {
                prop_assert!(f.x(w[0]) <= f.x(w[1]));
            }
            // Values on both sides of the target sit on the right side of its line.
            for (_, v) in &raw {
                if *v > target { prop_assert!(f.y(*v) <= f.y(target)); }
                if *v < target { prop_assert!(f.y(*v) >= f.y(target)); }
            }
        }
    }
}
