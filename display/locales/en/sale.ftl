## The payment screen
pay-back = ‹ Back
pay-finish = Finish sale
pay-total-due = Total due
pay-how = Tap how the customer pays. To split the bill, take part with one tender, then the rest with another.
pay-earlier = { $count ->
    [one] { $count } earlier payment
   *[other] { $count } earlier payments
}
pay-remaining = Remaining
pay-in-cash = In cash, rounded
pay-change = Change
pay-paid-in-full = Paid in full

## The amount keypad
amount-cancel = Cancel
amount-ok = OK
amount-mode-off = { $symbol } Off
amount-mode-percent-off = % Off
amount-mode-price = Price
amount-mode-amount = { $symbol } Amount
amount-mode-percent = % Percent

## The sale screen
sale-all = All
sale-search = Search
sale-search-short = Search products…
sale-search-long = Search products by name or SKU…
sale-no-products = No products in this category.
sale-page = Page { $page } of { $pages }
sale-menu = Menu
sale-returns = Returns
sale-order = Order
sale-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
sale-lock = Lock
sale-cashier = Cashier: { $name }
sale-paid = ✓ Order { $order } paid. Tap a product to start the next one.
sale-tap-product = Tap a product to add it.
sale-earlier-lines = { $count ->
    [one] { $count } earlier line
   *[other] { $count } earlier lines
}
sale-line-discount = { $amount } discount
sale-subtotal = Subtotal
sale-discount = Discount
sale-tax = Tax
sale-total = Total
sale-discount-button = Discount
sale-pay = Pay
