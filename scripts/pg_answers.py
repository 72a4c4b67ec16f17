"""Exit 0 when a PostgreSQL server answers at the URL given, 1 otherwise."""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:  # any failure means "does not answer"
    print(f"PostgreSQL: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
