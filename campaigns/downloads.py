"""Files the app hands over for download, for pages and the API alike."""

from __future__ import annotations

from flask import Response


def csv_attachment(text: str, filename: str, *, private: bool = True) -> Response:
    """CSV text as a file to save; `private` (personal data) asks browsers and proxies to keep no copy."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "no-store"
    return Response(text, mimetype="text/csv", headers=headers)

#: what a volunteer's own history downloads as
HISTORY_CSV = "my-volunteering-history.csv"
