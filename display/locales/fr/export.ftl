## The online shop export screen
export-title = Export vers la boutique en ligne
export-back = ‹ Retour
export-retry = Réessayer
export-retry-hint = Un responsable valide Réessayer
export-nothing-to-retry = Aucun refus à renvoyer
export-none = aucun
export-shop = Boutique
export-connector = Connecteur
export-sends-to = Envoie à
export-waiting = En attente
export-waiting-oldest = { $count } · depuis { $age }
export-sent = Envoyés
export-refused = Refusés
export-not-exporting = Pas d'export
export-not-exporting-why = Cette caisse n'envoie rien à la boutique en ligne : aucun export n'est configuré, ou c'est un client (le serveur exporte pour le magasin).
export-last-error = Dernière erreur
export-nothing-failed = Aucun échec : la boutique a accepté tout ce qui lui a été envoyé.

## The header's export badge (it opens the export screen)
export-badge-refused = { $count ->
    [one] Export : { $count } refusé
   *[other] Export : { $count } refusés
}
export-badge-waiting = Export : { $count } en attente ({ $age })
export-badge-short = Export : { $age }
