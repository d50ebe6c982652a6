## The conflicts screen: cards a manager reads and resolves
conflicts-title = Conflits en cours
conflicts-none = Aucun conflit en cours. Quand des caisses qui ne pouvaient pas se joindre ont fait des choses contradictoires (une commande remboursée deux fois, le dernier article vendu deux fois, un prix changé différemment), cela s'affiche ici pour qu'un responsable tranche.
conflicts-back = ‹ Retour
conflicts-one-of = { $first } sur { $count }
conflicts-range-of = { $first }–{ $last } sur { $count }
conflicts-resolve = Résoudre
