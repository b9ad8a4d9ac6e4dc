// The Node peer of the HTTP benchmark: an HTTP server that compiles each
// module once and runs every request on a fresh node:wasi instance, as
// Spindle does, with the same two executors:
//
//   Spin 1 (`handle-http-request`, spin-compat.md §4.3): the request is
//     lowered into guest memory with canonical_abi_realloc (uri, the client's
//     headers plus the seven spin-* metadata headers, body), the export is
//     called, the 28-byte response area is read and every response string and
//     list is handed back with canonical_abi_free.
//   WAGI (§3): the CGI environment and argv are built, the body is stdin,
//     stdout is captured (fd_read/fd_write on fds 0 and 1 are served from
//     memory) and parsed as a CGI response.
//
// Usage:
//   node node-wasi-server.mjs [--listen HOST:PORT] [--spin1 FILE.wasm] [--wagi FILE.wasm]
//                             [--workers N]
// Routes: /spin1 and /spin1/... -> the Spin 1 module; /wagi and /wagi/... -> the
// WAGI module; anything else 404. --workers N > 1 forks N processes with
// node:cluster sharing the port (default 1: one event loop, like a plain
// Node server). Prints "Serving http://HOST:PORT" once listening.
import cluster from 'node:cluster';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const options = { listen: '127.0.0.1:3000', spin1: null, wagi: null, workers: 1 };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in options) || i + 1 >= process.argv.length) {
    console.error(`usage: node node-wasi-server.mjs [--listen HOST:PORT] [--spin1 FILE] [--wagi FILE] [--workers N]`);
    process.exit(2);
  }
  options[key] = process.argv[i + 1];
}
options.workers = Number(options.workers) || 1;
const colon = options.listen.lastIndexOf(':');
const host = options.listen.slice(0, colon);
const port = Number(options.listen.slice(colon + 1));

if (options.workers > 1 && cluster.isPrimary) {
  let announced = false;
  for (let i = 0; i < options.workers; ++i) {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if (!announced && message && message.serving) {
        announced = true;
        console.log(`Serving ${message.serving}`);
      }
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  serve();
}

function serve() {
  const spin1Module = options.spin1 ? new WebAssembly.Module(readFileSync(options.spin1)) : null;
  const wagiModule = options.wagi ? new WebAssembly.Module(readFileSync(options.wagi)) : null;

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let response;
      try {
        const path = req.url.split('?')[0];
        if (spin1Module && (path === '/spin1' || path.startsWith('/spin1/'))) {
          response = runSpin1(spin1Module, req, body, '/spin1');
        } else if (wagiModule && (path === '/wagi' || path.startsWith('/wagi/'))) {
          response = runWagi(wagiModule, req, body, '/wagi');
        } else {
          response = { status: 404, headers: [], body: Buffer.alloc(0) };
        }
      } catch (error) {
        console.error(`Error processing request: ${error}`);
        response = { status: 500, headers: [], body: Buffer.alloc(0) };
      }
      const headers = [];
      for (const [name, value] of response.headers) headers.push(name, value);
      headers.push('content-length', String(response.body.length));
      res.writeHead(response.status, headers);
      res.end(response.body);
    });
  });
  server.keepAliveTimeout = 15000;
  server.listen(port, host, () => {
    const address = server.address();
    const serving = `http://${address.address}:${address.port}`;
    if (cluster.isWorker) {
      process.send({ serving });
    } else {
      console.log(`Serving ${serving}`);
    }
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

// The seven metadata entries of §2.4 for a trailing-wildcard route `prefix/...`.
function routeMetadata(req, prefix) {
  const [path] = req.url.split('?');
  const rest = path.slice(prefix.length);
  return [
    ['spin-path-info', 'PATH_INFO', rest],
    ['spin-full-url', 'X_FULL_URL', `http://${req.headers.host || 'localhost'}${req.url}`],
    ['spin-matched-route', 'X_MATCHED_ROUTE', `${prefix}/...`],
    ['spin-base-path', 'X_BASE_PATH', '/'],
    ['spin-raw-component-route', 'X_RAW_COMPONENT_ROUTE', `${prefix}/...`],
    ['spin-component-route', 'X_COMPONENT_ROUTE', prefix],
    ['spin-client-addr', 'X_CLIENT_ADDR', `${req.socket.remoteAddress}:${req.socket.remotePort}`],
  ];
}

const SPIN1_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function runSpin1(module, req, body, prefix) {
  const method = SPIN1_METHODS.indexOf(req.method);
  if (method < 0) return { status: 405, headers: [], body: Buffer.alloc(0) };
  const wasi = new WASI({ version: 'preview1', args: [], env: {}, returnOnExit: true });
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  wasi.initialize(instance);
  const exports = instance.exports;
  const memory = exports.memory;
  const realloc = exports.canonical_abi_realloc;
  const free = exports.canonical_abi_free;

  const lower = (bytes, align) => {
    if (bytes.length === 0) return align;
    const pointer = realloc(0, 0, align, bytes.length) >>> 0;
    new Uint8Array(memory.buffer, pointer, bytes.length).set(bytes);
    return pointer;
  };
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  }
  for (const [name, , value] of routeMetadata(req, prefix)) headers.push([name, value]);

  const uri = lower(encoder.encode(req.url), 1);
  const uriLength = Buffer.byteLength(req.url);
  const array = headers.length ? realloc(0, 0, 4, headers.length * 16) >>> 0 : 4;
  headers.forEach(([name, value], i) => {
    const nameBytes = encoder.encode(name);
    const valueBytes = encoder.encode(value);
    const namePointer = lower(nameBytes, 1);
    const valuePointer = lower(valueBytes, 1);
    const view = new DataView(memory.buffer);  // memory may have grown
    view.setUint32(array + i * 16, namePointer, true);
    view.setUint32(array + i * 16 + 4, nameBytes.length, true);
    view.setUint32(array + i * 16 + 8, valuePointer, true);
    view.setUint32(array + i * 16 + 12, valueBytes.length, true);
  });
  const bodyPointer = lower(body, 1);
  const area = exports['handle-http-request'](method, uri, uriLength, array, headers.length, 4, 0,
                                              1, bodyPointer, body.length) >>> 0;

  const view = new DataView(memory.buffer);
  const status = view.getUint16(area, true);
  const hasHeaders = view.getUint8(area + 4) !== 0;
  const headersPointer = view.getUint32(area + 8, true);
  const headersLength = view.getUint32(area + 12, true);
  const hasBody = view.getUint8(area + 16) !== 0;
  const responseBodyPointer = view.getUint32(area + 20, true);
  const responseBodyLength = view.getUint32(area + 24, true);
  const responseHeaders = [];
  if (hasHeaders) {
    const fields = [];
    for (let i = 0; i < headersLength; ++i) {
      const at = headersPointer + i * 16;
      fields.push([view.getUint32(at, true), view.getUint32(at + 4, true),
                   view.getUint32(at + 8, true), view.getUint32(at + 12, true)]);
    }
    for (const [namePointer, nameLength, valuePointer, valueLength] of fields) {
      responseHeaders.push([
        decoder.decode(new Uint8Array(memory.buffer, namePointer, nameLength)),
        decoder.decode(new Uint8Array(memory.buffer, valuePointer, valueLength)),
      ]);
      if (nameLength) free(namePointer, nameLength, 1);
      if (valueLength) free(valuePointer, valueLength, 1);
    }
    if (headersLength) free(headersPointer, headersLength * 16, 4);
  }
  let responseBody = Buffer.alloc(0);
  if (hasBody) {
    responseBody = Buffer.from(new Uint8Array(memory.buffer, responseBodyPointer, responseBodyLength));
    if (responseBodyLength) free(responseBodyPointer, responseBodyLength, 1);
  }
  if (status < 100 || status > 600) return { status: 500, headers: [], body: Buffer.alloc(0) };
  return { status, headers: responseHeaders, body: responseBody };
}

function runWagi(module, req, body, prefix) {
  const [path, query = ''] = req.url.split(/\?(.*)/s);
  const hostHeader = req.headers.host || 'localhost';
  const hostColon = hostHeader.lastIndexOf(':');
  const env = {
    AUTH_TYPE: '',
    CONTENT_LENGTH: String(body.length),
    CONTENT_TYPE: req.headers['content-type'] || '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    QUERY_STRING: query,
    REMOTE_ADDR: req.socket.remoteAddress,
    REMOTE_HOST: req.socket.remoteAddress,
    REMOTE_USER: '',
    REQUEST_METHOD: req.method,
    SCRIPT_NAME: prefix,
    X_RAW_PATH_INFO: path.slice(prefix.length),
    PATH_TRANSLATED: decodeURIComponent(path.slice(prefix.length)),
    SERVER_NAME: hostColon > 0 ? hostHeader.slice(0, hostColon) : hostHeader,
    SERVER_PORT: hostColon > 0 ? hostHeader.slice(hostColon + 1) : '80',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    SERVER_SOFTWARE: 'WAGI/1',
  };
  for (const [, variable, value] of routeMetadata(req, prefix)) env[variable] = value;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (name === 'authorization' || name === 'connection') continue;
    env[`HTTP_${name.toUpperCase().replaceAll('-', '_')}`] = req.rawHeaders[i + 1];
  }
  const args = `${path} ${query.replaceAll('&', ' ')}`.split(' ');

  const wasi = new WASI({ version: 'preview1', args, env, returnOnExit: true });
  const base = wasi.getImportObject().wasi_snapshot_preview1;
  const output = [];
  let outputLength = 0;
  let stdinOffset = 0;
  let memory = null;
  const imports = {
    wasi_snapshot_preview1: {
      ...base,
      fd_write(fd, iovs, iovsLength, writtenPointer) {
        if (fd !== 1) return base.fd_write(fd, iovs, iovsLength, writtenPointer);
        const view = new DataView(memory.buffer);
        let written = 0;
        for (let i = 0; i < iovsLength; ++i) {
          const pointer = view.getUint32(iovs + i * 8, true);
          const length = view.getUint32(iovs + i * 8 + 4, true);
          output.push(Buffer.from(new Uint8Array(memory.buffer, pointer, length)));
          written += length;
        }
        outputLength += written;
        if (outputLength > 64 * 1024 * 1024) return 27;  // EFBIG
        view.setUint32(writtenPointer, written, true);
        return 0;
      },
      fd_read(fd, iovs, iovsLength, readPointer) {
        if (fd !== 0) return base.fd_read(fd, iovs, iovsLength, readPointer);
        const view = new DataView(memory.buffer);
        let read = 0;
        for (let i = 0; i < iovsLength && stdinOffset < body.length; ++i) {
          const pointer = view.getUint32(iovs + i * 8, true);
          const length = view.getUint32(iovs + i * 8 + 4, true);
          const take = Math.min(length, body.length - stdinOffset);
          new Uint8Array(memory.buffer, pointer, take).set(body.subarray(stdinOffset, stdinOffset + take));
          stdinOffset += take;
          read += take;
        }
        view.setUint32(readPointer, read, true);
        return 0;
      },
    },
  };
  const instance = new WebAssembly.Instance(module, imports);
  memory = instance.exports.memory;
  const code = wasi.start(instance);
  if (code !== 0) throw new Error(`the guest exited with status ${code}`);
  if (outputLength === 0) throw new Error('configured to use the WAGI executor but did not write to stdout');
  return composeCgiResponse(Buffer.concat(output, outputLength));
}

// §3.4: header lines up to the first blank line (CRs dropped), then the body.
function composeCgiResponse(output) {
  let head = '';
  let bodyStart = -1;
  for (let i = 0; i < output.length; ++i) {
    const c = output[i];
    if (c === 13) continue;
    if (c === 10 && head.endsWith('\n')) {
      head = head.slice(0, -1);
      bodyStart = i + 1;
      break;
    }
    head += String.fromCharCode(c);
  }
  const response = { status: 200, headers: [], body: bodyStart < 0 ? output : output.subarray(bodyStart) };
  const fields = new Map();
  if (bodyStart >= 0) {
    for (const line of head.trim().split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  let sufficient = false;
  let explicitStatus = false;
  if (fields.has('status')) {
    const code = Number(fields.get('status').split(' ')[0]);
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      return { status: 502, headers: [], body: Buffer.alloc(0) };
    }
    response.status = code;
    sufficient = explicitStatus = true;
  }
  for (const [name, value] of fields) {
    if (name === 'status') continue;
    if (name === 'content-type') sufficient = true;
    if (name === 'location') {
      sufficient = true;
      if (!explicitStatus) response.status = 302;
    }
    response.headers.push([name, value]);
  }
  if (!sufficient) {
    return { status: 500, headers: [],
             body: Buffer.from("Exactly one of 'location' or 'content-type' must be specified") };
  }
  return response;
}
