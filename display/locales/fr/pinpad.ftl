## The PIN pad (who is at the register, a manager's approval, the first manager's PIN)
pinpad-cancel = Annuler
pinpad-approval = Accord du responsable :
pinpad-first-manager = Personne n’est encore configuré : cette première personne est le responsable, qui ajoute tous les autres.
pinpad-first-manager-again = Le même code une seconde fois, pour qu’une faute de frappe ne bloque pas le responsable.
pinpad-locked = Bloqué pendant { $count } s
pinpad-page = Page { $page } sur { $pages }
pinpad-page-short = { $page } sur { $pages }
