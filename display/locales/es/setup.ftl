## The register's modes (Settings, the header's chip, the status screen)
setup-mode-standalone = Autónoma
setup-mode-server = Servidor
setup-mode-client = Cliente

## Settings: the mode, the receipt printer, the USB backup
setup-title = Multicaja
setup-standalone-about = Funciona sola. No necesita red.
setup-server-about = Caja principal: las demás se sincronizan con ella.
setup-client-about = Sincroniza sus ventas con la caja servidor.
setup-back = ‹ Atrás
setup-printer = Impresora de tickets ›
setup-printer-short = Impresora ›
setup-backup = Copia de seguridad en USB
setup-language = Idioma: { $name }
setup-language-set = Idioma de esta caja: { $name }
setup-backup-short = Copia en USB
setup-promote = Convertir esta caja en el servidor de la tienda
setup-promote-medium = Convertir esta caja en el servidor
setup-promote-short = Pasar a servidor
setup-update-now = Actualizar a { $version } ahora
setup-update = Actualizar a { $version }

## The server and client forms
setup-server-title = Configurar servidor
setup-client-title = Configurar cliente
setup-secret = Clave
setup-server = Servidor
setup-secret-or-code = Clave o código
setup-secret-or-code-short = Clave/código
setup-tap-to-enter = Toque para escribir
setup-generate = Generar
setup-scan = Buscar en la red
setup-scan-short = Buscar
setup-test = Probar conexión
setup-test-short = Probar
setup-save = Guardar

## What a field is called (a form's row, the keyboard's label)
setup-field-register-name = Nombre de la caja
setup-field-port = Puerto
setup-field-server-address = Dirección del servidor
setup-field-secret = Clave compartida o código de emparejamiento del servidor
setup-field-conflict-note = Nota (opcional)
setup-field-order-number = Número de pedido
setup-field-user-name = Nombre
setup-field-reason = Motivo
setup-field-printer-address = Dirección de la impresora

## The network scan
setup-scanning = Buscando servidores…
setup-no-servers = No se encontró ningún servidor
setup-servers-found = { $count ->
    [one] { $count } servidor encontrado
   *[other] { $count } servidores encontrados
}
setup-no-server-answered = Ningún servidor ha respondido. Compruebe que la caja servidor está encendida, en modo Servidor y en la misma red, o vuelva atrás y escriba su dirección.
setup-other-store = otra tienda
setup-scan-again = Buscar de nuevo

## The on-screen keyboard (the letter keys are not translated)
setup-cancel = Cancelar
setup-key-space = espacio
setup-key-done = Listo
setup-key-find = Buscar
setup-key-resolve = Resolver
setup-key-record = Registrar

## The connection test
setup-try-again = Reintentar
setup-test-ok-title = Conectada a { $name }
setup-test-ok = El servidor respondió en { $count } ms y aceptó la clave. Toque Guardar para empezar a sincronizar.
setup-unreachable-title = Servidor no accesible
setup-unreachable = Nada responde en { $address }. Compruebe que la caja servidor está encendida y en modo Servidor, que ambas cajas están en la misma red y que la dirección es correcta, o use Buscar en la red para encontrarla.
setup-wrong-secret-title = La clave no coincide
setup-wrong-secret = El servidor respondió pero rechazó la clave. Consúltela en la caja servidor (Ajustes → Multicaja → Servidor), escríbala aquí tal cual y vuelva a intentarlo.
setup-other-store-title = Servidor de otra tienda
setup-other-store-text = { $name } es el servidor de otra tienda en esta red. Vuelva atrás y elija el servidor de su tienda (Buscar en la red marca los demás).
setup-test-failed-title = Falló la prueba de conexión
