"""Two dispatchers texting for the same group at once, each in its own thread, session and connection, on
PostgreSQL: the budget check and the count of the text it allows are one step under the group's row lock, so
together they never send more segments than the month's budget."""

import threading
import time

import pytest
from sqlmodel import select

from campaigns.db import new_session
from campaigns.domain.model import TextMessage
from campaigns.nudges.channels import Undeliverable
from campaigns.services import sms

BUDGET, EACH = 11, 25  # odd: two in step would land on an even count


@pytest.mark.postgres_only
def test_two_dispatchers_racing_never_send_past_the_monthly_budget(app, session, org, monkeypatch):
    counted = sms.used_this_month

    def slow_count(s, group):  # widen the gap between reading the count and writing the text: the other
        used = counted(s, group)  # dispatcher gets there in between (without the lock, every time)
        time.sleep(0.01)
        return used

    monkeypatch.setattr(sms, "used_this_month", slow_count)
    org.sms_monthly_budget = BUDGET
    session.add(org)
    session.commit()
    barrier, sent, refused, errors = threading.Barrier(2), [], [], []

    def dispatcher(name):
        with app.app_context():
            s = new_session()
            try:
                barrier.wait(timeout=30)
                for i in range(EACH):
                    try:
                        sms.send(s, sms.Text(number=f"+4477009{i:05d}", words="Tenants: see you tomorrow",
                                             kind="day_before", org_id=org.id, key=f"{name}-{i}"))
                        sent.append(name)
                    except Undeliverable:
                        refused.append(name)
            except Exception as error:  # collected: the test asserts there were none
                errors.append(error)
            finally:
                s.close()

    threads = [threading.Thread(target=dispatcher, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    session.commit()
    assert (len(sent), len(refused)) == (BUDGET, 2 * EACH - BUDGET)
    assert sms.used_this_month(session, org) == BUDGET
    assert len(session.exec(select(TextMessage).where(TextMessage.org_id == org.id)).all()) == BUDGET
