"""The ceiling for benchmarks/web.py: a bare Flask hello-world, served by the same gunicorn.

gunicorn 'benchmarks.hello:app'
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The least a Flask view can do."""
    return "Hello, World!"
