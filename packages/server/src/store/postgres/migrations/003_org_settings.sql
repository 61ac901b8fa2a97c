-- Per-org settings (plan, agent registration, redaction) as one JSON document (org-settings.ts).
ALTER TABLE orgs ADD COLUMN settings text NOT NULL DEFAULT '{}';
