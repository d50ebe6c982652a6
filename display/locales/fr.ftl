# Till en français.

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

## The status screen
status-mode = Mode
status-never = jamais
status-not-set = non défini
status-network = Réseau
status-network-off = non — autonome
status-listening = À l’écoute sur
status-serving-term = Mandat du serveur
status-registers-online = Caisses en ligne
status-pending-events = En attente
status-last-sync = Dernière synchro
status-update-waits = Mise à jour attend
status-server = Serveur
status-served-by = Caisse serveur
status-not-known = pas encore connu
status-term = Mandat
status-sales-to-send = Ventes à envoyer
status-clock = Horloge
status-clock-synced = réglée
status-clock-own = horloge locale
status-clock-unchecked = pas encore vérifiée
status-update = Mise à jour
status-settings = Réglages
status-pair = Associer
status-pair-register = Associer une caisse
status-drawer-day = Tiroir & journée
status-drawer = Tiroir
status-new-sale = Vendre
status-registers = Caisses ({ $count })
status-alone-hint = Cette caisse fonctionne seule. Choisissez Serveur ou Client dans les Réglages pour partager les ventes.
status-server-hint = Aucune caisse connectée pour l’instant. Passez les autres en mode Client et choisissez celle-ci.
status-client-hint = Pas encore connectée au serveur.
status-more = + { $count } autres
