// A reference WASI runner on Node's V8 for side-by-side benchmarks:
//   node node-wasi-run.mjs [--env K=V]... module.wasm [args...]
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const env = {};
while (argv[0] === '--env') {
  argv.shift();
  const pair = argv.shift();
  const eq = pair.indexOf('=');
  env[pair.slice(0, eq)] = pair.slice(eq + 1);
}
const file = argv.shift();
const wasi = new WASI({ version: 'preview1', args: [file, ...argv], env, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
