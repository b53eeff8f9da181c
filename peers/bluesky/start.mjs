// Local Bluesky test peer: an in-memory PLC directory (@did-plc/server) plus a
// real PDS (@atproto/pds), both bound to 127.0.0.1. Needs Node >= 22; start it
// through ./run.sh, which picks the Node 22 runtime installed by ./install.sh.
//
// stdout: exactly one JSON line once both servers answer:
//   {"pds_url":"http://127.0.0.1:NNNN","plc_url":"http://127.0.0.1:MMMM"}
// stderr: everything else (quiet unless LOG_ENABLED=1 / PEER_DEBUG=1).
//
// Environment:
//   PDS_PORT, PLC_PORT      fixed ports (default: free ports picked at start)
//   PDS_RATE_LIMITS=1       enable the PDS rate limiter (in-memory, no Redis)
//   PDS_ACCESS_TOKEN_TTL    lifetime of access JWTs, e.g. "5s" (default "120mins")
//   PDS_JWT_SECRET          HS256 secret of the session JWTs (default: random)
//   PDS_ADMIN_PASSWORD      admin Basic-auth password (default: "admin-pass")
//   PEER_EXIT_ON_STDIN_CLOSE=0  do not exit when stdin closes
//   PEER_EXIT_WITH_PARENT=0     do not exit when the parent process goes away
//   LOG_ENABLED=1 [LOG_LEVEL=debug]  PDS/PLC request logs (to stderr)
//   PEER_DEBUG=1            peer's own progress messages on stderr
//
// Exits (removing its temp data dir) on SIGTERM, SIGINT, SIGHUP, when stdin
// reaches EOF (the parent died or closed the pipe) or when the parent process
// goes away.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'

// ---- stdout hygiene: only the ready line may go to stdout ----------------
const writeStdout = process.stdout.write.bind(process.stdout)
process.stdout.write = process.stderr.write.bind(process.stderr)
// pino (PDS + PLC loggers) writes straight to a file descriptor: send to fd 2.
process.env.LOG_DESTINATION = '2'
if (!process.env.LOG_ENABLED) process.env.LOG_ENABLED = 'false'

const debug = /^(1|true)$/i.test(process.env.PEER_DEBUG ?? '')
const log = (...args) => {
  if (debug) process.stderr.write(`[bluesky-peer] ${args.join(' ')}\n`)
}
const warn = (...args) => process.stderr.write(`[bluesky-peer] ${args.join(' ')}\n`)

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  warn(`needs Node >= 22, running ${process.version}; use ./run.sh`)
  process.exit(2)
}

const envPort = (name) => {
  const v = process.env[name]
  if (v === undefined || v === '') return null
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    warn(`invalid ${name}=${v}`)
    process.exit(2)
  }
  return n
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })

const listen = (app, port) =>
  new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1')
    server.once('listening', () => resolve(server))
    server.once('error', reject)
  })

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'letsgrow-bsky-pds-'))
let plcServer = null
let plcHttp = null
let pds = null
let pdsHttp = null
let shuttingDown = false

const removeDataDir = () => {
  try {
    fs.rmSync(dataDir, { recursive: true, force: true })
  } catch {
    // best effort
  }
}
// last resort, also covers process.exit() from anywhere
process.on('exit', removeDataDir)

const closeHttp = (server) =>
  new Promise((resolve) => {
    if (!server) return resolve()
    server.close(() => resolve())
    server.closeAllConnections?.()
  })

async function shutdown(reason, code = 0) {
  if (shuttingDown) return
  shuttingDown = true
  log(`shutting down (${reason})`)
  // never hang on shutdown
  setTimeout(() => process.exit(code), 3000).unref()
  try {
    // Stop accepting requests; the databases live in dataDir, which is deleted
    // below, so a full pds.ctx.destroy() (slow: ~1.5 s) is not needed.
    await Promise.all([closeHttp(pdsHttp), closeHttp(plcHttp)])
  } catch (err) {
    log(`error during shutdown: ${err?.stack ?? err}`)
  }
  log('servers closed')
  removeDataDir()
  log('data removed')
  process.exit(code)
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => shutdown(sig))
}

// ---- exit when the parent goes away ---------------------------------------
const stdinIsDevNull = () => {
  try {
    const a = fs.fstatSync(0)
    const b = fs.statSync('/dev/null')
    return a.isCharacterDevice() && a.rdev === b.rdev
  } catch {
    return false
  }
}
if (process.env.PEER_EXIT_ON_STDIN_CLOSE === '0') {
  log('stdin watch disabled')
} else if (stdinIsDevNull()) {
  log('stdin is /dev/null: stdin watch disabled (parent watch still active)')
} else {
  process.stdin.on('data', () => {}) // drain whatever the parent writes
  process.stdin.on('end', () => shutdown('stdin closed'))
  process.stdin.on('error', () => shutdown('stdin error'))
  process.stdin.resume()
}
if (process.env.PEER_EXIT_WITH_PARENT !== '0') {
  const parentPid = process.ppid
  setInterval(() => {
    if (process.ppid !== parentPid) shutdown('parent process exited')
  }, 1000).unref()
}

// ---- optional: shorter access-token lifetime ------------------------------
// The PDS hardcodes `expiresIn = '120mins'` for access JWTs
// (account-manager/helpers/auth.js) and signs them with jose's SignJWT, which
// is the single hoisted `jose` package in node_modules (see package-lock).
async function patchAccessTokenTtl(ttl) {
  const jose = await import('jose')
  const orig = jose.SignJWT.prototype.setExpirationTime
  jose.SignJWT.prototype.setExpirationTime = function (input) {
    return orig.call(this, input === '120mins' ? ttl : input)
  }
  log(`access token lifetime set to ${ttl}`)
}

async function main() {
  const t0 = Date.now()
  const accessTtl = process.env.PDS_ACCESS_TOKEN_TTL
  if (accessTtl) await patchAccessTokenTtl(accessTtl)

  // Import after the LOG_* env vars above are set (the loggers read them at
  // import time).
  const plcMod = await import('@did-plc/server')
  const { PlcServer, Database: PlcDatabase } = plcMod.default ?? plcMod
  const { PDS, envToCfg, envToSecrets } = await import('@atproto/pds')
  const { Secp256k1Keypair } = await import('@atproto/crypto')

  // -- PLC directory, in memory --
  const plcPort = envPort('PLC_PORT') ?? (await freePort())
  plcServer = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
  plcHttp = await listen(plcServer.app, plcPort)
  const plcUrl = `http://127.0.0.1:${plcPort}`
  log(`plc listening on ${plcUrl}`)

  // -- PDS --
  const pdsPort = envPort('PDS_PORT') ?? (await freePort())
  const rotationKey = await Secp256k1Keypair.create({ exportable: true })
  const rotationKeyHex = Buffer.from(await rotationKey.export()).toString('hex')
  const rateLimits = /^(1|true)$/i.test(process.env.PDS_RATE_LIMITS ?? '')

  const env = {
    port: pdsPort,
    hostname: 'localhost', // publicUrl http://localhost:PORT, handles *.test
    devMode: true,
    inviteRequired: false,
    dataDirectory: dataDir,
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    // The PDS's DID resolver refuses IP-literal hosts (safeFetch
    // allowIpHost: false), so it must reach the PLC as "localhost".
    didPlcUrl: `http://localhost:${plcPort}`,
    crawlers: [],
    rateLimitsEnabled: rateLimits,
    // secrets
    jwtSecret:
      process.env.PDS_JWT_SECRET || crypto.randomBytes(32).toString('hex'),
    adminPassword: process.env.PDS_ADMIN_PASSWORD || 'admin-pass',
    plcRotationKeyK256PrivateKeyHex: rotationKeyHex,
    dpopSecret: crypto.randomBytes(32).toString('hex'),
  }
  const cfg = envToCfg(env)
  const secrets = envToSecrets(env)
  pds = await PDS.create(cfg, secrets)
  // Same as PDS.start(), but bound to 127.0.0.1 only.
  await pds.ctx.sequencer.start()
  pdsHttp = await listen(pds.app, pdsPort)
  pdsHttp.keepAliveTimeout = 90_000
  pds.server = pdsHttp
  const pdsUrl = `http://127.0.0.1:${pdsPort}`

  // readiness: both answer over HTTP
  const res = await fetch(`${pdsUrl}/xrpc/_health`)
  if (!res.ok) throw new Error(`PDS health check failed: ${res.status}`)
  const plcRes = await fetch(`${plcUrl}/_health`)
  if (!plcRes.ok) throw new Error(`PLC health check failed: ${plcRes.status}`)

  log(
    `ready in ${Date.now() - t0} ms (data ${dataDir}, rate limits ${
      rateLimits ? 'on' : 'off'
    })`,
  )
  writeStdout(JSON.stringify({ pds_url: pdsUrl, plc_url: plcUrl }) + '\n')
}

main().catch((err) => {
  warn(`failed to start: ${err?.stack ?? err}`)
  shutdown('startup failure', 1)
})
