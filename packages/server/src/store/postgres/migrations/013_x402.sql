-- Paid logs over x402 (docs/x402.md). An org's offer: what one log costs and who settles it. A
-- configuration table (a reference table on Citus). Addresses are stored in EIP-55 form, one
-- spelling each, so the unique index holds a pay-to address to one org per chain: a payment leads
-- to exactly one org.
CREATE TABLE x402_offers (
  org_id              text PRIMARY KEY,
  enabled             boolean NOT NULL,
  chain_id            bigint NOT NULL,
  pay_to              text NOT NULL,
  asset               text NOT NULL,
  asset_name          text NOT NULL,
  asset_version       text NOT NULL,
  price               text NOT NULL,
  facilitator_url     text NOT NULL,
  resource_url        text,
  description         text NOT NULL,
  max_timeout_seconds integer NOT NULL,
  updated_at          bigint NOT NULL
);
CREATE UNIQUE INDEX x402_offers_pay_to ON x402_offers(chain_id, pay_to);

-- The payment ledger and replay guard: one row per EIP-3009 authorization, reserved before it is
-- settled (state settling), then settled (with the transaction) or refused (the nonce was used on
-- chain). A settlement that may be retried deletes its row. org_id leads the key (tenant data);
-- a pay-to address belongs to one org, and an authorization names its pay-to, so the key is as
-- strict as one without the org.
CREATE TABLE x402_payments (
  org_id        text NOT NULL,
  chain_id      bigint NOT NULL,
  asset         text NOT NULL,
  payer         text NOT NULL,
  nonce         text NOT NULL,
  pay_to        text NOT NULL,
  amount        text NOT NULL,
  state         text NOT NULL,
  event_id      text NOT NULL,
  tx_hash       text,
  reason        text,
  x402_version  integer NOT NULL,
  valid_before  bigint NOT NULL,
  reserved_at   bigint NOT NULL,
  decided_at    bigint,
  PRIMARY KEY (org_id, chain_id, asset, payer, nonce)
);
CREATE INDEX x402_payments_recent ON x402_payments(org_id, reserved_at);
