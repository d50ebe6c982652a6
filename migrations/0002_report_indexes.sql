-- Till schema 2: indexes for the day's reports (orders by time, returns by shift).
CREATE INDEX orders_time ON orders (hlc_ms, hlc_logical);
CREATE INDEX returns_shift ON returns (shift_origin, shift_seq) WHERE shift_origin IS NOT NULL;
