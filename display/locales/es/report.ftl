## X, Z and store reports (printed, on the day screen, and by `till report`)
report-x-title = INFORME X
report-next-z = Próximo Z: { $number }
report-z-title = INFORME Z { $number }
report-z-copy-title = INFORME Z { $number } (COPIA)
report-z-preview-title = INFORME Z { $number } (AÚN NO HECHO)
report-opened = Abierto { $when }
report-closed = Cerrado { $when }
report-closed-by = Cerrado por { $name }
report-printed = Impreso { $when }
report-store-title = TIENDA { $date }
report-store-register = { $name }: { $zs }
report-store-register-open = { $name }: { $zs } SIN CERRAR ({ $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
})
report-sales = Ventas ({ $count })
report-discounts = Descuentos concedidos
report-voids = Anulaciones ({ $count })
report-refunds = Devoluciones ({ $count })
report-net-sales = VENTAS NETAS
report-cash-rounding = Redondeo efectivo
report-by-tender = Por forma de pago
report-tender-sales = ventas
report-tender-voids = anulaciones
report-tender-refunds = devoluciones
report-by-tax = Por tipo de IVA (base / IVA)
report-tax-line = { $rate } sobre { $net }
report-by-category = Por categoría
report-no-category = (sin categoría)
report-by-cashier = Por cajero
report-no-cashier = (sin cajero)
report-drawer = Cajón
report-floats = Fondo de caja
report-paid-in = Entradas ({ $count })
report-paid-out = Salidas ({ $count })
report-drops = Retiradas ({ $count })
report-no-sales = Aperturas sin venta
report-expected-cash = Efectivo esperado
report-counted-cash = Efectivo contado
report-difference = Diferencia
report-grand-total = Total acumulado
report-not-closed = SIN CERRAR: { $names }
