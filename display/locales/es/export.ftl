## The online shop export screen
export-title = Exportación a la tienda online
export-back = ‹ Atrás
export-retry = Reintentar
export-retry-hint = Un encargado aprueba Reintentar
export-nothing-to-retry = Nada rechazado que reintentar
export-none = ninguno
export-shop = Tienda
export-connector = Conector
export-sends-to = Envía a
export-waiting = En espera
export-waiting-oldest = { $count } · desde hace { $age }
export-sent = Enviados
export-refused = Rechazados
export-not-exporting = Sin exportación
export-not-exporting-why = Esta caja no envía nada a la tienda online: no hay exportación configurada, o es un cliente (el servidor exporta por la tienda).
export-last-error = Último error
export-nothing-failed = Ningún fallo: la tienda aceptó todo lo que se le envió.

## The header's export badge (it opens the export screen)
export-badge-refused = { $count ->
    [one] Exportación: { $count } rechazado
   *[other] Exportación: { $count } rechazados
}
export-badge-waiting = Exportación: { $count } en espera ({ $age })
export-badge-short = Exportación: { $age }
