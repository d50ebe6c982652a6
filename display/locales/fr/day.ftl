## The "Drawer & day" menu: each action's name, and under it what it does
day-title = Tiroir & journée
day-back = ‹ Retour
day-paid-in = Entrée
day-paid-in-sub = Espèces mises dans le tiroir
day-paid-out = Sortie
day-paid-out-sub = Espèces payées depuis le tiroir
day-drop = Prélèvement
day-drop-sub = Espèces portées au coffre
day-no-sale = Ouvrir tiroir
day-no-sale-sub = Sans vente · accord d'un responsable
day-x-report = Rapport X
day-x-report-sub = La journée en cours · responsable
day-close-day = Clôture
day-close-day-sub = Compter la caisse, rapport Z · responsable
day-hint-drawer = { $name } à la caisse. Le tiroir s'ouvre tout seul.
day-hint-no-drawer = { $name } à la caisse. Aucun tiroir-caisse n'est configuré : ouvrez-le avec sa clé.

## A report on the screen (an X, a Z, or the Z the day closes with)
day-print = Imprimer
day-close = Clôturer
day-page = { $page } sur { $pages }
day-note-x = Un rapport X ne change rien et se lit ici : seul le rapport Z, fait à la clôture, s'imprime.
day-note-z = Imprimer envoie une copie à l'imprimante de cette caisse.
day-note-closing = Vérifiez les chiffres : Clôturer crée le rapport Z, ce qui est définitif.
