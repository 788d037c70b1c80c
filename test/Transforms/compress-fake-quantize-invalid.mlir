// RUN: compress-opt %s --split-input-file --run-reproducer -verify-diagnostics
// RUN: not compress-opt %s --split-input-file --compress-fake-quantize="weight-clip=l2" 2>&1 | FileCheck %s --check-prefix=CLIP

// Every error of compress-fake-quantize. Each chunk carries its own pipeline
// as a reproducer resource, which --run-reproducer applies to that chunk
// alone. Bad option values are reported before any pass runs, without a
// location (@unknown); an unknown weight-clip while the options are parsed.

// CLIP: for the --weight-clip option: Cannot find option named 'l2'!

// expected-error @unknown {{bits must be 1..8, got 0}}
module {
  func.func @main(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
    return %0 : tensor<1x1x1x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-fake-quantize{bits=0})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{@main has no layer 'conv2d_1' (layers: conv2d_0)}}
module {
  func.func @main(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
    return %0 : tensor<1x1x1x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-fake-quantize{layers=conv2d_1})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}
