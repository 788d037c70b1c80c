// Batch-1, single-thread latency of an ONNX model under ONNX Runtime: runs
// each sample of a float32 .npy (samples along the first axis) once after a
// warm-up and prints `latency_ms: <median>` as compress-run --bench does.
//
//   node bench/ort-latency.mjs MODEL.onnx X.npy [LIMIT]
//
// onnxruntime-node is resolved through NODE_PATH (bench/end-to-end.sh
// installs it under the build directory).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'noop.js'));
const ort = require('onnxruntime-node');

function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(`${path}: not a .npy file`);
  const major = bytes[6];
  const headerLength =
      major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${path}: expected C-ordered float32, got ${header}`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
      .split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + start,
                         bytes.byteOffset + bytes.length));
  return { shape, data };
}

const [model, input, limitArg] = process.argv.slice(2);
if (!model || !input) {
  console.error('usage: node ort-latency.mjs MODEL.onnx X.npy [LIMIT]');
  process.exit(2);
}
const x = readNpy(input);
const sampleShape = x.shape.slice(1);
const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
const samples = Math.min(x.shape[0], limitArg ? Number(limitArg) : Infinity);

const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const name = session.inputNames[0];
const feed = (i) => ({
  [name]: new ort.Tensor('float32',
                         x.data.subarray(i * sampleSize, (i + 1) * sampleSize),
                         [1, ...sampleShape]),
});
for (let i = 0; i < Math.min(samples, 20); ++i)
  await session.run(feed(i));
const times = [];
for (let i = 0; i < samples; ++i) {
  const f = feed(i);
  const start = process.hrtime.bigint();
  await session.run(f);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
console.log(`latency_ms: ${times[Math.floor(times.length / 2)].toFixed(4)}`);
