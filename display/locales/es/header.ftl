## The header bar: the sync summary by its dot, the open-conflicts badge
header-not-syncing = Sin sincronización
header-no-registers = Aún sin cajas
header-registers = { $count ->
    [one] { $count } caja
   *[other] { $count } cajas
}
header-not-synced = No sincronizada
header-synced = Sincronizada { $ago }
header-to-send = { $count } por enviar
header-conflicts = { $count ->
    [one] { $count } conflicto
   *[other] { $count } conflictos
}
