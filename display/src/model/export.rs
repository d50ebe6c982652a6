//! The online shop export on the screen (issue 16): the header's badge while the export needs a
//! look, and the export screen it opens.

/// Why the header shows the export badge: entries the shop refused, or entries waiting too long.
/// The appliance decides when there is one (`StatusInfo::export`); the screen only words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportAlert {
    /// Entries the shop refused for good: they wait for a manager's Retry. Above zero, the badge
    /// is red and says so ("Export: 3 refused").
    pub refused: u64,
    /// Entries waiting to go.
    pub waiting: u64,
    /// How long the oldest waiting entry has waited, in words ("7 min"); with no entry refused,
    /// the badge says "Export: 12 waiting (7 min)".
    pub waited: String,
}

/// The export screen: where orders and stock go, how many wait, went and were refused, the last
/// error, and Retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportView {
    /// The connector's name ("webhook", "shopify", "woocommerce", "vendure"); `None`: this
    /// register does not export (no export set up, or it is a client: the server exports).
    pub connector: Option<String>,
    /// Where it sends, without credentials ("https://shop.example/till", "cafe.myshopify.com").
    pub destination: String,
    /// Entries waiting to go.
    pub pending: u64,
    /// Entries delivered.
    pub sent: u64,
    /// Entries the shop refused for good; Retry sends them again (greyed out while none).
    pub dead: u64,
    /// How long the oldest waiting entry has waited, in words ("7 min"); `None`: nothing waits.
    pub oldest_waiting: Option<String>,
    /// The last failure in words a manager can act on, with the shop's own words after it;
    /// `None`: nothing failed.
    pub last_error: Option<String>,
}
