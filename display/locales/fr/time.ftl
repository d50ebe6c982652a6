## Times on the status screen and the header ("4 s ago"), and the peers' placeholders
time-ago = il y a { $span }
time-seconds = { $count } s
time-minutes = { $count } min
time-hours = { $count } h
time-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
time-peer-server = serveur
time-peer-connected = connecté
