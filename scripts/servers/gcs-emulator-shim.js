// The firebase-tools storage emulator's GCS JSON API over HTTPS, without its Java rules runtime, plus what the tests need
// of real GCS that the emulator lacks: bearer-token checks, an OAuth token endpoint for service account keys, and
// resumable uploads in several chunks.
//
// usage: FB=<dir holding node_modules/firebase-tools> TOKEN=<access token> SERVICE_KEY=<service account key json>
//        [RESUMABLE_FIX=0|1|2] node gcs-emulator-shim.js <port> <tls.key> <tls.crt>
//   RESUMABLE_FIX=1: send x-guploader-uploadid on resumable-session start (pgBackRest reads it; the emulator only sets Location)
//   RESUMABLE_FIX=2: 1 + take resumable chunks as GCS does: non-final ones (Content-Range .../*) answered with
//                    308 Resume Incomplete instead of finalizing the upload on the first chunk (the emulator as shipped
//                    accepts a single chunk only), bytes already kept skipped when a chunk is sent again, a finished
//                    session answering with its object, and
//                    cancel a session on DELETE with 499 as GCS does (the emulator has no such route: 501)
// Auth: every /storage and /upload request must carry "Authorization: Bearer <TOKEN>" (or the bare token, as pgBackRest
// sends repo-gcs-key with key-type=token); none gets 401, another token 403 (as GCS answers a token of an account with
// no access). A resumable session's chunks are authorized by the session id, as on GCS.
// POST /token is an OAuth endpoint: a JWT (RS256) signed by SERVICE_KEY's private key, with its client_email as iss and the
// token_uri as aud, gets TOKEN; any other gets 400 invalid_grant, as oauth2.googleapis.com answers.
const fs = require('fs'), https = require('https'), crypto = require('crypto');
const FB = process.env.FB;
const P = FB + '/node_modules/firebase-tools/lib/emulator/';
const FIX = +(process.env.RESUMABLE_FIX || 0);
const TOKEN = process.env.TOKEN;
const SERVICE_KEY = JSON.parse(fs.readFileSync(process.env.SERVICE_KEY, 'utf8'));
const [port, keyFile, certFile] = process.argv.slice(2);
const runtime = require(P + 'storage/rules/runtime');
runtime.StorageRulesRuntime.prototype.start = async function () {};
runtime.StorageRulesRuntime.prototype.stop = async function () {};
runtime.StorageRulesRuntime.prototype.loadRuleset = async function () { return { ruleset: undefined, issues: { all: [] } }; };
const { StorageEmulator } = require(P + 'storage/index');
const { createApp } = require(P + 'storage/server');
const { EmulatorRegistry } = require(P + 'registry');
const express = require(FB + '/node_modules/express');
const { UploadStatus } = require(P + 'storage/upload');
const { CloudStorageObjectMetadata } = require(P + 'storage/metadata');

const gcsError = (res, code, reason, message) =>
  res.status(code).json({ error: { code, message, errors: [{ message, domain: 'global', reason }] } });


function checkAssertion(jwt) {
  const parts = (jwt || '').split('.');
  if (parts.length !== 3) return 'Invalid JWT';
  const verify = crypto.createVerify('RSA-SHA256');
  verify.update(parts[0] + '.' + parts[1]);
  const publicKey = crypto.createPublicKey(SERVICE_KEY.private_key);
  if (!verify.verify(publicKey, Buffer.from(parts[2].replace(/-/g, '+').replace(/_/g, '/'), 'base64'))) return 'Invalid JWT Signature.';
  let header, claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64').toString());
    claims = JSON.parse(Buffer.from(parts[1], 'base64').toString());
  } catch (e) { return 'Invalid JWT'; }
  if (header.alg !== 'RS256') return 'Invalid JWT: alg';
  if (claims.iss !== SERVICE_KEY.client_email) return 'Invalid JWT: iss';
  if (claims.aud !== SERVICE_KEY.token_uri) return 'Invalid JWT: Failed audience check.';
  if (!/^https:\/\/www\.googleapis\.com\/auth\/devstorage\.read_(write|only)$/.test(claims.scope)) return 'Invalid JWT: scope';
  const now = Math.floor(Date.now() / 1000);
  if (!(claims.iat <= now + 300 && claims.exp > now && claims.exp - claims.iat <= 3600))
    return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
  return null;
}

async function objectOf(up) {
  const { metadata } = await emulator.adminStorageLayer.getObject({ bucketId: up.bucketId, decodedObjectId: up.objectId });
  return new CloudStorageObjectMetadata(metadata);
}

let emulator;
(async () => {
  const em = new StorageEmulator({ projectId: 'demo-pgrest', host: '127.0.0.1', port: +port,
                                   rules: { name: '/dev/null', content: '' }, auto_download: false });
  EmulatorRegistry.set('storage', em);
  emulator = em;
  const inner = await createApp('demo-pgrest', em);
  const app = express();

  app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    if (req.body.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + req.body.grant_type });
    const problem = checkAssertion(req.body.assertion);
    if (problem) return res.status(400).json({ error: 'invalid_grant', error_description: problem });
    res.json({ access_token: TOKEN, expires_in: 3599, token_type: 'Bearer' });
  });

  app.use((req, res, next) => {
    if (!/^\/(upload\/)?storage\/v1\//.test(req.path)) return next();
    if (req.query.upload_id && (req.method === 'PUT' || req.method === 'DELETE')) return next();
    const auth = req.headers.authorization;
    if (!auth) return gcsError(res, 401, 'required', 'Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object.');
    if (auth !== 'Bearer ' + TOKEN && auth !== TOKEN)
      return gcsError(res, 403, 'forbidden', 'caller does not have storage.objects access to the Google Cloud Storage bucket. Permission denied on resource (or it may not exist).');
    next();
  });

  if (FIX >= 1) app.use((req, res, next) => {
    if (!req.path.startsWith('/upload/storage/v1/b/')) return next();
    if (req.method === 'POST' && req.query.uploadType === 'resumable' && !req.query.upload_id) {
      const orig = res.header.bind(res);
      res.header = res.set = (f, v) => {
        if (typeof f === 'string' && f.toLowerCase() === 'location')
          orig('x-guploader-uploadid', new URL(v).searchParams.get('upload_id'));
        return orig(f, v);
      };
    }
    // Cancelling a session: GCS answers 499; the emulator has no route for it (501).
    if (FIX >= 2 && req.method === 'DELETE' && req.query.upload_id) {
      try { em.uploadService.cancelResumableUpload(String(req.query.upload_id)); } catch (e) { return res.sendStatus(404); }
      return res.status(499).end();
    }
    // Chunks of a resumable session, as GCS takes them: Content-Range "bytes a-b/*" (more to come: 308 with the range
    // kept) or "bytes a-b/total" (the last: the object). Bytes GCS already has (a chunk sent again after its answer was
    // lost) are skipped; a chunk that starts past them gets 308 with what is kept; a session already finished answers
    // with its object again. The emulator itself appends every chunk it gets and finalizes on the first one.
    if (FIX >= 2 && req.method === 'PUT' && req.query.upload_id) {
      const chunks = [];
      req.on('data', c => chunks.push(c));
      req.on('end', async () => {
        try {
          const id = String(req.query.upload_id);
          let up;
          try { up = em.uploadService.getResumableUpload(id); } catch (e) { return res.sendStatus(404); }
          const kept = () => (up.size > 0 ? res.set('Range', `bytes=0-${up.size - 1}`) : res);
          if (up.status === UploadStatus.FINISHED) return res.json(await objectOf(up));
          if (up.status !== UploadStatus.ACTIVE) return gcsError(res, 410, 'gone', 'The upload session was cancelled.');
          const m = /^bytes (\d+)-(\d+)\/(\*|\d+)$/.exec(req.headers['content-range'] || '');
          const status = /^bytes \*\/(\d+)$/.exec(req.headers['content-range'] || '');
          if (!m && !status) return gcsError(res, 400, 'invalid', 'Content-Range expected');
          const total = m ? m[3] : status[1];
          if (m) {
            const from = +m[1], body = Buffer.concat(chunks);
            if (from > up.size) return kept().status(308).end();
            const fresh = body.subarray(up.size - from);
            if (fresh.length > 0) em.uploadService.continueResumableUpload(id, fresh);
          }
          if (total === '*' || up.size !== +total) return kept().status(308).end();
          const metadata = await em.adminStorageLayer.uploadObject(em.uploadService.finalizeResumableUpload(id));
          res.json(new CloudStorageObjectMetadata(metadata));
        } catch (e) { console.error(e); res.sendStatus(500); }
      });
      return;
    }
    next();
  });
  app.use(inner);
  https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, app)
    .listen(+port, '127.0.0.1', () => console.log(`gcs emulator (firebase-tools storage, fix=${FIX}) on https://127.0.0.1:${port}`));
})().catch(e => { console.error(e); process.exit(1); });
