## Times on the status screen and the header ("4 s ago"), and the peers' placeholders
time-ago = hace { $span }
time-seconds = { $count } s
time-minutes = { $count } min
time-hours = { $count } h
time-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
}
time-peer-server = servidor
time-peer-connected = conectado
