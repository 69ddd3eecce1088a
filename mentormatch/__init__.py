"""MentorMatch: mentors and peers for medical students and junior doctors."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, headers and commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from mentormatch.core.config import load_config, warn_about_settings

    load_config(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    from mentormatch.core.logs import init_logging
    from mentormatch.core.metrics import init_metrics

    init_logging(app)
    warn_about_settings(app)
    init_metrics(app)  # first, so its clock starts before any other hook can answer (a 429, say)

    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind a proxy every request comes from the proxy's address: take the client's from
        # X-Forwarded-For, but only from as many proxies as are really there (else it's spoofable).
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=app.config["PROXY_FIX_X_PROTO"]
        )
    _init_extensions(app)
    from mentormatch.core.ids import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_blueprints(app)
    _connect_listeners()
    _init_templating(app)
    _register_mail_after_request(app)

    from mentormatch.core.pagecache import init_page_cache

    init_page_cache(app)
    from mentormatch.core.errors import (
        let_go_of_dropped_connections,
        register_error_handlers,
        retry_reads_once,
    )
    from mentormatch.core.security import init_security_headers
    from mentormatch.core.static import init_static

    register_error_handlers(app)
    retry_reads_once(app)
    let_go_of_dropped_connections(app)
    init_security_headers(app)
    init_static(app)
    _register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from mentormatch import models  # noqa: F401  (every table, for Alembic and create_all)
    from mentormatch.accounts.sessions import init_login
    from mentormatch.core import audit, changes, writes
    from mentormatch.core.extensions import csrf, db, limiter, migrate
    from mentormatch.profiles.people import SIGNED_IN_MEMBER

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app, load_options=SIGNED_IN_MEMBER)
    audit.install_guards()
    changes.install_flush_hook()
    writes.install_write_count()


def _register_blueprints(app: Flask) -> None:
    from mentormatch.web import (
        auth,
        checkins,
        connections,
        digests,
        events,
        helping,
        introductions,
        matching,
        meetings,
        mentoring,
        mentors,
        pages,
        profiles,
        questions,
        record,
        settings,
    )
    from mentormatch.web.admin import audit, importing, reports, rounds
    from mentormatch.web.admin import bp as admin_bp
    from mentormatch.web.admin import events as admin_events
    from mentormatch.web.admin import mentors as mentor_approval

    for module in (
        pages,
        auth,
        settings,
        profiles,
        helping,
        matching,
        mentoring,
        connections,
        meetings,
        record,
        checkins,
        questions,
        introductions,
        mentors,
        digests,
        events,
    ):
        app.register_blueprint(module.bp)
    # The admin pages attach themselves to one blueprint when imported (see web/admin/__init__.py).
    admin_modules = (importing, mentor_approval, audit, rounds, reports, admin_events)
    assert all(module.bp is admin_bp for module in admin_modules)
    app.register_blueprint(admin_bp)


def _connect_listeners() -> None:
    """Import the modules that react to a lower layer's signals (an account closing, its data
    downloaded, a mentor stopping, a career stage changing), so each is connected whatever the views
    happen to import. (Blinker calls receivers in no set order: none may depend on another.)"""
    from mentormatch.digests import privacy  # noqa: F401
    from mentormatch.matching import service  # noqa: F401
    from mentormatch.mentoring import closing, introductions, lists, near_peer, pairs  # noqa: F401
    from mentormatch.mentors import service as mentors_service  # noqa: F401
    from mentormatch.mentors import standing  # noqa: F401
    from mentormatch.profiles import service as profiles_service  # noqa: F401


def _init_templating(app: Flask) -> None:
    from mentormatch.core.templating import init_templating
    from mentormatch.mentoring import display

    # The mentoring area's helpers are registered here, where every layer is known, not by its views.
    init_templating(
        app,
        closes_in=display.closes_in,
        reach_of=display.reach_of,
        request_outcome=display.request_outcome,
        kind_labels=display.KIND_LABELS,
    )


def _register_mail_after_request(app: Flask) -> None:
    """In development, deliver queued email as soon as the response is sent."""
    if not app.config["MAIL_DELIVER_AFTER_REQUEST"]:
        return
    from mentormatch.core.mail.delivery import deliver_pending

    @app.after_request
    def deliver_after_response(response):
        if g.pop("mail_queued", False):
            delivered = False

            def deliver() -> None:
                nonlocal delivered
                if delivered:
                    return
                delivered = True
                # A fresh context: only what the request committed is delivered.
                with app.app_context():
                    deliver_pending()

            # Werkzeug's dev server skips close() when the browser resets the connection, as
            # Chromium does after a redirect: so also deliver once the whole body is written.
            response.response = _then(response.response, deliver)
            response.call_on_close(deliver)
        return response


def _then(body, callback):
    """The response body, then callback() once the server has taken all of it."""
    yield from body
    callback()


def _register_commands(app: Flask) -> None:
    from mentormatch.accounts.cli import users_cli
    from mentormatch.core.backup import backup_command
    from mentormatch.core.mail.cli import mail_cli
    from mentormatch.core.metrics import metrics_cli
    from mentormatch.demo.cli import seed_demo_command
    from mentormatch.digests.cli import digests_cli
    from mentormatch.events.cli import events_cli
    from mentormatch.importing.cli import import_users_command
    from mentormatch.matching.cli import matches_cli
    from mentormatch.mentoring.cli import requests_cli

    users_cli.add_command(import_users_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(metrics_cli)
    app.cli.add_command(matches_cli)
    app.cli.add_command(requests_cli)
    app.cli.add_command(digests_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(seed_demo_command)
    # Flask-Migrate's `db` group (added by migrate.init_app): the backup sits beside `db upgrade`.
    app.cli.commands["db"].add_command(backup_command)
