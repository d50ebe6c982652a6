//! Pairing a client by the code a server shows (docs/SECURITY.md, "Pairing by code"): the grant it
//! gets back becomes this register's setup.

use log::info;
use till_display as d;
use till_display::i18n::Arg::Text;

use super::Ui;
use crate::config::{ConfigUpdate, Secret};
use crate::net::lock;
use crate::store::{StoreError, kv};

impl Ui {
    /// Pairs with the client form's server by the code in its secret field, and saves the
    /// setup the server grants (this register becomes its client).
    pub(super) async fn pair(&mut self, me: crate::model::RegisterId, name: &str) {
        let (addr, code) = (self.client_form.server_address.clone(), self.client_form.secret.clone());
        let grant = match crate::net::pair::request(&addr, &code, me, name).await {
            Ok(g) => g,
            Err(e) => {
                self.error(e.to_string());
                self.show_client_form();
                return;
            }
        };
        info!("paired with {} at {addr}", grant.server_name);
        self.client_form.secret = grant.secret.clone();
        let saved = grant
            .store_id
            .parse::<crate::sync::StoreId>()
            .map_err(|e| e.to_string())
            .and_then(|store| lock(&self.reg).store_mut().set(kv::STORE_ID, &store).map_err(|e| e.to_string()));
        let pairs =
            vec!["mode=client".into(), format!("name={}", self.client_form.register_name), format!("server={addr}")];
        let secret = Secret::new_unchecked(&grant.secret).map_err(|e| e.to_string());
        let result = saved.and(secret).and_then(|secret| {
            let cfg = lock(&self.reg).store().setup().map_err(|e| e.to_string())?;
            let new =
                ConfigUpdate::parse(&pairs).and_then(|u| cfg.with(u.with_secret(secret))).map_err(|e| e.to_string())?;
            lock(&self.reg).store_mut().write(|tx| tx.save_setup(&new)).map_err(|e: StoreError| e.to_string())
        });
        match result {
            Ok(()) => {
                self.refresh();
                self.info(self.words().t_with("machine-paired", &[("server", Text(&grant.server_name))]));
                self.screen = d::Screen::Status;
            }
            Err(e) => {
                self.error(self.words().t_with("machine-paired-unsaved", &[("error", Text(&e))]));
                self.show_client_form();
            }
        }
    }
}
