## The "Drawer & day" menu: each action's name, and under it what it does
day-title = Drawer & day
day-back = ‹ Back
day-paid-in = Paid in
day-paid-in-sub = Cash put into the drawer
day-paid-out = Paid out
day-paid-out-sub = Cash paid out of the drawer
day-drop = Drop
day-drop-sub = Cash taken to the safe
day-no-sale = No sale
day-no-sale-sub = Open the drawer · a manager approves
day-x-report = X report
day-x-report-sub = The day so far · a manager's
day-close-day = Close day
day-close-day-sub = Count the cash, Z report · a manager's
day-hint-drawer = { $name } at the register. The drawer opens by itself.
day-hint-no-drawer = { $name } at the register. No cash drawer is set up: open it by its key.

## A report on the screen (an X, a Z, or the Z the day closes with)
day-print = Print
day-close = Close day
day-page = { $page } of { $pages }
day-note-x = An X report changes nothing and is read here: only the Z report, made when the day closes, prints.
day-note-z = Print queues a copy for this register's printer.
day-note-closing = Check the figures: Close day makes the Z report, which cannot be undone.
