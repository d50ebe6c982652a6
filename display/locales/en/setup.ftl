## The register's modes (Settings, the header's chip, the status screen)
setup-mode-standalone = Standalone
setup-mode-server = Server
setup-mode-client = Client

## Settings: the mode, the receipt printer, the USB backup
setup-title = Multi-Register
setup-standalone-about = Works alone. No network needed.
setup-server-about = Keeps the store's sales. Other registers sync to it.
setup-client-about = Syncs its sales with the server register.
setup-back = ‹ Back
setup-printer = Receipt printer ›
setup-printer-short = Printer ›
setup-backup = Back up to USB
setup-language = Language: { $name }
setup-language-set = Language of this register: { $name }
setup-backup-short = USB backup
setup-promote = Make this register the store's server
setup-promote-medium = Make this register the server
setup-promote-short = Become the server
setup-update-now = Update to { $version } now
setup-update = Update to { $version }

## The server and client forms
setup-server-title = Server setup
setup-client-title = Client setup
setup-secret = Secret
setup-server = Server
setup-secret-or-code = Secret or code
setup-secret-or-code-short = Secret/code
setup-tap-to-enter = Tap to enter
setup-generate = Generate
setup-scan = Scan network
setup-scan-short = Scan
setup-test = Test connection
setup-test-short = Test
setup-save = Save

## What a field is called (a form's row, the keyboard's label)
setup-field-register-name = Register name
setup-field-port = Port
setup-field-server-address = Server address
setup-field-secret = Shared secret, or the server's pairing code
setup-field-conflict-note = Note (optional)
setup-field-order-number = Order number
setup-field-user-name = Name
setup-field-reason = Reason
setup-field-printer-address = Printer address

## The network scan
setup-scanning = Looking for servers…
setup-no-servers = No servers found
setup-servers-found = { $count ->
    [one] { $count } server found
   *[other] { $count } servers found
}
setup-no-server-answered = No server answered. Check that the server register is switched on, in Server mode and on the same network — or go back and type its address.
setup-other-store = other store
setup-scan-again = Scan again

## The on-screen keyboard (the letter keys are not translated)
setup-cancel = Cancel
setup-key-space = space
setup-key-done = Done
setup-key-find = Find
setup-key-resolve = Resolve
setup-key-record = Record

## The connection test
setup-try-again = Try again
setup-test-ok-title = Connected to { $name }
setup-test-ok = The server answered in { $count } ms and accepted the secret. Tap Save to start syncing with it.
setup-unreachable-title = Can't reach the server
setup-unreachable = Nothing answered at { $address }. Check that the server register is switched on and in Server mode, that both registers are on the same network, and that the address is right — or use Scan network to find it.
setup-wrong-secret-title = The secret doesn't match
setup-wrong-secret = The server answered but refused the secret. Look it up on the server register (Settings → Multi-Register → Server) and type it here exactly, then try again.
setup-other-store-title = That server is another store's
setup-other-store-text = { $name } is the server of a different store on this network. Go back and pick your own store's server (Scan network marks the others).
setup-test-failed-title = The connection test failed
