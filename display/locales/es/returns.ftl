## The return screen: an order's lines, what comes back, restock, the refund's tender
returns-title = Devolución · Pedido { $order }
# The title where the whole one does not fit beside the page counter
returns-title-short = Devolución { $order }
returns-one-of = { $first } de { $count }
returns-range-of = { $first }–{ $last } de { $count }
returns-hint = Toque + en lo devuelto
returns-empty = Este pedido no tiene líneas que devolver.
returns-back = ‹ Atrás
returns-restock = Reponer stock
# The button's words where the long ones do not fit even in small type (480×320)
returns-restock-short = Reponer
returns-yes = ✓ Sí
returns-no = No
returns-refund-to = Reembolsar en
# As above
returns-refund-to-short = Devolver en
returns-void = Anular pedido
returns-void-sub = o elija líneas
returns-refund = Reembolsar
returns-sold = { $count ->
    [one] { $count } vendido
   *[other] { $count } vendidos
}
returns-returned-before = { $count ->
    [one] { $count } ya devuelto
   *[other] { $count } ya devueltos
}
returns-all-returned = todo devuelto
returns-left = de { $count }
