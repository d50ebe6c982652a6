## The "Drawer & day" menu: each action's name, and under it what it does
day-title = Lade & Tag
day-back = ‹ Zurück
day-paid-in = Einlage
day-paid-in-sub = Bargeld in die Lade
day-paid-out = Auszahlung
day-paid-out-sub = Barzahlung aus der Lade
day-drop = Abschöpfung
day-drop-sub = Bargeld in den Tresor
day-no-sale = Lade öffnen
day-no-sale-sub = Ohne Verkauf · Leitung gibt frei
day-x-report = X-Bericht
day-x-report-sub = Der Tag bisher · für die Leitung
day-close-day = Tagesabschluss
day-close-day-sub = Kasse zählen, Z-Bericht · für die Leitung
day-hint-drawer = { $name } an der Kasse. Die Lade öffnet sich von selbst.
day-hint-no-drawer = { $name } an der Kasse. Keine Kassenlade eingerichtet: mit dem Schlüssel öffnen.

## A report on the screen (an X, a Z, or the Z the day closes with)
day-print = Drucken
day-close = Tag abschließen
day-page = { $page } von { $pages }
day-note-x = Ein X-Bericht ändert nichts und wird hier gelesen: gedruckt wird nur der Z-Bericht beim Tagesabschluss.
day-note-z = Drucken schickt eine Kopie an den Drucker dieser Kasse.
day-note-closing = Prüfen Sie die Zahlen: Tag abschließen erstellt den Z-Bericht endgültig.
