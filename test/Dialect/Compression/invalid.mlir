// RUN: compress-opt %s --split-input-file --verify-diagnostics

func.func @range_min_above_max() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{range needs finite min <= max, got [2.000000e+00, 1.000000e+00]}}
      {compress.range = #compress.range<min = 2.0, max = 1.0, method = "minmax", samples = 1>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

/// Infinite bounds (written as their bit pattern) would make every scale
/// derived from the range meaningless.
func.func @range_infinite() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{range needs finite min <= max, got [-1.000000e+00, INF]}}
      {compress.range = #compress.range<min = -1.0, max = 0x7FF0000000000000, method = "minmax", samples = 1>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @range_nan() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{range needs finite min <= max, got [nan, 1.000000e+00]}}
      {compress.range = #compress.range<min = 0x7FF8000000000000, max = 1.0, method = "minmax", samples = 1>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @range_negative_samples() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sample count must be non-negative}}
      {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = -1>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

/// A Hessian trace estimate of a loss at a minimum is non-negative.
func.func @sensitivity_negative_trace() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sensitivity trace must be finite and non-negative, got -1.000000e-03}}
      {compress.sensitivity = #compress.sensitivity<trace = -1.0e-3, method = "hutchinson", samples = 8>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sensitivity_negative_activation_trace() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sensitivity activation trace must be finite and non-negative, got -2.000000e+00}}
      {compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = -2.0, method = "fisher", samples = 8>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sensitivity_infinite_trace() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sensitivity trace must be finite and non-negative, got INF}}
      {compress.sensitivity = #compress.sensitivity<trace = 0x7FF0000000000000, method = "fisher", samples = 8>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sensitivity_negative_samples() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sample count must be non-negative}}
      {compress.sensitivity = #compress.sensitivity<trace = 1.0, method = "fisher", samples = -8>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @plan_zero_weight_bits() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{weight_bits must be in [1, 8], got 0}}
      {compress.plan = #compress.plan<weight_bits = 0, activation_bits = 8, sparsity = 0.0>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @plan_weight_bits_above_eight() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{weight_bits must be in [1, 8], got 9}}
      {compress.plan = #compress.plan<weight_bits = 9, activation_bits = 8, sparsity = 0.0>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @plan_activation_bits_below_four() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{activation_bits must be in [4, 16], got 3}}
      {compress.plan = #compress.plan<weight_bits = 8, activation_bits = 3, sparsity = 0.0>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @plan_activation_bits_above_sixteen() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{activation_bits must be in [4, 16], got 32}}
      {compress.plan = #compress.plan<weight_bits = 8, activation_bits = 32, sparsity = 0.0>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

/// Pruning every weight is not a plan for a layer.
func.func @plan_sparsity_one() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sparsity must be in [0, 1), got 1.000000e+00}}
      {compress.plan = #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = 1.0>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @plan_negative_sparsity() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sparsity must be in [0, 1), got -1.000000e-01}}
      {compress.plan = #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = -0.1>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

/// The plan is verified wherever it is attached, a function included.
// expected-error @+1 {{sparsity must be in [0, 1), got nan}}
func.func @plan_on_function() attributes {compress.plan = #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = 0x7FF8000000000000>} {
  return
}

// -----

func.func @range_unknown_method() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{range method must be minmax, percentile or mse, got 'median'}}
      {compress.range = #compress.range<min = -1.0, max = 1.0, method = "median", samples = 4>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sensitivity_unknown_method() -> tensor<2xf32> {
  %0 = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}>
      // expected-error @+1 {{sensitivity method must be fisher, hutchinson or import, got 'guess'}}
      {compress.sensitivity = #compress.sensitivity<trace = 1.0, method = "guess", samples = 4>}
      : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
