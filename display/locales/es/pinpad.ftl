## The PIN pad (who is at the register, a manager's approval, the first manager's PIN)
pinpad-cancel = Cancelar
pinpad-approval = Autorización del encargado:
pinpad-first-manager = Aún no hay nadie configurado: esta primera persona es el encargado, que da de alta a los demás.
pinpad-first-manager-again = El mismo PIN otra vez, para que un error al teclear no deje fuera al encargado.
pinpad-locked = Bloqueado durante { $count } s
pinpad-page = Página { $page } de { $pages }
pinpad-page-short = { $page } de { $pages }
