## The conflicts screen: cards a manager reads and resolves
conflicts-title = Offene Konflikte
conflicts-none = Keine offenen Konflikte. Haben Kassen, die sich nicht erreichen konnten, Widersprüchliches getan (eine Bestellung zweimal erstattet, das letzte Stück zweimal verkauft, einen Preis verschieden geändert), erscheint es hier, damit die Leitung es klärt.
conflicts-back = ‹ Zurück
conflicts-one-of = { $first } von { $count }
conflicts-range-of = { $first }–{ $last } von { $count }
conflicts-resolve = Klären
