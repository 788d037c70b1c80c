// RUN: compress-opt %s --compress-cleanup="max-fold-elements=-1" -verify-diagnostics

/// A negative size limit is rejected before any pass runs.
// expected-error @unknown {{compress-cleanup: max-fold-elements must be non-negative, got -1}}
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
