"""Every benchmark figure, with its goal and ratio, in one command:

    .venv/bin/python -m tests.bench                 # the full run (~7 min generating the data, ~2 min after)
    .venv/bin/python -m tests.bench --quick         # a smaller organisation and shorter loads, for development

Generates (or reuses) a large and a small organisation on SQLite and one on PostgreSQL, then measures the read
path (gunicorn, 2 workers, wrk), the write path (32 concurrent API clients on PostgreSQL) and scaling. Figures are
also written to test-artifacts/bench/results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import text

from campaigns.db import make_engine
from tests.bench import profile, read, routes, scaling, write
from tests.bench.bulk import normalise
from tests.bench.generate import Facts, generate

WORK = Path("/tmp/campaigns-bench")
RESULTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "bench" / "results.json"
GOALS = {"page_ratio": 0.30, "api_ratio": 0.60, "public_ratio": 0.80, "write_ratio": 0.50,
         "write_p95_ms": 150.0,
         "p99_ms": 25.0, "scaling": 1.3, "statements": 6, "web_rss": 120.0, "scheduler_rss": 100.0}


def organisation(url: str, scale: float, regenerate: bool) -> Facts:
    """The generated organisation at `url`, reused when it is already there at this scale."""
    url = normalise(url)
    WORK.mkdir(parents=True, exist_ok=True)
    cache = WORK / f"{hashlib.sha256(f'{url}|{scale}'.encode()).hexdigest()[:12]}.facts.json"
    if cache.exists() and not regenerate:
        facts = Facts(**json.loads(cache.read_text()))
        if facts.url == url and _still_there(facts):
            print(f"  reusing the organisation in {url.split('@')[-1]} (scale {scale:g}; --regenerate rebuilds it)")
            return facts
    facts = generate(url, scale=scale, reset=True)
    cache.write_text(json.dumps(asdict(facts)))
    return facts


def _still_there(facts: Facts) -> bool:
    try:
        engine = make_engine(facts.url)
        with engine.connect() as conn:
            users = conn.execute(text('SELECT count(*) FROM "user"')).scalar()
            signups = conn.execute(text("SELECT count(*) FROM signup")).scalar()
        engine.dispose()
        # the write path adds sign-ups (never people): another scale or a rebuilt database shows in the users
        return users == facts.counts.get("users") and signups >= facts.counts.get("signups", 0)
    except Exception:  # a missing file or database: generate again
        return False


def machine() -> str:
    cores = os.cpu_count()
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0) / 1024**2
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    load = os.getloadavg()[0]
    return f"{cores} cores ({model}), {mem:.0f} GiB RAM, Python {platform.python_version()}, load {load:.2f}"


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Campaigns benchmarks", epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{WORK / 'large.sqlite'}",
                        help="database of the read path and the large organisation (default: SQLite)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/campaigns_bench"),
                        help="PostgreSQL database for the write path (emptied and filled)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = 10k volunteers, 100k sign-ups, 300k contributions")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each read load")
    parser.add_argument("--connections", type=int, default=2,
                        help="concurrent connections of each read load (default: one per gunicorn worker)")
    parser.add_argument("--quick", action="store_true", help="scale 0.1, 3 s loads: for development")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the generated organisations")
    parser.add_argument("--only", default="read,write,nudges,scaling", help="comma-separated parts to run")
    parser.add_argument("--pages", default="", help="comma-separated read figures to measure (prefixes of their "
                        "keys: dashboard, section, api, public); default all")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.seconds = 0.1, 3.0
    parts = set(args.only.split(","))
    where = machine()
    print(f"Machine: {where}")
    print("Generating or reusing organisations…")
    large = organisation(args.database_url, args.scale, args.regenerate)
    small_url = f"sqlite:///{WORK / 'small.sqlite'}"
    small = organisation(small_url, args.scale / 100, args.regenerate)
    found = routes.discover(large.url)
    print(f"Routes: dashboard {found.dashboard_page} · page {found.campaign_page} · API {found.campaign_api} · "
          f"sign-up {found.signup_api}")
    results: dict = {"machine": where, "scale": args.scale, "counts": large.counts}
    lines: list[str] = []
    if "read" in parts:
        lines += _read(read.run(large.url, large, found, seconds=args.seconds, connections=args.connections,
                                 pages=[p for p in args.pages.split(',') if p]), results)
    if "write" in parts:
        lines += _write(args, found, results)
    if "nudges" in parts:
        lines += _nudges(args, results)
    if "scaling" in parts:
        lines += _scaling(scaling.run(small_url, small, large.url, large, found), large, results)
    print("\n" + "\n".join(lines))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    print(f"\n(also in {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS})")
    return 0


def _read(r: read.ReadResults, results: dict) -> list[str]:
    lines = [f"Read path (gunicorn, {r.workers} workers, {r.hello.tool}, on {r.hello.name} and the app):"]
    lines.append(_figures(r.hello))
    results["read"] = {"hello": asdict(r.hello) | {"rps": r.hello.rps}, "worker_rss_mb": r.worker_rss_mb,
                       "floors": {}, "public": r.public}
    for n, fig in r.floors.items():
        ratio = fig.rps / r.hello.rps if r.hello.rps else 0
        results["read"]["floors"][n] = asdict(fig) | {"rps": fig.rps, "ratio": ratio}
        lines.append(f"{_figures(fig)}   ratio {ratio:.2f} of hello-world  (a floor: hello-world after {n} × "
                     f"SELECT 1; no tables, login or template)")
    for key, fig in r.app.items():
        n = r.statements[key]
        floor = r.floors[n].rps
        ratio = fig.rps / floor if floor else 0
        results["read"][key] = asdict(fig) | {"rps": fig.rps, "statements": n, "floor_rps": floor, "ratio": ratio,
                                              "ratio_hello": fig.rps / r.hello.rps if r.hello.rps else 0}
        if fig.requests == 0:
            lines.append(f"  {fig.name:<18} no request finished during the load (each took longer than the run): "
                         f"MISSED")
            continue
        goal, p99 = read_goal(key)
        line = f"{_figures(fig)}   {n:>2} statements, ratio {ratio:.2f} of its floor (goal ≥ {goal:.2f}: " \
               f"{mark(ratio >= goal)})"
        if p99:
            line += f", p99 ≤ {p99:.0f} ms: {mark(fig.p99_ms <= p99)}"
        lines.append(f"{line}, errors {fig.errors}")
    return lines


def read_goal(key: str) -> tuple[float, float | None]:
    """(the ratio to its floor a figure must reach, its p99 goal in ms or None)."""
    if key.startswith("public_"):
        return GOALS["public_ratio"], None
    if key == "api":
        return GOALS["api_ratio"], GOALS["p99_ms"]
    return GOALS["page_ratio"], GOALS["p99_ms"]


def _figures(fig) -> str:
    return f"  {fig.name:<18} {_rate(fig.rps):>8} req/s   p50 {fig.p50_ms:6.2f} ms   p99 {fig.p99_ms:6.2f} ms"


def _rate(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 10 else f"{rps:.2f}"


def _write(args, found: routes.Routes, results: dict) -> list[str]:
    pg = organisation(args.pg_url, args.scale, args.regenerate)
    levels, tasks = ((1, 8, 32), 8) if args.quick else ((1, 2, 4, 8, 16, 32), 16)
    try:
        w = write.run(pg.url, pg, found, levels=levels, tasks=tasks)
    except RuntimeError as error:
        results["write"] = {"error": str(error)}
        return [f"Write path: n/a ({error})"]
    app, floor = w.app, w.floor
    ratio = app.per_second / floor.per_second if floor.per_second else 0
    results["write"] = asdict(app) | {"per_second": app.per_second, "floor": asdict(floor) | {
        "per_second": floor.per_second}, "ratio": ratio,
        "by_clients": {n: asdict(r) | {"per_second": r.per_second} for n, r in w.by_clients.items()}}
    rising = all(b.per_second >= a.per_second * 0.9 for a, b in zip(w.by_clients.values(),
                                                                    list(w.by_clients.values())[1:]))
    return [
        f"Write path (PostgreSQL, {app.clients} concurrent API clients, gunicorn 2 workers × 16 threads):",
        f"  the app    {app.ok:,} sign-ups of {app.attempts:,} attempts in {app.seconds:.1f} s = "
        f"{app.per_second:,.0f} sign-ups/s   p50 {app.p50_ms:.1f} ms   p95 {app.p95_ms:.1f} ms "
        f"(goal ≤ {GOALS['write_p95_ms']:.0f}: {mark(app.p95_ms <= GOALS['write_p95_ms'])})",
        f"  the floor  {floor.per_second:,.0f} sign-ups/s   p50 {floor.p50_ms:.1f} ms   p95 {floor.p95_ms:.1f} ms  "
        f"({floor.clients} clients straight through psycopg: the seat UPDATE, the sign-up and event INSERTs, commit)",
        f"  ratio {ratio:.2f} of the floor (goal ≥ {GOALS['write_ratio']:.2f}: {mark(ratio >= GOALS['write_ratio'])})",
        f"  overbooked {app.overbooked} (must be 0: {mark(app.overbooked == 0)})   taken≠confirmed {app.mismatched}   "
        f"5xx {app.server_errors} (must be 0: {mark(app.server_errors == 0)})   other non-2xx {app.other_errors or 0}",
        "  sign-ups/s by clients: " + ", ".join(f"{n}: {r.per_second:,.0f} (p95 {r.p95_ms:,.0f} ms)"
                                                 for n, r in w.by_clients.items())
        + f" (must rise: {mark(rising)})",
    ]


def _nudges(args, results: dict) -> list[str]:
    """Nudges planned and delivered, against their own floor, on SQLite and on PostgreSQL (its own database)."""
    from tests.bench import bench_nudges

    n, peer = (5_000, 1_000) if args.quick else (50_000, 5_000)
    lines = [f"Nudges ({n:,} reminders; tests.bench.bench_nudges):"]
    results["nudges"] = {}
    for url in (f"sqlite:///{WORK / 'nudges.sqlite'}", args.pg_url.rsplit("/", 1)[0] + "/campaigns_bench_nudges"):
        found = bench_nudges.measure(url, n, peer)
        results["nudges"][found["backend"]] = found
        lines += [f"  {line}" for line in bench_nudges.report(found)]
    return lines


NAMES = {"dashboard": "campaign dashboard", "page": "campaign page", "api": "campaign API"}
#: the issue's read goals are for the campaign dashboard and the campaign API; the campaign page (the team's
#: workspace: goals, actions, team, forms) is measured beside them for reference
GOAL_KEYS = {"dashboard", "api"}


def _scaling(s: scaling.ScalingResults, large: Facts, results: dict) -> list[str]:
    lines = [f"Scaling (in-process, the busiest campaign, {s.small_signups:,} vs {s.large_signups:,} sign-ups):"]
    for key, name in NAMES.items():
        ratio = s.ratio(key)
        if ratio is None:
            continue
        small, big = s.small[key], s.large[key]
        line = f"  {name:<18} {small.median_ms:7.2f} ms vs {big.median_ms:7.2f} ms: ratio {ratio:.2f}×"
        if key in GOAL_KEYS:
            line += f" (goal ≤ {GOALS['scaling']}×: {mark(ratio <= GOALS['scaling'])})"
        line += f"   SQL statements per request {big.statements}"
        if key in GOAL_KEYS:
            line += f" (goal ≤ {GOALS['statements']}: {mark(big.statements <= GOALS['statements'])})"
        lines.append(f"{line}  [{big.path}]{'' if key in GOAL_KEYS else '  (for reference)'}")
    lines.append("  where the CPU goes (cProfile, in-process, CPU time by the module that spends it):")
    for key, found in s.splits.items():
        lines.append(f"    {NAMES[key]:<18} {found.ms_per_request:6.1f} ms profiled: {profile.describe(found)}")
    web_rss = results.get("read", {}).get("worker_rss_mb")
    sched = scaling.scheduler_rss(large.url)
    results["scaling"] = asdict(s) | {"ratios": {key: s.ratio(key) for key in NAMES}, "scheduler_rss_mb": sched}
    if web_rss is not None:
        lines.append(f"  RSS of a web worker after the read load: {web_rss:.0f} MB "
                     f"(goal ≤ {GOALS['web_rss']:.0f}: {mark(web_rss <= GOALS['web_rss'])})")
    shown = "n/a (no scheduler command yet)" if sched is None else f"{sched:.0f} MB"
    ok = None if sched is None else sched <= GOALS["scheduler_rss"]
    lines.append(f"  RSS of the scheduler process: {shown} (goal ≤ {GOALS['scheduler_rss']:.0f}: {mark(ok)})")
    return lines


if __name__ == "__main__":
    sys.exit(main())
