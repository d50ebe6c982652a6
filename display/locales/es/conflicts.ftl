## The conflicts screen: cards a manager reads and resolves
conflicts-title = Conflictos pendientes
conflicts-none = No hay conflictos pendientes. Cuando cajas que no podían comunicarse hacen cosas contradictorias (reembolsar dos veces un pedido, vender dos veces la última unidad, cambiar un precio de forma distinta), aparece aquí para que lo resuelva un encargado.
conflicts-back = ‹ Atrás
conflicts-one-of = { $first } de { $count }
conflicts-range-of = { $first }–{ $last } de { $count }
conflicts-resolve = Resolver
