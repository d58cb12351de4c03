"""How gunicorn serves Sitbone: `sitbone serve`, `make bench` and the crash test all start it
with ``-c python:sitbone.config.gunicorn`` (and their own ``--bind``).

Sync workers, one request per process at a time. A Sitbone request is Python work with a few
short database calls, so two threads in one process mostly wait for each other's GIL, and a
threaded worker takes new connections while both its threads are busy, queueing them behind
its own work although another process is idle. A sync worker accepts a connection only when it
is free. Measured with `make bench`'s design load (large set, SQLite, 200 users, one machine
within the hour, two runs each), p95 in ms, 3 workers × 2 threads against 3 sync workers:
clinician triage 160 and 200 against 110 and 140, clinician patient 170 and 190 against 91 and
140, patient today 99 and 110 against 67 and 82, log session 120 and 140 against 70 and 110.
Five sync workers on two cores were no better than threads (200, 180, 77, 120); two were as
good as three.

A sync worker is held by a client for as long as it takes to send its request and read the
answer, so in production gunicorn sits behind a reverse proxy that buffers both (the TLS
terminator Sitbone needs anyway: it serves HTTPS only); `sitbone serve` listens on 127.0.0.1.
A request still running after gunicorn's 30 s timeout is ended with its worker; the longest
Sitbone has, a PDF report, takes about a second.
"""

import os

worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
"""Three on two cores: one more than the cores, so that a request waiting on the database or
the mail server leaves a worker free; more only share the same cores."""

graceful_timeout = 10
