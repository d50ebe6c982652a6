-- Till schema 10: cash rounding (issue 19, docs/LOCALE.md "Cash rounding"). A sale whose cash
-- part was rounded to the store's step records the difference on its event (OrderRounded); the
-- order's row keeps it, so its tenders less its change come to total_cents + cash_rounding_cents.
-- Derived like the rest of the row: 0 for every sale before, which no register rounded.
ALTER TABLE orders ADD COLUMN cash_rounding_cents INTEGER NOT NULL DEFAULT 0;
