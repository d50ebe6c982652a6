## The register's modes (Settings, the header's chip, the status screen)
setup-mode-standalone = Autonome
setup-mode-server = Serveur
setup-mode-client = Client

## Settings: the mode, the receipt printer, the USB backup
setup-title = Multi-caisse
setup-standalone-about = Fonctionne seule. Aucun réseau requis.
setup-server-about = Garde les ventes. Les autres caisses s’y synchronisent.
setup-client-about = Synchronise ses ventes avec la caisse serveur.
setup-back = ‹ Retour
setup-printer = Imprimante tickets ›
setup-printer-short = Imprimante ›
setup-backup = Sauvegarder sur USB
setup-language = Langue : { $name }
setup-language-set = Langue de cette caisse : { $name }
setup-backup-short = Sauvegarde USB
setup-promote = Faire de cette caisse le serveur du magasin
setup-promote-medium = Faire de cette caisse le serveur
setup-promote-short = Devenir le serveur
setup-update-now = Installer la { $version } maintenant
setup-update = Installer la { $version }

## The server and client forms
setup-server-title = Configuration du serveur
setup-client-title = Configuration du client
setup-secret = Clé
setup-server = Serveur
setup-secret-or-code = Clé ou code
setup-secret-or-code-short = Clé/code
setup-tap-to-enter = Touchez pour saisir
setup-generate = Générer
setup-scan = Chercher sur le réseau
setup-scan-short = Chercher
setup-test = Tester la connexion
setup-test-short = Tester
setup-save = Enregistrer

## What a field is called (a form's row, the keyboard's label)
setup-field-register-name = Nom de la caisse
setup-field-port = Port
setup-field-server-address = Adresse du serveur
setup-field-secret = Clé partagée, ou code d’appairage du serveur
setup-field-conflict-note = Note (facultatif)
setup-field-order-number = Numéro de commande
setup-field-user-name = Nom
setup-field-reason = Motif
setup-field-printer-address = Adresse de l’imprimante

## The network scan
setup-scanning = Recherche de serveurs…
setup-no-servers = Aucun serveur trouvé
setup-servers-found = { $count ->
    [one] { $count } serveur trouvé
   *[other] { $count } serveurs trouvés
}
setup-no-server-answered = Aucun serveur n’a répondu. Vérifiez que la caisse serveur est allumée, en mode Serveur et sur le même réseau — ou revenez en arrière et saisissez son adresse.
setup-other-store = autre magasin
setup-scan-again = Chercher à nouveau

## The on-screen keyboard (the letter keys are not translated)
setup-cancel = Annuler
setup-key-space = espace
setup-key-done = OK
setup-key-find = Chercher
setup-key-resolve = Résoudre
setup-key-record = Valider

## The connection test
setup-try-again = Réessayer
setup-test-ok-title = Connectée à { $name }
setup-test-ok = Le serveur a répondu en { $count } ms et a accepté la clé. Touchez Enregistrer pour lancer la synchronisation.
setup-unreachable-title = Serveur injoignable
setup-unreachable = Rien n’a répondu à { $address }. Vérifiez que la caisse serveur est allumée et en mode Serveur, que les deux caisses sont sur le même réseau et que l’adresse est juste — ou trouvez-la avec Chercher sur le réseau.
setup-wrong-secret-title = La clé ne correspond pas
setup-wrong-secret = Le serveur a répondu mais a refusé la clé. Retrouvez-la sur la caisse serveur (Réglages → Multi-caisse → Serveur), saisissez-la ici à l’identique, puis réessayez.
setup-other-store-title = Serveur d’un autre magasin
setup-other-store-text = { $name } est le serveur d’un autre magasin sur ce réseau. Revenez en arrière et choisissez le serveur de votre magasin (Chercher sur le réseau signale les autres).
setup-test-failed-title = Échec du test de connexion
