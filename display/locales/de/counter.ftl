## The counter: signing in on the PIN pad (the appliance's prompts and messages)
counter-first-manager-name = Ihr Name: Sie sind die erste Filialleitung
counter-users-unreadable = Benutzer nicht lesbar: { $error }
counter-pin-prompt = { $name }, bitte PIN eingeben
counter-pin-pick-name = Namen antippen, dann PIN eingeben
counter-pin-manager = Eine Leitung gibt ihre PIN ein. Sie bleiben angemeldet.
counter-pin-choose = PIN für { $name } wählen (4 bis 8 Ziffern)
counter-pin-again = PIN wiederholen
counter-pins-differ = PINs verschieden: bitte neu wählen.
counter-welcome = Willkommen, { $name }: Sie leiten diese Filiale. Erst Artikel anlegen, dann verkaufen.
counter-idle-locked = Nach längerer Pause gesperrt: PIN eingeben, um weiterzumachen. Der Warenkorb bleibt.
counter-pin-wrong = { $count ->
    [one] Falsche PIN: noch { $count } Versuch bis zur Sperre.
   *[other] Falsche PIN: noch { $count } Versuche bis zur Sperre.
}
counter-pin-locked = Zu oft falsche PIN: { $seconds } s gesperrt.
counter-pin-not-manager = Keine PIN der Filialleitung.

## What a manager approves on the PIN pad
counter-approve-settings = Einstellungen
counter-approve-resolve = { $subject } klären
counter-approve-discount = Rabatt { $discount } (Grenze { $limit })
counter-approve-price = Preis von { $name }: { $price } (regulär { $shelf })
counter-approve-void = Bestellung { $number } stornieren: { $total }
counter-approve-return = Retoure zu { $number }: { $refund }
counter-approve-no-sale = Lade ohne Verkauf öffnen
counter-approve-close-day = Tagesabschluss (Z-Bericht)

## The cart, discounts, prices and paying
counter-unknown-code = Unbekannter Code { $code }: nichts hinzugefügt. Bitte prüfen oder Artikel von Hand buchen.
counter-order-empty = Die Bestellung ist leer: erst einen Artikel scannen oder antippen.
counter-discount-on = Rabatt auf { $name }
counter-discount-order = Rabatt auf die ganze Bestellung
counter-discount-limit = Über { $limit }: gibt die Leitung frei
counter-discount-too-big = Ein Rabatt von { $discount } ist mehr als der Betrag, auf den er sich bezieht.
counter-line-discount-too-big = Der Rabatt auf dieser Position ist höher als { $price }.
counter-price-of = Preis von { $name }
counter-shelf-price = Regulärer Preis { $price }. Ein neuer Preis braucht die Leitung.
counter-shelf-price-approved = Regulärer Preis { $price }. Die Leitung hat Änderungen an dieser Bestellung freigegeben.
counter-tender-cash = Bar
counter-tender-card = Karte
counter-cash-handed = Bar gegeben
counter-paid-by-card = Mit Karte bezahlt
counter-paid-by = Bezahlt mit { $tender }
counter-exact = Passend
counter-due = Offen: { $amount }
counter-more-than-due = { $amount } ist mehr als die offenen { $due }: nur bar gibt es Rückgeld.
counter-order-paid = Bestellung { $number } bezahlt: { $total }.
counter-order-paid-change = Bestellung { $number } bezahlt: { $total }. Rückgeld { $change }.
counter-sale-not-recorded = Der Verkauf wurde nicht gebucht: { $error }

## Returns and voids
counter-pick-return = Erst wählen, was zurückkommt: + bei einer Position antippen.
counter-order-was-voided = Bestellung { $number } wurde storniert: daraus kann nichts zurückkommen.
counter-no-order = Keine Bestellung { $number }: bitte die Nummer auf dem Bon prüfen.
counter-order-number-twice = Zwei Kassen haben die Nummer { $number } vergeben: bitte die Leitung fragen (`till order list`).
counter-orders-unreadable = Bestellungen nicht lesbar: { $error }
counter-refunded-cash = { $refund } bar erstattet zu { $number }.
counter-refunded-card = { $refund } auf Karte erstattet zu { $number }.
counter-refunded = { $refund } erstattet per { $tender } zu { $number }.
counter-no-refund = Keine Erstattung: { $error }
counter-voided = Bestellung { $number } storniert: { $total } zurück, die Ware wieder im Bestand.
counter-not-voided = Nicht storniert: { $error }

## The business day: cash in and out, no sale, the X and Z reports
counter-paid-in = Einlage
counter-paid-out = Auszahlung
counter-drop = Abschöpfung
counter-paid-in-title = Einlage: Bargeld in die Lade
counter-paid-out-title = Auszahlung aus der Lade
counter-drop-title = Abschöpfung: Bargeld in den Tresor
counter-then-why = Danach den Grund angeben. Er wird mit Ihrem Namen gespeichert.
counter-amount-first = Erst den Betrag eingeben: mehr als { $zero }.
counter-cash-say-why = { $kind } { $amount }: Grund eingeben, dann Buchen antippen.
counter-cash-recorded = { $kind } { $amount } gebucht: { $why }.
counter-drawer-opens = Die Lade öffnet sich.
counter-not-recorded = Nicht gebucht: { $error }
counter-no-sale-approved = { $manager } hat freigegeben: Grund für das Öffnen eingeben, dann Buchen antippen.
counter-no-sale-recorded = Lade ohne Verkauf geöffnet, freigegeben von { $manager }: { $why }.
counter-drawer-not-opened = Die Lade wurde nicht geöffnet: { $error }
counter-x-report = X-Bericht
counter-no-x-report = Kein X-Bericht: { $error }
counter-closing-title = Tagesabschluss: Z { $number }
counter-z-title = Z-Bericht { $number }
counter-net-sales = Nettoumsatz
counter-expected-cash = Soll-Bargeld
counter-counted = Gezählt
counter-difference = Differenz
counter-counted-title = Gezähltes Bargeld
counter-counted-hint = Lade zählen und Betrag eingeben. Noch wird nichts abgeschlossen.
counter-figures-unreadable = Die Zahlen sind nicht lesbar: { $error }
counter-day-not-closed = Der Tag wurde nicht abgeschlossen: { $error }
counter-day-closed = Tag abgeschlossen: Z { $number }, Nettoumsatz { $net }. { $after }
counter-z-printing = Er wird gedruckt.
counter-z-not-printed = Kein Drucker eingerichtet, daher nicht gedruckt.
counter-day-closed-unshown = Tag abgeschlossen: Z { $number }, kann aber nicht angezeigt werden: { $error }
counter-z-copy = Eine Kopie des Z-Berichts wird gedruckt.
counter-not-printed = Nicht gedruckt: { $error }
counter-no-printer = Kein Drucker eingerichtet: die Leitung richtet ihn ein unter Einstellungen → Bondrucker.
