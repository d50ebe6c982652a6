## X, Z and store reports (printed, on the day screen, and by `till report`)
report-x-title = RAPPORT X
report-next-z = Prochain Z : { $number }
report-z-title = RAPPORT Z { $number }
report-z-copy-title = RAPPORT Z { $number } (DUPLICATA)
report-z-preview-title = RAPPORT Z { $number } (PAS ENCORE FAIT)
report-opened = Ouvert le { $when }
report-closed = Clôturé le { $when }
report-closed-by = Clôturé par { $name }
report-printed = Imprimé le { $when }
report-store-title = MAGASIN { $date }
report-store-register = { $name } : { $zs }
report-store-register-open = { $name } : { $zs } NON CLÔTURÉE ({ $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
})
report-sales = Ventes ({ $count })
report-discounts = Remises accordées
report-voids = Annulations ({ $count })
report-refunds = Remboursements ({ $count })
report-net-sales = VENTES NETTES
report-cash-rounding = Arrondi espèces
report-by-tender = Par moyen de paiement
report-tender-sales = ventes
report-tender-voids = annulations
report-tender-refunds = remboursements
report-by-tax = Par taux de TVA (HT / TVA)
report-tax-line = { $rate } sur { $net }
report-by-category = Par catégorie
report-no-category = (sans catégorie)
report-by-cashier = Par caissier
report-no-cashier = (sans caissier)
report-drawer = Tiroir-caisse
report-floats = Fonds de caisse
report-paid-in = Entrées ({ $count })
report-paid-out = Sorties ({ $count })
report-drops = Prélèvements ({ $count })
report-no-sales = Ouvertures sans vente
report-expected-cash = Espèces attendues
report-counted-cash = Espèces comptées
report-difference = Écart
report-grand-total = Total général
report-not-closed = NON CLÔTURÉES : { $names }
