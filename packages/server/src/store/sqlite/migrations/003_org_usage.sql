-- Events received per org and UTC calendar month ('YYYY-MM'): the plan's monthly log limit
-- (plan-gate.ts) reads one row. The append transaction adds each batch's new events (duplicates by
-- id are not counted); deleting events gives nothing back, since usage is what was consumed.
CREATE TABLE org_usage (
  org_id  TEXT NOT NULL,
  month   TEXT NOT NULL,
  events  INTEGER NOT NULL,
  PRIMARY KEY (org_id, month)
) STRICT, WITHOUT ROWID;

-- An existing database starts with the current month counted from what it holds (one scan, once).
-- Earlier months are not backfilled: no limit reads them, and deleted events would make them wrong.
INSERT INTO org_usage (org_id, month, events)
  SELECT org_id, strftime('%Y-%m', 'now'), count(*) FROM events
  WHERE received_at >= CAST(strftime('%s', 'now', 'start of month') AS INTEGER) * 1000
    AND received_at < CAST(strftime('%s', 'now', 'start of month', '+1 month') AS INTEGER) * 1000
  GROUP BY org_id;
