#!/usr/bin/env node
// Supervisor of the local AWS emulators for onebox.
//
// Started by dev.onebox.emulators.Emulators with one argument: a JSON configuration
//   { "dynamodb": { "path": "/dir" | null, ... dynalite options },
//     "kinesis":  { "path": "/dir" | null, ... kinesalite options },
//     "s3": { "command": ["java", ...], "log": "/file", "cwd": "/dir" } | null,
//     "startTimeoutMs": 60000, "removeOnExit": "/tmp/dir" | null }
//
// It runs dynalite and kinesalite in this process through their module APIs (their command lines
// cannot bind to 127.0.0.1), bound to 127.0.0.1 on ports chosen by the kernel, and spawns and owns
// the s3mock JVM. When every endpoint answers it prints one JSON line on stdout:
//   {"ready":true,"pid":..,"dynamodb":port,"kinesis":port,"s3":port,"s3Pid":pid}
// It stops everything and exits when its stdin closes (the owning JVM closed it, exited, or was
// killed with SIGKILL), on SIGTERM, SIGINT or SIGHUP, and when s3mock dies on its own.
// s3mock itself also exits when its stdin (a pipe from here) closes, so killing this process with
// SIGKILL leaves no s3mock behind either.
'use strict'

const http = require('http')
const fs = require('fs')
const { spawn } = require('child_process')

const HOST = '127.0.0.1'
const config = JSON.parse(process.argv[2] || '{}')
const startTimeoutMs = config.startTimeoutMs || 60000

let s3Process = null
let servers = []
let stopping = false
let ready = false
let dynamodbPort = null
let s3PortNumber = null

function log(message) {
  process.stderr.write(`[emulators ${new Date().toISOString()}] ${message}\n`)
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => resolve(server.address().port))
  })
}

// dynalite 4.0.0 ends the LevelDB iterator behind each Query, Scan and table deletion by calling iterator.return(),
// a method abstract-level's iterators do not have: none of them was ever closed. Each open iterator pins the
// database's state when it was made, so LevelDB could delete no file that compaction replaced (11 GB of files and
// 2.9 GB of process after 200,000 ledger events) and every request got slower. Giving abstract-level's iterators
// that method closes each one when its stream ends. openIterators counts the iterators still open; the supervisor
// logs it when it stops.
let openIterators = 0
function closeLevelIteratorsWhenTheirStreamsEnd() {
  const fromDynalite = require('path').dirname(require.resolve('dynalite'))
  const level = require(require.resolve('abstract-level', { paths: [fromDynalite] }))
  const iterators = [level.AbstractIterator, level.AbstractKeyIterator, level.AbstractValueIterator]
  for (const Iterator of iterators) {
    if (typeof Iterator.prototype.return !== 'function') Iterator.prototype.return = function () { return this.close() }
  }
  const isIterator = (resource) => iterators.some((Iterator) => resource instanceof Iterator)
  const attach = level.AbstractLevel.prototype.attachResource
  const detach = level.AbstractLevel.prototype.detachResource
  level.AbstractLevel.prototype.attachResource = function (resource) {
    attach.call(this, resource)
    if (isIterator(resource)) openIterators++
  }
  level.AbstractLevel.prototype.detachResource = function (resource) {
    if (isIterator(resource)) openIterators--
    detach.call(this, resource)
  }
}

function startDynalite() {
  closeLevelIteratorsWhenTheirStreamsEnd()
  const dynalite = require('dynalite')
  const options = Object.assign({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }, config.dynamodb || {})
  if (!options.path) delete options.path
  const server = dynalite(options)
  // point-in-time recovery settings and the export to S3, which dynalite does not serve (dynamodb-exports.js)
  require('./dynamodb-exports').install(server, { dynamodbPort: () => dynamodbPort, s3Port: () => s3PortNumber, log })
  servers.push(server)
  return listen(server).then((port) => { dynamodbPort = port; return port })
}

function startKinesalite() {
  const kinesalite = require('kinesalite')
  const options = Object.assign({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 }, config.kinesis || {})
  if (!options.path) delete options.path
  const server = kinesalite(options)
  servers.push(server)
  return listen(server)
}

// Spawns s3mock and resolves with its HTTP port, read from Spring Boot's "Tomcat started on port(s)" line.
function startS3mock() {
  const s3 = config.s3
  return new Promise((resolve, reject) => {
    const out = fs.openSync(s3.log, 'a')
    const [command, ...args] = s3.command
    s3Process = spawn(command, args, { cwd: s3.cwd || process.cwd(), stdio: ['pipe', 'pipe', out] })
    let buffered = ''
    let resolved = false
    s3Process.stdout.on('data', (chunk) => {
      fs.writeSync(out, chunk)
      if (resolved) return
      buffered += chunk.toString('utf8')
      const match = /Tomcat started on ports? (\d+)/.exec(buffered)
      if (match) {
        resolved = true
        buffered = ''
        resolve(Number(match[1]))
      } else if (buffered.length > 1 << 20) {
        buffered = buffered.slice(-4096)
      }
    })
    s3Process.once('error', (error) => reject(new Error(`cannot start s3mock (${command}): ${error.message}`)))
    s3Process.once('exit', (code, signal) => {
      const wasStopping = stopping
      s3Process = null
      if (!resolved) {
        reject(new Error(`s3mock exited before it was ready (code ${code}, signal ${signal}); see ${s3.log}`))
      } else if (!wasStopping) {
        log(`s3mock exited unexpectedly (code ${code}, signal ${signal}); stopping all emulators`)
        shutdown(3)
      }
    })
  })
}

// Resolves once an HTTP request to the port gets any answer.
function answers(port, deadline) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const request = http.get({ host: HOST, port, path: '/', timeout: 2000 }, (response) => {
        response.resume()
        resolve()
      })
      request.on('timeout', () => request.destroy(new Error('timeout')))
      request.on('error', (error) => {
        if (Date.now() > deadline) reject(new Error(`port ${port} does not answer: ${error.message}`))
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

function killS3mock() {
  return new Promise((resolve) => {
    const child = s3Process
    if (!child) return resolve()
    const timer = setTimeout(() => {
      log('s3mock did not stop within 5 s; killing it')
      try { child.kill('SIGKILL') } catch (e) { /* gone */ }
    }, 5000)
    child.once('exit', () => { clearTimeout(timer); resolve() })
    try { child.stdin.end() } catch (e) { /* already closed */ }
    try { child.kill('SIGTERM') } catch (e) { /* gone */ }
  })
}

function closeServers() {
  return Promise.all(servers.map((server) => new Promise((resolve) => {
    try {
      // dynalite and kinesalite keep leveldb open; closing the HTTP server is enough for a clean stop,
      // leveldb writes are already in the OS when a request is acknowledged.
      server.close(() => resolve())
      if (server.closeAllConnections) server.closeAllConnections()
    } catch (e) {
      resolve()
    }
  })))
}

function shutdown(code) {
  if (stopping) return
  stopping = true
  const hardStop = setTimeout(() => process.exit(code), 8000)
  hardStop.unref()
  log(`stopping: ${openIterators} LevelDB iterators of the DynamoDB emulator open`)
  Promise.all([killS3mock(), closeServers()]).finally(() => {
    // in-memory mode: the temporary folder of s3mock's files and the logs goes too, also when the
    // owning JVM was killed and could not delete it itself
    // (not after a failed start: the JVM reads the logs for its error message, then deletes them)
    if (config.removeOnExit && ready) {
      try { fs.rmSync(config.removeOnExit, { recursive: true, force: true }) } catch (e) { /* best effort */ }
    }
    process.exit(code)
  })
}

process.stdin.on('end', () => shutdown(0))
process.stdin.on('close', () => shutdown(0))
process.stdin.on('error', () => shutdown(0))
process.stdin.resume()
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => shutdown(0))
process.on('uncaughtException', (error) => {
  log(`uncaught: ${error && error.stack || error}`)
  shutdown(2)
})

async function main() {
  const deadline = Date.now() + startTimeoutMs
  const started = Date.now()
  const s3Port = config.s3 ? startS3mock() : Promise.resolve(null)
  const [dynamodb, kinesis] = await Promise.all([startDynalite(), startKinesalite()])
  const s3 = await s3Port
  s3PortNumber = s3
  await Promise.all([answers(dynamodb, deadline), answers(kinesis, deadline)].concat(s3 ? [answers(s3, deadline)] : []))
  if (stopping) return
  log(`ready in ${Date.now() - started} ms: dynamodb ${dynamodb}, kinesis ${kinesis}, s3 ${s3}`)
  ready = true
  process.stdout.write(JSON.stringify({
    ready: true, pid: process.pid, dynamodb, kinesis, s3, s3Pid: s3Process ? s3Process.pid : null
  }) + '\n')
}

const startTimer = setTimeout(() => {
  log(`emulators not ready within ${startTimeoutMs} ms`)
  shutdown(4)
}, startTimeoutMs)
main().then(() => clearTimeout(startTimer), (error) => {
  clearTimeout(startTimer)
  log(`start failed: ${error && error.stack || error}`)
  shutdown(1)
})
