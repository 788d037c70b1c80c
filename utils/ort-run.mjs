// Runs an ONNX model under ONNX Runtime (onnxruntime-node, one thread) on
// the samples of a float32 .npy (first axis), as compress-run does: prints
// `top1:` and `samples:` given labels, writes the outputs with -o, and with
// --compare prints how they differ from another run's outputs (the largest
// absolute difference, and the fraction of samples whose top class agrees),
// failing when the difference exceeds --tolerance.
//
//   node utils/ort-run.mjs MODEL.onnx X.npy [--labels Y.npy] [--limit N]
//                          [-o OUT.npy] [--compare REF.npy [--tolerance T]]
//
// onnxruntime-node is resolved through NODE_PATH.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readNpy, writeNpy } from './npy.mjs';

const require = createRequire(join(process.cwd(), 'noop.js'));
const ort = require('onnxruntime-node');

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0)
    return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const labelsPath = option('--labels');
const limit = Number(option('--limit') ?? Infinity);
const outPath = option('-o');
const comparePath = option('--compare');
const tolerance = Number(option('--tolerance') ?? Infinity);
const [model, input] = args;
if (!model || !input) {
  console.error('usage: node ort-run.mjs MODEL.onnx X.npy [--labels Y.npy] ' +
                '[--limit N] [-o OUT.npy]');
  process.exit(2);
}
const x = readNpy(input);
const sampleShape = x.shape.slice(1);
const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
const samples = Math.min(x.shape[0], limit);

const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});
const inputName = session.inputNames[0];
const outputName = session.outputNames[0];
const outputs = [];
let outputShape;
for (let i = 0; i < samples; ++i) {
  const result = await session.run({
    [inputName]: new ort.Tensor(
        'float32', x.data.subarray(i * sampleSize, (i + 1) * sampleSize),
        [1, ...sampleShape]),
  });
  const y = result[outputName];
  outputShape = y.dims.slice(1);
  outputs.push(Float32Array.from(y.data));
}
const classes = outputs.length ? outputs[0].length : 0;
const argmax = (y) => {
  let best = 0;
  for (let c = 1; c < y.length; ++c)
    if (y[c] > y[best])
      best = c;
  return best;
};
if (labelsPath) {
  const labels = readNpy(labelsPath).data;
  let correct = 0;
  outputs.forEach((y, i) => {
    if (BigInt(argmax(y)) === BigInt(labels[i]))
      ++correct;
  });
  console.log(`top1: ${(correct / samples).toFixed(4)}`);
  console.log(`samples: ${samples}`);
}
if (comparePath) {
  const ref = readNpy(comparePath);
  if (ref.shape[0] !== samples || ref.data.length !== samples * classes)
    throw new Error(`${comparePath}: shape [${ref.shape}] differs from the ` +
                    `outputs' [${samples}, ${classes}]`);
  let maxDiff = 0, agree = 0;
  outputs.forEach((y, i) => {
    const r = ref.data.subarray(i * classes, (i + 1) * classes);
    for (let c = 0; c < classes; ++c) {
      const diff = Math.abs(y[c] - r[c]);
      maxDiff = Number.isNaN(diff) ? Infinity : Math.max(maxDiff, diff);
    }
    if (argmax(y) === argmax(r))
      ++agree;
  });
  console.log(`max_abs_diff: ${maxDiff.toPrecision(3)}`);
  console.log(`top1_agreement: ${(agree / samples).toFixed(4)}`);
  if (maxDiff > tolerance) {
    console.error(`ort-run: error: outputs differ from ${comparePath} by ` +
                  `${maxDiff} (tolerance ${tolerance})`);
    process.exitCode = 1;
  }
}
if (outPath) {
  const all = new Float32Array(samples * classes);
  outputs.forEach((y, i) => all.set(y, i * classes));
  writeNpy(outPath, [samples, ...outputShape], all);
}
