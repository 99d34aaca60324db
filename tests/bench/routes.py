"""Which URLs the benchmarks hit, read from the app's own URL map (so they follow the features as they land)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from campaigns import create_app


@dataclass
class Routes:
    dashboard_page: str | None  #: the campaign dashboard: progress, burn-up, outcomes, activity (cookie login)
    campaign_page: str | None  #: the campaign's own page, where its team works on it (cookie login)
    campaign_api: str | None  #: GET one campaign in the API (bearer token)
    signup_api: str | None  #: POST a sign-up to a task in the API
    #: the campaign workspace's sections (key → rule), in the app's own order (overview is the campaign page)
    sections: dict[str, str] = field(default_factory=dict)
    public_campaign: str | None = None  #: a public campaign's page, no login
    public_action: str | None = None  #: a public action's page, no login

    def dashboard(self, *, campaign_id: int) -> str | None:
        return _fill(self.dashboard_page, campaign_id=campaign_id)

    def page(self, *, slug: str, campaign_id: int) -> str | None:
        return _fill(self.campaign_page, slug=slug, campaign_id=campaign_id)

    def api(self, *, campaign_id: int) -> str | None:
        return _fill(self.campaign_api, campaign_id=campaign_id)

    def signup(self, *, task_id: int) -> str | None:
        return _fill(self.signup_api, task_id=task_id)

    def section(self, key: str, *, campaign_id: int) -> str | None:
        return _fill(self.sections.get(key), campaign_id=campaign_id)


def discover(database_url: str) -> Routes:
    app = create_app("testing", DATABASE_URL=database_url, MAIL_FOLDER="/tmp/campaigns-bench-mail")
    rules = [(r.rule, r.methods or set()) for r in app.url_map.iter_rules()]
    by_endpoint = {r.endpoint: r.rule for r in app.url_map.iter_rules()}
    from campaigns.services.campaign_workspace import SECTIONS
    from campaigns.web.campaigns import SECTION_ENDPOINTS
    app.extensions["campaigns.engine"].dispose()

    def pick(pattern: str, method: str) -> str | None:
        found = sorted((rule for rule, methods in rules if method in methods and re.fullmatch(pattern, rule)),
                       key=len)
        return found[0] if found else None

    return Routes(
        dashboard_page=pick(r"/campaigns/<int:campaign_id>/progress", "GET"),
        campaign_page=pick(r"/(o/<[^>]*slug>/)?campaigns/<int:campaign_id>/?", "GET"),
        campaign_api=pick(r"/api/v1/campaigns/<int:campaign_id>", "GET"),
        signup_api=pick(r"/api/v1/tasks/<int:task_id>/(signups|sign-ups|signup)", "POST"),
        sections={key: by_endpoint[SECTION_ENDPOINTS[key]] for key, _ in SECTIONS
                  if SECTION_ENDPOINTS.get(key) in by_endpoint},
        public_campaign=pick(r"/p/<int:campaign_id>", "GET"),
        public_action=pick(r"/p/actions/<int:action_id>", "GET"),
    )


def _fill(rule: str | None, **values) -> str | None:
    if rule is None:
        return None
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
