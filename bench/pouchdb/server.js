// The PouchDB server of scripts/bench-peer: express 4 + express-pouchdb 4 over PouchDB 9's
// default Node adapter (LevelDB on disk, like Till's SQLite on disk), on 127.0.0.1 only.
//
//   node server.js DATA_DIR      # prints {"port": N} on stdout once it listens
//
// `minimumForPouchDB` serves only what replication needs (no Fauxton, no _config file, no
// logging to disk): the lightest express-pouchdb there is, so its memory is not inflated by
// features Till does not have.
'use strict';

const fs = require('fs');
const path = require('path');
const express = require('express');
const PouchDB = require('pouchdb');
const expressPouchDB = require('express-pouchdb');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node server.js DATA_DIR');
  process.exit(2);
}

fs.mkdirSync(dir, { recursive: true });
const DB = PouchDB.defaults({ prefix: path.resolve(dir) + path.sep });
const app = express();
app.use('/', expressPouchDB(DB, { mode: 'minimumForPouchDB', inMemoryConfig: true }));

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// Like Till's server: no Nagle stall on kept-alive connections.
server.on('connection', (socket) => socket.setNoDelay(true));
process.on('SIGTERM', () => process.exit(0));
