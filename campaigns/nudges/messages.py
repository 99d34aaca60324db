"""What a nudge says: a title, a few warm plain sentences, why it was sent, and where to go. Rendered at send
time from the nudge's kind and payload, in the recipient's language and time zone. No guilt, ever."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_translations, gettext

from campaigns.i18n import local_moment, percent
from campaigns.nudges.dispatch.checks import Person
from campaigns.nudges.links import external, path  # noqa: F401 (channels build their links as messages.external)


@dataclass
class Message:
    title: str
    body: str
    why: str
    link: str | None = None  #: a path in the app
    #: (label, absolute URL) buttons for email (one-click confirm and cancel)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  #: a digest's items


def when(payload: dict, person: Person, key: str = "at") -> str:
    """The payload's moment as the person's wall-clock time, with their zone."""
    raw = payload.get(key)
    if not raw:
        return ""
    return f"{local_moment(datetime.fromisoformat(raw), person.timezone, 'day')} ({person.timezone})"


def _subject_link(payload: dict) -> str | None:
    """The page about the nudge's subject, where the feature that owns it has one."""
    for endpoint, key in (("volunteering.action_page", "action_id"), ("volunteering.task_page", "task_id"),
                          ("campaigns.show", "campaign_id")):
        if payload.get(key):
            found = path(endpoint, **{key: payload[key]})
            if found:
                return found
    return None


def _why(kind: str, payload: dict, _) -> str:
    title = payload.get("title", "")
    audience = payload.get("audience")
    if kind == "digest":
        return _("You're getting this because you chose to have your messages gathered into a digest.")
    if kind == "coordinator_digest":
        return _("You're getting this because you coordinate campaigns in this group.")
    reasons = {
        "confirmed": lambda: _("You're getting this because you signed up for %(title)s.", title=title),
        "waitlisted": lambda: _("You're getting this because you're on the waiting list for %(title)s.",
                                title=title),
        "members_without_signup": lambda: _("You're getting this because you're a member of this campaign."),
        "coordinators": lambda: _("You're getting this because you coordinate this campaign."),
        "consenting_workers": lambda: _("You're getting this because a client you support asked you to help "
                                        "with their sign-ups."),
        "recorded": lambda: _("You're getting this because you had a place for %(title)s.", title=title),
        "guest_request": lambda: _("You're getting this because someone, we hope you, asked for a place at "
                                   "%(title)s on its public page. If it wasn't you, ignore this: nothing happens "
                                   "without the code.", title=title),
    }
    found = reasons.get(audience)
    return found() if found else _("You're getting this because you're a member of this group.")


def translator():
    """gettext for the current locale, remembering each translation (a batch renders thousands of messages)."""
    translations = get_translations()
    known: dict[str, str] = {}

    def gettext(text: str, **variables) -> str:
        if text not in known:
            known[text] = translations.ugettext(text)
        return known[text] % variables if variables else known[text]

    return gettext


def render(nudge, person: Person, _=gettext, *, buttons: bool = True) -> Message:
    """The message for one nudge row (any object with kind, payload, subject_type, subject_id)."""
    payload = nudge.payload or {}
    title, body = _words(nudge.kind, payload, person, _)
    link = payload.get("link") or _subject_link(payload) or "/inbox"
    message = Message(title=title, body=body, why=_why(nudge.kind, payload, _), link=link,
                      lines=list(payload.get("lines", [])))
    if buttons:
        from campaigns.nudges import oneclick

        message.buttons = oneclick.buttons(person_id=person.id, kind=nudge.kind, payload=payload)
    return message


def _words(kind: str, p: dict, person: Person, _) -> tuple[str, str]:
    t, at = p.get("title", ""), when(p, person)
    n = percent(p["percent"] / 100) if isinstance(p.get("percent"), int | float) else ""
    starts = when(p, person, "starts")  # a confirmation names when the place begins
    words = {
        "signup_confirmed": lambda: (
            _("You're signed up: %(t)s", t=t),
            _("Thank you for signing up for %(t)s%(at)s. If plans change, you can cancel at any time with one "
              "click, no questions asked.", t=t, at=_on(starts))),
        "signup_waitlisted": lambda: (
            _("You're on the waiting list for %(t)s", t=t),
            _("Thank you! %(t)s is full for now. If a place opens up it's yours automatically, and we'll tell you "
              "straight away.", t=t)),
        "signup_promoted": lambda: (
            _("A place opened up: you're in for %(t)s", t=t),
            _("Good news: you now have a place for %(t)s%(at)s. If it no longer suits you, cancelling takes one "
              "click.", t=t, at=_on(starts))),
        "day_before": lambda: (
            _("Tomorrow: %(t)s", t=t),
            _("A friendly reminder that %(t)s is %(at)s. Still coming? One click lets the team know. If you can't "
              "make it after all, that's okay: cancelling frees your place for someone else.", t=t, at=at)),
        "two_hours_before": lambda: (
            _("Starting soon: %(t)s", t=t),
            _("%(t)s starts %(at)s. See you there! If something has come up, that's fine.", t=t, at=at)),
        "after_action": lambda: (
            _("How did %(t)s go?", t=t),
            _("Thank you for being part of %(t)s. If you'd like, log what you did (letters, signatures, hours) so "
              "it counts toward the goal, and jot down a private reflection: only you will see it.", t=t)),
        "task_deadline": lambda: (
            _("%(t)s is due in two days", t=t),
            _("A gentle heads-up: %(t)s is due %(at)s. If you need a hand or more time, your coordinator will be "
              "glad to hear from you.", t=t, at=at)),
        "unfilled_tasks": lambda: (
            _("%(t)s still has places", t=t),
            _("%(t)s, %(at)s, could use a few more people. If you can join, you'd be very welcome; if not, no "
              "problem at all.", t=t, at=at)),
        "reminder": lambda: (_("Reminder: %(t)s", t=t), _("This is a reminder about %(t)s%(at)s.", t=t, at=_on(at))),
        "capacity_alert": lambda: (_("%(t)s is %(n)s full", t=t, n=n),
                                   _("%(t)s has filled %(n)s of its places.", t=t, n=n)),
        "goal_milestone": lambda: (
            _("%(t)s reached %(n)s", t=t, n=n),
            _("The goal %(t)s has reached %(n)s of its target. Well done, everyone.", t=t, n=n)),
        "campaign_stalled": lambda: (
            _("%(t)s has been quiet for a while", t=t),
            _("Nothing has happened in %(t)s for %(n)s days. Maybe a good moment to check in with the team or plan "
              "a small next step.", t=t, n=p.get("days", 14))),
        "action_moved": lambda: (
            _("%(t)s has moved", t=t),
            _("%(t)s now starts %(at)s. Your place is kept. If the new time doesn't work for you, you can cancel "
              "with one click.", t=t, at=at)),
        "action_cancelled": lambda: (
            _("%(t)s is cancelled", t=t),
            _("Sorry for the change of plans: %(t)s will not take place. There is nothing you need to do.", t=t)),
        "guest_confirmation": lambda: _guest_confirmation(p, _),
        "sms_budget": lambda: (
            _("The group is running low on texts"),
            _("%(t)s has used %(n)s%% of its texts for this month.", t=t, n=n)),
        "digest": lambda: (_("Your digest"), _("Here is what happened since your last digest.")),
        "coordinator_digest": lambda: (_("Your Monday summary"), _("Here is how your campaigns are doing this week.")),
    }
    found = words.get(kind)
    return found() if found else (_about(p, p.get("subject") or p.get("title") or _("A message for you"), _),
                                  p.get("body", ""))


def _about(p: dict, title: str, _) -> str:
    """A message written by a person or a feature, named by what it is about: "Town hall: Before the meeting"."""
    return _("%(about)s: %(title)s", about=p["about"], title=title) if p.get("about") else title


def _guest_code(p: dict) -> str:
    from campaigns.services.guests import confirmation_code

    return confirmation_code(p["signup_id"], datetime.fromisoformat(p["hold"]), p.get("via", "email"))


def _guest_confirmation(p: dict, _) -> tuple[str, str]:
    from campaigns.nudges.planning.guests import guest_link
    from campaigns.services.guests import confirmation_code

    code = confirmation_code(p["signup_id"], datetime.fromisoformat(p["hold"]), p.get("via", "email"))
    link = guest_link(p, "guest_confirmation") or ""
    return (_("Your code: %(code)s", code=code),
            _("To confirm your place at %(t)s, enter the code %(code)s or open %(link)s . Until then no place is "
              "kept for you.", t=p.get("title", ""), code=code, link=link))


def _on(at: str) -> str:
    # `at` already ends with its zone in brackets: a comma, not another pair of brackets
    return f", {at}" if at else ""


# -- texts ------------------------------------------------------------------------------------------------------
def short_when(payload: dict, person: Person, key: str = "at") -> str:
    """The payload's moment in few characters, for a text: "Tue 11 Mar 18:00" in the person's zone."""
    raw = payload.get(key)
    if not raw:
        return ""
    return local_moment(datetime.fromisoformat(raw), person.timezone, "text")


def text_words(nudge, person: Person, group: str | None, _=gettext) -> str:
    """What a nudge says as a text: the group's name, then one or two short sentences (the link and how to
    stop come after, see services/sms.compose). Written to fit two GSM-7 segments with a title of ~60
    characters; a longer title is shortened."""
    p = nudge.payload or {}
    t, at = p.get("title", ""), short_when(p, person)
    words = {
        "signup_confirmed": lambda: _("You're signed up: %(t)s, %(at)s. Reply NO to cancel.", t=t, at=at),
        "signup_promoted": lambda: _("A place opened up: you're in for %(t)s, %(at)s. Reply NO if it no longer "
                                     "suits you.", t=t, at=at),
        "signup_waitlisted": lambda: _("You're on the waiting list for %(t)s. We'll text you if a place opens.",
                                       t=t),
        "day_before": lambda: _("Tomorrow: %(t)s, %(at)s. Reply YES if you're coming, NO if you can't make it.",
                                t=t, at=at),
        "two_hours_before": lambda: _("Starting soon: %(t)s, %(at)s. See you there!", t=t, at=at),
        "task_deadline": lambda: _("%(t)s is due %(at)s.", t=t, at=at),
        "action_moved": lambda: _("%(t)s has moved: now %(at)s. Your place is kept. Reply NO to cancel.",
                                  t=t, at=at),
        "action_cancelled": lambda: _("%(t)s is cancelled. There is nothing you need to do.", t=t),
        "guest_confirmation": lambda: _("Your code for %(t)s is %(code)s. No place is kept until you confirm.",
                                        t=t, code=_guest_code(p)),
    }
    found = words.get(nudge.kind)
    said = found() if found else render(nudge, person, _, buttons=False).title
    return f"{group}: {said}" if group else said
