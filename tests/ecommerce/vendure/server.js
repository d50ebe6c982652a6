// A real Vendure for tests/export_vendure.rs:
//
//   node server.js PORT DBFILE
//
// Starts Vendure 3.7.3 on 127.0.0.1:PORT (Admin API at /admin-api, superadmin/superadmin) with a
// SQLite database (sql.js) kept in DBFILE, seeds a fresh store once (a country and its zone as
// the channel's tax and shipping zone, a default tax category and rate, a zero-priced "In store"
// shipping method, the dummy payment method) and prints one line `ready` when it serves. Started
// again on the same DBFILE it keeps what is there (the test kills it with SIGKILL and restarts it).
//
// The custom fields and the price strategy are what docs/EXPORT.md ("Vendure") asks a shop to add
// to its own Vendure config for Till: Order.tillId, OrderLine.tillPrice, ProductVariant.barcode.
'use strict';

process.env.VENDURE_DISABLE_TELEMETRY = 'true';

const fs = require('fs');
const path = require('path');
const {
    bootstrap,
    dummyPaymentHandler,
    DefaultLogger,
    LogLevel,
    LanguageCode,
} = require('@vendure/core');

const [port, dbFile] = [Number(process.argv[2]), process.argv[3]];
if (!Number.isInteger(port) || port <= 0 || !dbFile) {
    console.error('usage: node server.js PORT DBFILE');
    process.exit(2);
}
const USER = 'superadmin';
const PASSWORD = 'superadmin';

// The unit price Till charged, tax included, when the line carries one; the catalog price
// otherwise. `tillPrice` is not public: the Shop API never sees it, so no customer can set it.
class TillPriceStrategy {
    calculateUnitPrice(ctx, variant, lineCustomFields) {
        const p = lineCustomFields && lineCustomFields.tillPrice;
        if (Number.isInteger(p) && p >= 0) {
            return { price: p, priceIncludesTax: true };
        }
        return { price: variant.listPrice, priceIncludesTax: variant.listPriceIncludesTax };
    }
}

// sql.js keeps the database in memory and writes all of it after each change: written to a
// temporary file and renamed, so a SIGKILL mid-write leaves the previous file whole.
function save(data) {
    const tmp = `${dbFile}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(data));
    fs.renameSync(tmp, dbFile);
}

// An answer lost after the call ran (a timeout, a proxy cutting the line): while the file
// DBFILE.lose names a word of a query, the next Admin API call whose query has it runs to the end,
// then its connection is cut instead of answered, and the file is removed.
function loseAnswer(req, res, next) {
    const end = res.end;
    res.end = function (...args) {
        const lose = `${dbFile}.lose`;
        let word = '';
        try {
            word = fs.readFileSync(lose, 'utf8').trim();
        } catch (e) {
            // no fault asked for
        }
        const query = req.body && typeof req.body.query === 'string' ? req.body.query : '';
        if (word && query.includes(word)) {
            fs.rmSync(lose, { force: true });
            req.socket.destroy();
            return this;
        }
        return end.apply(this, args);
    };
    next();
}

const config = {
    apiOptions: {
        hostname: '127.0.0.1',
        port,
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        middleware: [{ route: 'admin-api', handler: loseAnswer }],
    },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        superadminCredentials: { identifier: USER, password: PASSWORD },
        requireVerification: false,
    },
    dbConnectionOptions: {
        type: 'sqljs',
        synchronize: true,
        logging: false,
        location: path.resolve(dbFile),
        autoSave: true,
        autoSaveCallback: save,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    orderOptions: { orderItemPriceCalculationStrategy: new TillPriceStrategy() },
    customFields: {
        Order: [{ name: 'tillId', type: 'string', nullable: true, unique: true, public: false }],
        OrderLine: [{ name: 'tillPrice', type: 'int', nullable: true, public: false }],
        ProductVariant: [{ name: 'barcode', type: 'string', nullable: true }],
    },
    logger: new DefaultLogger({ level: LogLevel.Error }),
    plugins: [],
};

const api = `http://127.0.0.1:${port}/admin-api`;
let token = '';

async function gql(query, variables = {}) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(api, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const t = res.headers.get('vendure-auth-token');
    if (t) token = t;
    const body = await res.json();
    if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
    return body.data;
}

async function seed() {
    await gql('mutation($u:String!,$p:String!){login(username:$u,password:$p){__typename}}', { u: USER, p: PASSWORD });
    const zones = await gql('{zones{totalItems}}');
    if (zones.zones.totalItems > 0) return; // seeded before this restart
    const en = LanguageCode.en;
    const country = await gql(
        'mutation($i:CreateCountryInput!){createCountry(input:$i){id}}',
        { i: { code: 'DE', enabled: true, translations: [{ languageCode: en, name: 'Germany' }] } },
    );
    const zone = await gql('mutation($i:CreateZoneInput!){createZone(input:$i){id}}', {
        i: { name: 'Home', memberIds: [country.createCountry.id] },
    });
    const zoneId = zone.createZone.id;
    const cat = await gql('mutation($i:CreateTaxCategoryInput!){createTaxCategory(input:$i){id}}', {
        i: { name: 'Standard', isDefault: true },
    });
    await gql('mutation($i:CreateTaxRateInput!){createTaxRate(input:$i){id}}', {
        i: { name: 'Standard 19%', enabled: true, value: 19, categoryId: cat.createTaxCategory.id, zoneId },
    });
    const ch = await gql('{activeChannel{id}}');
    await gql('mutation($i:UpdateChannelInput!){updateChannel(input:$i){__typename}}', {
        i: { id: ch.activeChannel.id, defaultTaxZoneId: zoneId, defaultShippingZoneId: zoneId, pricesIncludeTax: true },
    });
    await gql('mutation($i:CreateShippingMethodInput!){createShippingMethod(input:$i){id}}', {
        i: {
            code: 'in-store',
            fulfillmentHandler: 'manual-fulfillment',
            checker: { code: 'default-shipping-eligibility-checker', arguments: [{ name: 'orderMinimum', value: '0' }] },
            calculator: {
                code: 'default-shipping-calculator',
                arguments: [
                    { name: 'rate', value: '0' },
                    { name: 'includesTax', value: 'auto' },
                    { name: 'taxRate', value: '0' },
                ],
            },
            translations: [{ languageCode: en, name: 'In store', description: 'Sold at the counter' }],
        },
    });
    await gql('mutation($i:CreatePaymentMethodInput!){createPaymentMethod(input:$i){id}}', {
        i: {
            code: 'dummy',
            enabled: true,
            handler: { code: dummyPaymentHandler.code, arguments: [{ name: 'automaticSettle', value: 'true' }] },
            translations: [{ languageCode: en, name: 'Dummy' }],
        },
    });
}

bootstrap(config)
    .then(async app => {
        await seed();
        process.stdout.write('ready\n');
        const stop = () => app.close().then(() => process.exit(0));
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
    })
    .catch(e => {
        console.error(e);
        process.exit(1);
    });
