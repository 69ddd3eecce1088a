"""Prometheus metrics: requests, latency, the outbox, digest runs, matching refits and 503s.

Counters live in each process (in files under PROMETHEUS_MULTIPROC_DIR when it is set, so that
several gunicorn workers, and the cron commands, add up); the outbox's depth and age are read
from the database when Prometheus scrapes, in one query.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import click
from flask import Flask, Response, abort, current_app, g, request
from flask.cli import AppGroup
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from mentormatch.core.database import utcnow
from mentormatch.core.errors import DATABASE_AWAY
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage

# Labels take only these (and "other"): a label value per made-up method would grow without end.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "mentormatch_http_requests",
    "Responses sent, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "mentormatch_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DATABASE_UNAVAILABLE = Counter(
    "mentormatch_database_unavailable_responses", "503 pages served because the database was away."
)
DIGEST_RUNS = Counter("mentormatch_digest_runs", "Digest runs (`digests send`), by outcome.", ["outcome"])
MATCHING_REFITS = Counter(
    "mentormatch_matching_refits", "Matching engines fitted from every profile, by reason.", ["reason"]
)


class OutboxCollector:
    """The outbox's queue, read at scrape time: how many wait, and for how long the oldest has."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("mentormatch_database_up", "1 when the scrape could read the database.")
        waiting = select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
        )
        with self.app.app_context():
            try:
                queued, oldest = db.session.execute(waiting).one()
            except DATABASE_AWAY:
                up.add_metric([], 0)
                yield up
                return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "mentormatch_outbox_queued_messages", "Emails waiting to be delivered.", value=queued
        )
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "mentormatch_outbox_oldest_queued_age_seconds",
            "How long the oldest waiting email has waited (0 when none waits).",
            value=max(age, 0.0),
        )


class _Scrape:
    """What one scrape exposes: this process's metrics (or every process's), then the outbox."""

    def __init__(self, *collectors) -> None:
        self.collectors = collectors

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def exposition(app: Flask) -> bytes:
    """The metrics in Prometheus's text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)  # every worker's files, dead ones' counters too
    else:
        processes = REGISTRY
    return generate_latest(_Scrape(processes, OutboxCollector(app)))


def init_metrics(app: Flask) -> None:
    """Count and time every request; serve /metrics to a scraper with METRICS_TOKEN, else 404."""

    @app.before_request
    def start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count_response(response: Response) -> Response:
        endpoint = request.endpoint or "unmatched"  # unknown paths share one label, not one each
        method = request.method if request.method in METHODS else "other"  # any token is a method
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        if g.get("database_unavailable"):
            DATABASE_UNAVAILABLE.inc()
        if "metrics_started" in g:
            LATENCY.labels(endpoint).observe(time.perf_counter() - g.metrics_started)
        return response

    def metrics() -> Response:
        """Prometheus's scrape: only with the Bearer METRICS_TOKEN; 404 when no token is set."""
        token = app.config["METRICS_TOKEN"]
        if not token:
            abort(404)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), str(token).encode()):
            return Response("A valid token is needed.\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'})
        return Response(exposition(app), content_type=CONTENT_TYPE_LATEST)

    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])


metrics_cli = AppGroup("metrics", help="Prometheus metrics.")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # a scrape every 15 s is no news
        pass


@metrics_cli.command("serve")
@click.option("--bind", default="127.0.0.1:9100", show_default=True, help="HOST:PORT to listen on.")
def serve_command(bind: str) -> None:
    """Serve every worker's metrics at http://BIND/metrics, apart from the site (no token needed)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        raise click.ClickException(
            "metrics serve reads the web workers' metrics from PROMETHEUS_MULTIPROC_DIR: "
            "set it to the same folder for gunicorn and for this command"
        )
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("give HOST:PORT, e.g. 127.0.0.1:9100", param_hint="--bind")
    app = current_app._get_current_object()

    def scrape(environ, start_response):
        if environ["PATH_INFO"] != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not found: the metrics are at /metrics\n"]
        body = exposition(app)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
        return [body]

    server = make_server(host, int(port), scrape, handler_class=_QuietHandler)
    click.echo(f"Serving metrics at http://{host}:{server.server_port}/metrics", err=True)
    server.serve_forever()
