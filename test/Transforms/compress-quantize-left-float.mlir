// RUN: compress-opt %s --split-input-file --compress-quantize -verify-diagnostics -o /dev/null

// Ops without an integer form stay float with a remark; a planned layer
// left float gets a warning, since the plan's size and error assumed it
// would be quantized.

func.func @sigmoid(%x: tensor<1x2xf32> {compress.range = #compress.range<min = -4.0, max = 4.0, method = "minmax", samples = 1>}) -> tensor<1x2xf32> {
  // expected-remark @+1 {{left in float: no integer form for this op here}}
  %s = tosa.sigmoid %x {compress.range = #compress.range<min = 0.0, max = 1.0, method = "minmax", samples = 1>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}

// -----

func.func @planned_dynamic_weights(%x: tensor<1x2x2x1xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}, %w: tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32> {
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-warning @+1 {{left in float although compress-plan planned it: no integer form for this op here, so the plan's size and error do not hold for it}}
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.plan = #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = 0.0>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %c : tensor<1x2x2x1xf32>
}
