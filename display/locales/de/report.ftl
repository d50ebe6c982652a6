## X, Z and store reports (printed, on the day screen, and by `till report`)
report-x-title = X-BERICHT
report-next-z = Nächster Z: { $number }
report-z-title = Z-BERICHT { $number }
report-z-copy-title = Z-BERICHT { $number } (KOPIE)
report-z-preview-title = Z-BERICHT { $number } (NOCH NICHT ERSTELLT)
report-opened = Geöffnet { $when }
report-closed = Abgeschlossen { $when }
report-closed-by = Abgeschlossen von { $name }
report-printed = Gedruckt { $when }
report-store-title = FILIALE { $date }
report-store-register = { $name }: { $zs }
report-store-register-open = { $name }: { $zs } NICHT ABGESCHLOSSEN ({ $count ->
    [one] { $count } Bon
   *[other] { $count } Bons
})
report-sales = Umsatz ({ $count })
report-discounts = Gewährte Rabatte
report-voids = Stornos ({ $count })
report-refunds = Erstattungen ({ $count })
report-net-sales = NETTOUMSATZ
report-cash-rounding = Rundung Bargeld
report-by-tender = Nach Zahlungsart
report-tender-sales = Umsatz
report-tender-voids = Stornos
report-tender-refunds = Erstattungen
report-by-tax = Nach Steuersatz (netto / Steuer)
report-tax-line = { $rate } auf { $net }
report-by-category = Nach Warengruppe
report-no-category = (ohne Warengruppe)
report-by-cashier = Nach Kassierer
report-no-cashier = (ohne Kassierer)
report-drawer = Kassenlade
report-floats = Wechselgeld
report-paid-in = Einlagen ({ $count })
report-paid-out = Entnahmen ({ $count })
report-drops = Abschöpfungen ({ $count })
report-no-sales = Lade ohne Verkauf geöffnet
report-expected-cash = Soll-Bestand
report-counted-cash = Gezählt
report-difference = Differenz
report-grand-total = Gesamtsumme
report-not-closed = NICHT ABGESCHLOSSEN: { $names }
