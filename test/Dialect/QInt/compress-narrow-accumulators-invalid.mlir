// RUN: compress-opt %s --split-input-file --verify-diagnostics --compress-narrow-accumulators="accumulator-bits=20"
// RUN: compress-opt %s --split-input-file --compress-narrow-accumulators | FileCheck %s --check-prefix=KEPT
// RUN: not compress-opt %s --compress-narrow-accumulators="accumulator-bits=40" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not compress-opt %s --compress-narrow-accumulators="widths=16,1" 2>&1 | FileCheck %s --check-prefix=WIDTHS
// RUN: not compress-opt %s --compress-narrow-accumulators="report=%t/missing/r.json" 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not compress-opt %s --compress-narrow-accumulators="tile-terms=-1" 2>&1 | FileCheck %s --check-prefix=TILE

// BITS: error: compress-narrow-accumulators: accumulator-bits must be 0 or in [2, 32], got 40
// WIDTHS: error: compress-narrow-accumulators: widths must be in [2, 32], got 1
// REPORT: error: compress-narrow-accumulators: cannot write report '{{.*}}r.json'
// TILE: error: compress-narrow-accumulators: tile-terms must be non-negative, got -1

/// 576 terms in [0, 255] by weights of 127 need 26 bits: more than 20.
/// The error names the layer and its widest channel: 576 * 255 * 127 =
/// 18653760.
func.func @too_wide(%x: tensor<1x1x576xi8>) -> tensor<1x1x2xi8> {
  %w = arith.constant dense<127> : tensor<1x576x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = -128 : i64}
      : (tensor<1x1x576xi8>, tensor<1x576x2xi8>) -> tensor<1x1x2xi32>
  // expected-error@-2 {{accumulator of layer 'fc' is not proven to fit accumulator-bits=20: it needs 26 bits; output channel 0 ranges over [0, 18653760]}}
  %y = qint.requantize %acc {compress.layer = "fc", multiplier = array<i32: 1073741824>,
                             shift = array<i8: 40>, output_zp = 0 : i64,
                             clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x1x2xi32> -> tensor<1x1x2xi8>
  return %y : tensor<1x1x2xi8>
}

// -----

/// i16 inputs: the product bound leaves i32, so the accumulator may wrap
/// and nothing is proven; without accumulator-bits it keeps its type.
// KEPT-LABEL: func.func @unbounded
// KEPT: qint.matmul {{.*}} -> tensor<1x1x2xi32>
func.func @unbounded(%x: tensor<1x1x4096xi16>, %w: tensor<1x4096x2xi8>) -> tensor<1x1x2xi8> {
  %acc = qint.matmul %x, %w {lhs_zp = 0 : i64}
      : (tensor<1x1x4096xi16>, tensor<1x4096x2xi8>) -> tensor<1x1x2xi32>
  // expected-error@-2 {{is not proven to fit accumulator-bits=20: its range is not bounded (it may wrap in 32 bits)}}
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
                             shift = array<i8: 40>, output_zp = 0 : i64,
                             clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x1x2xi32> -> tensor<1x1x2xi8>
  return %y : tensor<1x1x2xi8>
}

// -----

/// Accumulators that stay as they are: one fits but is returned (only
/// requantize and dequantize read narrow accumulators), the other has a
/// bias that is not a constant, which bounds nothing.
// KEPT-LABEL: func.func @kept
// KEPT: qint.matmul {{.*}} -> tensor<1x1x2xi32>
// KEPT: qint.matmul {{.*}} -> tensor<1x1x2xi32>
func.func @kept(%x: tensor<1x1x2xi8>, %b: tensor<2xi32>) -> (tensor<1x1x2xi32>, tensor<1x1x2xf32>) {
  %w = qint.weights {axis = 2 : i64, bits = 2 : i64, scales = array<f32: 0.5, 0.5>,
                     values = dense<[[[1, -1], [1, 1]]]> : tensor<1x2x2xi8>}
      : tensor<1x2x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = -128 : i64}
      : (tensor<1x1x2xi8>, tensor<1x2x2xi8>) -> tensor<1x1x2xi32>
  // expected-error@-2 {{is not proven to fit accumulator-bits=20: it fits, but 'func.return' reads it (only qint.requantize and qint.dequantize read narrow accumulators)}}
  %acc2 = qint.matmul %x, %w, %b {lhs_zp = -128 : i64}
      : (tensor<1x1x2xi8>, tensor<1x2x2xi8>, tensor<2xi32>) -> tensor<1x1x2xi32>
  // expected-error@-2 {{is not proven to fit accumulator-bits=20: its range is not bounded (it may wrap in 32 bits)}}
  %f = qint.dequantize %acc2 {scale = 0.05 : f64, zero_point = 0 : i64}
      : tensor<1x1x2xi32> -> tensor<1x1x2xf32>
  return %acc, %f : tensor<1x1x2xi32>, tensor<1x1x2xf32>
}

// -----

/// Above 32 bits the IR names only i48 and i64: i16 inputs against 4096
/// weights of 127 reach 127 * 32767 * 4096, 35 bits, so without
/// accumulator-bits an i64 accumulator becomes i48.
// KEPT-LABEL: func.func @wide
// KEPT: qint.matmul {{.*}} -> tensor<1x1x2xi48>
func.func @wide(%x: tensor<1x1x4096xi16>) -> tensor<1x1x2xf32> {
  %w = arith.constant dense<127> : tensor<1x4096x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = 0 : i64}
      : (tensor<1x1x4096xi16>, tensor<1x4096x2xi8>) -> tensor<1x1x2xi64>
  // expected-error@-2 {{is not proven to fit accumulator-bits=20: it needs 35 bits; output channel 0 ranges over [-17045651456, 17045131264]}}
  %f = qint.dequantize %acc {scale = 0.05 : f64, zero_point = 0 : i64}
      : tensor<1x1x2xi64> -> tensor<1x1x2xf32>
  return %f : tensor<1x1x2xf32>
}
