## The register's banners and prompts outside the counter: setup, pairing, conflicts, the
## export, taking over as server, the USB stick, updates, the receipt printer
machine-secret-made = Ein sicheres Passwort für die Filiale wurde erzeugt: Speichern, dann an jedem Client eingeben.
# The printer's banner starts with machine-printer and a colon (the register looks for it).
machine-printer = Drucker
machine-printer-waiting = { $count ->
    [one] { $printer }: { $why }. { $count } Bon wartet und wird gedruckt, sobald er wieder bereit ist.
   *[other] { $printer }: { $why }. { $count } Bons warten und werden gedruckt, sobald er wieder bereit ist.
}
machine-update-needed = Update nötig: { $count } Ereignisse einer neueren Till-Version sind hier nicht lesbar und fehlen in den Summen.
machine-not-till = Unter { $address } antwortet etwas, aber keine Till-Kasse.
machine-other-version = Der Server hat eine andere Till-Version (Protokoll { $version }). Erst die ältere Kasse aktualisieren.
machine-status-unreadable = Status dieser Kasse nicht lesbar: { $error }
machine-products-unreadable = Artikel nicht lesbar: { $error }
machine-setup-unreadable = Die Einrichtung ist nicht lesbar, daher lässt sich hier nichts ändern: { $error }
machine-setup-read-failed = Einrichtung dieser Kasse nicht lesbar: { $error }
machine-standalone-saved = Diese Kasse arbeitet jetzt allein. Ihre Verkäufe bleiben hier.
machine-server-saved = Gespeichert. Diese Kasse ist jetzt der Server der Filiale, Port { $port }.
machine-client-saved = Gespeichert. Diese Kasse gleicht jetzt mit { $server } ab.
machine-pairing-code-typed = Das ist ein Kopplungscode: Speichern antippen, um mit dem Server zu koppeln (jeder Versuch zählt).
machine-address-first = Erst die Adresse des Servers eingeben oder mit Suchen finden.
machine-secret-first = Erst das gemeinsame Passwort der Filiale eingeben.
machine-pairing-code = { $count ->
    [one] Kopplungscode { $code }: an der neuen Kasse als Passwort eingeben (10 Minuten, { $count } Versuch).
   *[other] Kopplungscode { $code }: an der neuen Kasse als Passwort eingeben (10 Minuten, { $count } Versuche).
}
machine-no-pairing-code = Kein Kopplungscode: { $error }
machine-paired = Mit { $server } gekoppelt. Diese Kasse gleicht jetzt damit ab.
machine-paired-unsaved = Gekoppelt, aber die Einrichtung wurde nicht gespeichert: { $error }

## Conflicts
machine-conflict-over-refund = Mehr erstattet als verkauft
machine-conflict-void-and-return = Storniert und erstattet
machine-conflict-oversold = Unter null verkauft
machine-conflict-concurrent-edit = An zwei Kassen geändert
machine-conflict-duplicate-number = Eine Nummer, zwei Bestellungen
machine-conflict-order = Bestellung { $subject }
machine-conflict-product = Artikel { $subject }
machine-conflict-order-number = Bestellnummer { $subject }
machine-conflicts-unreadable = Konflikte nicht lesbar: { $error }
machine-conflict-gone = Nicht geklärt: dieser Konflikt steht nicht mehr in der Liste.
machine-conflict-already = Nicht geklärt: jemand hat ihn schon geklärt, hier oder an einer anderen Kasse.
machine-not-resolved = Nicht geklärt: { $error }
machine-resolving = { $subject } ({ $kind }) klären: eingeben, was getan wurde, dann Klären antippen.
machine-note = Notiz (optional)
machine-resolved = Geklärt: { $subject } ({ $kind }). Alle Kassen zeigen ihn als erledigt.

## The export to the online shop
machine-export-unreadable = Stand des Exports nicht lesbar: { $error }
machine-export-nothing = Nichts erneut zu senden: der Shop hat nichts abgelehnt.
machine-export-retry = { $count ->
    [one] { $count } abgelehnten Export-Eintrag erneut senden
   *[other] { $count } abgelehnte Export-Einträge erneut senden
}
machine-export-retried = { $count ->
    [one] { $manager } hat freigegeben: { $count } abgelehnter Eintrag wird jetzt erneut gesendet.
   *[other] { $manager } hat freigegeben: { $count } abgelehnte Einträge werden jetzt erneut gesendet.
}
machine-export-not-retried = Nicht erneut gesendet: { $error }
machine-shop-credentials = Der Shop hat die Zugangsdaten abgelehnt (HTTP { $code }); Token oder Geheimnis des Exports prüfen
machine-shop-not-found = Die Adresse des Shops wurde nicht gefunden (HTTP 404); URL des Exports prüfen
machine-shop-wait = Der Shop bittet zu warten (HTTP { $code }); Till versucht es selbst erneut
machine-shop-fault = Fehler beim Shop (HTTP { $code }); Till versucht es selbst erneut
machine-shop-refused = Der Shop hat einen Eintrag abgelehnt (HTTP { $code })
machine-shop-no-dns = Die Adresse des Shops lässt sich nicht auflösen: ist DNS an dieser Kasse eingerichtet?
machine-shop-no-answer = Der Shop hat nicht innerhalb von { $time } geantwortet; Till versucht es selbst erneut.
machine-shop-tls = Die sichere Verbindung zum Shop ist gescheitert (sein Zertifikat oder die Uhr dieser Kasse)
machine-shop-gone = Worum es in einem Eintrag geht, steht nicht mehr in der Datenbank dieser Kasse
machine-shop-no-connector = Diese Till kann nicht an diesen Shop senden: sein Connector fehlt in dieser Version.

## Taking over as the store's server
machine-promote = Diese Kasse zum Server der Filiale machen
machine-taking-over = Übernahme: holt, was der alte Server noch hat (bis zu { $seconds } s)…
machine-pulled = Zuerst { $count } neue Ereignisse vom alten Server geholt.
machine-old-server-silent = Der alte Server hat nicht geantwortet: es gilt, was diese Kasse hat.
machine-no-old-server = Kein alter Server eingerichtet: es gilt, was diese Kasse hat.
machine-promoted = Diese Kasse ist jetzt der Server der Filiale, Amtszeit { $term }, Port { $port }. { $pulled }
machine-not-promoted = Nicht übernommen, nichts wurde geändert: { $error }
machine-stepped-down = Diese Kasse ist nicht mehr Server der Filiale: { $note }. Sie ist jetzt Client.

## The USB stick and updates
machine-stick-under-way = Sicherung auf den USB-Stick… Stick stecken lassen, bis die Sicherung als fertig gemeldet wird.
machine-stick-no-folder = Keine Sicherung möglich: der Datenordner dieser Kasse ist unbekannt.
machine-stick-none-older = keine ältere Sicherung dieser Kasse darauf
machine-stick-older = { $count ->
    [one] { $count } ältere Sicherung dieser Kasse behalten
   *[other] { $count } ältere Sicherungen dieser Kasse behalten
}
machine-stick-done = Auf den USB-Stick gesichert: { $file } ({ $size }), { $older }. Der Stick ist ausgehängt: Sie können ihn abziehen.
machine-stick-failed = Keine Sicherung erstellt: { $error }
machine-updating = Update auf { $version }: die Kasse schreibt es und startet gleich damit neu.
machine-no-update = Es wartet kein Update.

## The receipt printer
machine-printer-address = Druckeradresse (Port 9100, wenn nicht angegeben)
machine-printer-address-first = Erst die Adresse des Netzwerkdruckers eingeben, z. B. 10.0.0.9.
machine-printer-serial = { $path } mit { $baud } Baud
machine-printer-unreadable = Die Druckereinrichtung ist nicht lesbar: { $error }
machine-printer-setup-unreadable = Druckereinrichtung nicht lesbar: { $error }
machine-printer-saved = Gespeichert: Bons drucken auf { $target } ({ $width } mm, { $mode }).
machine-printer-saved-drawer = Gespeichert: Bons drucken auf { $target } ({ $width } mm, { $mode }, mit Kassenlade).
machine-printer-raster = Grafik
machine-printer-text = Text
machine-printer-off = Gespeichert: kein Bondrucker. Wartende Bons bleiben in der Warteschlange.
machine-printer-not-saved = Nicht gespeichert: { $error }
machine-test-printing = Testseite wird auf { $target } gedruckt…
machine-printer-link-first = Erst wählen, wie der Drucker angeschlossen ist.
machine-no-test-page = Keine Testseite: { $error }
machine-test-printed = Testseite auf { $target } gedruckt.
