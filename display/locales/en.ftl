# Till's screens and receipts in English: the reference catalog. Every message here must be in
# every other catalog (display/tests/catalogs.rs checks it); docs/TRANSLATING.md says how to add a
# language.

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

## The status screen
status-mode = Mode
status-never = never
status-not-set = not set
status-network = Network
status-network-off = off — works alone
status-listening = Listening on
status-serving-term = Serving at term
status-registers-online = Registers online
status-pending-events = Pending events
status-last-sync = Last sync
status-update-waits = Update waits for
status-server = Server
status-served-by = Served by
status-not-known = not known yet
status-term = Term
status-sales-to-send = Sales to send
status-clock = Clock
status-clock-synced = synced
status-clock-own = own clock
status-clock-unchecked = not checked yet
status-update = Update
status-settings = Settings
status-pair = Pair
status-pair-register = Pair register
status-drawer-day = Drawer & day
status-drawer = Drawer
status-new-sale = New sale
status-registers = Registers ({ $count })
status-alone-hint = This register works on its own. Choose Server or Client in Settings to share sales.
status-server-hint = No register has connected yet. Set the others to Client mode and pick this one.
status-client-hint = Not connected to the server yet.
status-more = + { $count } more
