"""32 guests ask for and confirm 10 places at once, each in its own thread, session and connection, on
PostgreSQL: the confirmations go through the members' conditional seat UPDATE, so exactly 10 get a place."""

import pytest
from sqlmodel import col, select

from campaigns.domain.model import Signup, Task
from campaigns.services import guests
from tests.services.test_volunteering_capacity import _all_at_once

GUESTS, SEATS = 32, 10


@pytest.mark.postgres_only
def test_32_guests_confirming_at_once_get_exactly_10_places_and_the_rest_wait_in_order(
        app, session, people, make_action, make_task):
    task = make_task(action_id=make_action(public=True).id, capacity=SEATS)

    def ask_and_confirm(s, n):
        answer = guests.request_signup(s, guests.Request(task_id=task.id, display_name=f"Guest {n}",
                                                         email=f"guest{n}@example.net", channels=("email",)),
                                       ip=f"198.51.100.{n}")
        signup = s.get(Signup, answer.signup_id)
        guests.confirm(s, signup_id=signup.id, code=guests.confirmation_code(signup.id, signup.hold_expires_at))

    assert _all_at_once(app, ask_and_confirm, list(range(GUESTS))) == []

    session.commit()
    everyone = list(session.exec(select(Signup).where(Signup.task_id == task.id)
                                 .order_by(col(Signup.queued_at), col(Signup.id))))
    statuses = [s.status for s in everyone]
    assert (statuses.count("confirmed"), statuses.count("waitlisted"), len(everyone)) == (SEATS, GUESTS - SEATS,
                                                                                          GUESTS)
    confirmed = [s for s in everyone if s.status == "confirmed"]
    waiting = [s for s in everyone if s.status == "waitlisted"]
    assert max(s.queued_at for s in confirmed) <= min(s.queued_at for s in waiting)
    assert session.get(Task, task.id, populate_existing=True).taken == SEATS
