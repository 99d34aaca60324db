"""Logging: one line per record, timestamps in UTC with a Z (ASVS 7.1.3), and security events under
`campaigns.security` (written by services/audit.log, which never passes a secret)."""

from __future__ import annotations

import logging
import time

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class UTCFormatter(logging.Formatter):
    """ISO 8601 timestamps in UTC, whatever the server's time zone."""

    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


def init_app(app: Flask) -> None:
    """Like logging.basicConfig (nothing changes if the process already set up logging), but in UTC."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(UTCFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
