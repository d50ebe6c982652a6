//! Sales, voids and returns as Vendure orders, payments and refunds. Each send reads the order
//! its Till id names and takes it from whatever state it is in to the end, so a send cut off
//! anywhere (a timeout, a 5xx, either side killed) is finished by the next try.

use log::warn;
use serde_json::{Value, json};

use super::api::{VendureError, int, list, result, rfc3339, second_before, text};
use super::{Features, Message, Vendure};
use crate::store::OrderRow;

/// The customer counter sales are made for (Vendure needs one; `.invalid` is never a mailbox).
pub const COUNTER_EMAIL: &str = "counter@till.invalid";
/// The most steps from nothing to a delivered order (create, fill, pay, deliver, with a margin).
const MAX_STEPS: usize = 8;

const ORDER: &str = "fragment O on Order{id code state totalWithTax customFields{tillId} lines{id quantity} \
                     payments{id amount state refunds{id state total reason}} fulfillments{id state}}";

fn q(body: &str) -> String {
    format!("{body} {ORDER}")
}

/// A refund's reason, which holds the Till key it was made for.
fn reason(what: &str, key: &str) -> String {
    format!("Till {what} {key}")
}

/// What of a payment is not refunded yet (refunds that failed do not count).
fn refundable(p: &Value) -> i64 {
    let refunded: i64 = list(p, "refunds")
        .iter()
        .filter(|r| r.get("state").and_then(Value::as_str) != Some("Failed"))
        .filter_map(|r| r.get("total").and_then(Value::as_i64))
        .sum();
    p.get("amount").and_then(Value::as_i64).unwrap_or(0) - refunded
}

/// A line's units at whole-cent prices adding up to what the line was charged: `total` over
/// `qty` units is `qty - r` units at `total / qty` and `r` at one cent more.
pub fn unit_prices(total: i64, qty: u32) -> Vec<(u32, i64)> {
    let n = i64::from(qty.max(1));
    let (base, extra) = (total.div_euclid(n), total.rem_euclid(n));
    let extra = u32::try_from(extra).unwrap_or(0);
    [(qty.saturating_sub(extra), base), (extra, base + 1)].into_iter().filter(|(q, _)| *q > 0).collect()
}

impl Vendure {
    /// Orders whose `tillId` is one of `keys`.
    pub(super) fn orders_by_till_id(&mut self, keys: &[String]) -> Result<Vec<Value>, VendureError> {
        let query = q("query($k:[String!]!,$n:Int!){orders(options:{filter:{tillId:{in:$k}},take:$n}){items{...O}}}");
        let data = self.api.query(&query, json!({ "k": keys, "n": keys.len().max(1) * 2 }))?;
        Ok(list(result(&data, "orders")?, "items").to_vec())
    }

    /// The order made for Till sale `key`: when several are (a Vendure without a unique
    /// `tillId`), the one furthest along.
    fn find(&mut self, key: &str) -> Result<Option<Value>, VendureError> {
        let rank = |o: &Value| match o.get("state").and_then(Value::as_str) {
            Some("Draft") => 0,
            Some("ArrangingPayment") => 1,
            Some("Cancelled") => 3,
            _ => 2,
        };
        Ok(self.orders_by_till_id(&[key.to_string()])?.into_iter().max_by_key(rank))
    }

    /// A new draft order carrying `key`. Making it and labelling it are two calls: a draft made
    /// whose label did not go is remembered and labelled by the next try, not made again. That
    /// try may be another sale's (the export goes on with the next entry while one waits): it
    /// takes the draft if it is still blank.
    fn create(&mut self, key: &str) -> Result<Value, VendureError> {
        let remembered = match self.unlabelled.take() {
            Some((k, id)) if k == key => Some(id),
            Some((k, id)) => match self.is_blank(&id) {
                Ok(blank) => blank.then_some(id),
                Err(e) => {
                    self.unlabelled = Some((k, id));
                    return Err(e);
                }
            },
            None => None,
        };
        let id = match remembered {
            Some(id) => id,
            None => match self.lost_draft()? {
                Some(id) => id,
                None => {
                    // Vendure's clock before the call (the `find` just made read it).
                    let since = self.api.clock().map(second_before);
                    match self.api.query("mutation{createDraftOrder{id}}", json!({})) {
                        Ok(data) => text(result(&data, "createDraftOrder")?, "id")?.to_string(),
                        Err(e @ (VendureError::Http(_) | VendureError::Status(_))) => {
                            self.lost_draft = since;
                            return Err(e);
                        }
                        Err(e) => return Err(e),
                    }
                }
            },
        };
        self.unlabelled = Some((key.to_string(), id.clone()));
        let set = q("mutation($o:ID!,$k:String!){setDraftOrderCustomFields(orderId:$o,\
                     input:{id:$o,customFields:{tillId:$k}}){...O}}");
        match self.api.query(&set, json!({ "o": id, "k": key })) {
            Ok(data) => {
                self.unlabelled = None;
                Ok(result(&data, "setDraftOrderCustomFields")?.clone())
            }
            Err(e @ (VendureError::Http(_) | VendureError::Status(_))) => Err(e),
            // Vendure answered but would not label it (gone meanwhile?): make a new one next time.
            Err(e) => {
                self.unlabelled = None;
                Err(VendureError::Shape(format!("labelling draft order {id} with {key}: {e}")))
            }
        }
    }

    /// Whether draft `id` is still as made: in `Draft`, no `tillId`, no lines, no customer.
    fn is_blank(&mut self, id: &str) -> Result<bool, VendureError> {
        let query = "query($o:ID!){order(id:$o){state customFields{tillId} lines{id} customer{id}}}";
        let data = self.api.query(query, json!({ "o": id }))?;
        Ok(data.get("order").is_some_and(|o| {
            o.get("state").and_then(Value::as_str) == Some("Draft")
                && o.pointer("/customFields/tillId").is_none_or(Value::is_null)
                && list(o, "lines").is_empty()
                && o.get("customer").is_none_or(Value::is_null)
        }))
    }

    /// The draft a `createDraftOrder` whose answer was lost made, if it did: the oldest blank
    /// one (no `tillId`, no lines, no customer) made since that call was sent. Vendure cannot
    /// label a draft as it makes it, so this is the only way to know it again.
    fn lost_draft(&mut self) -> Result<Option<String>, VendureError> {
        let Some(since) = self.lost_draft else { return Ok(None) };
        let query = "query($t:DateTime!){orders(options:{filter:{state:{eq:\"Draft\"},tillId:{isNull:true},\
                     createdAt:{after:$t}},sort:{createdAt:ASC},take:10}){items{id lines{id} customer{id}}}}";
        let data = self.api.query(query, json!({ "t": rfc3339(since) }))?;
        self.lost_draft = None;
        let blank = |o: &&Value| list(o, "lines").is_empty() && o.get("customer").is_none_or(Value::is_null);
        let found = list(result(&data, "orders")?, "items").iter().find(blank).map(|o| text(o, "id")).transpose()?;
        if let Some(id) = found {
            warn!("Vendure: taking blank draft order {id}, made by a call whose answer was lost");
        }
        Ok(found.map(str::to_string))
    }

    /// The walk-in customer's id, made once.
    fn customer(&mut self) -> Result<String, VendureError> {
        if let Some(c) = &self.customer {
            return Ok(c.clone());
        }
        let find = "query($e:String!){customers(options:{filter:{emailAddress:{eq:$e}},take:1}){items{id}}}";
        let make = "mutation($e:String!){createCustomer(input:{firstName:\"Till\",lastName:\"Counter sales\",\
                    emailAddress:$e}){__typename ...on Customer{id} ...on ErrorResult{errorCode message}}}";
        let mut found = None;
        for _ in 0..2 {
            let data = self.api.query(find, json!({ "e": COUNTER_EMAIL }))?;
            if let Some(c) = list(result(&data, "customers")?, "items").first() {
                found = Some(text(c, "id")?.to_string());
                break;
            }
            let data = self.api.query(make, json!({ "e": COUNTER_EMAIL }))?;
            match result(&data, "createCustomer") {
                Ok(c) => {
                    found = Some(text(c, "id")?.to_string());
                    break;
                }
                // Made meanwhile (by an earlier try whose answer was lost): find it again.
                Err(VendureError::Refused { code, .. }) if code == "EMAIL_ADDRESS_CONFLICT_ERROR" => {}
                Err(e) => return Err(e),
            }
        }
        let id = found.ok_or_else(|| VendureError::Shape(format!("no customer {COUNTER_EMAIL} after making it")))?;
        self.customer = Some(id.clone());
        Ok(id)
    }

    /// A draft: its lines as Till rang them (any left by a cut-off try are removed first), the
    /// counter customer, a shipping method that costs nothing, then on to payment.
    fn fill(&mut self, o: &Value, sale: &OrderRow, f: Features) -> Result<Value, VendureError> {
        let id = text(o, "id")?.to_string();
        let remove = "mutation($o:ID!,$l:ID!){removeDraftOrderLine(orderId:$o,orderLineId:$l){__typename \
                      ...on ErrorResult{errorCode message}}}";
        for line in list(o, "lines") {
            let data = self.api.query(remove, json!({ "o": id, "l": text(line, "id")? }))?;
            result(&data, "removeDraftOrderLine")?;
        }
        let add = "mutation($o:ID!,$i:AddItemToDraftOrderInput!){addItemToDraftOrder(orderId:$o,input:$i){\
                   __typename ...on ErrorResult{errorCode message}}}";
        for line in &sale.lines {
            let variant = self.variant(&line.sku)?;
            let parts = if f.till_price { unit_prices(line.total_cents, line.qty) } else { vec![(line.qty, -1)] };
            for (qty, price) in parts {
                let mut input = json!({ "productVariantId": variant, "quantity": qty });
                if f.till_price {
                    input["customFields"] = json!({ "tillPrice": price });
                }
                let data = self.api.query(add, json!({ "o": id, "i": input }))?;
                result(&data, "addItemToDraftOrder")?;
            }
        }
        let customer = self.customer()?;
        let set_customer = "mutation($o:ID!,$c:ID!){setCustomerForDraftOrder(orderId:$o,customerId:$c){__typename \
                            ...on ErrorResult{errorCode message}}}";
        result(&self.api.query(set_customer, json!({ "o": id, "c": customer }))?, "setCustomerForDraftOrder")?;
        let methods = self.api.query(
            "query($o:ID!){eligibleShippingMethodsForDraftOrder(orderId:$o){id code priceWithTax}}",
            json!({ "o": id }),
        )?;
        let free = list(&methods, "eligibleShippingMethodsForDraftOrder")
            .iter()
            .find(|m| m.get("priceWithTax").and_then(Value::as_i64) == Some(0))
            .ok_or_else(|| {
                VendureError::Cannot(
                    "Vendure offers no shipping method that costs 0 for this order: add one (\"In store\")".into(),
                )
            })?;
        let set_method = "mutation($o:ID!,$m:ID!){setDraftOrderShippingMethod(orderId:$o,shippingMethodId:$m){\
                          __typename ...on ErrorResult{errorCode message}}}";
        result(
            &self.api.query(set_method, json!({ "o": id, "m": text(free, "id")? }))?,
            "setDraftOrderShippingMethod",
        )?;
        let to_payment = q("mutation($o:ID!){transitionOrderToState(id:$o,state:\"ArrangingPayment\"){...O \
                            ...on OrderStateTransitionError{errorCode message transitionError}}}");
        let data = self.api.query(&to_payment, json!({ "o": id }))?;
        let o = result(&data, "transitionOrderToState")?;
        let total = int(o, "totalWithTax")?;
        if total != sale.total_cents {
            warn!(
                "Vendure order {} totals {total}, Till's sale {} {}{}",
                text(o, "code")?,
                sale.number,
                sale.total_cents,
                if f.till_price { "" } else { " (no OrderLine.tillPrice: lines at Vendure's prices)" }
            );
        }
        Ok(o.clone())
    }

    /// One manual payment for the order's total, naming Till's tenders.
    fn pay(&mut self, o: &Value, sale: &OrderRow) -> Result<Value, VendureError> {
        let pay = q("mutation($i:ManualPaymentInput!){addManualPaymentToOrder(input:$i){...O \
                     ...on ErrorResult{errorCode message}}}");
        let input = json!({
            "orderId": text(o, "id")?,
            "method": format!("till:{}", sale.payment),
            "transactionId": sale.number,
            "metadata": {
                "till_id": sale.id,
                "till_order": sale.number,
                "register": sale.register,
                "cashier": sale.cashier,
                "tenders": sale.tenders,
                "change_cents": sale.change_cents,
                "cash_rounding_cents": sale.cash_rounding_cents,
                "till_total_cents": sale.total_cents,
            },
        });
        let data = self.api.query(&pay, json!({ "i": input }))?;
        Ok(result(&data, "addManualPaymentToOrder")?.clone())
    }

    /// Fulfils every line (by hand: handed over at the counter) and marks it delivered.
    fn deliver(&mut self, o: &Value, sale: &OrderRow) -> Result<Value, VendureError> {
        let id = text(o, "id")?.to_string();
        let mut open: Vec<String> = list(o, "fulfillments")
            .iter()
            .filter(|f| !matches!(f.get("state").and_then(Value::as_str), Some("Delivered" | "Cancelled")))
            .map(|f| text(f, "id").map(str::to_string))
            .collect::<Result<_, _>>()?;
        let any = list(o, "fulfillments").iter().any(|f| f.get("state").and_then(Value::as_str) != Some("Cancelled"));
        if !any {
            let lines: Vec<Value> = list(o, "lines")
                .iter()
                .filter(|l| l.get("quantity").and_then(Value::as_i64).unwrap_or(0) > 0)
                .map(|l| Ok(json!({ "orderLineId": text(l, "id")?, "quantity": int(l, "quantity")? })))
                .collect::<Result<_, VendureError>>()?;
            let fulfil = "mutation($i:FulfillOrderInput!){addFulfillmentToOrder(input:$i){__typename \
                          ...on Fulfillment{id} ...on ErrorResult{errorCode message}}}";
            let input = json!({ "lines": lines, "handler": { "code": "manual-fulfillment", "arguments": [
                { "name": "method", "value": "Till counter" }, { "name": "trackingCode", "value": sale.number } ] } });
            let data = self.api.query(fulfil, json!({ "i": input }))?;
            open.push(text(result(&data, "addFulfillmentToOrder")?, "id")?.to_string());
        }
        let delivered = "mutation($f:ID!){transitionFulfillmentToState(id:$f,state:\"Delivered\"){__typename \
                         ...on ErrorResult{errorCode message}}}";
        for f in open {
            result(&self.api.query(delivered, json!({ "f": f }))?, "transitionFulfillmentToState")?;
        }
        let data = self.api.query(&q("query($o:ID!){order(id:$o){...O}}"), json!({ "o": id }))?;
        Ok(result(&data, "order")?.clone())
    }

    /// `order.created`: the sale as a paid, delivered order; its Vendure id.
    pub(super) fn order_created(&mut self, m: &Message) -> Result<String, VendureError> {
        let f = self.needs_till_id()?;
        let sale = m.order.as_ref().ok_or_else(|| VendureError::Shape("a sale entry without its order".into()))?;
        let key = &m.entry.key;
        let mut o = match self.find(key)? {
            Some(o) => o,
            None => self.create(key)?,
        };
        for _ in 0..MAX_STEPS {
            o = match text(&o, "state")? {
                "Draft" => self.fill(&o, sale, f)?,
                "ArrangingPayment" => self.pay(&o, sale)?,
                "PaymentSettled" | "PartiallyShipped" | "Shipped" | "PartiallyDelivered" => self.deliver(&o, sale)?,
                "Delivered" | "Cancelled" => return Ok(text(&o, "id")?.to_string()),
                other => {
                    return Err(VendureError::Cannot(format!(
                        "Vendure order {} for Till sale {} is {other}: finish it in Vendure, then till export retry {key}",
                        text(&o, "code")?,
                        sale.number
                    )));
                }
            };
        }
        Err(VendureError::Shape(format!("order {} did not reach Delivered in {MAX_STEPS} steps", text(&o, "code")?)))
    }

    /// The order a void or return is about, which its sale's send made.
    fn sale_of(&mut self, m: &Message) -> Result<Value, VendureError> {
        self.needs_till_id()?;
        let order_key =
            m.entry.order_key.as_deref().ok_or_else(|| VendureError::Shape("an entry without its order".into()))?;
        self.find(order_key)?.ok_or_else(|| {
            VendureError::Cannot(format!(
                "the sale {order_key} is not in Vendure (rung before the export began?): nothing to change there"
            ))
        })
    }

    /// Settles a refund made but not settled.
    fn settle(&mut self, refund: &str, key: &str) -> Result<(), VendureError> {
        let settle = "mutation($i:SettleRefundInput!){settleRefund(input:$i){__typename \
                      ...on ErrorResult{errorCode message}}}";
        result(&self.api.query(settle, json!({ "i": { "id": refund, "transactionId": key } }))?, "settleRefund")?;
        Ok(())
    }

    /// Refunds `amount` of payment `payment` for `why` and settles it; the refund's id.
    fn refund(&mut self, payment: &str, amount: i64, why: &str, key: &str) -> Result<String, VendureError> {
        // `shipping` and `adjustment` are deprecated, but 3.7 still wants them beside `amount`.
        let refund = "mutation($i:RefundOrderInput!){refundOrder(input:$i){__typename ...on Refund{id} \
                      ...on ErrorResult{errorCode message}}}";
        let input = json!({ "paymentId": payment, "amount": amount, "shipping": 0, "adjustment": 0, "reason": why });
        let data = self.api.query(refund, json!({ "i": input }))?;
        let id = text(result(&data, "refundOrder")?, "id")?.to_string();
        self.settle(&id, key)?;
        Ok(id)
    }

    /// Refunds made for `key` so far: (id, state).
    fn refunds_for(o: &Value, key: &str) -> Vec<(String, String)> {
        list(o, "payments")
            .iter()
            .flat_map(|p| list(p, "refunds"))
            .filter(|r| r.get("reason").and_then(Value::as_str).is_some_and(|s| s.ends_with(&format!(" {key}"))))
            .filter_map(|r| Some((text(r, "id").ok()?.to_string(), text(r, "state").ok()?.to_string())))
            .collect()
    }

    /// `order.voided`: the order cancelled (its goods back in stock) and every payment refunded.
    pub(super) fn order_voided(&mut self, m: &Message) -> Result<String, VendureError> {
        let mut o = self.sale_of(m)?;
        let key = &m.entry.key;
        let id = text(&o, "id")?.to_string();
        if text(&o, "state")? != "Cancelled" {
            let by = m.void.as_ref().and_then(|v| v.cashier.as_deref()).map(|c| format!(" by {c}")).unwrap_or_default();
            let cancel = q("mutation($i:CancelOrderInput!){cancelOrder(input:$i){...O \
                            ...on ErrorResult{errorCode message}}}");
            let data = self
                .api
                .query(&cancel, json!({ "i": { "orderId": id, "reason": format!("{}{by}", reason("void", key)) } }))?;
            o = result(&data, "cancelOrder")?.clone();
        }
        for (refund, state) in Self::refunds_for(&o, key) {
            if state == "Pending" {
                self.settle(&refund, key)?;
            }
        }
        for p in list(&o, "payments") {
            if p.get("state").and_then(Value::as_str) != Some("Settled") {
                continue;
            }
            let rest = refundable(p);
            if rest > 0 {
                self.refund(text(p, "id")?, rest, &reason("void", key), key)?;
            }
        }
        Ok(id)
    }

    /// `return.created`: a settled refund of what Till gave back; the refund's id.
    pub(super) fn return_created(&mut self, m: &Message) -> Result<Option<String>, VendureError> {
        let ret = m.ret.as_ref().ok_or_else(|| VendureError::Shape("a return entry without its return".into()))?;
        let o = self.sale_of(m)?;
        let key = &m.entry.key;
        let earlier = Self::refunds_for(&o, key);
        if let Some((refund, state)) = earlier.iter().find(|(_, s)| s != "Failed") {
            if state == "Pending" {
                self.settle(refund, key)?;
            }
            return Ok(Some(refund.clone()));
        }
        if ret.refund_cents <= 0 {
            return Ok(None);
        }
        let payments = list(&o, "payments");
        // The settled payment that covers it; else the first settled one, for Vendure to say why not.
        let settled = || payments.iter().filter(|p| p.get("state").and_then(Value::as_str) == Some("Settled"));
        let payment =
            settled().find(|p| refundable(p) >= ret.refund_cents).or_else(|| settled().next()).ok_or_else(|| {
                VendureError::Cannot(format!(
                    "Vendure order {} has no settled payment",
                    text(&o, "code").unwrap_or("?")
                ))
            })?;
        let why = reason("return", key);
        self.refund(text(payment, "id")?, ret.refund_cents, &why, key).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_prices_add_up_to_the_line() {
        assert_eq!(unit_prices(750, 3), vec![(3, 250)]);
        assert_eq!(unit_prices(749, 3), vec![(1, 249), (2, 250)]);
        assert_eq!(unit_prices(0, 2), vec![(2, 0)]);
        for (total, qty) in [(1001, 7), (5, 9), (123_457, 100), (1, 1)] {
            let sum: i64 = unit_prices(total, qty).iter().map(|(q, p)| i64::from(*q) * p).sum();
            let units: u32 = unit_prices(total, qty).iter().map(|(q, _)| q).sum();
            assert_eq!((sum, units), (total, qty), "{total} over {qty}");
        }
    }
}
