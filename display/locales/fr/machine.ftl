## The register's banners and prompts outside the counter: setup, pairing, conflicts, the
## export, taking over as server, the USB stick, updates, the receipt printer
machine-secret-made = Un mot de passe solide a été créé pour le magasin : Enregistrer, puis saisissez-le sur chaque client.
# The printer's banner starts with machine-printer and a colon (the register looks for it).
machine-printer = Imprimante
machine-printer-waiting = { $count ->
    [one] { $printer } : { $why }. { $count } ticket attend et sera imprimé dès son retour.
   *[other] { $printer } : { $why }. { $count } tickets attendent et seront imprimés dès son retour.
}
machine-update-needed = Mise à jour nécessaire : { $count } événements d'une version plus récente de Till sont illisibles ici et manquent dans les totaux.
machine-not-till = Quelque chose répond à { $address }, mais ce n'est pas une caisse Till.
machine-other-version = Le serveur a une autre version de Till (protocole { $version }). Mettez d'abord à jour la caisse la plus ancienne.
machine-status-unreadable = Impossible de lire l'état de cette caisse : { $error }
machine-products-unreadable = Impossible de lire les produits : { $error }
machine-setup-unreadable = La configuration est illisible, rien ne peut donc être changé ici : { $error }
machine-setup-read-failed = Impossible de lire la configuration de cette caisse : { $error }
machine-standalone-saved = Cette caisse fonctionne maintenant seule. Ses ventes restent ici.
machine-server-saved = Enregistré. Cette caisse est maintenant le serveur du magasin, port { $port }.
machine-client-saved = Enregistré. Cette caisse se synchronise maintenant avec { $server }.
machine-pairing-code-typed = C'est un code d'association : touchez Enregistrer pour l'associer au serveur (chaque essai compte).
machine-address-first = Saisissez d'abord l'adresse du serveur, ou touchez Rechercher pour la trouver.
machine-secret-first = Saisissez d'abord le mot de passe commun du magasin.
machine-pairing-code = { $count ->
    [one] Code d'association { $code } : saisissez-le sur la nouvelle caisse comme mot de passe (10 minutes, { $count } essai).
   *[other] Code d'association { $code } : saisissez-le sur la nouvelle caisse comme mot de passe (10 minutes, { $count } essais).
}
machine-no-pairing-code = Pas de code d'association : { $error }
machine-paired = Associée à { $server }. Cette caisse se synchronise maintenant avec lui.
machine-paired-unsaved = Associée, mais la configuration n'a pas été enregistrée : { $error }

## Conflicts
machine-conflict-over-refund = Plus remboursé que vendu
machine-conflict-void-and-return = Annulée et remboursée
machine-conflict-oversold = Vendu en dessous de zéro
machine-conflict-concurrent-edit = Modifié sur deux caisses
machine-conflict-duplicate-number = Un numéro, deux commandes
machine-conflict-order = Commande { $subject }
machine-conflict-product = Produit { $subject }
machine-conflict-order-number = Numéro de commande { $subject }
machine-conflicts-unreadable = Impossible de lire les conflits : { $error }
machine-conflict-gone = Non réglé : ce conflit n'est plus dans la liste.
machine-conflict-already = Non réglé : quelqu'un l'a déjà réglé, ici ou sur une autre caisse.
machine-not-resolved = Non réglé : { $error }
machine-resolving = Règlement de { $subject } ({ $kind }) : dites ce qui a été fait, puis touchez Régler.
machine-note = Note (facultative)
machine-resolved = Réglé : { $subject } ({ $kind }). Toutes les caisses l'afficheront comme réglé.

## The export to the online shop
machine-export-unreadable = Impossible de lire l'état de l'export : { $error }
machine-export-nothing = Rien à renvoyer : la boutique n'a rien refusé.
machine-export-retry = { $count ->
    [one] Renvoyer { $count } entrée d'export refusée
   *[other] Renvoyer { $count } entrées d'export refusées
}
machine-export-retried = { $count ->
    [one] Accord de { $manager } : { $count } entrée refusée est renvoyée maintenant.
   *[other] Accord de { $manager } : { $count } entrées refusées sont renvoyées maintenant.
}
machine-export-not-retried = Non renvoyé : { $error }
machine-shop-credentials = La boutique a refusé les identifiants de Till (HTTP { $code }) ; vérifiez le jeton ou le secret de l'export
machine-shop-not-found = L'adresse de la boutique est introuvable (HTTP 404) ; vérifiez l'URL de l'export
machine-shop-wait = La boutique demande à Till d'attendre (HTTP { $code }) ; il réessaie de lui-même
machine-shop-fault = La boutique a eu une erreur (HTTP { $code }) ; Till réessaie de lui-même
machine-shop-refused = La boutique a refusé une entrée (HTTP { $code })
machine-shop-no-dns = L'adresse de la boutique ne se résout pas : le DNS est-il configuré sur cette caisse ?
machine-shop-no-answer = La boutique n'a pas répondu en { $time } ; Till réessaie de lui-même.
machine-shop-tls = La connexion sécurisée à la boutique a échoué (son certificat, ou l'horloge de cette caisse)
machine-shop-gone = Ce dont parle une entrée n'est plus dans la base de cette caisse
machine-shop-no-connector = Ce Till ne peut pas envoyer à cette boutique : son connecteur n'est pas dans cette version.

## Taking over as the store's server
machine-promote = Faire de cette caisse le serveur du magasin
machine-taking-over = Reprise : récupération de ce que l'ancien serveur a encore (jusqu'à { $seconds } s)…
machine-pulled = { $count } nouveaux événements récupérés d'abord sur l'ancien serveur.
machine-old-server-silent = L'ancien serveur n'a pas répondu : service avec ce que cette caisse contient.
machine-no-old-server = Aucun ancien serveur n'était configuré : service avec ce que cette caisse contient.
machine-promoted = Cette caisse sert maintenant le magasin, mandat { $term }, port { $port }. { $pulled }
machine-not-promoted = Pas de reprise, rien n'a été changé : { $error }
machine-stepped-down = Cette caisse ne sert plus le magasin : { $note }. Elle est maintenant cliente.

## The USB stick and updates
machine-stick-under-way = Sauvegarde sur la clé USB… laissez-la branchée jusqu'à ce que la fin soit annoncée ici.
machine-stick-no-folder = Sauvegarde impossible : le dossier de données de cette caisse est inconnu.
machine-stick-none-older = aucune sauvegarde plus ancienne de cette caisse dessus
machine-stick-older = { $count ->
    [one] { $count } sauvegarde plus ancienne de cette caisse conservée
   *[other] { $count } sauvegardes plus anciennes de cette caisse conservées
}
machine-stick-done = Sauvegardé sur la clé USB : { $file } ({ $size }), { $older }. La clé est démontée : vous pouvez la retirer.
machine-stick-failed = Aucune sauvegarde faite : { $error }
machine-updating = Mise à jour vers { $version } : la caisse l'installe et redémarre dans un instant.
machine-no-update = Aucune mise à jour n'attend.

## The receipt printer
machine-printer-address = Adresse de l'imprimante (port 9100 par défaut)
machine-printer-address-first = Saisissez d'abord l'adresse de l'imprimante réseau, par ex. 10.0.0.9.
machine-printer-serial = { $path } à { $baud } bauds
machine-printer-unreadable = La configuration de l'imprimante est illisible : { $error }
machine-printer-setup-unreadable = Impossible de lire la configuration de l'imprimante : { $error }
machine-printer-saved = Enregistré : les tickets s'impriment sur { $target } ({ $width } mm, { $mode }).
machine-printer-saved-drawer = Enregistré : les tickets s'impriment sur { $target } ({ $width } mm, { $mode }, avec tiroir-caisse).
machine-printer-raster = image
machine-printer-text = texte
machine-printer-off = Enregistré : pas d'imprimante de tickets. Les tickets en attente restent dans la file.
machine-printer-not-saved = Non enregistré : { $error }
machine-test-printing = Impression d'une page de test sur { $target }…
machine-printer-link-first = Choisissez d'abord comment l'imprimante est branchée.
machine-no-test-page = Pas de page de test : { $error }
machine-test-printed = Page de test imprimée sur { $target }.
