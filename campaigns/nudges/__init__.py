"""Nudges: reminders, confirmations, digests and webhook deliveries — planned as rows, sent later with care.

The public face is the handful of names below; other features reach nudges only through it and through the event →
handlers map (services/messagebus.py). Inside, grouped by job:

- planning/   which nudges a target needs: rules.py (kinds, built-in rules; pure), audiences.py, planner.py,
              reminders.py (a campaign's rules and their defaults), digests.py, handlers.py (events → plans),
              guests.py (nudges for guests without an account)
- outbox.py   the rows: NudgeSpec, planning with a dedupe key, skipping, dead letters
- dispatch/   dispatcher.py (claims due rows under a lease and sends them), checks.py and care.py (the care rules,
              decided again at the moment of sending; care.py is one pure function)
- messages.py the texts of every nudge, rendered in the recipient's language
- channels/   in-app, email, webhook and SMS senders
- inbox.py, settings.py, oneclick.py, mail.py   the in-app inbox, a person's notification settings, signed
              one-click links, transactional mail

Channels are chosen in one place, campaigns/bootstrap.py (the composition root), which hands them to the dispatcher.
"""

from campaigns.nudges import inbox, mail, oneclick, settings
from campaigns.nudges.dispatch.dispatcher import dispatch_due, recover_leases, stopping
from campaigns.nudges.outbox import NudgeSpec, plan, plan_many
from campaigns.nudges.planning import reminders, rules
from campaigns.nudges.planning.digests import build_coordinator_digests, build_digests
from campaigns.nudges.planning.planner import plan_target as plan_for_target
from campaigns.nudges.planning.planner import sweep

#: the modules other features may use as they are: use cases (the inbox, a person's settings, a campaign's reminder
#: rules, one-click links, transactional mail) and the pure vocabulary of kinds and channels (rules); everything
#: else inside is the package's own (tests/test_architecture.py)
PUBLIC_MODULES = ("inbox", "mail", "oneclick", "planning.reminders", "planning.rules", "settings")

__all__ = ["NudgeSpec", "build_coordinator_digests", "build_digests", "dispatch_due", "inbox", "mail", "oneclick",
           "plan", "plan_for_target", "plan_many", "recover_leases", "reminders", "rules", "settings", "stopping",
           "sweep"]
