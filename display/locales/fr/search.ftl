## The product search (its Done key is setup-key-done)
search-label = Recherche
search-found = { $count ->
    [one] { $count } trouvé
   *[other] { $count } trouvés
}
search-found-page = { $count ->
    [one] { $count } trouvé
   *[other] { $count } trouvés
} · page { $page } sur { $pages }
search-hint = Tapez une partie du nom d’un produit ou sa référence.
search-no-match = Aucun produit ne correspond à « { $query } »
