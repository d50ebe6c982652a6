## The payment screen
pay-back = ‹ Zurück
pay-finish = Verkauf abschließen
pay-total-due = Zu zahlen
pay-how = Tippen Sie, wie der Kunde zahlt. Zum Aufteilen erst einen Teil mit einer Zahlart, dann den Rest mit einer anderen.
pay-earlier = { $count ->
    [one] { $count } frühere Zahlung
   *[other] { $count } frühere Zahlungen
}
pay-remaining = Offen
pay-in-cash = Bar, gerundet
pay-change = Rückgeld
pay-paid-in-full = Vollständig bezahlt

## The amount keypad
amount-cancel = Abbrechen
amount-ok = OK
amount-mode-off = { $symbol } Rabatt
amount-mode-percent-off = % Rabatt
amount-mode-price = Preis
amount-mode-amount = { $symbol } Betrag
amount-mode-percent = % Prozent

## The sale screen
sale-all = Alle
sale-search = Suchen
sale-search-short = Artikel suchen…
sale-search-long = Name oder Artikelnummer suchen…
sale-no-products = Keine Artikel in dieser Kategorie.
sale-page = Seite { $page } von { $pages }
sale-menu = Menü
sale-returns = Retoure
sale-order = Bestellung
sale-items = { $count ->
    [one] { $count } Artikel
   *[other] { $count } Artikel
}
sale-lock = Sperren
sale-cashier = Bedienung: { $name }
sale-paid = ✓ Bestellung { $order } bezahlt. Tippen Sie auf einen Artikel für die nächste.
sale-tap-product = Tippen Sie auf einen Artikel, um ihn hinzuzufügen.
sale-earlier-lines = { $count ->
    [one] { $count } frühere Position
   *[other] { $count } frühere Positionen
}
sale-line-discount = { $amount } Rabatt
sale-subtotal = Zwischensumme
sale-discount = Rabatt
sale-tax = MwSt.
sale-total = Gesamt
sale-discount-button = Rabatt
sale-pay = Kassieren
