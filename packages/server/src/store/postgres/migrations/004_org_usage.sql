-- Events received per org and UTC calendar month ('YYYY-MM'): the plan's monthly log limit
-- (plan-gate.ts) reads one row. The append transaction adds each batch's new events (duplicates by
-- id are not counted); deleting events gives nothing back, since usage is what was consumed.
CREATE TABLE org_usage (
  org_id  text NOT NULL,
  month   text NOT NULL,
  events  bigint NOT NULL,
  PRIMARY KEY (org_id, month)
);

-- An existing database starts with the current month counted from what it holds (one scan, once).
-- Earlier months are not backfilled: no limit reads them, and deleted events would make them wrong.
-- Events appended meanwhile by servers still running the previous version are not counted.
INSERT INTO org_usage (org_id, month, events)
  SELECT org_id, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM'), count(*) FROM events
  WHERE received_at >= (extract(epoch FROM date_trunc('month', now() AT TIME ZONE 'UTC')) * 1000)::bigint
    AND received_at < (extract(epoch FROM date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month') * 1000)::bigint
  GROUP BY org_id;
