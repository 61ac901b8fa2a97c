-- Paid logs over x402 (docs/x402.md). An org's offer: what one log costs and who settles it.
-- Addresses are stored in EIP-55 form, one spelling each, so the unique index holds a pay-to
-- address to one org per chain: a payment leads to exactly one org.
CREATE TABLE x402_offers (
  org_id              TEXT PRIMARY KEY,
  enabled             INTEGER NOT NULL,
  chain_id            INTEGER NOT NULL,
  pay_to              TEXT NOT NULL,
  asset               TEXT NOT NULL,
  asset_name          TEXT NOT NULL,
  asset_version       TEXT NOT NULL,
  price               TEXT NOT NULL,
  facilitator_url     TEXT NOT NULL,
  resource_url        TEXT,
  description         TEXT NOT NULL,
  max_timeout_seconds INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX x402_offers_pay_to ON x402_offers(chain_id, pay_to);

-- The payment ledger and replay guard: one row per EIP-3009 authorization, reserved before it is
-- settled (state settling), then settled (with the transaction) or refused (the nonce was used on
-- chain). A settlement that may be retried deletes its row.
CREATE TABLE x402_payments (
  org_id        TEXT NOT NULL,
  chain_id      INTEGER NOT NULL,
  asset         TEXT NOT NULL,
  payer         TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  pay_to        TEXT NOT NULL,
  amount        TEXT NOT NULL,
  state         TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  tx_hash       TEXT,
  reason        TEXT,
  x402_version  INTEGER NOT NULL,
  valid_before  INTEGER NOT NULL,
  reserved_at   INTEGER NOT NULL,
  decided_at    INTEGER,
  PRIMARY KEY (org_id, chain_id, asset, payer, nonce)
) STRICT, WITHOUT ROWID;
CREATE INDEX x402_payments_recent ON x402_payments(org_id, reserved_at);
