"""The generated organisation, built table by table with derived state kept consistent (see generate.py)."""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import Engine

from campaigns.domain import model as m
from tests.bench.bulk import CHUNK, Progress, bulk, flush

PASSWORD = "bench horse battery staple 42"  # noqa: S105 (bench data only)
GOALS_PER_CAMPAIGN = 3
TASKS_PER_ACTION = 2
ACTION_KINDS = ["meeting", "town_hall", "letter_writing", "petition_drive", "call_in", "community_event", "training"]
TOPICS = ["rent rises", "damp homes", "interpreters at the clinic", "bus fares", "benefit sanctions",
          "school meals", "park lighting", "GP waiting lists", "payday lenders", "library hours"]
UNITS = [("Letters to the council", "letters"), ("Petition signatures", "signatures"), ("Volunteer hours", "hours")]


@dataclass
class Facts:
    """What the benchmarks need to know about the generated organisation."""

    url: str
    org_slug: str = "riverside"
    coordinator_email: str = "coordinator@bench.example.org"
    password: str = PASSWORD
    api_token: str = ""
    hot_campaign_id: int = 1  #: the campaign with the most sign-ups (the dashboard the benchmarks read)
    counts: dict = field(default_factory=dict)




class World:
    def __init__(self, engine: Engine, rng: random.Random, now: datetime, sizes: dict):
        self.engine, self.rng, self.now, self.sizes = engine, rng, now, sizes
        self.counts: dict[str, int] = {}
        self.password_hash = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash(PASSWORD)
        self.org_id = 1
        self.staff = 20 + 40  # coordinators, then workers
        self.campaign_start: dict[int, date] = {}
        self.goal_rows: list[dict] = []
        self.task_rows: list[dict] = []
        self.action_start: dict[int, datetime] = {}

    def build(self, url: str) -> Facts:
        facts = Facts(url=url)
        self.people()
        facts.api_token = self.token()
        self.campaigns()
        self.concerns()
        self.actions_and_tasks()
        self.signups()
        self.contributions()
        facts.hot_campaign_id = self.hot_campaign
        return facts

    # people -----------------------------------------------------------------------------------------------
    def people(self) -> None:
        e = self.engine
        bulk(e, m.Organisation, [{"id": 1, "name": "Riverside Renters' Union", "slug": "riverside",
                                  "join_code": "RIVERSIDE-BENCH", "created_at": self.now}], 1, "organisation")
        volunteers = self.sizes["volunteers"]
        total = self.staff + volunteers

        def users():
            for i in range(1, total + 1):
                if i == 1:
                    email, name = "coordinator@bench.example.org", "Coordinator Sam"
                elif i <= 20:
                    email, name = f"coordinator{i}@bench.example.org", f"Coordinator {i}"
                elif i <= self.staff:
                    email, name = f"worker{i}@bench.example.org", f"Worker {i}"
                else:
                    email, name = f"volunteer{i}@bench.example.org", f"Neighbour {i}"
                yield {"id": i, "email": email, "display_name": name, "password_hash": self.password_hash,
                       "created_at": self.now - timedelta(days=self.rng.randint(1, 400))}

        self.counts["users"] = bulk(e, m.User, users(), total, "users")

        def members():
            for i in range(1, total + 1):
                role = "coordinator" if i <= 20 else "worker" if i <= self.staff else "client"
                yield {"id": i, "org_id": 1, "user_id": i, "role": role, "joined_at": self.now}

        bulk(e, m.Membership, members(), total, "memberships")
        self.volunteer_ids = range(self.staff + 1, total + 1)

    def token(self) -> str:
        secret = "cmp_" + secrets.token_urlsafe(32)
        bulk(self.engine, m.ApiToken, [{"id": 1, "user_id": 1, "name": "bench", "prefix": secret[:10],
                                        "token_hash": hashlib.sha256(secret.encode()).hexdigest(),
                                        "created_at": self.now}], 1, "api tokens")
        return secret

    # campaigns and goals ----------------------------------------------------------------------------------
    def campaigns(self) -> None:
        n = self.sizes["campaigns"]
        rows = []
        for cid in range(1, n + 1):
            topic = TOPICS[cid % len(TOPICS)]
            start = (self.now - timedelta(days=self.rng.randint(20, 180))).date()
            self.campaign_start[cid] = start
            rows.append({
                "id": cid, "org_id": 1, "name": f"Act on {topic} #{cid}", "summary": f"Together on {topic}.",
                "ask": f"Fix {topic} by spring.", "target": "City council housing committee", "starts_on": start,
                "deadline": start + timedelta(days=self.rng.randint(120, 300)), "stage": "intervention",
                "intervention_began_at": datetime.combine(start, datetime.min.time(), UTC) + timedelta(days=10),
                "created_by_id": 1 + cid % 20, "created_at": self.now - timedelta(days=200),
                "last_activity_at": self.now - timedelta(hours=self.rng.randint(1, 300)),
            })
        self.counts["campaigns"] = bulk(self.engine, m.Campaign, rows, n, "campaigns")
        gid = 0
        for cid in range(1, n + 1):
            for name, unit in UNITS[:GOALS_PER_CAMPAIGN]:
                gid += 1
                self.goal_rows.append({
                    "id": gid, "campaign_id": cid, "name": name, "unit": unit, "target": 1,
                    "due_on": self.campaign_start[cid] + timedelta(days=150), "weight": 1.0,
                    "status": "accepted", "created_at": self.now - timedelta(days=190),
                })
        bulk(self.engine, m.Goal, self.goal_rows, len(self.goal_rows), "goals")
        leads = [{"id": cid, "campaign_id": cid, "user_id": 1 + cid % 20, "role": "lead", "joined_at": self.now}
                 for cid in range(1, n + 1)]
        bulk(self.engine, m.CampaignMember, leads, n, "campaign leads")
        self.next_member_id = n + 1

    def concerns(self) -> None:
        n, campaigns = self.sizes["concerns"], self.sizes["campaigns"]
        concerns, supports, links = [], [], []
        sid = 0
        for i in range(1, n + 1):
            linked = i <= campaigns
            count = self.rng.randint(3, 40) if linked else self.rng.randint(1, 6)
            backers = self.rng.sample(self.volunteer_ids, count)
            concerns.append({
                "id": i, "org_id": 1, "author_id": backers[0], "title": f"{TOPICS[i % len(TOPICS)].capitalize()}"
                f" on street {i}", "description": "It keeps happening to us.", "tags": ["housing"],
                "status": "in_campaign" if linked else ("shared" if count >= 3 else "open"),
                "support_count": count, "shared_at": self.now - timedelta(days=30) if count >= 3 else None,
                "created_at": self.now - timedelta(days=self.rng.randint(30, 300)),
            })
            for user_id in backers:
                sid += 1
                supports.append({"id": sid, "concern_id": i, "user_id": user_id, "created_at": self.now})
            if linked:
                links.append({"campaign_id": i, "concern_id": i})
        self.counts["concerns"] = bulk(self.engine, m.Concern, concerns, n, "concerns")
        bulk(self.engine, m.ConcernSupport, supports, len(supports), "supports")
        bulk(self.engine, m.CampaignConcern, links, len(links), "campaign links")

    # intervention ---------------------------------------------------------------------------------------
    def actions_and_tasks(self) -> None:
        n, campaigns = self.sizes["actions"], self.sizes["campaigns"]
        actions = []
        for aid in range(1, n + 1):
            cid = 1 + (aid - 1) % campaigns
            start = datetime.combine(self.campaign_start[cid], datetime.min.time(), UTC) + timedelta(
                days=self.rng.randint(5, 200), hours=self.rng.choice([10, 14, 18]))
            self.action_start[aid] = start
            actions.append({
                "id": aid, "org_id": 1, "campaign_id": cid, "kind": ACTION_KINDS[aid % len(ACTION_KINDS)],
                "title": f"{ACTION_KINDS[aid % len(ACTION_KINDS)].replace('_', ' ').capitalize()} {aid}",
                "starts_at": start, "ends_at": start + timedelta(hours=2), "timezone": "Europe/London",
                "address": "Community Centre, 1 High Street", "checkin_code": f"B{aid:06d}",
                "created_at": self.now - timedelta(days=200),
            })
        self.counts["actions"] = bulk(self.engine, m.Action, actions, n, "actions")
        tid = 0
        for aid in range(1, n + 1):
            cid = 1 + (aid - 1) % campaigns
            for role in ("Stewards", "Note takers")[:TASKS_PER_ACTION]:
                tid += 1
                start = self.action_start[aid]
                self.task_rows.append({
                    "id": tid, "org_id": 1, "campaign_id": cid, "action_id": aid, "title": f"{role} for {aid}",
                    "starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": self.rng.randint(5, 60),
                    "taken": 0, "created_at": self.now - timedelta(days=200),
                })
        for cid in range(1, campaigns + 1):
            tid += 1
            self.task_rows.append({
                "id": tid, "org_id": 1, "campaign_id": cid, "action_id": None, "title": "Write a letter",
                "starts_at": None, "ends_at": None, "capacity": 500, "taken": 0,
                "created_at": self.now - timedelta(days=200),
            })

    def signups(self) -> None:
        """Sign-ups spread over tasks, the hot campaign (1) getting a share proportional to its size."""
        n = self.sizes["signups"]
        tasks = self.task_rows
        weights = [3.0 if t["campaign_id"] == 1 else 1.0 for t in tasks]  # one busy campaign
        per_task = defaultdict(int)
        for t in self.rng.choices(range(len(tasks)), weights=weights, k=n):
            per_task[t] += 1
        self.hot_campaign = 1
        members: set[tuple[int, int]] = set()
        rows, events = [], []
        sid = 0
        for index, wanted in per_task.items():
            task = tasks[index]
            wanted = min(wanted, len(self.volunteer_ids))
            confirmed = 0
            anchor = task["starts_at"] or self.now
            for order, user_id in enumerate(self.rng.sample(self.volunteer_ids, wanted)):
                sid += 1
                queued = anchor - timedelta(days=30, minutes=-order)
                status = "confirmed" if confirmed < task["capacity"] else "waitlisted"
                cancelled = self.rng.random() < 0.08
                if cancelled:
                    status = "cancelled"
                elif status == "confirmed":
                    confirmed += 1
                past = task["starts_at"] is not None and task["starts_at"] < self.now
                rows.append({
                    "id": sid, "task_id": task["id"], "user_id": user_id, "status": status, "queued_at": queued,
                    "confirmed_at": queued if status == "confirmed" else None,
                    "cancelled_at": queued + timedelta(days=1) if cancelled else None,
                    "attendance": (("attended" if self.rng.random() < 0.8 else "absent")
                                   if past and status == "confirmed" else None),
                })
                kind = {"confirmed": "SignupConfirmed", "waitlisted": "SignupWaitlisted"}.get(status,
                                                                                             "SignupCancelled")
                events.append(self._event(kind, task["campaign_id"], "signup", sid, queued,
                                          {"task_id": task["id"]}))
                members.add((task["campaign_id"], user_id))
            task["taken"] = confirmed
        self.counts["tasks"] = bulk(self.engine, m.Task, tasks, len(tasks), "tasks")
        self.counts["signups"] = bulk(self.engine, m.Signup, rows, len(rows), "sign-ups")
        bulk(self.engine, m.EventRecord, events, len(events), "sign-up events")
        member_rows = []
        for cid, user_id in sorted(members):
            member_rows.append({"id": self.next_member_id, "campaign_id": cid, "user_id": user_id,
                                "role": "member", "joined_at": self.now})
            self.next_member_id += 1
        bulk(self.engine, m.CampaignMember, member_rows, len(member_rows), "campaign members")

    def contributions(self) -> None:
        """Contributions with their events (logged; verified for most), written side by side in chunks."""
        n = self.sizes["contributions"]
        goals = self.goal_rows
        verified_by_day: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
        current: dict[int, float] = defaultdict(float)
        events: list[dict] = []
        event_bar = Progress("events", n * 2, quiet=True)  # written between chunks of contributions

        def rows():
            for cid in range(1, n + 1):
                goal = goals[self.rng.randrange(len(goals))]
                start = self.campaign_start[goal["campaign_id"]]
                created = datetime.combine(start, datetime.min.time(), UTC) + timedelta(
                    minutes=self.rng.randint(0, max((self.now.date() - start).days, 1) * 1440 - 1))
                roll = self.rng.random()
                status = "verified" if roll < 0.85 else "pending" if roll < 0.95 else "rejected"
                hours = goal["unit"] == "hours"
                amount = float(self.rng.randint(1, 4) if hours else self.rng.randint(1, 20))
                payload = {"goal_id": goal["id"], "amount": amount}
                events.append(self._event("ContributionLogged", goal["campaign_id"], "contribution", cid, created,
                                          payload))
                if status == "verified":
                    current[goal["id"]] += amount
                    verified_by_day[goal["id"]][created.date()] += amount
                    events.append(self._event("ContributionVerified", goal["campaign_id"], "contribution", cid,
                                              created + timedelta(hours=6), payload))
                if len(events) >= CHUNK:  # between chunks of contributions, no transaction is open
                    flush(self.engine, m.EventRecord, events, event_bar)
                    events.clear()
                yield {
                    "id": cid, "org_id": 1, "campaign_id": goal["campaign_id"], "goal_id": goal["id"],
                    "user_id": self.rng.choice(self.volunteer_ids), "amount": amount,
                    "hours": amount if hours else 0.0, "status": status, "counted": status == "verified",
                    "reviewed_by_id": 1 if status != "pending" else None,
                    "reviewed_at": created + timedelta(hours=6) if status != "pending" else None,
                    "created_at": created,
                }

        self.counts["contributions"] = bulk(self.engine, m.Contribution, rows(), n, "contributions")
        if events:
            flush(self.engine, m.EventRecord, events, event_bar)
        self._goals_and_progress(current, verified_by_day)

    def _goals_and_progress(self, current: dict, by_day: dict) -> None:
        progress_by_campaign: dict[int, list[float]] = defaultdict(list)
        snapshots = []
        snap_id = 0
        for goal in self.goal_rows:
            done = current.get(goal["id"], 0.0)
            goal["target"] = max(int(done * self.rng.uniform(0.8, 2.5)), 10)
            goal["current"] = done
            share = min(done / goal["target"], 1.0)
            goal["milestone_reached"] = max((p for p in (0, 25, 50, 75, 100) if share * 100 >= p), default=0)
            goal["achieved_at"] = self.now - timedelta(days=2) if share >= 1 else None
            progress_by_campaign[goal["campaign_id"]].append(share)
            total = 0.0
            day = self.campaign_start[goal["campaign_id"]]
            while day <= self.now.date():
                total += by_day[goal["id"]].get(day, 0.0)
                snap_id += 1
                snapshots.append({"id": snap_id, "goal_id": goal["id"], "day": day, "value": total})
                day += timedelta(days=1)
        self.counts["goals"] = len(self.goal_rows)
        bulk(self.engine, m.GoalSnapshot, snapshots, len(snapshots), "goal snapshots")
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE goal SET target = :target, current = :current, milestone_reached = :milestone,"
                              " achieved_at = :achieved WHERE id = :id"),
                         [{"id": g["id"], "target": g["target"], "current": g["current"],
                           "milestone": g["milestone_reached"], "achieved": g["achieved_at"]}
                          for g in self.goal_rows])
            for cid, shares in progress_by_campaign.items():
                conn.execute(text("UPDATE campaign SET progress = :p WHERE id = :id"),
                             {"p": sum(shares) / len(shares), "id": cid})

    def _event(self, kind: str, campaign_id: int, subject_type: str, subject_id: int, at: datetime,
               payload: dict) -> dict:
        self.counts["events"] = self.counts.get("events", 0) + 1
        return {"type": kind, "org_id": 1, "campaign_id": campaign_id, "subject_type": subject_type,
                "subject_id": subject_id, "payload": payload, "occurred_at": at}
