## The return screen: an order's lines, what comes back, restock, the refund's tender
returns-title = Return · Order { $order }
# The title where the whole one does not fit beside the page counter
returns-title-short = Return { $order }
returns-one-of = { $first } of { $count }
returns-range-of = { $first }–{ $last } of { $count }
returns-hint = Tap + on what comes back
returns-empty = This order has no lines to return.
returns-back = ‹ Back
returns-restock = Restock
# The button's words where the long ones do not fit even in small type (480×320)
returns-restock-short = Restock
returns-yes = ✓ Yes
returns-no = No
returns-refund-to = Refund to
# As above
returns-refund-to-short = Refund to
returns-void = Void order
returns-void-sub = or pick lines
returns-refund = Refund
returns-sold = { $count } sold
returns-returned-before = { $count } returned before
returns-all-returned = all returned
returns-left = of { $count }
