"""Campaigns: an event-driven advocacy campaign coordinator for the Social Action Model."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from campaigns import settings

PACKAGE_DIR = Path(__file__).resolve().parent


def templates_folder() -> Path:
    """The pages' templates: the repository's top-level templates/ in a checkout (and an editable install), which
    the wheel ships as the subpackage campaigns.templates (pyproject: package-dir)."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


def create_app(config: settings.Config | str | None = None, *, web: bool = True, **overrides) -> Flask:
    """Build the app. The only place an app is made; nothing here starts a scheduler.

    `web=False` builds the scheduler process's app: the same configuration, database, translations and
    templates, but no API (nor its OpenAPI document) and, of the pages, only those its messages link to.
    """
    app = Flask(
        __name__,
        template_folder=str(templates_folder()),
        static_folder=str(PACKAGE_DIR / "static"),
        instance_relative_config=True,
    )
    cfg = config if isinstance(config, settings.Config) else settings.load(config)
    for name, value in overrides.items():
        setattr(cfg, name, value)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    cfg.finalise(app.instance_path)
    app.config.from_object(cfg)

    from campaigns import api, auth, bootstrap, cli, db, i18n, limits, logs, security_headers
    from campaigns import web as pages
    from campaigns.extensions import csrf

    bootstrap.wire(app)
    logs.init_app(app)
    limits.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app, current_user=auth.current_user, is_api_request=auth.is_api_request)
    auth.init_app(app)
    security_headers.init_app(app)
    if web:
        api.init_app(app)
    pages.init_app(app, blueprints=pages.BLUEPRINTS if web else pages.LINKED_FROM_MESSAGES)
    cli.init_app(app)
    return app
