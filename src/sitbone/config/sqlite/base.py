"""Django's SQLite backend, plus `PRAGMA optimize` as each connection closes.

SQLite gathers no planner statistics by itself. Without them it guesses, and on a clinic of two
thousand patients it walks the whole clinic to find one clinician's caseload (the triage list's
queries took twice as long). `PRAGMA optimize` analyses only the tables this connection read that
have never been analysed or have grown many times over since, and does nothing otherwise; SQLite
recommends it before a long-lived connection closes. Server connections live ten minutes, so a
table is looked at by each thread at most that often.
"""

from __future__ import annotations

import logging
import sqlite3

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    def close(self) -> None:
        self.validate_thread_sharing()  # before touching the connection, as Django's close does
        if self.connection is not None and not self.in_atomic_block and not self.is_in_memory_db():
            try:
                # 1,000 rows sampled per index: enough for the planner, and quick on a large
                # table (a full ANALYZE reads every row)
                self.connection.execute("PRAGMA analysis_limit=1000")
                self.connection.execute("PRAGMA optimize")
            except sqlite3.Error as error:  # the statistics can wait for the next close
                logger.warning("PRAGMA optimize failed: %s", error)
        super().close()
