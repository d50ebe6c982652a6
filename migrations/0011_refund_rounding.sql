-- Till schema 11: cash refunds rounded (issue 19, docs/LOCALE.md "Cash rounding"). A refund paid
-- in cash rounded to the store's step records the difference on its event (RefundRounded); the
-- return's row keeps it, so the drawer paid out refund_cents + cash_rounding_cents. Derived like
-- the rest of the row: 0 for every return before, which no register rounded.
ALTER TABLE returns ADD COLUMN cash_rounding_cents INTEGER NOT NULL DEFAULT 0;
