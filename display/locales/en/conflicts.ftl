## The conflicts screen: cards a manager reads and resolves
conflicts-title = Open conflicts
conflicts-none = No open conflicts. When registers that could not reach each other did contradictory things (refunded one order twice, sold the last unit twice, changed one price differently), it shows here for a manager to settle.
conflicts-back = ‹ Back
conflicts-one-of = { $first } of { $count }
conflicts-range-of = { $first }–{ $last } of { $count }
conflicts-resolve = Resolve
