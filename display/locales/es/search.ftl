## The product search (its Done key is setup-key-done)
search-label = Buscar
search-found = { $count ->
    [one] { $count } encontrado
   *[other] { $count } encontrados
}
search-found-page = { $count ->
    [one] { $count } encontrado
   *[other] { $count } encontrados
} · página { $page } de { $pages }
search-hint = Escriba parte del nombre de un producto o su referencia.
search-no-match = Ningún producto coincide con «{ $query }»
