// Reads the JSON lines of `till bench peer --json` and `node client.js --json` (any order, one
// object per run and side) and prints the side-by-side table of scripts/bench-peer. Exits 1 if
// Till misses a target of issue 7 on the medians: bulk ≥ 10× faster, lower live p50 and p99,
// server RSS ≤ a fifth.
//
//   node table.js RESULTS.jsonl
'use strict';

const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node table.js RESULTS.jsonl');
  process.exit(2);
}
const rows = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));
const till = rows.filter((r) => r.side === 'till');
const pouch = rows.filter((r) => r.side === 'pouchdb');
if (till.length === 0 || pouch.length === 0) {
  console.error('bench-peer: no results for one of the sides');
  process.exit(1);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const fmt = (v, d) => v.toFixed(d);

// [label, key, decimals, target text, ratio = PouchDB / Till, passes(ratio)]
const figures = [
  ['bulk: A → server → fresh B (s)', 'bulk_s', 2, 'Till ≥ 10× faster', (r) => r >= 10],
  ['  push A → server (s)', 'push_s', 2, '', null],
  ['  catch-up server → fresh B (s)', 'catchup_s', 2, '', null],
  ['live p50, A → B (ms)', 'live_p50_ms', 2, 'Till lower', (r) => r > 1],
  ['live p99, A → B (ms)', 'live_p99_ms', 2, 'Till lower', (r) => r > 1],
  ['server RSS after the run (MiB)', 'server_rss_mib', 1, 'Till ≤ 1/5', (r) => r >= 5],
  ['  server peak RSS, VmHWM (MiB)', 'server_hwm_mib', 1, '', null],
];

const head = ['figure', 'target', 'Till (each run)', 'PouchDB (each run)', 'PouchDB / Till (medians)', ''];
const body = [];
let missed = 0;
for (const [label, key, d, target, pass] of figures) {
  const t = till.map((r) => r[key]);
  const p = pouch.map((r) => r[key]);
  const ratio = median(p) / median(t);
  let verdict = '';
  if (pass) {
    const ok = pass(ratio);
    if (!ok) missed++;
    verdict = ok ? 'met' : 'MISSED';
  }
  body.push([label, target, t.map((v) => fmt(v, d)).join(', '), p.map((v) => fmt(v, d)).join(', '), `${fmt(ratio, 1)}×`, verdict]);
}

const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
console.log(line(head));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of body) console.log(line(r));
const v = pouch[0].versions || {};
console.log(
  `\n${till[0].orders} orders, ${till[0].live} live; ${till.length} Till run(s), ${pouch.length} PouchDB run(s); ` +
    `node ${v.node}, pouchdb ${v.pouchdb}, express-pouchdb ${v['express-pouchdb']}, express ${v.express}`,
);
if (missed > 0) {
  console.log(`Till missed ${missed} target(s).`);
  process.exit(1);
}
console.log('Till met every target.');
