#!/usr/bin/env node
// A stand-in for Shopify's GraphQL Admin API, for Till's export tests (tests/export_shopify.rs).
//
// It serves POST /admin/api/<version>/graphql.json over HTTPS (a test CA made with openssl in
// --dir), checks X-Shopify-Access-Token, and validates every operation and its variables against
// Shopify's real Admin schema of that version (the introspection result shipped in npm
// @shopify/dev-mcp, fetched by ./fetch-schema): an operation the schema refuses is answered
// with GraphQL errors and counted as invalid, so the Rust test can assert that none was. Valid
// operations run through graphql-js' own executor against an in-memory shop (products and
// variants with SKUs, inventory levels at locations, orders with their source identifier,
// transactions and refunds), so every answer has the shape the schema gives, no more.
//
// Like Shopify it charges a cost per query and keeps a leaky bucket (extensions.cost with the
// throttle status; a THROTTLED error when the bucket cannot pay), and where the schema's version
// takes an idempotency key (the @idempotent directive, from 2026-01; required from 2026-04 on the
// mutations whose description says so) it checks it: a replay answers the first answer.
//
// A plain-HTTP control port on 127.0.0.1 lets the test add variants, inject failures (500s,
// answers that never come, before or after the operation ran), set the bucket, and read the
// shop's state and the counters. It prints {"port", "control", "ca"} as its first line and
// exits when its standard input closes (the test process ended) or after --lifetime seconds.
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');
const https = require('https');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const g = require('graphql');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const VERSION = args.version || '2025-10';
const TOKEN = args.token || 'shpat_test';
const DIR = args.dir;
const LIFETIME_S = Number(args.lifetime || 900);
if (!args.schema || !DIR) {
  console.error('usage: server.js --schema admin_VERSION.json.gz --dir DIR [--version V] [--token T]');
  process.exit(2);
}

const raw = JSON.parse(zlib.gunzipSync(fs.readFileSync(args.schema)));
const schema = g.buildClientSchema(raw.data || raw);
const state = require('./shop').create({
  currency: args.currency || 'EUR',
  locationId: 'gid://shopify/Location/' + (args.location || '1'),
  version: VERSION,
});

// Which mutations take @idempotent in this version, and which need it: the directive must be in
// the schema, and the mutation's description says from which version it is required.
const idempotency = {};
if (schema.getDirective('idempotent')) {
  for (const f of Object.values(schema.getMutationType().getFields())) {
    const d = f.description || '';
    if (!/`@idempotent`/.test(d)) continue;
    const m = d.match(/As of (?:version )?`?(\d{4}-\d{2})`?, the idempotency key is required/);
    idempotency[f.name] = { required: !!m && VERSION >= m[1] };
  }
}

const stats = {
  requests: 0, operations: {}, invalid: 0, invalidOps: [], deprecated: {}, throttled: 0,
  keyed: 0, replays: 0, keyMismatches: 0, missingKeys: 0, injected: 0, unauthorized: 0,
};
const keys = new Map(); // idempotency key → { body, answer }
const failures = []; // queued: { mode, only }
const bucket = { max: 1000, restore: 50, available: 1000, at: Date.now() };

function refill() {
  const now = Date.now();
  bucket.available = Math.min(bucket.max, bucket.available + ((now - bucket.at) / 1000) * bucket.restore);
  bucket.at = now;
}

function throttleStatus() {
  return { maximumAvailable: bucket.max, currentlyAvailable: Math.floor(bucket.available), restoreRate: bucket.restore };
}

// Shopify's calculated query cost, simplified: an object field costs 1, a connection 2 plus
// `first` (or `last`) times its selection, scalars nothing; a mutation's root field costs 10.
function cost(doc, op, variables) {
  const frags = {};
  for (const d of doc.definitions) if (d.kind === 'FragmentDefinition') frags[d.name.value] = d;
  const argValue = (field, name) => {
    const a = (field.arguments || []).find((x) => x.name.value === name);
    if (!a) return undefined;
    return a.value.kind === 'Variable' ? variables[a.value.name.value] : g.valueFromASTUntyped(a.value);
  };
  const walk = (sel, parent, root) => {
    let total = 0;
    for (const s of sel.selections) {
      if (s.kind === 'InlineFragment') {
        total += walk(s.selectionSet, s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent, root);
        continue;
      }
      if (s.kind === 'FragmentSpread') {
        const f = frags[s.name.value];
        if (f) total += walk(f.selectionSet, schema.getType(f.typeCondition.name.value), root);
        continue;
      }
      const def = parent && parent.getFields && parent.getFields()[s.name.value];
      if (!def) continue;
      const t = g.getNamedType(def.type);
      const inner = s.selectionSet ? walk(s.selectionSet, t, false) : 0;
      if (root && op.operation === 'mutation') total += 10 + inner;
      else if (/Connection$/.test(t.name)) total += 2 + (argValue(s, 'first') || argValue(s, 'last') || 1) * Math.max(inner, 1);
      else if (g.isCompositeType(t)) total += 1 + inner;
    }
    return total;
  };
  const rootType = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  return walk(op.selectionSet, rootType, true);
}

// Deprecated input fields given in variables (NoDeprecatedCustomRule sees only literals).
function deprecatedInputs(type, value, at, out) {
  if (value == null) return;
  const t = g.getNullableType(type);
  if (g.isListType(t)) return value.forEach((x, i) => deprecatedInputs(t.ofType, x, `${at}[${i}]`, out));
  if (!g.isInputObjectType(t)) return;
  for (const [name, f] of Object.entries(t.getFields())) {
    if (!(name in value)) continue;
    if (f.deprecationReason) out.push(`${t.name}.${name} (${at}) is deprecated: ${f.deprecationReason}`);
    deprecatedInputs(f.type, value[name], `${at}.${name}`, out);
  }
}

function invalid(res, why, body) {
  stats.invalid += 1;
  const entry = { why, query: String(body.query || '').slice(0, 2000), variables: body.variables };
  stats.invalidOps.push(entry);
  console.error('INVALID OPERATION: ' + JSON.stringify(entry));
  try {
    fs.appendFileSync(path.join(DIR, 'invalid.log'), JSON.stringify(entry) + '\n');
  } catch (_) { /* the counter still says it */ }
  send(res, 200, { errors: [].concat(why).map((m) => ({ message: String(m) })) });
}

function send(res, status, obj) {
  const text = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const held = new Set();
function hold(res) {
  // An answer that never comes: the client's deadline ends it; we drop it after 30 s anyway.
  held.add(res);
  const t = setTimeout(() => { held.delete(res); res.destroy(); }, 30000);
  res.on('close', () => { clearTimeout(t); held.delete(res); });
}

function graphql(req, res, body) {
  stats.requests += 1;
  if (req.headers['x-shopify-access-token'] !== TOKEN) {
    stats.unauthorized += 1;
    return send(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  }
  let doc;
  try {
    doc = g.parse(String(body.query || ''));
  } catch (e) {
    return invalid(res, 'parse: ' + e.message, body);
  }
  const errors = g.validate(schema, doc);
  if (errors.length) return invalid(res, errors.map((e) => e.message), body);
  const ops = doc.definitions.filter((d) => d.kind === 'OperationDefinition');
  const op = body.operationName ? ops.find((o) => o.name && o.name.value === body.operationName) : ops.length === 1 && ops[0];
  if (!op) return invalid(res, 'no single operation to run', body);
  const coerced = g.getVariableValues(schema, op.variableDefinitions || [], body.variables || {});
  if (coerced.errors) return invalid(res, coerced.errors.map((e) => e.message), body);
  const deprecated = g.validate(schema, doc, [g.NoDeprecatedCustomRule]).map((e) => e.message);
  for (const v of op.variableDefinitions || []) {
    deprecatedInputs(g.typeFromAST(schema, v.type), (body.variables || {})[v.variable.name.value], `$${v.variable.name.value}`, deprecated);
  }
  for (const d of deprecated) stats.deprecated[d] = (stats.deprecated[d] || 0) + 1;

  // The idempotency key, where this version takes one.
  let key = null;
  for (const s of op.selectionSet.selections) {
    if (s.kind !== 'Field') continue;
    const name = s.name.value;
    stats.operations[name] = (stats.operations[name] || 0) + 1;
    const dir = (s.directives || []).find((d) => d.name.value === 'idempotent');
    const spec = op.operation === 'mutation' && idempotency[name];
    if (dir && !spec) return invalid(res, `${name} takes no @idempotent key in ${VERSION}`, body);
    if (dir) {
      const arg = dir.arguments.find((a) => a.name.value === 'key');
      key = arg && (arg.value.kind === 'Variable' ? coerced.coerced[arg.value.name.value] : arg.value.value);
    } else if (spec && spec.required) {
      stats.missingKeys += 1;
      return invalid(res, `${name} needs an idempotency key (@idempotent) in ${VERSION}`, body);
    }
  }
  if (key) {
    stats.keyed += 1;
    const fingerprint = JSON.stringify([body.query, body.variables || {}]);
    const seen = keys.get(key);
    if (seen && seen.fingerprint === fingerprint) {
      stats.replays += 1;
      return send(res, 200, seen.answer);
    }
    if (seen) {
      stats.keyMismatches += 1;
      const field = op.selectionSet.selections[0].name.value;
      return send(res, 200, { data: { [field]: null }, errors: [{ message: 'The idempotency key was used with other parameters', extensions: { code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' } }] });
    }
  }

  const failure = failures.length && (!failures[0].only || failures[0].only === op.operation) ? failures.shift() : null;
  if (failure) stats.injected += 1;
  if (failure && failure.mode === '500') return send(res, 500, { errors: [{ message: 'Internal error (injected)' }] });
  if (failure && failure.mode === 'timeout') return hold(res);

  refill();
  const requested = cost(doc, op, coerced.coerced);
  if (requested > 1000) {
    return send(res, 200, { errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (1000).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: 1000 } }] });
  }
  if (requested > bucket.available) {
    stats.throttled += 1;
    return send(res, 200, {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } },
    });
  }
  bucket.available -= requested;
  const result = g.executeSync({ schema, document: doc, rootValue: state.root(), variableValues: body.variables || {}, operationName: body.operationName });
  const answer = {
    ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message, path: e.path })) } : {}),
    data: result.data,
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: throttleStatus() } },
  };
  if (result.errors) console.error('EXECUTION ERRORS: ' + JSON.stringify(answer.errors));
  if (key) keys.set(key, { fingerprint: JSON.stringify([body.query, body.variables || {}]), answer });
  if (failure && failure.mode === '500-after') return send(res, 502, { errors: [{ message: 'Bad gateway (injected, after the operation ran)' }] });
  if (failure && failure.mode === 'timeout-after') return hold(res);
  return send(res, 200, answer);
}

function readBody(req, done) {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 4 * 1024 * 1024) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    let body = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch (_) {
      body = null;
    }
    done(body);
  });
}

function certificates(dir) {
  const f = (n) => path.join(dir, n);
  if (!fs.existsSync(f('server.pem'))) {
    const ossl = (...a) => execFileSync('openssl', a, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ext = f('server.ext');
    fs.writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
    ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=Till test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', f('ca.key'), '-out', f('ca.pem'));
    ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr'));
    ossl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', f('server.pem'));
  }
  return { key: fs.readFileSync(f('server.key')), cert: fs.readFileSync(f('server.pem')), ca: f('ca.pem') };
}

const tls = certificates(DIR);
const api = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
  const m = req.url.match(/^\/admin\/api\/([^/]+)\/graphql\.json$/);
  if (req.method !== 'POST' || !m) return send(res, 404, { errors: 'Not Found' });
  if (m[1] !== VERSION) return send(res, 404, { errors: `this stand-in speaks ${VERSION}, not ${m[1]}` });
  readBody(req, (body) => (body ? graphql(req, res, body) : invalid(res, 'the body is not JSON', {})));
});

const control = http.createServer((req, res) => {
  readBody(req, (body) => {
    body = body || {};
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /state') return send(res, 200, { stats, version: VERSION, idempotency, bucket: throttleStatus(), ...state.dump() });
    if (route === 'POST /variant') return send(res, 200, state.addVariant(body));
    if (route === 'POST /fail') {
      for (let i = 0; i < Math.min(Number(body.count || 1), 100); i++) failures.push({ mode: body.mode, only: body.only });
      return send(res, 200, { queued: failures.length });
    }
    if (route === 'POST /throttle') {
      refill();
      for (const k of ['max', 'restore', 'available']) if (body[k] !== undefined) bucket[k] = Number(body[k]);
      return send(res, 200, throttleStatus());
    }
    return send(res, 404, { error: 'no such control route' });
  });
});

let ready = 0;
const listening = () => {
  if (++ready < 2) return;
  process.stdout.write(JSON.stringify({ port: api.address().port, control: control.address().port, ca: tls.ca, version: VERSION }) + '\n');
};
api.listen(0, '127.0.0.1', listening);
control.listen(0, '127.0.0.1', listening);

function stop() {
  for (const r of held) r.destroy();
  api.close();
  control.close();
  process.exit(0);
}
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setTimeout(stop, LIFETIME_S * 1000).unref();
process.on('SIGTERM', stop);
