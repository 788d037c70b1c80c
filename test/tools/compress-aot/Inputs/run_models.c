/* Links four models compiled by compress-aot into one program, all four
 * compiled from a function named @main, and calls each through its header:
 *   - add (y = x + x), two_results and insert_first, float, on fixed
 *     inputs, which must come back unchanged;
 *   - requant, an integer program, on every sample of X.npy (int8), with
 *     its outputs compared element by element with REF.npy, the outputs of
 *     compress-run's reference evaluator on the same samples.
 * Plain C99 that also compiles as C++.
 *
 * Usage: run_models X.npy REF.npy */
#include "add.h"
#include "insert_first.h"
#include "npy.h"
#include "requant.h"
#include "two_results.h"

/* Element (i, j) of a rank-2 result, through its offset and strides. */
static float at2(const compress_memref_2d_f32 *m, int64_t i, int64_t j) {
  return m->aligned[m->offset + i * m->strides[0] + j * m->strides[1]];
}

static void runFloatModels(void) {
  float x[6] = {1, 2, 3, 4, 5, 6};
  float y[6] = {0.5f, -1, 2, -3, 0.25f, 10};
  compress_memref_2d_f32 a = {x, x, 0, {2, 3}, {3, 1}};
  compress_memref_2d_f32 b = {y, y, 0, {2, 3}, {3, 1}};
  compress_memref_2d_f32 addIn = {x, x, 0, {1, 4}, {4, 1}};
  compress_memref_2d_f32 sum;
  two_results_results results;
  int64_t i, unchanged = 1;

  add_model(&sum, &addIn);
  printf("add:");
  for (i = 0; i < 4; ++i)
    printf(" %g", at2(&sum, 0, i));
  printf("\n");
  free(sum.allocated);

  two_results(&results, &a, &b);
  printf("transposed:");
  for (i = 0; i < 3; ++i)
    printf(" [%g %g]", at2(&results.result0, i, 0),
           at2(&results.result0, i, 1));
  printf("\nrow max:");
  for (i = 0; i < 2; ++i)
    printf(" %g", results.result1.aligned[results.result1.offset +
                                          i * results.result1.strides[0]]);
  printf("\n");
  free(results.result0.allocated);
  if (results.result1.allocated != results.result0.allocated)
    free(results.result1.allocated);

  insert_first(&sum, &addIn);
  printf("insert_first:");
  for (i = 0; i < 4; ++i)
    printf(" %g", sum.aligned[sum.offset + i * sum.strides[1]]);
  printf("\n");
  free(sum.allocated);

  for (i = 0; i < 6; ++i)
    unchanged &= x[i] == (float)(i + 1);
  unchanged &= y[0] == 0.5f && y[5] == 10;
  printf("inputs unchanged: %s\n", unchanged ? "yes" : "no");
}

static int runRequant(const char *xPath, const char *refPath) {
  npy_array x, ref;
  int64_t n, i, h, w, c, differ = 0;
  if (npy_read(xPath, "|i1", &x) || npy_read(refPath, "|i1", &ref))
    return 1;
  n = x.shape[0];
  if (x.rank != 4 || ref.count != n * 4 * 4 * 3) {
    fprintf(stderr, "expected X [N, 3, 3, 2] and REF [N, 4, 4, 3]\n");
    return 1;
  }
  for (i = 0; i < n; ++i) {
    int8_t *sample = (int8_t *)x.data + i * 3 * 3 * 2;
    const int8_t *expected = (const int8_t *)ref.data + i * 4 * 4 * 3;
    compress_memref_4d_i8 in = {sample, sample, 0, {1, 3, 3, 2}, {18, 6, 2, 1}};
    compress_memref_4d_i8 out;
    requant(&out, &in);
    printf("requant sample %lld:", (long long)i);
    for (h = 0; h < 4; ++h)
      for (w = 0; w < 4; ++w)
        for (c = 0; c < 3; ++c) {
          int8_t value = out.aligned[out.offset + h * out.strides[1] +
                                     w * out.strides[2] + c * out.strides[3]];
          printf(" %d", value);
          differ += value != expected[(h * 4 + w) * 3 + c];
        }
    printf("\n");
    free(out.allocated);
  }
  printf("requant: %lld samples, %lld values differ from the reference\n",
         (long long)n, (long long)differ);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s X.npy REF.npy\n", argv[0]);
    return 1;
  }
  runFloatModels();
  return runRequant(argv[1], argv[2]);
}
