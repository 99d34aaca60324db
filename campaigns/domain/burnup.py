"""Burn-up: a goal's value over time against the ideal line, and when it will be reached at the recent pace.

Pure: daily values in, numbers and dates out. Drawing (pixels, SVG) lives in web/charts.py.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

#: the recent pace is measured over this many days (four weeks: one busy or quiet week does not decide it)
PACE_DAYS = 28
#: further out than this, "at this pace" stops meaning anything
HORIZON_DAYS = 5 * 365


@dataclass(frozen=True)
class Projection:
    #: reached | on_pace | not_at_pace | too_early
    status: str
    #: the projected (or actual) day the target is reached
    on: date | None = None
    #: recent pace in units per day
    pace: float | None = None


def ideal(day: date, start: date, due: date | None, target: float) -> float | None:
    """Where a straight line from 0 at the start to the target on the due date says the goal should be."""
    if due is None or due <= start:
        return None
    span = (due - start).days
    elapsed = min(max((day - start).days, 0), span)
    return target * elapsed / span


def pace(points: list[tuple[date, float]], today: date, current: float, days: int = PACE_DAYS) -> float | None:
    """Units per day over the last `days` days, as a robust slope (Theil–Sen: the median of the slopes between
    every two days), so one big batch logged at once moves it little. The days are the window's, today's count
    and the last value before the window (the baseline). None without an earlier day to compare with."""
    earlier = [(day, value) for day, value in sorted(points) if day < today]
    if not earlier:
        return None
    window_start = today - timedelta(days=days)
    before = [p for p in earlier if p[0] <= window_start]
    series = before[-1:] + [p for p in earlier if p[0] > window_start] + [(today, current)]
    slopes = [(b[1] - a[1]) / (b[0] - a[0]).days for i, a in enumerate(series) for b in series[i + 1:]]
    return statistics.median(slopes)


def project(*, target: float, current: float, points: list[tuple[date, float]], today: date,
            reached_on: date | None = None) -> Projection:
    """When the goal is reached at the recent pace: 'reached', 'on_pace' with a day, 'not_at_pace', 'too_early'."""
    if current >= target:
        return Projection("reached", on=reached_on or today)
    per_day = pace(points, today, current)
    if per_day is None:
        return Projection("too_early")
    if per_day <= 0:
        return Projection("not_at_pace", pace=per_day)
    days_left = math.ceil((target - current) / per_day)
    if days_left > HORIZON_DAYS:
        return Projection("not_at_pace", pace=per_day)
    return Projection("on_pace", on=today + timedelta(days=days_left), pace=per_day)
