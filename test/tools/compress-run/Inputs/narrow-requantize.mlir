// Narrow integers the reference evaluator has no arithmetic for: only the
// qint accumulating ops compute i24 values (wrapping to their width).
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xi24> {
  %q = qint.quantize %x {scale = 0.5 : f64, zero_point = 0 : i64} : tensor<2x4xf32> -> tensor<2x4xi8>
  %r = qint.requantize %q {multiplier = array<i32: 1073741824>, shift = array<i8: 30>, output_zp = 0 : i64, clamp_min = -8388608 : i64, clamp_max = 8388607 : i64} : tensor<2x4xi8> -> tensor<2x4xi24>
  return %r : tensor<2x4xi24>
}
