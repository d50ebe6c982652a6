## The register's modes (Settings, the header's chip, the status screen)
setup-mode-standalone = Einzelkasse
setup-mode-server = Server
setup-mode-client = Client

## Settings: the mode, the receipt printer, the USB backup
setup-title = Mehrkassenbetrieb
setup-standalone-about = Arbeitet allein. Kein Netzwerk nötig.
setup-server-about = Hauptkasse. Andere Kassen gleichen mit ihr ab.
setup-client-about = Gleicht ihre Verkäufe mit der Server-Kasse ab.
setup-back = ‹ Zurück
setup-printer = Bondrucker ›
setup-printer-short = Drucker ›
setup-backup = Auf USB sichern
setup-language = Sprache: { $name }
setup-language-set = Sprache dieser Kasse: { $name }
setup-backup-short = USB-Sicherung
setup-promote = Diese Kasse zum Server des Geschäfts machen
setup-promote-medium = Diese Kasse zum Server machen
setup-promote-short = Zum Server machen
setup-update-now = Jetzt auf { $version } aktualisieren
setup-update = Update auf { $version }

## The server and client forms
setup-server-title = Server einrichten
setup-client-title = Client einrichten
setup-secret = Schlüssel
setup-server = Server
setup-secret-or-code = Schlüssel oder Code
setup-secret-or-code-short = Schlüssel/Code
setup-tap-to-enter = Zum Eingeben tippen
setup-generate = Erzeugen
setup-scan = Im Netz suchen
setup-scan-short = Suchen
setup-test = Verbindung testen
setup-test-short = Testen
setup-save = Speichern

## What a field is called (a form's row, the keyboard's label)
setup-field-register-name = Kassenname
setup-field-port = Port
setup-field-server-address = Serveradresse
setup-field-secret = Gemeinsamer Schlüssel oder Kopplungscode des Servers
setup-field-conflict-note = Notiz (optional)
setup-field-order-number = Bestellnummer
setup-field-user-name = Name
setup-field-reason = Grund
setup-field-printer-address = Druckeradresse

## The network scan
setup-scanning = Suche nach Servern…
setup-no-servers = Keine Server gefunden
setup-servers-found = { $count ->
    [one] { $count } Server gefunden
   *[other] { $count } Server gefunden
}
setup-no-server-answered = Kein Server hat geantwortet. Prüfen Sie, ob die Server-Kasse eingeschaltet, im Server-Modus und im selben Netzwerk ist – oder gehen Sie zurück und geben Sie ihre Adresse ein.
setup-other-store = anderes Geschäft
setup-scan-again = Erneut suchen

## The on-screen keyboard (the letter keys are not translated)
setup-cancel = Abbrechen
setup-key-space = Leertaste
setup-key-done = Fertig
setup-key-find = Suchen
setup-key-resolve = Klären
setup-key-record = Buchen

## The connection test
setup-try-again = Erneut versuchen
setup-test-ok-title = Verbunden mit { $name }
setup-test-ok = Der Server hat in { $count } ms geantwortet und den Schlüssel angenommen. Tippen Sie auf Speichern, um den Abgleich zu starten.
setup-unreachable-title = Server nicht erreichbar
setup-unreachable = Unter { $address } antwortet nichts. Prüfen Sie, ob die Server-Kasse eingeschaltet und im Server-Modus ist, ob beide Kassen im selben Netzwerk sind und ob die Adresse stimmt – oder finden Sie sie mit Im Netz suchen.
setup-wrong-secret-title = Der Schlüssel passt nicht
setup-wrong-secret = Der Server hat geantwortet, den Schlüssel aber abgelehnt. Schlagen Sie ihn an der Server-Kasse nach (Einstellungen → Mehrkassenbetrieb → Server), geben Sie ihn hier genau so ein und versuchen Sie es erneut.
setup-other-store-title = Server eines anderen Geschäfts
setup-other-store-text = { $name } ist der Server eines anderen Geschäfts in diesem Netzwerk. Gehen Sie zurück und wählen Sie den Server Ihres Geschäfts (Im Netz suchen markiert die anderen).
setup-test-failed-title = Verbindungstest fehlgeschlagen
