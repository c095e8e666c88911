//! Progress towards a target, judged only from city figures by a rule simple enough to state
//! on the page: met if the latest figure reaches the target; otherwise on track if it is at
//! least as good as a straight line from the first city figure to the target in the target
//! year; off track if worse; too early with a single figure.

use serde::Serialize;

use super::{Direction, Indicator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    OnTrack,
    OffTrack,
    TooEarly,
    NoCityFigure,
}

/// The value the plan asks for: the target itself, or for `reduce_by` the baseline lowered
/// by the target percentage (`None` if the baseline figure is missing).
pub fn goal_value(ind: &Indicator, city: &[(i32, f64)]) -> Option<f64> {
    match ind.direction {
        Direction::ReduceBy => {
            let base_year = ind.baseline_year?;
            let base = city.iter().find(|(y, _)| *y == base_year)?.1;
            Some(base * (1.0 - ind.target / 100.0))
        }
        _ => Some(ind.target),
    }
}

fn better_or_equal(dir: Direction, value: f64, than: f64) -> bool {
    match dir {
        Direction::AtLeast => value >= than - 1e-9,
        Direction::AtMost | Direction::ReduceBy => value <= than + 1e-9,
    }
}

/// Judge `city` figures (year, value) against the indicator's target.
pub fn status(ind: &Indicator, city: &[(i32, f64)]) -> Status {
    let mut pts = city.to_vec();
    pts.sort_by_key(|p| p.0);
    let (Some(first), Some(last)) = (pts.first().copied(), pts.last().copied()) else {
        return Status::NoCityFigure;
    };
    let Some(goal) = goal_value(ind, &pts) else {
        return Status::TooEarly;
    };
    if better_or_equal(ind.direction, last.1, goal) {
        return Status::Met;
    }
    if last.0 == first.0 || first.0 >= ind.target_year {
        return Status::TooEarly;
    }
    let share = f64::from(last.0 - first.0) / f64::from(ind.target_year - first.0);
    let expected = first.1 + (goal - first.1) * share;
    if better_or_equal(ind.direction, last.1, expected) {
        Status::OnTrack
    } else {
        Status::OffTrack
    }
}

#[cfg(test)]
mod tests {
    use super::super::Unit;
    use super::*;

    fn ind(direction: Direction, target: f64) -> Indicator {
        Indicator {
            id: "x".into(),
            domain: "health".into(),
            unit: Unit::Percent,
            direction,
            target,
            target_year: 2030,
            baseline_year: (direction == Direction::ReduceBy).then_some(2020),
            quote: String::new(),
            quotes: Default::default(),
            anchor: String::new(),
            name: Default::default(),
        }
    }

    #[test]
    fn no_figures_and_single_figures() {
        let i = ind(Direction::AtLeast, 95.0);
        assert_eq!(status(&i, &[]), Status::NoCityFigure);
        assert_eq!(status(&i, &[(2022, 90.0)]), Status::TooEarly);
        assert_eq!(status(&i, &[(2022, 96.0)]), Status::Met);
    }

    #[test]
    fn straight_line_decides_on_and_off_track() {
        let i = ind(Direction::AtLeast, 95.0);
        // From 85 in 2020 to 95 in 2030: 90 expected in 2025.
        assert_eq!(status(&i, &[(2020, 85.0), (2025, 91.0)]), Status::OnTrack);
        assert_eq!(status(&i, &[(2020, 85.0), (2025, 88.0)]), Status::OffTrack);
        let m = ind(Direction::AtMost, 3.0);
        assert_eq!(status(&m, &[(2020, 5.0), (2025, 3.9)]), Status::OnTrack);
        assert_eq!(status(&m, &[(2020, 5.0), (2025, 4.5)]), Status::OffTrack);
    }

    #[test]
    fn reduce_by_needs_the_baseline_year() {
        let r = ind(Direction::ReduceBy, 20.0);
        assert_eq!(goal_value(&r, &[(2020, 10.0)]), Some(8.0));
        assert_eq!(status(&r, &[(2021, 9.0), (2024, 8.5)]), Status::TooEarly);
        assert_eq!(status(&r, &[(2020, 10.0), (2025, 8.0)]), Status::Met);
        assert_eq!(status(&r, &[(2020, 10.0), (2025, 9.5)]), Status::OffTrack);
    }
}
