// Reading and writing float32 .npy files for the Node.js scripts that run
// ONNX Runtime (bench/ort-latency.mjs, utils/ort-run.mjs).
import { readFileSync, writeFileSync } from 'node:fs';

// A C-ordered .npy file of float32 (`<f4`) or int64 (`<i8`) values:
// { shape, data } with data a Float32Array or BigInt64Array.
export function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(`${path}: not a .npy file`);
  const major = bytes[6];
  const headerLength =
      major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  if (header.includes("'fortran_order': True"))
    throw new Error(`${path}: Fortran-ordered arrays are not read`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
      .split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const buffer = bytes.buffer.slice(bytes.byteOffset + start,
                                    bytes.byteOffset + bytes.length);
  if (header.includes("'<f4'"))
    return { shape, data: new Float32Array(buffer) };
  if (header.includes("'<i8'"))
    return { shape, data: new BigInt64Array(buffer) };
  throw new Error(`${path}: expected float32 or int64, got ${header}`);
}

// Writes float32 `data` of `shape` as a .npy file (format 1.0).
export function writeNpy(path, shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([
    prefix, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}
