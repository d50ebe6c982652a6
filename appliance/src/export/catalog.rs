//! The catalog in: the platform's products, prices and barcodes brought into the store as
//! ordinary product events on the exporter (`till export pull`, or every `pull=MINUTES`), so
//! every register gets them by sync. A product changed at the counter meanwhile meets the
//! platform's change under the conflict rules like any two edits (docs/DATA.md, "Conflicts").

use serde::Serialize;

use super::{CatalogItem, Connector, ExportError};
use crate::model::{Cents, Sku};
use crate::register::{Imported, Register, RegisterError};

/// What a pull did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PullReport {
    /// Products the platform listed.
    pub listed: u64,
    /// New products.
    pub added: u64,
    /// Products whose name, price or barcodes changed.
    pub updated: u64,
    /// Products already as the platform has them.
    pub unchanged: u64,
    /// Products Till cannot take (a bad SKU or barcode, a barcode another product has), with why.
    pub refused: Vec<(String, String)>,
}

/// Lists the platform's catalog and brings it in.
pub fn pull(r: &mut Register, conn: &mut dyn Connector) -> Result<PullReport, ExportError> {
    let items = conn.pull()?;
    Ok(import(r, &items)?)
}

/// Brings products in, one product event each where something changed; a product Till cannot
/// take is listed and the rest still come in. Only the database failing stops it.
pub fn import(r: &mut Register, items: &[CatalogItem]) -> Result<PullReport, RegisterError> {
    let mut report = PullReport { listed: items.len() as u64, ..PullReport::default() };
    for item in items {
        let result = item
            .sku
            .parse::<Sku>()
            .map_err(RegisterError::Input)
            .and_then(|sku| r.import_product(sku, &item.name, Cents(item.price_cents), item.barcodes.clone()));
        match result {
            Ok(Imported::Added) => report.added += 1,
            Ok(Imported::Updated) => report.updated += 1,
            Ok(Imported::Unchanged) => report.unchanged += 1,
            Err(e @ RegisterError::Store(_)) => return Err(e),
            Err(e) => report.refused.push((item.sku.clone(), e.to_string())),
        }
    }
    Ok(report)
}
