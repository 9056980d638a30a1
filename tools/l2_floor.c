/* The floor under any int8 kernel for MLPerf Tiny's anomaly detector on an
 * x86-64 host with AVX-512 VNNI: the time to stream its weights through
 * `vpdpbusd` in the best layout there is (XNNPACK's: sixteen rows' weights
 * interleaved by four columns, so one broadcast of four input bytes and one
 * 64-byte load feed sixteen rows, with no horizontal sums and no
 * requantization). Not a model: the values are random and the sums thrown
 * away; only the bytes and the instructions are the model's.
 *
 *   gcc -O2 -march=native tools/l2_floor.c -o /tmp/l2_floor && /tmp/l2_floor
 *
 * Prints the best of 200 runs of 100 inferences: once with the ten layers'
 * own weights (264 KB: more than L1, so they come from L2 every inference)
 * and once with the same multiply-accumulates over one 128 x 128 layer's
 * 16 KB (resident in L1). The first is the floor `cargo bench -p
 * neurokern-tflite --bench ad01` and LiteRT's XNNPACK are measured against
 * (README, "The exponential's price in int8"). Our own code, after the
 * packing XNNPACK describes. */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ad01_int8's fully connected layers: (outputs, inputs) */
static const int LAYERS[10][2] = {{128, 640}, {128, 128}, {128, 128}, {128, 128}, {8, 128},
                                  {128, 8},   {128, 128}, {128, 128}, {128, 128}, {640, 128}};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* sixteen rows at a time; `w` packed: quad k of rows 16g..16g+16 at
 * w[(g * quads + k) * 64] */
__attribute__((noinline, target("avx512f,avx512bw,avx512vnni"))) static void
layer(const int8_t *w, const int32_t *x4, int panels, int quads, int32_t *out) {
    for (int g = 0; g < panels; g++) {
        const int8_t *b = w + (size_t)g * quads * 64;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        int k = 0;
        for (; k + 4 <= quads; k += 4) {
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(x4[k]), _mm512_loadu_si512(b + 64 * k));
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(x4[k + 1]),
                                     _mm512_loadu_si512(b + 64 * k + 64));
            a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(x4[k + 2]),
                                     _mm512_loadu_si512(b + 64 * k + 128));
            a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(x4[k + 3]),
                                     _mm512_loadu_si512(b + 64 * k + 192));
        }
        for (; k < quads; k++)
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(x4[k]), _mm512_loadu_si512(b + 64 * k));
        _mm512_storeu_si512(out + 16 * g,
                            _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)));
    }
}

static double best_of(int8_t **w, int one, const int32_t *x4, int32_t *out) {
    double best = 1e9;
    for (int r = 0; r < 200; r++) {
        double t = now();
        for (int it = 0; it < 100; it++)
            for (int i = 0; i < 10; i++) {
                int rows = LAYERS[i][0], cols = LAYERS[i][1];
                int panels = (rows + 15) / 16, quads = (cols + 3) / 4;
                if (one) { /* the same multiply-accumulates over layer 1's 16 KB */
                    int total = panels * quads;
                    for (; total >= 256; total -= 256) layer(w[1], x4, 8, 32, out);
                    if (total) layer(w[1], x4, 1, total, out);
                } else {
                    layer(w[i], x4, panels, quads, out);
                }
            }
        t = (now() - t) / 100;
        if (t < best) best = t;
    }
    return best;
}

int main(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512vnni")) {
        printf("l2_floor: this CPU has no AVX-512 VNNI: nothing to measure\n");
        return 0;
    }
    int8_t *w[10];
    long bytes = 0, macs = 0;
    srand(1);
    for (int i = 0; i < 10; i++) {
        int rows = LAYERS[i][0], cols = LAYERS[i][1];
        size_t n = (size_t)((rows + 15) / 16) * 16 * ((cols + 3) / 4) * 4;
        size_t room = n < 16384 ? 16384 : n; /* layer 1 serves the L1 run */
        w[i] = aligned_alloc(64, room);
        for (size_t j = 0; j < room; j++) w[i][j] = (int8_t)rand();
        bytes += (long)n;
        macs += (long)rows * cols;
    }
    int32_t x4[256], out[640];
    for (int i = 0; i < 256; i++) x4[i] = rand();
    double l2 = best_of(w, 0, x4, out), l1 = best_of(w, 1, x4, out);
    printf("ad01 weights streamed (%ld bytes, %ld MACs): %.2f us per inference, %.0f GB/s\n",
           bytes, macs, l2 * 1e6, bytes / l2 / 1e9);
    printf("the same vpdpbusd over 16 KB resident in L1:   %.2f us per inference\n", l1 * 1e6);
    return 0;
}
