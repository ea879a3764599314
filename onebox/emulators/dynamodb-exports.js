// DynamoDB's point-in-time recovery settings and its export to S3, which dynalite does not serve, answered in front of
// it on the same port: UpdateContinuousBackups, DescribeContinuousBackups, ExportTableToPointInTime, DescribeExport and
// ListExports. Every other request goes to dynalite untouched.
//
// An export reads the table with dynalite's own Scan (parallel segments, one data file each) and writes AWS's layout
// into the local S3:
//   <S3Prefix>/AWSDynamoDB/<exportId>/_started
//   <S3Prefix>/AWSDynamoDB/<exportId>/data/<random>.json.gz   one {"Item": {...}} per line (DynamoDB JSON)
//   <S3Prefix>/AWSDynamoDB/<exportId>/manifest-files.json     one {itemCount, md5Checksum, etag, dataFileS3Key} per line
//   <S3Prefix>/AWSDynamoDB/<exportId>/manifest-summary.json
// The export is IN_PROGRESS when the call returns and COMPLETED (or FAILED, with a reason) once the files are written.
// Differences from AWS: the items are the table as the scan reads it (an ExportTime in the past is refused, there is no
// history to read it from), only FULL_EXPORT and DYNAMODB_JSON, no .checksum files, BilledSizeBytes is the size of the
// exported lines, and the PITR settings and the exports live in memory (the provisioner turns PITR on again from the
// template on every start).
'use strict'

const http = require('http')
const crypto = require('crypto')
const zlib = require('zlib')

const PREFIX = 'DynamoDB_20120810.'
const OPERATIONS = ['UpdateContinuousBackups', 'DescribeContinuousBackups', 'ExportTableToPointInTime', 'DescribeExport', 'ListExports']
const SEGMENTS = 4
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#'

function install(server, options) {
  const dynalite = server.listeners('request').slice()
  server.removeAllListeners('request')
  const exports = new Exports(options)
  server.on('request', (req, res) => {
    const target = String(req.headers['x-amz-target'] || '')
    const operation = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : null
    if (!OPERATIONS.includes(operation)) return dynalite.forEach((listener) => listener.call(server, req, res))
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      let body
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
      } catch (e) {
        return send(res, 400, { __type: 'com.amazon.coral.service#SerializationException' })
      }
      exports[operation](body).then((answer) => send(res, 200, answer), (error) => {
        if (error instanceof ServiceError) return send(res, 400, { __type: ERROR_NAMESPACE + error.type, message: error.message })
        options.log(`${operation} failed: ${error && error.stack || error}`)
        send(res, 500, { __type: 'com.amazon.coral.service#InternalFailure', message: String(error && error.message || error) })
      })
    })
  })
  return exports
}

function send(res, status, body) {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8')
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': bytes.length,
    'x-amzn-RequestId': crypto.randomUUID() })
  res.end(bytes)
}

class ServiceError extends Error {
  constructor(type, message) {
    super(message)
    this.type = type
  }
}

class Exports {
  // options: { dynamodbPort(): number, s3Port(): number|null, log(message) }
  constructor(options) {
    this.options = options
    this.pitr = new Map() // table name -> enabled since (ms)
    this.exports = new Map() // export ARN -> description
    this.byToken = new Map() // client token -> { request, arn }
  }

  async UpdateContinuousBackups(body) {
    const table = await this.table(body.TableName)
    const spec = body.PointInTimeRecoverySpecification
    if (!spec || typeof spec.PointInTimeRecoveryEnabled !== 'boolean') {
      throw new ServiceError('ValidationException', 'PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is required')
    }
    if (spec.PointInTimeRecoveryEnabled && !this.pitr.has(table.TableName)) this.pitr.set(table.TableName, Date.now())
    if (!spec.PointInTimeRecoveryEnabled) this.pitr.delete(table.TableName)
    return this.continuousBackups(table.TableName)
  }

  async DescribeContinuousBackups(body) {
    const table = await this.table(body.TableName)
    return this.continuousBackups(table.TableName)
  }

  continuousBackups(name) {
    const since = this.pitr.get(name)
    const pitr = since === undefined ? { PointInTimeRecoveryStatus: 'DISABLED' }
      : { PointInTimeRecoveryStatus: 'ENABLED', EarliestRestorableDateTime: since / 1000, LatestRestorableDateTime: Date.now() / 1000 }
    return { ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: pitr } }
  }

  async ExportTableToPointInTime(body) {
    if (!body.TableArn) throw new ServiceError('ValidationException', 'TableArn is required')
    if (!body.S3Bucket) throw new ServiceError('ValidationException', 'S3Bucket is required')
    const format = body.ExportFormat || 'DYNAMODB_JSON'
    if (format !== 'DYNAMODB_JSON') throw new ServiceError('ValidationException', `ExportFormat ${format}: the local emulator writes DYNAMODB_JSON only`)
    const type = body.ExportType || 'FULL_EXPORT'
    if (type !== 'FULL_EXPORT') throw new ServiceError('ValidationException', `ExportType ${type}: the local emulator makes full exports only`)
    if (body.ClientToken && this.byToken.has(body.ClientToken)) {
      const earlier = this.byToken.get(body.ClientToken)
      if (earlier.request !== sameRequest(body)) {
        throw new ServiceError('IdempotentParameterMismatchException', `ClientToken ${body.ClientToken} was used with other parameters`)
      }
      return { ExportDescription: this.exports.get(earlier.arn) }
    }
    const name = String(body.TableArn).split(':table/')[1]
    if (!name) throw new ServiceError('ValidationException', `TableArn ${body.TableArn} is not a table ARN`)
    const table = await this.table(name, 'TableNotFoundException')
    if (!this.pitr.has(name)) {
      throw new ServiceError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${name}'`)
    }
    const now = Date.now()
    if (body.ExportTime !== undefined && body.ExportTime * 1000 < now - 60000) {
      throw new ServiceError('InvalidExportTimeException', 'the local emulator exports the table as it is now: omit ExportTime')
    }
    const exportId = String(now).padStart(14, '0') + '-' + crypto.randomBytes(4).toString('hex')
    const arn = `${table.TableArn}/export/${exportId}`
    const prefix = body.S3Prefix ? String(body.S3Prefix).replace(/\/+$/, '') + '/' : ''
    const description = {
      ExportArn: arn, ExportStatus: 'IN_PROGRESS', StartTime: now / 1000, ExportTime: now / 1000, TableArn: table.TableArn,
      TableId: table.TableId, S3Bucket: body.S3Bucket, S3Prefix: body.S3Prefix, S3SseAlgorithm: body.S3SseAlgorithm || 'AES256',
      ExportFormat: format, ExportType: type, ExportManifest: `${prefix}AWSDynamoDB/${exportId}/manifest-summary.json`
    }
    if (body.ClientToken) {
      description.ClientToken = body.ClientToken
      this.byToken.set(body.ClientToken, { request: sameRequest(body), arn })
    }
    this.exports.set(arn, description)
    setImmediate(() => this.write(description, name, `${prefix}AWSDynamoDB/${exportId}/`).catch((error) => {
      this.options.log(`export ${arn} failed: ${error && error.stack || error}`)
      Object.assign(description, { ExportStatus: 'FAILED', EndTime: Date.now() / 1000, FailureCode: error.code || 'UNKNOWN',
        FailureMessage: String(error && error.message || error) })
    }))
    return { ExportDescription: description }
  }

  async DescribeExport(body) {
    const description = this.exports.get(body.ExportArn)
    if (!description) throw new ServiceError('ExportNotFoundException', `Export not found: ${body.ExportArn}`)
    return { ExportDescription: description }
  }

  async ListExports(body) {
    const summaries = [...this.exports.values()].filter((d) => !body.TableArn || d.TableArn === body.TableArn)
      .map((d) => ({ ExportArn: d.ExportArn, ExportStatus: d.ExportStatus, ExportType: d.ExportType }))
    return { ExportSummaries: summaries }
  }

  async write(description, table, dir) {
    const bucket = description.S3Bucket
    await this.put(bucket, dir + '_started', Buffer.alloc(0))
    const files = await Promise.all(Array.from({ length: SEGMENTS }, async (unused, segment) => {
      const lines = []
      let start
      do {
        const page = await this.dynamodb('Scan', { TableName: table, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: start })
        for (const item of page.Items) lines.push(JSON.stringify({ Item: item }) + '\n')
        start = page.LastEvaluatedKey
      } while (start)
      const text = Buffer.from(lines.join(''), 'utf8')
      const gz = zlib.gzipSync(text)
      const key = `${dir}data/${randomName()}.json.gz`
      const etag = await this.put(bucket, key, gz)
      return { itemCount: lines.length, md5Checksum: crypto.createHash('md5').update(gz).digest('base64'), etag,
        dataFileS3Key: key, bytes: text.length }
    }))
    const manifestFiles = files.map((f) => JSON.stringify({ itemCount: f.itemCount, md5Checksum: f.md5Checksum, etag: f.etag,
      dataFileS3Key: f.dataFileS3Key }) + '\n').join('')
    await this.put(bucket, dir + 'manifest-files.json', Buffer.from(manifestFiles, 'utf8'))
    const itemCount = files.reduce((n, f) => n + f.itemCount, 0)
    const billed = files.reduce((n, f) => n + f.bytes, 0)
    const end = Date.now()
    const summary = {
      version: '2020-06-30', exportArn: description.ExportArn, startTime: iso(description.StartTime), endTime: new Date(end).toISOString(),
      tableArn: description.TableArn, tableId: description.TableId, exportTime: iso(description.ExportTime), s3Bucket: bucket,
      s3Prefix: description.S3Prefix || null, s3SseAlgorithm: description.S3SseAlgorithm, s3SseKmsKeyId: null,
      manifestFilesS3Key: dir + 'manifest-files.json', billedSizeBytes: billed, itemCount, outputFormat: description.ExportFormat
    }
    await this.put(bucket, dir + 'manifest-summary.json', Buffer.from(JSON.stringify(summary), 'utf8'))
    Object.assign(description, { ExportStatus: 'COMPLETED', EndTime: end / 1000, ItemCount: itemCount, BilledSizeBytes: billed })
  }

  async table(name, notFound) {
    if (!name) throw new ServiceError('ValidationException', 'TableName is required')
    try {
      return (await this.dynamodb('DescribeTable', { TableName: name })).Table
    } catch (e) {
      if (e.type === 'ResourceNotFoundException') throw new ServiceError(notFound || 'TableNotFoundException', `Table not found: ${name}`)
      throw e
    }
  }

  // One request to dynalite on its own port, signed in form only (dynalite checks the header's shape, not the signature).
  dynamodb(operation, body) {
    const bytes = Buffer.from(JSON.stringify(body), 'utf8')
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
    return request({
      host: '127.0.0.1', port: this.options.dynamodbPort(), method: 'POST', path: '/',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': bytes.length, 'X-Amz-Target': PREFIX + operation, 'X-Amz-Date': date,
        Authorization: `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`
      }
    }, bytes).then(({ status, text }) => {
      const answer = JSON.parse(text || '{}')
      if (status !== 200) {
        const error = new Error(`${operation}: ${answer.message || text}`)
        error.type = String(answer.__type || '').split('#').pop()
        throw error
      }
      return answer
    })
  }

  // A PutObject to the local S3 (path style); resolves with the object's ETag, without quotes.
  put(bucket, key, bytes) {
    const port = this.options.s3Port()
    if (!port) return Promise.reject(Object.assign(new Error('no local S3 runs beside this DynamoDB'), { code: 'S3NoSuchBucket' }))
    const path = '/' + encodeURIComponent(bucket) + '/' + key.split('/').map(encodeURIComponent).join('/')
    return request({ host: '127.0.0.1', port, method: 'PUT', path, headers: { 'Content-Length': bytes.length } }, bytes)
      .then(({ status, text, headers }) => {
        if (status === 404) throw Object.assign(new Error(`S3 bucket ${bucket} does not exist`), { code: 'S3NoSuchBucket' })
        if (status !== 200) throw Object.assign(new Error(`PutObject s3://${bucket}/${key}: HTTP ${status} ${text}`), { code: 'S3AccessDenied' })
        return String(headers.etag || '').replace(/"/g, '')
      })
  }
}

function request(options, bytes) {
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(bytes)
  })
}

function sameRequest(body) {
  const { ClientToken, ...rest } = body
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]))
}

function iso(seconds) {
  return new Date(seconds * 1000).toISOString()
}

// A data file's name as AWS writes it: 26 lowercase base-32 characters.
function randomName() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  return Array.from(crypto.randomBytes(26), (b) => alphabet[b & 31]).join('')
}

module.exports = { install }
