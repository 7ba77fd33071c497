-- Up Migration
-- A double-submitted "record an intent" or "record an agreement" form (a double click, a
-- retried request on a flaky venue Wi-Fi) must create one row, not two. The form carries a random
-- token; the model inserts with ON CONFLICT on it and returns the row the first submission made.
-- Null for rows written without a form (demo data, the matcher's draft intents may pass one).
alter table intent
  add column idempotency_key text unique
    check (idempotency_key is null or length(idempotency_key) between 8 and 100);
alter table agreement
  add column idempotency_key text unique
    check (idempotency_key is null or length(idempotency_key) between 8 and 100);
