## The register's banners and prompts outside the counter: setup, pairing, conflicts, the
## export, taking over as server, the USB stick, updates, the receipt printer
machine-secret-made = Se creó una contraseña segura para la tienda: Guardar y luego introdúzcala en cada cliente.
# The printer's banner starts with machine-printer and a colon (the register looks for it).
machine-printer = Impresora
machine-printer-waiting = { $count ->
    [one] { $printer }: { $why }. { $count } tique espera y se imprimirá cuando vuelva.
   *[other] { $printer }: { $why }. { $count } tiques esperan y se imprimirán cuando vuelva.
}
machine-update-needed = Hace falta actualizar: { $count } eventos de un Till más nuevo no se pueden leer aquí y faltan en los totales.
machine-not-till = Algo responde en { $address }, pero no es una caja Till.
machine-other-version = El servidor tiene otra versión de Till (protocolo { $version }). Actualice primero la caja más antigua.
machine-status-unreadable = No se puede leer el estado de esta caja: { $error }
machine-products-unreadable = No se pueden leer los productos: { $error }
machine-setup-unreadable = No se puede leer la configuración, así que aquí no se puede cambiar nada: { $error }
machine-setup-read-failed = No se puede leer la configuración de esta caja: { $error }
machine-standalone-saved = Esta caja funciona ahora sola. Sus ventas se quedan aquí.
machine-server-saved = Guardado. Esta caja es ahora el servidor de la tienda, puerto { $port }.
machine-client-saved = Guardado. Esta caja se sincroniza ahora con { $server }.
machine-pairing-code-typed = Es un código de vinculación: toque Guardar para vincularla al servidor (cada intento cuenta).
machine-address-first = Primero introduzca la dirección del servidor, o toque Buscar para encontrarla.
machine-secret-first = Primero introduzca la contraseña común de la tienda.
machine-pairing-code = { $count ->
    [one] Código de vinculación { $code }: introdúzcalo en la caja nueva como contraseña (10 minutos, { $count } intento).
   *[other] Código de vinculación { $code }: introdúzcalo en la caja nueva como contraseña (10 minutos, { $count } intentos).
}
machine-no-pairing-code = Sin código de vinculación: { $error }
machine-paired = Vinculada con { $server }. Esta caja se sincroniza ahora con él.
machine-paired-unsaved = Vinculada, pero la configuración no se guardó: { $error }

## Conflicts
machine-conflict-over-refund = Más devuelto que vendido
machine-conflict-void-and-return = Anulado y devuelto
machine-conflict-oversold = Vendido por debajo de cero
machine-conflict-concurrent-edit = Cambiado en dos cajas
machine-conflict-duplicate-number = Un número, dos pedidos
machine-conflict-order = Pedido { $subject }
machine-conflict-product = Producto { $subject }
machine-conflict-order-number = Número de pedido { $subject }
machine-conflicts-unreadable = No se pueden leer los conflictos: { $error }
machine-conflict-gone = No resuelto: este conflicto ya no está en la lista.
machine-conflict-already = No resuelto: alguien ya lo resolvió, aquí o en otra caja.
machine-not-resolved = No resuelto: { $error }
machine-resolving = Resolviendo { $subject } ({ $kind }): indique qué se hizo y toque Resolver.
machine-note = Nota (opcional)
machine-resolved = Resuelto: { $subject } ({ $kind }). Todas las cajas lo mostrarán como resuelto.

## The export to the online shop
machine-export-unreadable = No se puede leer el estado de la exportación: { $error }
machine-export-nothing = Nada que reenviar: la tienda online no ha rechazado nada.
machine-export-retry = { $count ->
    [one] Reenviar { $count } entrada de exportación rechazada
   *[other] Reenviar { $count } entradas de exportación rechazadas
}
machine-export-retried = { $count ->
    [one] { $manager } lo aprobó: { $count } entrada rechazada se reenvía ahora.
   *[other] { $manager } lo aprobó: { $count } entradas rechazadas se reenvían ahora.
}
machine-export-not-retried = No reenviado: { $error }
machine-shop-credentials = La tienda online rechazó las credenciales de Till (HTTP { $code }); revise el token o el secreto de la exportación
machine-shop-not-found = No se encontró la dirección de la tienda online (HTTP 404); revise la URL de la exportación
machine-shop-wait = La tienda online pidió a Till que espere (HTTP { $code }); Till lo reintenta por sí mismo
machine-shop-fault = La tienda online tuvo un fallo (HTTP { $code }); Till lo reintenta por sí mismo
machine-shop-refused = La tienda online rechazó una entrada (HTTP { $code })
machine-shop-no-dns = La dirección de la tienda online no se resuelve: ¿está configurado el DNS en esta caja?
machine-shop-no-answer = La tienda online no respondió en { $time }; Till lo reintenta por sí mismo.
machine-shop-tls = Falló la conexión segura con la tienda online (su certificado, o el reloj de esta caja)
machine-shop-gone = Lo que indica una entrada ya no está en la base de datos de esta caja
machine-shop-no-connector = Este Till no puede enviar a esa tienda online: su conector no está en esta versión.

## Taking over as the store's server
machine-promote = Hacer de esta caja el servidor de la tienda
machine-taking-over = Tomando el relevo: se recoge lo que aún tiene el servidor antiguo (hasta { $seconds } s)…
machine-pulled = Primero se recogieron { $count } eventos nuevos del servidor antiguo.
machine-old-server-silent = El servidor antiguo no respondió: sirve con lo que tiene esta caja.
machine-no-old-server = No había servidor antiguo configurado: sirve con lo que tiene esta caja.
machine-promoted = Esta caja sirve ahora a la tienda, mandato { $term }, puerto { $port }. { $pulled }
machine-not-promoted = No se tomó el relevo, no se cambió nada: { $error }
machine-stepped-down = Esta caja dejó de servir a la tienda: { $note }. Ahora es su cliente.

## The USB stick and updates
machine-stick-under-way = Copia de seguridad en la memoria USB… déjela puesta hasta que aquí diga que ha terminado.
machine-stick-no-folder = No se puede hacer la copia: se desconoce la carpeta de datos de esta caja.
machine-stick-none-older = ninguna copia anterior de esta caja en ella
machine-stick-older = { $count ->
    [one] { $count } copia anterior de esta caja conservada
   *[other] { $count } copias anteriores de esta caja conservadas
}
machine-stick-done = Copia hecha en la memoria USB: { $file } ({ $size }), { $older }. La memoria está desmontada: ya puede sacarla.
machine-stick-failed = No se hizo ninguna copia: { $error }
machine-updating = Actualizando a { $version }: la caja la instala y se reinicia en un momento.
machine-no-update = No hay ninguna actualización pendiente.

## The receipt printer
machine-printer-address = IP de la impresora (puerto 9100 por defecto)
machine-printer-address-first = Primero introduzca la dirección de la impresora de red, p. ej. 10.0.0.9.
machine-printer-serial = { $path } a { $baud } baudios
machine-printer-unreadable = No se puede leer la configuración de la impresora: { $error }
machine-printer-setup-unreadable = No se puede leer la configuración de la impresora: { $error }
machine-printer-saved = Guardado: los tiques se imprimen en { $target } ({ $width } mm, { $mode }).
machine-printer-saved-drawer = Guardado: los tiques se imprimen en { $target } ({ $width } mm, { $mode }, con cajón portamonedas).
machine-printer-raster = imagen
machine-printer-text = texto
machine-printer-off = Guardado: sin impresora de tiques. Los tiques pendientes siguen en cola.
machine-printer-not-saved = No guardado: { $error }
machine-test-printing = Imprimiendo una página de prueba en { $target }…
machine-printer-link-first = Primero elija cómo está conectada la impresora.
machine-no-test-page = Sin página de prueba: { $error }
machine-test-printed = Página de prueba impresa en { $target }.
