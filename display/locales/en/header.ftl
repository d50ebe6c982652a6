## The header bar: the sync summary by its dot, the open-conflicts badge
header-not-syncing = Not syncing
header-no-registers = No registers yet
header-registers = { $count ->
    [one] { $count } register
   *[other] { $count } registers
}
header-not-synced = Not synced
header-synced = Synced { $ago }
header-to-send = { $count } to send
header-conflicts = { $count ->
    [one] { $count } conflict
   *[other] { $count } conflicts
}
