## Times on the status screen and the header ("4 s ago"), and the peers' placeholders
time-ago = vor { $span }
time-seconds = { $count } s
time-minutes = { $count } min
time-hours = { $count } h
time-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tagen
}
time-peer-server = Server
time-peer-connected = verbunden
