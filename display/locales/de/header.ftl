## The header bar: the sync summary by its dot, the open-conflicts badge
header-not-syncing = Kein Abgleich
header-no-registers = Noch keine Kassen
header-registers = { $count ->
    [one] { $count } Kasse
   *[other] { $count } Kassen
}
header-not-synced = Nicht abgeglichen
header-synced = Abgeglichen { $ago }
header-to-send = { $count } zu senden
header-conflicts = { $count ->
    [one] { $count } Konflikt
   *[other] { $count } Konflikte
}
