"""Several outbox workers at once never send a message twice or lose one.

Runs on every database. On PostgreSQL the workers really claim in parallel (FOR UPDATE SKIP LOCKED);
SQLite serialises the writers, which must give the same result.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.mail.delivery import DeliveryReport, deliver_pending
from tests.helpers import outbox
from tests.smtp_server import smtp_settings

MESSAGES = 60
WORKERS = 4
BATCH = 5


@pytest.fixture
def app_config(smtp_server):
    return smtp_settings(smtp_server, MAIL_TIMEOUT=10)


def test_parallel_workers_deliver_each_message_exactly_once(app, smtp_server, database_url_kind):
    with app.app_context():
        ids = [
            send_email(f"user{n}@example.org", "email_in_use", f"Message {n}").message_id
            for n in range(MESSAGES)
        ]
        db.session.commit()

    barrier = threading.Barrier(WORKERS, timeout=30)
    reports: list[list[DeliveryReport]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                while True:
                    report = deliver_pending(limit=BATCH)
                    if not (report.sent or report.retrying or report.failed):
                        return  # nothing left that another worker has not claimed
                    reports[n].append(report)
        except BaseException as error:  # reported below rather than lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,), name=f"mail-worker-{n}") for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread.name for thread in threads if thread.is_alive()], "a worker is stuck"
    assert errors == []

    batches = [report for worker_reports in reports for report in worker_reports]
    assert all(1 <= report.sent <= BATCH for report in batches), batches  # no batch over its limit
    assert all(report.retrying == report.failed == 0 for report in batches), batches
    assert sum(report.sent for report in batches) == MESSAGES

    received = Counter(item.message["Message-ID"] for item in smtp_server.received)
    assert received == Counter(ids)  # every message exactly once: none twice, none lost
    assert max(received.values()) == 1
    rows = outbox(app)
    assert len(rows) == MESSAGES
    assert all(row.status == "sent" and row.attempts == 0 and row.claim_token is None for row in rows)
