## X, Z and store reports (printed, on the day screen, and by `till report`)
report-x-title = X REPORT
report-next-z = Next Z: { $number }
report-z-title = Z REPORT { $number }
report-z-copy-title = Z REPORT { $number } (COPY)
report-z-preview-title = Z REPORT { $number } (NOT MADE YET)
report-opened = Opened { $when }
report-closed = Closed { $when }
report-closed-by = Closed by { $name }
report-printed = Printed { $when }
report-store-title = STORE { $date }
report-store-register = { $name }: { $zs }
report-store-register-open = { $name }: { $zs } NOT CLOSED ({ $count ->
    [one] { $count } order
   *[other] { $count } orders
})
report-sales = Sales ({ $count })
report-discounts = Discounts given
report-voids = Voids ({ $count })
report-refunds = Refunds ({ $count })
report-net-sales = NET SALES
report-cash-rounding = Cash rounding
report-by-tender = By tender
report-tender-sales = sales
report-tender-voids = voids
report-tender-refunds = refunds
report-by-tax = By tax rate (net / tax)
report-tax-line = { $rate } on { $net }
report-by-category = By category
report-no-category = (no category)
report-by-cashier = By cashier
report-no-cashier = (no cashier)
report-drawer = Cash drawer
report-floats = Floats
report-paid-in = Paid in ({ $count })
report-paid-out = Paid out ({ $count })
report-drops = Drops ({ $count })
report-no-sales = No sale openings
report-expected-cash = Expected cash
report-counted-cash = Counted cash
report-difference = Difference
report-grand-total = Grand total
report-not-closed = NOT CLOSED: { $names }
