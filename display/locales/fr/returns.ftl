## The return screen: an order's lines, what comes back, restock, the refund's tender
returns-title = Retour · Commande { $order }
# The title where the whole one does not fit beside the page counter
returns-title-short = Retour { $order }
returns-one-of = { $first } sur { $count }
returns-range-of = { $first }–{ $last } sur { $count }
returns-hint = Touchez + sur les retours
returns-empty = Cette commande n'a aucune ligne à retourner.
returns-back = ‹ Retour
returns-restock = Remise en stock
# The button's words where the long ones do not fit even in small type (480×320)
returns-restock-short = En stock
returns-yes = ✓ Oui
returns-no = Non
returns-refund-to = Rembourser en
# As above
returns-refund-to-short = Rendre en
returns-void = Annuler la commande
returns-void-sub = ou choisir des lignes
returns-refund = Rembourser
returns-sold = { $count ->
    [one] { $count } vendu
   *[other] { $count } vendus
}
returns-returned-before = { $count ->
    [one] { $count } déjà rendu
   *[other] { $count } déjà rendus
}
returns-all-returned = tout est rendu
returns-left = sur { $count }
