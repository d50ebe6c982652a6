## The return screen: an order's lines, what comes back, restock, the refund's tender
returns-title = Rückgabe · Bestellung { $order }
# The title where the whole one does not fit beside the page counter
returns-title-short = Rückgabe { $order }
returns-one-of = { $first } von { $count }
returns-range-of = { $first }–{ $last } von { $count }
returns-hint = Rückgaben mit + wählen
returns-empty = Diese Bestellung hat keine Positionen zum Zurückgeben.
returns-back = ‹ Zurück
returns-restock = Zurück ins Lager
# The button's words where the long ones do not fit even in small type (480×320)
returns-restock-short = Ins Lager
returns-yes = ✓ Ja
returns-no = Nein
returns-refund-to = Erstatten in
# As above
returns-refund-to-short = Erstattung
returns-void = Stornieren
returns-void-sub = oder Positionen wählen
returns-refund = Erstatten
returns-sold = { $count } verkauft
returns-returned-before = { $count } schon zurück
returns-all-returned = alles zurück
returns-left = von { $count }
