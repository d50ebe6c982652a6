## The payment screen
pay-back = ‹ Atrás
pay-finish = Terminar venta
pay-total-due = Total a pagar
pay-how = Toque cómo paga el cliente. Para dividir, cobre una parte con un medio y el resto con otro.
pay-earlier = { $count ->
    [one] { $count } pago anterior
   *[other] { $count } pagos anteriores
}
pay-remaining = Pendiente
pay-in-cash = En efectivo, redondeado
pay-change = Cambio
pay-paid-in-full = Pagado por completo

## The amount keypad
amount-cancel = Cancelar
amount-ok = Aceptar
amount-mode-off = Descuento { $symbol }
amount-mode-percent-off = Descuento %
amount-mode-price = Precio
amount-mode-amount = Importe { $symbol }
amount-mode-percent = Porcentaje %

## The sale screen
sale-all = Todo
sale-search = Buscar
sale-search-short = Buscar productos…
sale-search-long = Buscar productos por nombre o código…
sale-no-products = No hay productos en esta categoría.
sale-page = Página { $page } de { $pages }
sale-menu = Menú
sale-returns = Abono
sale-order = Pedido
sale-items = { $count ->
    [one] { $count } artículo
   *[other] { $count } artículos
}
sale-lock = Bloquear
sale-cashier = Le atiende: { $name }
sale-paid = ✓ Pedido { $order } pagado. Toque un producto para empezar el siguiente.
sale-tap-product = Toque un producto para añadirlo.
sale-earlier-lines = { $count ->
    [one] { $count } línea anterior
   *[other] { $count } líneas anteriores
}
sale-line-discount = Descuento { $amount }
sale-subtotal = Subtotal
sale-discount = Descuento
sale-tax = IVA
sale-total = Total
sale-discount-button = Rebajar
sale-pay = Cobrar
