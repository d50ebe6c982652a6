// The PouchDB side of scripts/bench-peer: the same replication `till bench peer` times, with
// PouchDB 9 databases on disk and an express-pouchdb server process on loopback.
//
//   node client.js [--orders 10000] [--live 500] [--json]
//
// 1. push: a source PouchDB A holding N order documents, one-shot `A.replicate.to(server)`;
// 2. catch-up: a fresh target B, one-shot `B.replicate.from(server)`; bulk = push + catch-up;
// 3. live: A → server and server → B replicating continuously; one doc at a time `put` on A,
//    timed from the put's return until B's changes feed reports it (p50/p99);
// 4. the server process's VmRSS/VmHWM after all of that.
// Replication options are PouchDB's defaults (batch_size 100, batches_limit 10).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const PouchDB = require('pouchdb');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`${name} needs a whole number`);
    process.exit(2);
  }
  return v;
}
const ORDERS = arg('--orders', 10000);
const LIVE = arg('--live', 500);
const JSON_OUT = process.argv.includes('--json');

// The same products and 1-3 line cycle as `till bench peer`; fields as Till's Order record.
const PRODUCTS = [
  ['TEA', 'Green tea', 250],
  ['COF', 'Coffee', 320],
  ['BUN', 'Cinnamon bun', 275],
];
function order(register, i) {
  const n = i + 1;
  const qty = 1 + (i % 2);
  const lines = PRODUCTS.slice(0, 1 + (i % 3)).map(([sku, name, price]) => ({
    sku,
    name,
    qty,
    unit_price_cents: price,
    tax_rate_bp: 0,
    subtotal_cents: qty * price,
    tax_cents: 0,
  }));
  const sub = lines.reduce((s, l) => s + l.subtotal_cents, 0);
  const number = `${register}-${String(n).padStart(6, '0')}`;
  return {
    _id: number,
    type: 'order',
    number,
    lines,
    subtotal_cents: sub,
    tax_cents: 0,
    total_cents: sub,
    payment: 'cash',
    cashier: null,
    shift: null,
    at_ms: Date.now(),
  };
}

function status(pid, field) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(field));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}

function startServer(dir) {
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the PouchDB server did not start in 30 s')), 30000);
    child.on('exit', (code) => reject(new Error(`the PouchDB server exited (${code})`)));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, port: JSON.parse(out.slice(0, nl)).port });
      }
    });
  });
}

function pct(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))];
}

async function main() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-pouchdb-'));
  const { child, port } = await startServer(path.join(base, 'S'));
  try {
    const remote = new PouchDB(`http://127.0.0.1:${port}/orders`);
    await remote.info(); // creates the database on the server
    const a = new PouchDB(path.join(base, 'A'));

    let t = performance.now();
    for (let i = 0; i < ORDERS; i += 1000) {
      const docs = [];
      for (let k = i; k < Math.min(ORDERS, i + 1000); k++) docs.push(order('A', k));
      await a.bulkDocs(docs);
    }
    const ringS = (performance.now() - t) / 1000;
    console.error(`  put ${ORDERS} docs in A in ${ringS.toFixed(2)} s`);

    // 1. Push.
    t = performance.now();
    await a.replicate.to(remote);
    const pushS = (performance.now() - t) / 1000;
    const onServer = (await remote.info()).doc_count;
    if (onServer < ORDERS) throw new Error(`the server holds ${onServer} of ${ORDERS} docs`);
    console.error(`  push A -> server: ${pushS.toFixed(2)} s`);

    // 2. Catch-up by a fresh B.
    t = performance.now();
    const b = new PouchDB(path.join(base, 'B'));
    await b.replicate.from(remote);
    const catchupS = (performance.now() - t) / 1000;
    const onB = (await b.info()).doc_count;
    if (onB < ORDERS) throw new Error(`B holds ${onB} of ${ORDERS} docs`);
    console.error(`  catch-up server -> fresh B: ${catchupS.toFixed(2)} s`);

    // 3. Live.
    const waiting = new Map();
    const feed = b.changes({ live: true, since: 'now' }).on('change', (c) => {
      const done = waiting.get(c.id);
      if (done) {
        waiting.delete(c.id);
        done();
      }
    });
    const seen = (id) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${id} never reached B`)), 30000);
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    const up = a.replicate.to(remote, { live: true, retry: true });
    const down = b.replicate.from(remote, { live: true, retry: true });
    // One doc through both live replications before timing, so both are running.
    const warm = seen('L-warm');
    await a.put({ ...order('L', 0), _id: 'L-warm' });
    await warm;
    const lat = [];
    for (let i = 0; i < LIVE; i++) {
      const doc = order('L', i);
      const arrived = seen(doc._id);
      await a.put(doc);
      const t0 = performance.now();
      await arrived;
      lat.push(performance.now() - t0);
    }
    lat.sort((x, y) => x - y);

    // 4. Server memory, with both live replications still connected.
    const rss = status(child.pid, 'VmRSS:') / 1024;
    const hwm = status(child.pid, 'VmHWM:') / 1024;
    up.cancel();
    down.cancel();
    feed.cancel();
    await Promise.all([a.close(), b.close(), remote.close()]);

    const r = {
      side: 'pouchdb',
      orders: ORDERS,
      ring_s: ringS,
      push_s: pushS,
      catchup_s: catchupS,
      bulk_s: pushS + catchupS,
      live: lat.length,
      live_p50_ms: pct(lat, 0.5),
      live_p99_ms: pct(lat, 0.99),
      live_max_ms: lat.length ? lat[lat.length - 1] : 0,
      server_rss_mib: rss,
      server_hwm_mib: hwm,
      versions: {
        node: process.versions.node,
        pouchdb: require('pouchdb/package.json').version,
        'express-pouchdb': require('express-pouchdb/package.json').version,
        express: require('express/package.json').version,
      },
    };
    if (JSON_OUT) {
      console.log(JSON.stringify(r));
    } else {
      console.log(
        `  bulk ${ORDERS} docs A -> server -> fresh B: ${r.bulk_s.toFixed(2)} s ` +
          `(push ${pushS.toFixed(2)} s + catch-up ${catchupS.toFixed(2)} s)`,
      );
      console.log(
        `  live, ${lat.length} docs one at a time A -> B: p50 ${r.live_p50_ms.toFixed(2)} ms, ` +
          `p99 ${r.live_p99_ms.toFixed(2)} ms, max ${r.live_max_ms.toFixed(2)} ms`,
      );
      console.log(`  server memory: RSS ${rss.toFixed(1)} MiB (peak ${hwm.toFixed(1)} MiB)`);
    }
  } finally {
    child.removeAllListeners('exit');
    if (child.exitCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/pouchdb: ${e.stack || e}`);
  process.exit(1);
});
