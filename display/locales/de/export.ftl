## The online shop export screen
export-title = Export in den Onlineshop
export-back = ‹ Zurück
export-retry = Wiederholen
export-retry-hint = Die Leitung gibt Wiederholen frei
export-nothing-to-retry = Nichts abgelehnt, nichts zu wiederholen
export-none = keiner
export-shop = Shop
export-connector = Anbindung
export-sends-to = Sendet an
export-waiting = Wartend
export-waiting-oldest = { $count } · älteste { $age }
export-sent = Gesendet
export-refused = Abgelehnt
export-not-exporting = Kein Export
export-not-exporting-why = Diese Kasse sendet nichts an den Onlineshop: Es ist kein Export eingerichtet, oder sie ist ein Client (der Server exportiert für das Geschäft).
export-last-error = Letzter Fehler
export-nothing-failed = Kein Fehler: Der Shop hat alles angenommen, was ihm geschickt wurde.

## The header's export badge (it opens the export screen)
export-badge-refused = Export: { $count } abgelehnt
export-badge-waiting = Export: { $count } wartend ({ $age })
export-badge-short = Export: { $age }
