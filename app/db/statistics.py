"""Whether the query planner's statistics (sqlite_stat1) still describe the caseload.

The store once ran ANALYZE at every open; that rewrote the database file each time, so even
`fieldfolio learners` changed it, and a backup or sync tool saw a new file after every look.
Now ANALYZE runs only when a table's size has moved well away from what was recorded (or a
table with rows has none recorded), which is when a plan can go wrong (0.8 s instead of 45 ms
for the caseload's progress on 60 learners, without statistics).
"""
from __future__ import annotations

# Counting rows is cheap at caseload sizes; re-planning for a few rows either way is not worth
# rewriting the file for.
SLACK_ROWS = 20


def statistics_stale(conn) -> bool:
    recorded: dict[str, int] = {}
    try:
        for table, stat in conn.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1"):
            rows = int(str(stat).split()[0]) if stat else 0
            recorded[table] = max(rows, recorded.get(table, 0))
    except Exception:      # no sqlite_stat1 yet: never analysed
        return True
    tables = [name for (name,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]
    for table in tables:
        count = conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
        known = recorded.get(table)
        if known is None:
            if count > SLACK_ROWS:
                return True
        elif abs(count - known) > max(SLACK_ROWS, known // 2):
            return True
    return False
