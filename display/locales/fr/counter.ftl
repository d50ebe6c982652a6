## The counter: signing in on the PIN pad (the appliance's prompts and messages)
counter-first-manager-name = Votre nom : vous êtes le premier responsable
counter-users-unreadable = Impossible de lire les utilisateurs : { $error }
counter-pin-prompt = { $name }, saisissez votre code
counter-pin-pick-name = Touchez votre nom, puis tapez votre code
counter-pin-manager = Un responsable saisit son code. Vous restez connecté.
counter-pin-choose = Choisissez un code pour { $name } (4 à 8 chiffres)
counter-pin-again = Ressaisissez le code
counter-pins-differ = Les codes diffèrent : recommencez.
counter-welcome = Bienvenue, { $name } : vous êtes le responsable de ce magasin. Ajoutez des produits, puis vendez.
counter-idle-locked = Verrouillée après un moment sans activité : saisissez votre code pour continuer. Le panier est conservé.
counter-pin-wrong = { $count ->
    [one] Code erroné : { $count } essai avant blocage.
   *[other] Code erroné : { $count } essais avant blocage.
}
counter-pin-locked = Trop de codes erronés : bloqué { $seconds } s.
counter-pin-not-manager = Pas un code de responsable.

## What a manager approves on the PIN pad
counter-approve-settings = Réglages
counter-approve-resolve = Régler : { $subject }
counter-approve-discount = Remise de { $discount } (limite { $limit })
counter-approve-price = Prix de { $name } : { $price } (étiquette { $shelf })
counter-approve-void = Annuler la commande { $number } : { $total }
counter-approve-return = Retour sur { $number } : { $refund }
counter-approve-no-sale = Ouvrir le tiroir sans vente
counter-approve-close-day = Clôturer la journée (ticket Z)

## The cart, discounts, prices and paying
counter-unknown-code = Code inconnu { $code } : rien n'a été ajouté. Vérifiez-le ou saisissez l'article à la main.
counter-order-empty = La commande est vide : scannez ou touchez d'abord un produit.
counter-discount-on = Remise sur { $name }
counter-discount-order = Remise sur toute la commande
counter-discount-limit = Au-delà de { $limit } : accord d'un responsable
counter-discount-too-big = Une remise de { $discount } dépasse le montant auquel elle s'applique.
counter-line-discount-too-big = La remise sur cette ligne dépasse { $price }.
counter-price-of = Prix de { $name }
counter-shelf-price = Prix étiquette { $price }. Un nouveau prix demande un responsable.
counter-shelf-price-approved = Prix étiquette { $price }. Un responsable a accepté les changements de cette commande.
counter-tender-cash = Espèces
counter-tender-card = Carte
counter-cash-handed = Espèces remises
counter-paid-by-card = Payé par carte
counter-paid-by = Payé par { $tender }
counter-exact = Appoint
counter-due = Dû { $amount }
counter-more-than-due = { $amount } dépasse les { $due } dus : seules les espèces donnent lieu à un rendu.
counter-order-paid = Commande { $number } payée : { $total }.
counter-order-paid-change = Commande { $number } payée : { $total }. Rendu { $change }.
counter-sale-not-recorded = La vente n'a pas été enregistrée : { $error }

## Returns and voids
counter-pick-return = Choisissez d'abord ce qui revient : touchez + sur une ligne.
counter-order-was-voided = La commande { $number } a été annulée : rien ne peut en être repris.
counter-no-order = Aucune commande { $number } : vérifiez le numéro sur le ticket.
counter-order-number-twice = Deux caisses ont utilisé le numéro { $number } : demandez à un responsable (`till order list`).
counter-orders-unreadable = Impossible de lire les commandes : { $error }
counter-refunded-cash = Remboursement de { $refund } en espèces sur { $number }.
counter-refunded-card = Remboursement de { $refund } par carte sur { $number }.
counter-refunded = Remboursement de { $refund } par { $tender } sur { $number }.
counter-no-refund = Pas de remboursement : { $error }
counter-voided = Commande { $number } annulée : { $total } rendus, les articles remis en stock.
counter-not-voided = Non annulée : { $error }

## The business day: cash in and out, no sale, the X and Z reports
counter-paid-in = Apport
counter-paid-out = Sortie
counter-drop = Prélèvement
counter-paid-in-title = Apport : espèces mises dans le tiroir
counter-paid-out-title = Sortie d'espèces du tiroir
counter-drop-title = Prélèvement : espèces au coffre
counter-then-why = Indiquez ensuite le motif. Il est enregistré avec votre nom.
counter-amount-first = Saisissez d'abord le montant : plus de { $zero }.
counter-cash-say-why = { $kind } { $amount } : indiquez le motif, puis touchez Enregistrer.
counter-cash-recorded = Enregistré : { $kind } { $amount }, motif : { $why }.
counter-drawer-opens = Le tiroir s'ouvre.
counter-not-recorded = Non enregistré : { $error }
counter-no-sale-approved = Accord de { $manager } : indiquez pourquoi le tiroir s'ouvre, puis touchez Enregistrer.
counter-no-sale-recorded = Ouverture sans vente enregistrée, accord de { $manager } : { $why }.
counter-drawer-not-opened = Le tiroir n'a pas été ouvert : { $error }
counter-x-report = Ticket X
counter-no-x-report = Pas de ticket X : { $error }
counter-closing-title = Clôture de la journée : Z { $number }
counter-z-title = Ticket Z { $number }
counter-net-sales = Ventes nettes
counter-expected-cash = Espèces attendues
counter-counted = Compté
counter-difference = Écart
counter-counted-title = Espèces comptées
counter-counted-hint = Comptez le tiroir, saisissez le total. Rien n'est encore clôturé.
counter-figures-unreadable = Impossible de lire les chiffres : { $error }
counter-day-not-closed = La journée n'a pas été clôturée : { $error }
counter-day-closed = Journée clôturée : Z { $number }, ventes nettes { $net }. { $after }
counter-z-printing = Il est en cours d'impression.
counter-z-not-printed = Aucune imprimante n'est configurée : il n'a pas été imprimé.
counter-day-closed-unshown = Journée clôturée : Z { $number }, mais il ne peut pas être affiché : { $error }
counter-z-copy = Une copie du ticket Z est en cours d'impression.
counter-not-printed = Non imprimé : { $error }
counter-no-printer = Aucune imprimante n'est configurée : un responsable la configure dans Réglages → Imprimante de tickets.
