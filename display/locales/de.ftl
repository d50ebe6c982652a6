# Till auf Deutsch.

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
