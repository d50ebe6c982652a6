## The "Drawer & day" menu: each action's name, and under it what it does
day-title = Cajón y día
day-back = ‹ Atrás
day-paid-in = Entrada
day-paid-in-sub = Efectivo metido en el cajón
day-paid-out = Salida
day-paid-out-sub = Efectivo pagado del cajón
day-drop = Retirada
day-drop-sub = Efectivo llevado a la caja fuerte
day-no-sale = Abrir cajón
day-no-sale-sub = Sin venta · lo aprueba un encargado
day-x-report = Informe X
day-x-report-sub = El día hasta ahora · de encargado
day-close-day = Cerrar día
day-close-day-sub = Arqueo e informe Z · de encargado
day-hint-drawer = { $name } en la caja. El cajón se abre solo.
day-hint-no-drawer = { $name } en la caja. No hay cajón configurado: ábralo con su llave.

## A report on the screen (an X, a Z, or the Z the day closes with)
day-print = Imprimir
day-close = Cerrar día
day-page = { $page } de { $pages }
day-note-x = Un informe X no cambia nada y se consulta aquí: solo se imprime el informe Z, que se hace al cerrar el día.
day-note-z = Imprimir envía una copia a la impresora de esta caja.
day-note-closing = Revise las cifras: Cerrar día crea el informe Z, y eso no se puede deshacer.
