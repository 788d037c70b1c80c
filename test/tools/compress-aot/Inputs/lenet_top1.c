/* Runs LeNet compiled by compress-aot on the first N images of an MNIST
 * .npy file (float32 [N, 1, 28, 28]) and prints the top-1 accuracy against
 * integer labels (int64 [N]) in compress-run's format. Given the outputs
 * compress-run wrote for the same images, it also prints the largest
 * absolute difference of the logits.
 *
 * Usage: lenet_top1 X.npy Y.npy N [REF.npy] */
#include "lenet.h"
#include "npy.h"

#include <math.h>

int main(int argc, char **argv) {
  npy_array images, labels, reference;
  int64_t n, i, correct = 0;
  double maxDiff = 0.0;
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s X.npy Y.npy N [REF.npy]\n", argv[0]);
    return 1;
  }
  if (npy_read(argv[1], "<f4", &images) || npy_read(argv[2], "<i8", &labels))
    return 1;
  if (images.rank != 4 || images.shape[1] != 1 || images.shape[2] != 28 ||
      images.shape[3] != 28 || labels.rank != 1 ||
      labels.shape[0] < images.shape[0]) {
    fprintf(stderr, "expected images [N, 1, 28, 28] and labels [N]\n");
    return 1;
  }
  n = atoll(argv[3]);
  if (n > images.shape[0])
    n = images.shape[0];
  if (argc == 5 && npy_read(argv[4], "<f4", &reference))
    return 1;
  if (argc == 5 && reference.count < n * 10) {
    fprintf(stderr, "%s: fewer than %lld outputs\n", argv[4], (long long)n);
    return 1;
  }

  for (i = 0; i < n; ++i) {
    float *image = (float *)images.data + i * 28 * 28;
    compress_memref_4d_f32 input = {
        image, image, 0, {1, 1, 28, 28}, {28 * 28, 28 * 28, 28, 1}};
    compress_memref_2d_f32 logits;
    int64_t k, best = 0;
    lenet(&logits, &input);
    for (k = 0; k < 10; ++k) {
      float value = logits.aligned[logits.offset + k * logits.strides[1]];
      float bestValue =
          logits.aligned[logits.offset + best * logits.strides[1]];
      if (value > bestValue)
        best = k;
      if (argc == 5) {
        double diff =
            fabs((double)value - (double)((float *)reference.data)[i * 10 + k]);
        if (diff > maxDiff)
          maxDiff = diff;
      }
    }
    if (best == ((int64_t *)labels.data)[i])
      ++correct;
    free(logits.allocated);
  }
  printf("top1: %.4f\n", n ? (double)correct / (double)n : 0.0);
  printf("samples: %lld\n", (long long)n);
  if (argc == 5)
    printf("max_abs_diff: %g\n", maxDiff);
  return 0;
}
