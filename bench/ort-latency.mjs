// Batch-1, single-thread latency of an ONNX model under ONNX Runtime: runs
// each sample of a float32 .npy (samples along the first axis) once after a
// warm-up and prints `latency_ms: <median>` as compress-run --bench does.
//
//   node bench/ort-latency.mjs MODEL.onnx X.npy [LIMIT]
//
// onnxruntime-node is resolved through NODE_PATH (bench/end-to-end.sh
// installs it under the build directory).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readNpy } from '../utils/npy.mjs';

const require = createRequire(join(process.cwd(), 'noop.js'));
const ort = require('onnxruntime-node');

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
