# Till en español.

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
