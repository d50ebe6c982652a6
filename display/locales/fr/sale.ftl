## The payment screen
pay-back = ‹ Retour
pay-finish = Terminer la vente
pay-total-due = Total à payer
pay-how = Touchez le mode de paiement du client. Pour partager, payez une partie avec un mode, puis le reste avec un autre.
pay-earlier = { $count ->
    [one] { $count } paiement précédent
   *[other] { $count } paiements précédents
}
pay-remaining = Reste à payer
pay-in-cash = En espèces, arrondi
pay-change = Rendu
pay-paid-in-full = Payé en totalité

## The amount keypad
amount-cancel = Annuler
amount-ok = OK
amount-mode-off = Remise { $symbol }
amount-mode-percent-off = Remise %
amount-mode-price = Prix
amount-mode-amount = Montant { $symbol }
amount-mode-percent = Pourcentage %

## The sale screen
sale-all = Tout
sale-search = Chercher
sale-search-short = Chercher un produit…
sale-search-long = Chercher par nom ou référence…
sale-no-products = Aucun produit dans cette catégorie.
sale-page = Page { $page } sur { $pages }
sale-menu = Menu
sale-returns = Retours
sale-order = Commande
sale-items = { $count ->
    [one] { $count } article
   *[other] { $count } articles
}
sale-lock = Bloquer
sale-cashier = Servi par { $name }
sale-paid = ✓ Commande { $order } payée. Touchez un produit pour commencer la suivante.
sale-tap-product = Touchez un produit pour l’ajouter.
sale-earlier-lines = { $count ->
    [one] { $count } ligne précédente
   *[other] { $count } lignes précédentes
}
sale-line-discount = Remise { $amount }
sale-subtotal = Sous-total
sale-discount = Remise
sale-tax = TVA
sale-total = Total
sale-discount-button = Remise
sale-pay = Encaisser
