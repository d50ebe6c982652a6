## The product search (its Done key is setup-key-done)
search-label = Suche
search-found = { $count } gefunden
search-found-page = { $count } gefunden · Seite { $page } von { $pages }
search-hint = Tippen Sie einen Teil des Artikelnamens oder die Artikelnummer ein.
search-no-match = Kein Artikel passt zu »{ $query }«
