## The online shop export screen
export-title = Online shop export
export-back = ‹ Back
export-retry = Retry
export-retry-hint = A manager approves Retry
export-nothing-to-retry = Nothing refused to retry
export-none = none
export-shop = Shop
export-connector = Connector
export-sends-to = Sends to
export-waiting = Waiting
export-waiting-oldest = { $count } · oldest { $age }
export-sent = Sent
export-refused = Refused
export-not-exporting = Not exporting
export-not-exporting-why = This register sends nothing to the online shop: no export is set up, or it is a client (the server exports for the store).
export-last-error = Last error
export-nothing-failed = Nothing failed: the shop took everything it was sent.

## The header's export badge (it opens the export screen)
export-badge-refused = Export: { $count } refused
export-badge-waiting = Export: { $count } waiting ({ $age })
export-badge-short = Export: { $age }
