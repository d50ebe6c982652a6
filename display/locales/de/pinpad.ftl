## The PIN pad (who is at the register, a manager's approval, the first manager's PIN)
pinpad-cancel = Abbrechen
pinpad-approval = Managerfreigabe:
pinpad-first-manager = Noch ist niemand eingerichtet: Diese erste Person ist der Manager und legt alle anderen an.
pinpad-first-manager-again = Dieselbe PIN noch einmal, damit ein Vertipper den Manager nicht aussperrt.
pinpad-locked = Gesperrt für { $count } s
pinpad-page = Seite { $page } von { $pages }
pinpad-page-short = { $page } von { $pages }
