## Times on the status screen and the header ("4 s ago"), and the peers' placeholders
time-ago = { $span } ago
time-seconds = { $count } s
time-minutes = { $count } min
time-hours = { $count } h
time-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
time-peer-server = server
time-peer-connected = connected
