-- Which events reference a system prompt: a delete removes the org's prompts that no remaining
-- event references (sqlite-delete.ts), one index seek per prompt the deleted events used.
CREATE INDEX events_org_prompt ON events(org_id, system_prompt_sha256) WHERE system_prompt_sha256 IS NOT NULL;
