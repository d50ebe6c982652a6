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
