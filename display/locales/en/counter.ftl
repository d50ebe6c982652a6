## The counter: signing in on the PIN pad (the appliance's prompts and messages)
counter-first-manager-name = Your name: you are the store's first manager
counter-users-unreadable = Cannot read the users: { $error }
counter-pin-prompt = { $name }, type your PIN
counter-pin-pick-name = Tap your name, then type your PIN
counter-pin-manager = A manager types their PIN. You stay signed in.
counter-pin-choose = Choose a PIN for { $name } (4 to 8 digits)
counter-pin-again = Type the PIN again
counter-pins-differ = The two PINs differ: choose it again.
counter-welcome = Welcome, { $name }: you are this store's manager. Add products, then sell.
counter-idle-locked = Locked after a while without use: type your PIN to go on. The cart is kept.
counter-pin-wrong = Wrong PIN: { $count } tries left before the pad locks.
counter-pin-locked = Too many wrong PINs: locked for { $seconds } s.
counter-pin-not-manager = That PIN is not a manager's.

## What a manager approves on the PIN pad
counter-approve-settings = Settings
counter-approve-resolve = Resolve { $subject }
counter-approve-discount = Discount of { $discount } (limit { $limit })
counter-approve-price = Price of { $name }: { $price } (shelf { $shelf })
counter-approve-void = Void order { $number }: { $total }
counter-approve-return = Return on { $number }: { $refund }
counter-approve-no-sale = Open the drawer without a sale
counter-approve-close-day = Close the day (Z report)

## The cart, discounts, prices and paying
counter-unknown-code = Unknown code { $code }: nothing was added. Check it or ring the item by hand.
counter-order-empty = The order is empty: scan or tap a product first.
counter-discount-on = Discount on { $name }
counter-discount-order = Discount on the whole order
counter-discount-limit = Above { $limit }: a manager approves
counter-discount-too-big = A discount of { $discount } is more than what it applies to.
counter-line-discount-too-big = The discount on this line is more than { $price }.
counter-price-of = Price of { $name }
counter-shelf-price = Shelf price { $price }. A new price needs a manager.
counter-shelf-price-approved = Shelf price { $price }. A manager approved this order's changes.
counter-tender-cash = Cash
counter-tender-card = Card
counter-cash-handed = Cash handed over
counter-paid-by-card = Paid by card
counter-paid-by = Paid by { $tender }
counter-exact = Exact
counter-due = Due { $amount }
counter-more-than-due = { $amount } is more than the { $due } due: only cash gives change.
counter-order-paid = Order { $number } paid: { $total }.
counter-order-paid-change = Order { $number } paid: { $total }. Change { $change }.
counter-sale-not-recorded = The sale was not recorded: { $error }

## Returns and voids
counter-pick-return = Pick what comes back first: tap + on a line.
counter-order-was-voided = Order { $number } was voided: nothing can come back from it.
counter-no-order = No order { $number }: check the number on the receipt.
counter-order-number-twice = Two registers used the number { $number }: ask a manager (`till order list`).
counter-orders-unreadable = Cannot read the orders: { $error }
counter-refunded-cash = Refund { $refund } by cash on { $number }.
counter-refunded-card = Refund { $refund } by card on { $number }.
counter-refunded = Refund { $refund } by { $tender } on { $number }.
counter-no-refund = No refund: { $error }
counter-voided = Order { $number } voided: { $total } back, its goods back in stock.
counter-not-voided = Not voided: { $error }

## The business day: cash in and out, no sale, the X and Z reports
counter-paid-in = Paid in
counter-paid-out = Paid out
counter-drop = Drop
counter-paid-in-title = Paid in: cash put into the drawer
counter-paid-out-title = Paid out of the drawer
counter-drop-title = Drop: cash taken to the safe
counter-then-why = Then say why. It is recorded with your name.
counter-amount-first = Type the amount first: more than { $zero }.
counter-cash-say-why = { $kind } { $amount }: say what for, then tap Record.
counter-cash-recorded = { $kind } { $amount } recorded: { $why }.
counter-drawer-opens = The drawer opens.
counter-not-recorded = Not recorded: { $error }
counter-no-sale-approved = { $manager } approved: say why the drawer opens, then tap Record.
counter-no-sale-recorded = No sale recorded, approved by { $manager }: { $why }.
counter-drawer-not-opened = The drawer was not opened: { $error }
counter-x-report = X report
counter-no-x-report = No X report: { $error }
counter-closing-title = Close the day: Z { $number }
counter-z-title = Z report { $number }
counter-net-sales = Net sales
counter-expected-cash = Expected cash
counter-counted = Counted
counter-difference = Difference
counter-counted-title = Cash counted in the drawer
counter-counted-hint = Count the drawer and type what is in it. The figures come next: nothing is closed yet.
counter-figures-unreadable = The figures cannot be read: { $error }
counter-day-not-closed = The day was not closed: { $error }
counter-day-closed = Day closed: Z { $number }, net sales { $net }. { $after }
counter-z-printing = It is printing.
counter-z-not-printed = No printer is set up, so it was not printed.
counter-day-closed-unshown = Day closed: Z { $number }, but it cannot be shown: { $error }
counter-z-copy = A copy of the Z report is printing.
counter-not-printed = Not printed: { $error }
counter-no-printer = No printer is set up: a manager sets it up in Settings → Receipt printer.
