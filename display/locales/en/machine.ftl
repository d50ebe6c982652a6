## The register's banners and prompts outside the counter: setup, pairing, conflicts, the
## export, taking over as server, the USB stick, updates, the receipt printer
machine-secret-made = A strong secret was made for the store: Save, then type it on every client.
# The printer's banner starts with machine-printer and a colon (the register looks for it).
machine-printer = Printer
machine-printer-waiting = { $printer }: { $why }. { $count } receipt(s) wait and print when it is back.
machine-update-needed = Update needed: { $count } events from a newer Till cannot be read here, and totals leave them out.
machine-not-till = Something answers at { $address }, but it is not a Till register.
machine-other-version = The server runs another Till version (protocol { $version }). Update the older register first.
machine-status-unreadable = Cannot read this register's status: { $error }
machine-products-unreadable = Cannot read the products: { $error }
machine-setup-unreadable = The setup cannot be read, so nothing can be changed here: { $error }
machine-setup-read-failed = Cannot read this register's setup: { $error }
machine-standalone-saved = This register now works on its own. Its sales stay here.
machine-server-saved = Saved. This register is now the store's server on port { $port }.
machine-client-saved = Saved. This register now syncs with { $server }.
machine-pairing-code-typed = That is a pairing code: tap Save to pair with the server (each try counts).
machine-address-first = Enter the server's address first, or tap Scan to find it.
machine-secret-first = Enter the store's shared secret first.
machine-pairing-code = Pairing code { $code }: type it on the new register as its secret (10 minutes, { $count } tries).
machine-no-pairing-code = No pairing code: { $error }
machine-paired = Paired with { $server }. This register now syncs with it.
machine-paired-unsaved = Paired, but the setup was not saved: { $error }

## Conflicts
machine-conflict-over-refund = Refunded more than sold
machine-conflict-void-and-return = Voided and refunded
machine-conflict-oversold = Sold below zero
machine-conflict-concurrent-edit = Changed on two registers
machine-conflict-duplicate-number = One number, two orders
machine-conflict-order = Order { $subject }
machine-conflict-product = Product { $subject }
machine-conflict-order-number = Order number { $subject }
machine-conflicts-unreadable = Cannot read the conflicts: { $error }
machine-conflict-gone = Not resolved: this conflict is no longer listed.
machine-conflict-already = Not resolved: someone already resolved it, here or on another register.
machine-not-resolved = Not resolved: { $error }
machine-resolving = Resolving { $subject } ({ $kind }): say what was done, then tap Resolve.
machine-note = Note (optional)
machine-resolved = Resolved: { $subject } ({ $kind }). Every register will show it settled.

## The export to the online shop
machine-export-unreadable = Cannot read the export's state: { $error }
machine-export-nothing = Nothing to send again: the shop has refused nothing.
machine-export-retry = { $count ->
    [one] Send { $count } refused export entry again
   *[other] Send { $count } refused export entries again
}
machine-export-retried = { $count ->
    [one] { $manager } approved: { $count } refused entry will be sent again now.
   *[other] { $manager } approved: { $count } refused entries will be sent again now.
}
machine-export-not-retried = Not sent again: { $error }
machine-shop-credentials = The shop refused Till's credentials (HTTP { $code }); check the export's token or secret
machine-shop-not-found = The shop's address was not found (HTTP 404); check the export's URL
machine-shop-wait = The shop asked Till to wait (HTTP { $code }); it tries again by itself
machine-shop-fault = The shop had a fault (HTTP { $code }); Till tries again by itself
machine-shop-refused = The shop refused an entry (HTTP { $code })
machine-shop-no-dns = The shop's address does not resolve: is DNS set up on this register?
machine-shop-no-answer = The shop did not answer within { $time }; Till tries again by itself.
machine-shop-tls = The secure connection to the shop failed (its certificate, or this register's clock)
machine-shop-gone = What an entry tells is no longer in this register's database
machine-shop-no-connector = This Till cannot send to that shop: its connector is not in this build.

## Taking over as the store's server
machine-promote = Make this register the store's server
machine-taking-over = Taking over: fetching what the old server still has (up to { $seconds } s)…
machine-pulled = { $count } new events fetched from the old server first.
machine-old-server-silent = The old server did not answer: serving with what this register holds.
machine-no-old-server = No old server was set up: serving with what this register holds.
machine-promoted = This register now serves the store at term { $term } on port { $port }. { $pulled }
machine-not-promoted = Not promoted, nothing was changed: { $error }
machine-stepped-down = This register stopped serving the store: { $note }. It is now its client.

## The USB stick and updates
machine-stick-under-way = Backing up to the USB stick… leave it in until this says it is done.
machine-stick-no-folder = Cannot back up: this register's data folder is unknown.
machine-stick-none-older = no older backup of this register on it
machine-stick-older = { $count ->
    [one] 1 older backup of this register kept
   *[other] { $count } older backups of this register kept
}
machine-stick-done = Backed up to the USB stick: { $file } ({ $size }), { $older }. The stick is unmounted: you can pull it out.
machine-stick-failed = No backup was made: { $error }
machine-updating = Updating to { $version }: the register writes it and restarts into it in a moment.
machine-no-update = No update waits to be applied.

## The receipt printer
machine-printer-address = Printer address (port 9100 unless given)
machine-printer-address-first = Type the network printer's address first, e.g. 10.0.0.9.
machine-printer-serial = { $path } at { $baud } baud
machine-printer-unreadable = The printer's setup cannot be read: { $error }
machine-printer-setup-unreadable = Cannot read the printer setup: { $error }
machine-printer-saved = Saved: receipts print on { $target } ({ $width } mm, { $mode }).
machine-printer-saved-drawer = Saved: receipts print on { $target } ({ $width } mm, { $mode }, with a cash drawer).
machine-printer-raster = raster
machine-printer-text = text
machine-printer-off = Saved: no receipt printer. Receipts waiting stay queued.
machine-printer-not-saved = Not saved: { $error }
machine-test-printing = Printing a test page on { $target }…
machine-printer-link-first = Choose how the printer is connected first.
machine-no-test-page = No test page: { $error }
machine-test-printed = Test page printed on { $target }.
