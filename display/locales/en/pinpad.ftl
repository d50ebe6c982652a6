## The PIN pad (who is at the register, a manager's approval, the first manager's PIN)
pinpad-cancel = Cancel
pinpad-approval = Manager approval:
pinpad-first-manager = No one is set up yet: this first person is the manager, who adds everyone else.
pinpad-first-manager-again = The same PIN once more, so a slip of the finger cannot lock the manager out.
pinpad-locked = Locked for { $count } s
pinpad-page = Page { $page } of { $pages }
pinpad-page-short = { $page } of { $pages }
