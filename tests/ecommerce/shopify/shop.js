// The stand-in's shop: products and variants, inventory levels, orders, transactions and refunds
// in memory, and the resolvers graphql-js runs against them (server.js). Amounts are kept in
// cents of the shop's currency and shown as Shopify's decimal strings.
'use strict';

const REASONS = new Set(['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated',
  'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received',
  'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage']);

function cents(decimal) {
  const m = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(String(decimal).trim());
  if (!m) throw new Error(`not an amount: ${decimal}`);
  const v = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'));
  return m[1] ? -v : v;
}

function decimal(c) {
  const s = Math.abs(c).toString().padStart(3, '0');
  return `${c < 0 ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

// Shopify's search syntax, the part the connector uses: `field:value` terms (values quoted with
// ' or " when they hold spaces or colons), AND by juxtaposition, OR between clauses.
function search(query, fields, items) {
  if (!query) return { items, unknown: [] };
  const clauses = [[]];
  const unknown = [];
  const re = /(\w+):("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+)|(\bOR\b)|(\bAND\b)|(\S+)/g;
  let m;
  while ((m = re.exec(query))) {
    if (m[3]) clauses.push([]);
    else if (m[1]) {
      let v = m[2];
      if (/^["']/.test(v)) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
      if (!fields[m[1]]) unknown.push(m[1]);
      clauses[clauses.length - 1].push([m[1], v]);
    } else if (m[5]) unknown.push(m[5]);
  }
  const hit = (item) => clauses.some((c) => c.length && c.every(([f, v]) => fields[f] && fields[f](item) === v));
  return { items: items.filter(hit), unknown };
}

function connection(all, args) {
  const start = args.after ? Number(args.after) + 1 : 0;
  const n = Math.max(0, Math.min(Number(args.first || 0), 250));
  const page = all.slice(start, start + n);
  const cursor = (i) => String(start + i);
  return {
    nodes: page,
    edges: page.map((node, i) => ({ node, cursor: cursor(i) })),
    pageInfo: {
      hasNextPage: start + n < all.length,
      hasPreviousPage: start > 0,
      startCursor: page.length ? cursor(0) : null,
      endCursor: page.length ? cursor(page.length - 1) : null,
    },
  };
}

exports.create = function create({ currency, locationId, version }) {
  let serial = 1000;
  const gid = (type) => `gid://shopify/${type}/${++serial}`;
  const now = () => new Date().toISOString();
  const money = (c) => ({ shopMoney: { amount: decimal(c), currencyCode: currency } });
  const locations = new Map([[locationId, { id: locationId, name: 'Shop floor', isActive: true, createdAt: now() }]]);
  const variants = []; // { id, sku, title, price, barcode, product, item }
  const levels = new Map(); // `${item}|${location}` → { available, on_hand }
  const orders = [];
  const counters = { unknownFilters: [] };
  const V = (n) => version >= n;

  function levelObject(itemId, locId) {
    const l = levels.get(`${itemId}|${locId}`);
    if (!l) return null;
    return {
      id: `gid://shopify/InventoryLevel/${itemId.split('/').pop()}?inventory_item_id=${locId.split('/').pop()}`,
      createdAt: now(),
      location: () => locationObject(locId),
      quantities: ({ names }) => names.map((name) => ({ id: `${itemId}|${locId}|${name}`, name, quantity: l[name] || 0 })),
    };
  }
  function locationObject(id) {
    const loc = locations.get(id);
    return loc && { ...loc, inventoryLevel: ({ inventoryItemId }) => levelObject(inventoryItemId, id) };
  }
  function itemObject(v) {
    return {
      id: v.item, sku: v.sku, tracked: true, createdAt: now(), variant: () => variantObject(v),
      inventoryLevel: ({ locationId: loc }) => levelObject(v.item, loc),
    };
  }
  function variantObject(v) {
    return {
      id: v.id, sku: v.sku, title: v.title, price: decimal(v.price), barcode: v.barcode, createdAt: now(),
      product: { id: v.product, title: v.productTitle, createdAt: now() },
      inventoryItem: () => itemObject(v),
    };
  }
  const txObject = (o, t) => ({
    id: t.id, kind: t.kind, status: t.status, gateway: t.gateway, createdAt: t.at, processedAt: t.at,
    amountSet: money(t.amount),
    parentTransaction: () => (t.parentId ? txObject(o, o.transactions.find((x) => x.id === t.parentId)) : null),
    location: () => locationObject(t.locationId),
  });
  function orderObject(o) {
    const refunded = o.refunds.reduce((s, r) => s + r.amount, 0);
    const paid = o.transactions.filter((t) => t.kind === 'SALE' && t.status === 'SUCCESS').reduce((s, t) => s + t.amount, 0);
    let financial = paid >= o.total ? 'PAID' : paid > 0 ? 'PARTIALLY_PAID' : 'PENDING';
    if (refunded > 0) financial = refunded >= paid ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    return {
      id: o.id, name: o.name, note: o.note, sourceIdentifier: o.sourceIdentifier, sourceName: o.sourceName,
      createdAt: o.createdAt, processedAt: o.processedAt, cancelledAt: o.cancelledAt, currencyCode: currency,
      taxesIncluded: o.taxesIncluded, displayFinancialStatus: financial,
      displayFulfillmentStatus: o.fulfilled ? 'FULFILLED' : 'UNFULFILLED',
      subtotalPriceSet: money(o.subtotal), totalPriceSet: money(o.total), totalTaxSet: money(o.tax),
      currentTotalPriceSet: money(o.total - refunded), totalRefundedSet: money(refunded),
      taxLines: o.taxLines.map((t) => ({ title: t.title, rate: t.rate, priceSet: money(t.amount) })),
      lineItems: (args) => connection(o.lineItems.map((l) => ({
        id: l.id, sku: l.sku, name: l.title, title: l.title, quantity: l.quantity,
        currentQuantity: l.quantity - l.refunded, refundableQuantity: l.quantity - l.refunded,
        variant: () => variantObject(variants.find((v) => v.id === l.variantId)),
        taxLines: () => [],
      })), args),
      transactions: () => o.transactions.map((t) => txObject(o, t)),
      refunds: () => o.refunds.map((r) => ({
        id: r.id, note: r.note, createdAt: r.at, totalRefundedSet: money(r.amount),
        refundLineItems: (args) => connection(r.lines.map((l) => ({ id: `${r.id}/${l.lineItemId}`, quantity: l.quantity, restockType: l.restockType })), args),
        transactions: (args) => connection(r.transactions.map((t) => txObject(o, t)), args),
      })),
    };
  }

  function moveStock(item, loc, delta, { onHand = true } = {}) {
    const l = levels.get(`${item}|${loc}`);
    if (!l) return false;
    l.available += delta;
    if (onHand) l.on_hand += delta;
    return true;
  }

  function orderCreate({ order, options }) {
    const errors = [];
    const err = (field, message, code = 'INVALID') => errors.push({ field, message, code });
    const lines = order.lineItems || [];
    if (!lines.length) err(['order', 'lineItems'], 'Line items must have at least one line item');
    if (order.taxLines && lines.some((l) => l.taxLines)) err(['order', 'taxLines'], 'Tax lines can be given on the order or its line items, not both');
    const inCurrency = (bag, field) => {
      if (bag && bag.shopMoney.currencyCode !== currency) err(field, `Currency must be ${currency}`);
      return bag ? cents(bag.shopMoney.amount) : 0;
    };
    const items = lines.map((l, i) => {
      const v = l.variantId && variants.find((x) => x.id === l.variantId);
      if (l.variantId && !v) err(['order', 'lineItems', String(i), 'variantId'], 'Variant does not exist');
      if (l.quantity < 1) err(['order', 'lineItems', String(i), 'quantity'], 'Quantity must be greater than 0');
      const price = l.priceSet ? inCurrency(l.priceSet, ['order', 'lineItems', String(i), 'priceSet']) : v ? v.price : 0;
      return { id: gid('LineItem'), variantId: v && v.id, item: v && v.item, sku: (v && v.sku) || l.sku || null, title: (v && v.productTitle) || l.title || 'Item', quantity: l.quantity, price, refunded: 0 };
    });
    const taxLines = (order.taxLines || []).map((t, i) => ({ title: t.title, rate: Number(t.rate), amount: inCurrency(t.priceSet, ['order', 'taxLines', String(i)]) }));
    const discount = order.discountCode && order.discountCode.itemFixedDiscountCode ? inCurrency(order.discountCode.itemFixedDiscountCode.amountSet, ['order', 'discountCode']) : 0;
    const transactions = (order.transactions || []).map((t, i) => ({
      id: gid('OrderTransaction'), kind: t.kind || 'SALE', status: t.status || 'SUCCESS', gateway: t.gateway || 'manual',
      amount: inCurrency(t.amountSet, ['order', 'transactions', String(i)]), at: t.processedAt || now(), locationId: t.locationId || null,
    }));
    const behaviour = (options && options.inventoryBehaviour) || 'BYPASS';
    const loc = (order.fulfillment && order.fulfillment.locationId) || locationId;
    if (order.fulfillment && !locations.has(loc)) err(['order', 'fulfillment', 'locationId'], 'Location does not exist');
    if (behaviour === 'DECREMENT_OBEYING_POLICY') {
      for (const it of items) {
        const l = it.item && levels.get(`${it.item}|${loc}`);
        if (l && l.available < it.quantity) err(['order', 'lineItems'], `Insufficient inventory for ${it.sku}`, 'INVENTORY_CLAIM_FAILED');
      }
    }
    if (errors.length) return { order: null, userErrors: errors };
    const fulfilled = order.fulfillmentStatus === 'FULFILLED' || !!order.fulfillment;
    if (behaviour !== 'BYPASS') for (const it of items) if (it.item) moveStock(it.item, loc, -it.quantity, { onHand: fulfilled });
    const subtotal = items.reduce((s, l) => s + l.price * l.quantity, 0) - discount;
    const tax = taxLines.reduce((s, t) => s + t.amount, 0);
    const o = {
      id: gid('Order'), name: `#${orders.length + 1001}`, note: order.note || null,
      sourceIdentifier: order.sourceIdentifier || null, sourceName: order.sourceName || null,
      createdAt: now(), processedAt: order.processedAt || now(), cancelledAt: null,
      taxesIncluded: !!order.taxesIncluded, lineItems: items, taxLines, transactions, refunds: [],
      subtotal, tax, discount, total: order.taxesIncluded ? subtotal : subtotal + tax, fulfilled, location: loc,
      tags: order.tags || [], inventoryBehaviour: behaviour,
    };
    orders.push(o);
    return { order: orderObject(o), userErrors: [] };
  }

  function refundCreate({ input }) {
    const o = orders.find((x) => x.id === input.orderId);
    const errors = [];
    const err = (field, message) => errors.push({ field, message });
    if (!o) return { refund: null, order: null, userErrors: [{ field: ['orderId'], message: 'Order does not exist' }] };
    const lines = (input.refundLineItems || []).map((r, i) => {
      const li = o.lineItems.find((l) => l.id === r.lineItemId);
      if (!li) err(['refundLineItems', String(i), 'lineItemId'], 'Line item does not exist');
      else if (r.quantity > li.quantity - li.refunded) err(['refundLineItems', String(i), 'quantity'], `Quantity cannot refund more items than were purchased`);
      if (r.locationId && !locations.has(r.locationId)) err(['refundLineItems', String(i), 'locationId'], 'Location does not exist');
      return { li, lineItemId: r.lineItemId, quantity: r.quantity, restockType: r.restockType || 'NO_RESTOCK', locationId: r.locationId || o.location };
    });
    const paid = o.transactions.filter((t) => t.kind === 'SALE' && t.status === 'SUCCESS').reduce((s, t) => s + t.amount, 0);
    const before = o.refunds.reduce((s, r) => s + r.amount, 0);
    const txs = (input.transactions || []).map((t, i) => {
      if (t.orderId !== o.id) err(['transactions', String(i), 'orderId'], 'Transaction is for another order');
      if (t.kind !== 'REFUND') err(['transactions', String(i), 'kind'], 'Only refund transactions can be created with a refund');
      if (t.parentId && !o.transactions.some((p) => p.id === t.parentId && p.kind === 'SALE')) err(['transactions', String(i), 'parentId'], 'Parent transaction does not exist');
      return { id: gid('OrderTransaction'), kind: 'REFUND', status: 'SUCCESS', gateway: t.gateway, amount: cents(t.amount), parentId: t.parentId || null, at: now() };
    });
    const amount = txs.reduce((s, t) => s + t.amount, 0);
    if (before + amount > paid && !input.allowOverRefunding) err(['transactions'], `Refund amount ${decimal(amount)} is greater than net payment received ${decimal(paid - before)}`);
    if (errors.length) return { refund: null, order: orderObject(o), userErrors: errors };
    for (const l of lines) {
      l.li.refunded += l.quantity;
      if ((l.restockType === 'RETURN' || l.restockType === 'CANCEL') && l.li.item) moveStock(l.li.item, l.locationId, l.quantity);
    }
    o.transactions.push(...txs);
    const r = { id: gid('Refund'), note: input.note || null, amount, transactions: txs, at: now(), lines: lines.map(({ lineItemId, quantity, restockType }) => ({ lineItemId, quantity, restockType })) };
    o.refunds.push(r);
    const obj = orderObject(o);
    return { refund: obj.refunds().find((x) => x.id === r.id), order: obj, userErrors: [] };
  }

  function orderCancel({ orderId, restock }) {
    const o = orders.find((x) => x.id === orderId);
    if (!o) return { job: null, orderCancelUserErrors: [{ field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' }], userErrors: [] };
    if (o.fulfilled) return { job: null, orderCancelUserErrors: [{ field: ['orderId'], message: 'Cannot cancel a fulfilled order', code: 'INVALID' }], userErrors: [] };
    if (!o.cancelledAt) {
      o.cancelledAt = now();
      if (restock) for (const l of o.lineItems) if (l.item) moveStock(l.item, o.location, l.quantity - l.refunded, { onHand: false });
    }
    return { job: { id: gid('Job'), done: true }, orderCancelUserErrors: [], userErrors: [] };
  }

  function group(reason, uri, changes) {
    return { id: gid('InventoryAdjustmentGroup'), reason, referenceDocumentUri: uri || null, createdAt: now(), changes: () => changes };
  }

  function inventoryAdjustQuantities({ input }) {
    const errors = [];
    if (!REASONS.has(input.reason)) errors.push({ field: ['input', 'reason'], message: `${input.reason} is not a valid reason`, code: 'INVALID_REASON' });
    if (input.name !== 'available') errors.push({ field: ['input', 'name'], message: 'This stand-in adjusts only available', code: 'INVALID_QUANTITY_NAME' });
    input.changes.forEach((c, i) => {
      const l = levels.get(`${c.inventoryItemId}|${c.locationId}`);
      if (!l) errors.push({ field: ['input', 'changes', String(i)], message: 'The item is not stocked at the location', code: 'ITEM_NOT_STOCKED_AT_LOCATION' });
      else if (V('2026-04') && !('changeFromQuantity' in c)) errors.push({ field: ['input', 'changes', String(i), 'changeFromQuantity'], message: 'changeFromQuantity must be given (null skips the check)', code: null });
      else if (c.changeFromQuantity != null && c.changeFromQuantity !== l.available) errors.push({ field: ['input', 'changes', String(i), 'changeFromQuantity'], message: 'The quantity has changed', code: 'CHANGE_FROM_QUANTITY_STALE' });
    });
    if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
    const changes = input.changes.map((c) => {
      moveStock(c.inventoryItemId, c.locationId, c.delta);
      const v = variants.find((x) => x.item === c.inventoryItemId);
      return { name: 'available', delta: c.delta, quantityAfterChange: levels.get(`${c.inventoryItemId}|${c.locationId}`).available, item: () => itemObject(v), location: () => locationObject(c.locationId) };
    });
    return { inventoryAdjustmentGroup: group(input.reason, input.referenceDocumentUri, changes), userErrors: [] };
  }

  function inventorySetQuantities({ input }) {
    const errors = [];
    if (!REASONS.has(input.reason)) errors.push({ field: ['input', 'reason'], message: `${input.reason} is not a valid reason`, code: 'INVALID_REASON' });
    if (!['available', 'on_hand'].includes(input.name)) errors.push({ field: ['input', 'name'], message: 'The only accepted values are available and on_hand', code: 'INVALID_NAME' });
    input.quantities.forEach((q, i) => {
      const l = levels.get(`${q.inventoryItemId}|${q.locationId}`);
      const field = ['input', 'quantities', String(i)];
      const current = l && l[input.name];
      if (!l) return errors.push({ field, message: 'The item is not stocked at the location', code: 'ITEM_NOT_STOCKED_AT_LOCATION' });
      if (V('2026-01') && 'changeFromQuantity' in q) {
        if (q.changeFromQuantity != null && q.changeFromQuantity !== current) errors.push({ field, message: 'The quantity has changed', code: 'CHANGE_FROM_QUANTITY_STALE' });
      } else if (V('2026-04')) {
        errors.push({ field, message: 'changeFromQuantity must be given (null skips the check)', code: null });
      } else if (q.compareQuantity == null && !input.ignoreCompareQuantity) {
        errors.push({ field, message: 'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity', code: 'COMPARE_QUANTITY_REQUIRED' });
      } else if (q.compareQuantity != null && q.compareQuantity !== current) {
        errors.push({ field, message: 'The compareQuantity value does not match persisted value', code: 'COMPARE_QUANTITY_STALE' });
      }
    });
    if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
    const changes = input.quantities.map((q) => {
      const l = levels.get(`${q.inventoryItemId}|${q.locationId}`);
      const delta = q.quantity - l[input.name];
      moveStock(q.inventoryItemId, q.locationId, delta, { onHand: true });
      const v = variants.find((x) => x.item === q.inventoryItemId);
      return { name: input.name, delta, quantityAfterChange: l[input.name], item: () => itemObject(v), location: () => locationObject(q.locationId) };
    });
    return { inventoryAdjustmentGroup: group(input.reason, input.referenceDocumentUri, changes), userErrors: [] };
  }

  const query = {
    shop: () => ({ id: 'gid://shopify/Shop/1', name: 'Till test shop', currencyCode: currency, taxesIncluded: false, createdAt: now() }),
    location: ({ id }) => locationObject(id || locationId),
    productVariants: (args) => {
      const r = search(args.query, { sku: (v) => v.sku, barcode: (v) => v.barcode, id: (v) => v.id.split('/').pop() }, variants);
      counters.unknownFilters.push(...r.unknown);
      return connection(r.items.map(variantObject), args);
    },
    orders: (args) => {
      const r = search(args.query, { source_identifier: (o) => o.sourceIdentifier, name: (o) => o.name, id: (o) => o.id.split('/').pop() }, orders);
      counters.unknownFilters.push(...r.unknown);
      return connection(r.items.map(orderObject), args);
    },
    order: ({ id }) => {
      const o = orders.find((x) => x.id === id);
      return o ? orderObject(o) : null;
    },
    inventoryItem: ({ id }) => {
      const v = variants.find((x) => x.item === id);
      return v ? itemObject(v) : null;
    },
  };
  const mutation = { orderCreate, refundCreate, orderCancel, inventoryAdjustQuantities, inventorySetQuantities };

  return {
    root: () => ({ ...query, ...mutation }),
    addVariant({ sku, title, price, barcode, available = 0 }) {
      const v = { id: gid('ProductVariant'), sku, title: 'Default Title', price: cents(price), barcode: barcode || null, product: gid('Product'), productTitle: title || sku, item: gid('InventoryItem') };
      variants.push(v);
      levels.set(`${v.item}|${locationId}`, { available: Number(available), on_hand: Number(available) });
      return { variant: v.id, inventoryItem: v.item };
    },
    dump: () => ({
      currency,
      location: locationId,
      variants: variants.map((v) => ({ ...v, price: decimal(v.price), level: levels.get(`${v.item}|${locationId}`) })),
      orders: orders.map((o) => ({ ...o, lineItems: o.lineItems.map(({ item, ...rest }) => rest) })),
      unknownFilters: counters.unknownFilters,
    }),
  };
};
