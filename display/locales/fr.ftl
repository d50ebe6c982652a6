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
