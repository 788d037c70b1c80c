// RUN: compress-opt %s | compress-opt | FileCheck %s
// RUN: compress-opt %s --mlir-print-op-generic | compress-opt | FileCheck %s

/// The attributes are discardable attributes on the float ops (and
/// functions) they describe; each parameter survives printing and parsing.

// CHECK-LABEL: func.func @range
// CHECK: "tosa.const"() {{.*}} {compress.range = #compress.range<min = -1.500000e+00, max = 6.250000e+00, method = "minmax", samples = 256>}
// CHECK: "tosa.const"() {{.*}} {compress.range = #compress.range<min = 0.000000e+00, max = 0.000000e+00, method = "percentile", samples = 0>}
// CHECK: "tosa.const"() {{.*}} {compress.range = #compress.range<min = 0.30000000000000004, max = 1.000000e+300, method = "mse", samples = 9223372036854775807>}
func.func @range() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %0 = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}>
      {compress.range = #compress.range<min = -1.5, max = 6.25, method = "minmax", samples = 256>}
      : () -> tensor<2xf32>
  /// A degenerate range (a constant tensor) and no samples are valid.
  %1 = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}>
      {compress.range = #compress.range<min = 0.0, max = 0.0, method = "percentile", samples = 0>}
      : () -> tensor<2xf32>
  /// Bounds print with as many digits as an exact round trip needs.
  %2 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      {compress.range = #compress.range<min = 0.30000000000000004, max = 1.0e300, method = "mse", samples = 9223372036854775807>}
      : () -> tensor<2xf32>
  return %0, %1, %2 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// CHECK-LABEL: func.func @sensitivity
// CHECK: "tosa.const"() {{.*}} {compress.sensitivity = #compress.sensitivity<trace = 3.200000e-04, method = "fisher", samples = 256>}
// CHECK: "tosa.const"() {{.*}} {compress.sensitivity = #compress.sensitivity<trace = 0.000000e+00, method = "import", samples = 0>}
/// A zero activation trace is the default and is not printed.
// CHECK: "tosa.const"() {{.*}} {compress.sensitivity = #compress.sensitivity<trace = 1.000000e+00, activation_trace = 2.500000e-01, method = "fisher", samples = 4>}
// CHECK: "tosa.const"() {{.*}} {compress.sensitivity = #compress.sensitivity<trace = 1.000000e+00, method = "fisher", samples = 4>}
func.func @sensitivity() -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0 = "tosa.const"() <{values = dense<0.5> : tensor<2x2xf32>}>
      {compress.sensitivity = #compress.sensitivity<trace = 3.2e-4, method = "fisher", samples = 256>}
      : () -> tensor<2x2xf32>
  %1 = "tosa.const"() <{values = dense<0.5> : tensor<2x2xf32>}>
      {compress.sensitivity = #compress.sensitivity<trace = 0.0, method = "import", samples = 0>}
      : () -> tensor<2x2xf32>
  %2 = "tosa.const"() <{values = dense<0.5> : tensor<2x2xf32>}>
      {compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 0.25, method = "fisher", samples = 4>}
      : () -> tensor<2x2xf32>
  %3 = "tosa.const"() <{values = dense<0.5> : tensor<2x2xf32>}>
      {compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 0.0, method = "fisher", samples = 4>}
      : () -> tensor<2x2xf32>
  return %2, %3 : tensor<2x2xf32>, tensor<2x2xf32>
}

/// The plan's extremes: binary weights with 4-bit activations, and 8-bit
/// weights with 16-bit activations and heavy pruning.
// CHECK-LABEL: func.func @plan
// CHECK-SAME: attributes {compress.plan = #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = 0.000000e+00>}
// CHECK: "tosa.const"() {{.*}} {compress.plan = #compress.plan<weight_bits = 1, activation_bits = 4, sparsity = 0.000000e+00>}
// CHECK: "tosa.const"() {{.*}} {compress.plan = #compress.plan<weight_bits = 8, activation_bits = 16, sparsity = 8.750000e-01>}
func.func @plan() -> (tensor<2xf32>, tensor<2xf32>)
    attributes {compress.plan = #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = 0.0>} {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      {compress.plan = #compress.plan<weight_bits = 1, activation_bits = 4, sparsity = 0.0>}
      : () -> tensor<2xf32>
  %1 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      {compress.plan = #compress.plan<weight_bits = 8, activation_bits = 16, sparsity = 0.875>}
      : () -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

/// All three on one op, as a calibrated and planned layer carries them.
// CHECK-LABEL: func.func @together
// CHECK: "tosa.const"() {{.*}} {compress.plan = #compress.plan<weight_bits = 2, activation_bits = 8, sparsity = 2.500000e-01>, compress.range = #compress.range<min = -1.000000e+00, max = 1.000000e+00, method = "minmax", samples = 16>, compress.sensitivity = #compress.sensitivity<trace = 1.250000e+00, method = "hutchinson", samples = 64>}
func.func @together() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 16>,
       compress.sensitivity = #compress.sensitivity<trace = 1.25, method = "hutchinson", samples = 64>,
       compress.plan = #compress.plan<weight_bits = 2, activation_bits = 8, sparsity = 0.25>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

/// A function argument carries its range as an argument attribute, and a
/// quantized layer is named by a string under `compress.layer`.
// CHECK-LABEL: func.func @argument_and_layer
// CHECK-SAME: {compress.range = #compress.range<min = -1.000000e+00, max = 1.000000e+00, method = "minmax", samples = 8>}
// CHECK: "tosa.const"() {{.*}} {compress.layer = "conv2d_0"}
func.func @argument_and_layer(
    %x: tensor<2xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 8>})
    -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      {compress.layer = "conv2d_0"} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
