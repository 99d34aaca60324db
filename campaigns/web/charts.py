"""Burn-up charts as server-drawn SVG: the geometry here, the markup in templates/progress/_burnup.html.

Presentation attributes and CSS classes only (.chart .ideal/.actual/.projected/.axis): the CSP forbids style=.
Every chart has a title, a description sentence and a data table, so it reads without sight or JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel import dates
from flask_babel import get_locale
from flask_babel import gettext as _

from campaigns.domain import burnup
from campaigns.services.progress import GoalProgress

WIDTH, HEIGHT = 640, 260
#: room for the axis labels, which app.css draws larger on a phone (the chart shrinks to fit it)
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 18, 40
#: the data table shows about this many rows (weekly, or sparser for long campaigns)
TABLE_ROWS = 12


@dataclass
class Chart:
    id: str
    title: str
    sentence: str
    actual: str
    #: where the count stands today, marked with a dot: with no snapshot yet the line has a single point
    now_x: float = 0.0
    now_y: float = 0.0
    ideal: str | None = None
    projected: str | None = None
    target_y: float = 0.0
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_labels: list[tuple[float, str]] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT
    top: int = TOP


def _number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def day_text(day: date) -> str:
    return _day(day, "d MMMM yyyy", str(get_locale()))


def axis_day(day: date) -> str:
    """A day short enough for the chart's axis ("3 Mar"): the sentence and the table give it in full."""
    return _day(day, "d MMM", str(get_locale()))


@lru_cache(maxsize=4096)
def _day(day: date, pattern: str, locale: str) -> str:
    """Babel's formatting of a day, remembered: a dashboard's tables name the same few hundred days on every
    request, and formatting each costs more than drawing its point."""
    return dates.format_date(day, pattern, locale=locale)


def projection_text(state: GoalProgress) -> str:
    """The plain-language projection: "At this pace: reached around 3 March 2026", or why not."""
    projection = state.projection
    if projection.status == "reached":
        return _("Reached on %(day)s.", day=day_text(projection.on)) if projection.on else _("Reached.")
    if projection.status == "on_pace" and projection.on:
        text = _("At this pace: reached around %(day)s.", day=day_text(projection.on))
        if state.due and projection.on > state.due:
            text += " " + _("That is after the due date, %(due)s.", due=day_text(state.due))
        return text
    if projection.status == "not_at_pace":
        return _("Not at this pace: too little was counted in the last four weeks to reach the target.")
    return _("Too early to tell the pace: check back after a few days of progress.")


def burnup_chart(state: GoalProgress, chart_id: str) -> Chart:
    """Scale a goal's points, ideal line and projection into the chart's box."""
    goal, start = state.goal, min(state.start, state.points[0][0])
    end = max(state.due or state.today, state.today)
    projected_on = state.projection.on if state.projection.status == "on_pace" else None
    if projected_on:
        end = max(end, min(projected_on, end + (end - start) / 2))
    span = max((end - start).days, 1)
    top_value = max([float(goal.target)] + [v for _, v in state.points]) * 1.08 or 1.0

    def x(day: date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * min(max((day - start).days, 0), span) / span, 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top_value, 1)

    chart = Chart(id=chart_id, title=_("%(goal)s: progress over time", goal=goal.name),
                  sentence=_summary(state), actual=_polyline(state.points, start, span, top_value),
                  target_y=y(goal.target), now_x=x(state.points[-1][0]), now_y=y(state.points[-1][1]))
    if state.due and state.due > state.start:
        chart.ideal = f"{x(state.start)},{y(0)} {x(state.due)},{y(goal.target)}"
    if projected_on and projected_on <= end:
        chart.projected = f"{x(state.today)},{y(goal.current)} {x(projected_on)},{y(goal.target)}"
    elif projected_on and state.projection.pace:  # beyond the chart: draw the pace up to its right edge
        reached_by_end = goal.current + state.projection.pace * (end - state.today).days
        chart.projected = f"{x(state.today)},{y(goal.current)} {x(end)},{y(reached_by_end)}"
    labels = {start: axis_day(start), end: axis_day(end)}
    if state.due and start < state.due < end:
        labels[state.due] = _("due %(day)s", day=axis_day(state.due))
    chart.x_labels = [(x(d), text) for d, text in sorted(labels.items())]
    chart.y_labels = [(y(0), "0"), (y(goal.target), _number(goal.target))]
    chart.rows = _rows(state)
    return chart


def _polyline(points: list[tuple[date, float]], start: date, span: int, top_value: float) -> str:
    """The counted line's points: x() and y() of burnup_chart, inlined (the same arithmetic, so the same figures)
    because a long campaign has hundreds of points per chart."""
    first, width, bottom, height = start.toordinal(), WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM, HEIGHT - TOP - BOTTOM
    return " ".join(f"{round(LEFT + width * min(max(d.toordinal() - first, 0), span) / span, 1)},"
                    f"{round(bottom - height * v / top_value, 1)}" for d, v in points)


def _summary(state: GoalProgress) -> str:
    goal = state.goal
    text = _("%(current)s of %(target)s %(unit)s so far (%(percent)s%%).", current=_number(goal.current),
             target=_number(goal.target), unit=goal.unit, percent=state.percent)
    if state.ideal_today is not None and state.projection.status != "reached":
        text += " " + schedule_text(goal.current, state.ideal_today, goal.unit)
    return f"{text} {projection_text(state)}"


def schedule_text(current: float, ideal_today: float, unit: str) -> str:
    """Ahead, behind or on schedule for the due date, in words (not "the ideal line is at 114.3")."""
    gap = round(current - ideal_today)
    if gap > 0:
        return _("That's %(gap)s %(unit)s ahead of schedule for the due date.", gap=_number(gap), unit=unit)
    if gap < 0:
        return _("To be on schedule for the due date it would be about %(ideal)s %(unit)s by now: %(gap)s to "
                 "catch up.", ideal=_number(round(ideal_today)), unit=unit, gap=_number(-gap))
    return _("That's on schedule for the due date.")


def _rows(state: GoalProgress) -> list[tuple[str, str, str]]:
    points = state.points
    step = max(1, -(-len(points) // TABLE_ROWS))
    chosen = points[::step]
    if chosen[-1] != points[-1]:
        chosen.append(points[-1])
    rows = []
    for day, value in chosen:
        ideal = burnup.ideal(day, state.start, state.due, state.goal.target)
        rows.append((day_text(day), _number(value), _number(ideal) if ideal is not None else "–"))
    return rows
