"""The app served for real on loopback, and what a journey test does to it directly: arrange rows, read mail,
move time, run the scheduler's jobs in-process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from campaigns import clock
from campaigns.db import session_scope
from tests import factories


@dataclass
class LiveApp:
    app: object
    url: str
    mail_folder: Path

    @contextmanager
    def session(self) -> Iterator:
        """A session for arranging and checking state directly (committed, so the server sees it)."""
        with self.app.app_context(), session_scope() as s:
            yield s

    def make_user(self, **fields):
        with self.session() as s:
            return factories.user_factory(s)(**fields)

    def make_org(self, **fields):
        with self.session() as s:
            return factories.org_factory(s)(**fields)

    def people(self) -> factories.People:
        with self.session() as s:
            org = factories.org_factory(s)()
            return factories.people(org, factories.user_factory(s), factories.org_factory(s))

    def make_campaign(self, org, **overrides):
        """A campaign row (intervention stage unless overridden): journeys that start after the launch."""
        with self.session() as s:
            return factories.campaign_factory(s, org)(**{"stage": "intervention", **overrides})

    def make_goal(self, campaign, **overrides):
        with self.session() as s:
            return factories.goal_factory(s)(**{"campaign_id": campaign.id, **overrides})

    def make_action(self, campaign, **overrides):
        with self.session() as s:
            return factories.action_factory(s, campaign_org(s, campaign))(**{"campaign_id": campaign.id, **overrides})

    def make_task(self, campaign, **overrides):
        with self.session() as s:
            return factories.task_factory(s, campaign_org(s, campaign))(**{"campaign_id": campaign.id, **overrides})

    def mails(self, to: str | None = None) -> list:
        """Mails written to the mail folder so far (optionally only those to `to`)."""
        with self.app.app_context():
            found = factories.mailbox(self.app)()
        return [m for m in found if to is None or to in str(m["To"])]

    def texts(self, to: str | None = None) -> list[dict]:
        """Texts written to the SMS folder so far, oldest first (optionally only those to `to`)."""
        from campaigns.nudges.channels import sms

        with self.app.app_context():
            found = list(reversed(sms.folder_texts()))
        return [t for t in found if to is None or t["to"] == to]

    def travel(self, moment: datetime) -> None:
        """Move the app's time to `moment` and keep it there (the server thread shares the clock). Logins made
        before expire like real ones would; the root conftest lets time run freely again after the test."""
        clock.pin(moment)

    def dispatch(self) -> int:
        """Run the scheduler's nudge delivery once, in-process, at the app's current time."""
        from campaigns import jobs

        chosen = [job for job in jobs.JOBS if _is_delivery(job)]
        if not chosen:
            pytest.fail("no nudge delivery job in campaigns.jobs.JOBS yet (the nudges feature)", pytrace=False)
        with self.app.app_context():
            return sum(_run_job(job) or 0 for job in chosen)

    def run_job(self, job_id: str, at: datetime | None = None):
        """Run one of the scheduler's periodic jobs once, in-process (as if at `at`, then time runs on)."""
        from campaigns import jobs

        job = next((j for j in jobs.JOBS if j.id == job_id), None)
        if job is None:
            pytest.fail(f"no job {job_id!r} in campaigns.jobs.JOBS", pytrace=False)
        try:
            if at is not None:
                clock.pin(at)
            with self.app.app_context():
                return _run_job(job)
        finally:
            if at is not None:
                clock.pin(None)


def campaign_org(session, campaign):
    from campaigns.domain.model import Organisation

    return session.get(Organisation, campaign.org_id)


def _is_delivery(job) -> bool:
    """The job that sends due nudges (the scheduler's delivery tick)."""
    return job.func.__name__ == "dispatch_due"


def _run_job(job):
    with session_scope() as session:
        return job.func(session)
