-- Till schema 2: an index for the end-of-shift report (returns by shift).
CREATE INDEX returns_shift ON returns (shift_origin, shift_seq) WHERE shift_origin IS NOT NULL;
