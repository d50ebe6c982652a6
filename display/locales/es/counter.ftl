## The counter: signing in on the PIN pad (the appliance's prompts and messages)
counter-first-manager-name = Su nombre: usted es el primer encargado de la tienda
counter-users-unreadable = No se pueden leer los usuarios: { $error }
counter-pin-prompt = { $name }, introduzca su PIN
counter-pin-pick-name = Toque su nombre y escriba su PIN
counter-pin-manager = Un encargado introduce su PIN. Usted sigue conectado.
counter-pin-choose = Elija un PIN para { $name } (de 4 a 8 cifras)
counter-pin-again = Repita el PIN
counter-pins-differ = Los dos PIN no coinciden: elíjalo de nuevo.
counter-welcome = Bienvenido, { $name }: usted es el encargado de esta tienda. Añada productos y empiece a vender.
counter-idle-locked = Bloqueada tras un rato sin uso: introduzca su PIN para seguir. El carrito se conserva.
counter-pin-wrong = { $count ->
    [one] PIN incorrecto: { $count } intento antes del bloqueo.
   *[other] PIN incorrecto: { $count } intentos antes del bloqueo.
}
counter-pin-locked = Demasiados PIN incorrectos: bloqueado { $seconds } s.
counter-pin-not-manager = Ese PIN no es de un encargado.

## What a manager approves on the PIN pad
counter-approve-settings = Ajustes
counter-approve-resolve = Resolver { $subject }
counter-approve-discount = Descuento de { $discount } (límite { $limit })
counter-approve-price = Precio de { $name }: { $price } (etiqueta { $shelf })
counter-approve-void = Anular pedido { $number }: { $total }
counter-approve-return = Devolución de { $number }: { $refund }
counter-approve-no-sale = Abrir el cajón sin venta
counter-approve-close-day = Cerrar el día (informe Z)

## The cart, discounts, prices and paying
counter-unknown-code = Código desconocido { $code }: no se añadió nada. Compruébelo o marque el artículo a mano.
counter-order-empty = El pedido está vacío: primero escanee o toque un producto.
counter-discount-on = Descuento en { $name }
counter-discount-order = Descuento en todo el pedido
counter-discount-limit = Más de { $limit }: lo aprueba un encargado
counter-discount-too-big = Un descuento de { $discount } es mayor que el importe al que se aplica.
counter-line-discount-too-big = El descuento de esta línea supera { $price }.
counter-price-of = Precio de { $name }
counter-shelf-price = Precio de etiqueta { $price }. Un precio nuevo necesita un encargado.
counter-shelf-price-approved = Precio de etiqueta { $price }. Un encargado aprobó los cambios de este pedido.
counter-tender-cash = Efectivo
counter-tender-card = Tarjeta
counter-cash-handed = Efectivo entregado
counter-paid-by-card = Pagado con tarjeta
counter-paid-by = Pagado con { $tender }
counter-exact = Exacto
counter-due = A pagar { $amount }
counter-more-than-due = { $amount } es más que los { $due } a pagar: solo el efectivo da cambio.
counter-order-paid = Pedido { $number } pagado: { $total }.
counter-order-paid-change = Pedido { $number } pagado: { $total }. Cambio { $change }.
counter-sale-not-recorded = La venta no se registró: { $error }

## Returns and voids
counter-pick-return = Primero elija lo que se devuelve: toque + en una línea.
counter-order-was-voided = El pedido { $number } fue anulado: no se puede devolver nada de él.
counter-no-order = No hay pedido { $number }: compruebe el número en el tique.
counter-order-number-twice = Dos cajas usaron el número { $number }: pregunte a un encargado (`till order list`).
counter-orders-unreadable = No se pueden leer los pedidos: { $error }
counter-refunded-cash = Devueltos { $refund } en efectivo del pedido { $number }.
counter-refunded-card = Devueltos { $refund } a la tarjeta del pedido { $number }.
counter-refunded = Devueltos { $refund } con { $tender } del pedido { $number }.
counter-no-refund = Sin devolución: { $error }
counter-voided = Pedido { $number } anulado: { $total } devueltos, los artículos vuelven al stock.
counter-not-voided = No anulado: { $error }

## The business day: cash in and out, no sale, the X and Z reports
counter-paid-in = Entrada
counter-paid-out = Salida
counter-drop = Retirada
counter-paid-in-title = Entrada: efectivo que entra en el cajón
counter-paid-out-title = Salida de efectivo del cajón
counter-drop-title = Retirada: efectivo a la caja fuerte
counter-then-why = Después indique el motivo. Se registra con su nombre.
counter-amount-first = Primero introduzca el importe: más de { $zero }.
counter-cash-say-why = { $kind } { $amount }: indique el motivo y toque Registrar.
counter-cash-recorded = { $kind } { $amount } registrada: { $why }.
counter-drawer-opens = El cajón se abre.
counter-not-recorded = No registrado: { $error }
counter-no-sale-approved = { $manager } lo aprobó: indique por qué se abre el cajón y toque Registrar.
counter-no-sale-recorded = Apertura sin venta registrada, aprobada por { $manager }: { $why }.
counter-drawer-not-opened = El cajón no se abrió: { $error }
counter-x-report = Informe X
counter-no-x-report = Sin informe X: { $error }
counter-closing-title = Cerrar el día: Z { $number }
counter-z-title = Informe Z { $number }
counter-net-sales = Ventas netas
counter-expected-cash = Efectivo esperado
counter-counted = Contado
counter-difference = Diferencia
counter-counted-title = Efectivo contado
counter-counted-hint = Cuente el cajón e introduzca el total. Aún no se cierra nada.
counter-figures-unreadable = No se pueden leer las cifras: { $error }
counter-day-not-closed = El día no se cerró: { $error }
counter-day-closed = Día cerrado: Z { $number }, ventas netas { $net }. { $after }
counter-z-printing = Se está imprimiendo.
counter-z-not-printed = No hay impresora configurada, así que no se imprimió.
counter-day-closed-unshown = Día cerrado: Z { $number }, pero no se puede mostrar: { $error }
counter-z-copy = Se está imprimiendo una copia del informe Z.
counter-not-printed = No impreso: { $error }
counter-no-printer = No hay impresora configurada: un encargado la configura en Ajustes → Impresora de tiques.
