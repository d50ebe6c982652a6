## The header bar: the sync summary by its dot, the open-conflicts badge
header-not-syncing = Pas de synchro
header-no-registers = Aucune caisse encore
header-registers = { $count ->
    [one] { $count } caisse
   *[other] { $count } caisses
}
header-not-synced = Pas synchronisée
header-synced = Synchro { $ago }
header-to-send = { $count } à envoyer
header-conflicts = { $count ->
    [one] { $count } conflit
   *[other] { $count } conflits
}
