"""Channels (in-app, email, webhook, sms) and the dispatcher that sends nudges through them."""


class Undeliverable(Exception):
    """A channel found at send time that this message must not go (the number replied STOP, the group's text
    budget is spent): the nudge is skipped with this reason, never retried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
