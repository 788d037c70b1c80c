/* Reads NumPy .npy files (format 1.0, little endian, C order) for the
 * programs of the compress-aot tests. Plain C99 that also compiles as C++,
 * so one test program can exercise the generated headers in both. */
#ifndef COMPRESS_AOT_TEST_NPY_H
#define COMPRESS_AOT_TEST_NPY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A loaded array: its dtype string as in the file (e.g. "<f4", "|i1"), its
 * shape and its elements. */
typedef struct npy_array {
  char descr[8];
  int rank;
  int64_t shape[8];
  int64_t count;
  void *data;
} npy_array;

/* Reads `path`, which must hold elements of dtype `descr`. Prints one line
 * and returns nonzero on failure. */
static int npy_read(const char *path, const char *descr, npy_array *out) {
  unsigned char magic[10];
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "%s: cannot open\n", path);
    return 1;
  }
  if (fread(magic, 1, 10, file) != 10 || memcmp(magic, "\x93NUMPY", 6) ||
      magic[6] != 1) {
    fprintf(stderr, "%s: not a version 1.0 .npy file\n", path);
    fclose(file);
    return 1;
  }
  /* The header is a Python dict literal; the data starts right after it. */
  size_t headerLength = (size_t)magic[8] | (size_t)magic[9] << 8;
  char *header = (char *)malloc(headerLength + 1);
  size_t got = fread(header, 1, headerLength, file);
  header[got] = '\0';
  const char *d = strstr(header, "'descr': '");
  const char *s = strstr(header, "'shape': (");
  if (got != headerLength || !d || !s || strstr(header, "True")) {
    fprintf(stderr, "%s: unsupported .npy header\n", path);
    free(header);
    fclose(file);
    return 1;
  }
  d += strlen("'descr': '");
  size_t descrLength = strcspn(d, "'");
  if (descrLength >= sizeof(out->descr) || strncmp(d, descr, descrLength) ||
      descr[descrLength] != '\0') {
    fprintf(stderr, "%s: expected dtype %s\n", path, descr);
    free(header);
    fclose(file);
    return 1;
  }
  memcpy(out->descr, d, descrLength);
  out->descr[descrLength] = '\0';
  s += strlen("'shape': (");
  out->rank = 0;
  out->count = 1;
  while (*s != ')' && out->rank < 8) {
    char *end;
    int64_t dim = strtoll(s, &end, 10);
    if (end == s)
      break;
    out->shape[out->rank++] = dim;
    out->count *= dim;
    s = end;
    while (*s == ',' || *s == ' ')
      ++s;
  }
  free(header);
  size_t elementBytes = (size_t)atoi(descr + 2);
  out->data = malloc((size_t)out->count * elementBytes);
  if (fread(out->data, elementBytes, (size_t)out->count, file) !=
      (size_t)out->count) {
    fprintf(stderr, "%s: truncated data\n", path);
    free(out->data);
    fclose(file);
    return 1;
  }
  fclose(file);
  return 0;
}

#endif /* COMPRESS_AOT_TEST_NPY_H */
