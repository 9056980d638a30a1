/* A model blob written by the Rust side, run through the C ABI: the same
   bits as the Rust network, and every error code of the model API. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "neurokern.h"
#include "expected.h"

static int failures = 0;

static void expect(const char *what, nk_status got, nk_status want) {
    if (got != want) {
        printf("FAIL %s: status %d (%s), want %d\n", what, (int)got, nk_status_str((int)got), (int)want);
        failures++;
    }
}

static unsigned char blob[1 << 16];

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: test_model BLOB\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        printf("cannot open %s\n", argv[1]);
        return 2;
    }
    size_t len = fread(blob, 1, sizeof blob, f);
    fclose(f);

    nk_model model;
    size_t in = 0, out = 0, scratch_len = 0;
    expect("from_bytes", nk_model_from_bytes(&model, blob, len), NK_OK);
    expect("input_len", nk_model_input_len(&model, &in), NK_OK);
    expect("output_len", nk_model_output_len(&model, &out), NK_OK);
    expect("scratch_len", nk_model_scratch_len(&model, &scratch_len), NK_OK);
    if (in != 1 || out != 1 || scratch_len == 0 || scratch_len > 64) {
        printf("FAIL lengths %zu %zu %zu\n", in, out, scratch_len);
        return 1;
    }
    float scratch[64];
    for (size_t k = 0; k < NK_MODEL_N; k++) {
        float x, y;
        memcpy(&x, &NK_MODEL_X[k], sizeof x);
        expect("predict", nk_model_predict(&model, &x, &y, scratch, scratch_len), NK_OK);
        uint32_t b;
        memcpy(&b, &y, sizeof b);
        if (b != NK_MODEL_Y[k]) {
            printf("FAIL predict %zu: %08x want %08x\n", k, (unsigned)b, (unsigned)NK_MODEL_Y[k]);
            failures++;
        }
    }
    float x = 0.5f, y;
    expect("short scratch", nk_model_predict(&model, &x, &y, scratch, scratch_len - 1), NK_ERR_SCRATCH);
    expect("NULL x", nk_model_predict(&model, NULL, &y, scratch, scratch_len), NK_ERR_NULL);
    expect("overlap", nk_model_predict(&model, &x, &y, &y, scratch_len), NK_ERR_OVERLAP);
    expect("NULL model", nk_model_predict(NULL, &x, &y, scratch, scratch_len), NK_ERR_NULL);
    expect("NULL out", nk_model_input_len(&model, NULL), NK_ERR_NULL);
    /* lengths are checked before any arithmetic: no overflow (the debug,
       overflow-checked staticlib used to abort here) */
    expect("scratch_len SIZE_MAX", nk_model_predict(&model, &x, &y, scratch, SIZE_MAX), NK_ERR_LENGTH);
    /* misaligned storage and floats are refused, not used */
    static uint64_t wide_storage[sizeof(nk_model) / 8 + 1];
    nk_model *misaligned = (nk_model *)(void *)((unsigned char *)wide_storage + 4);
    expect("misaligned model", nk_model_from_bytes(misaligned, blob, len), NK_ERR_ALIGN);
    expect("misaligned model len", nk_model_input_len(misaligned, &in), NK_ERR_ALIGN);
    float xs[2] = {0.5f, 0.5f};
    const float *odd = (const float *)(const void *)((const unsigned char *)xs + 1);
    expect("misaligned x", nk_model_predict(&model, odd, &y, scratch, scratch_len), NK_ERR_ALIGN);

    nk_model blank;
    memset(&blank, 0, sizeof blank);
    expect("uninitialised model", nk_model_predict(&blank, &x, &y, scratch, scratch_len), NK_ERR_MODEL);

    static unsigned char bad[1 << 16];
    memcpy(bad, blob, len);
    bad[0] = 'X';
    expect("magic", nk_model_from_bytes(&blank, bad, len), NK_ERR_BLOB_MAGIC);
    expect("model stays invalid", nk_model_predict(&blank, &x, &y, scratch, scratch_len), NK_ERR_MODEL);
    memcpy(bad, blob, len);
    bad[4] = 9;
    expect("version", nk_model_from_bytes(&blank, bad, len), NK_ERR_BLOB_VERSION);
    expect("truncated", nk_model_from_bytes(&blank, blob, len - 1), NK_ERR_BLOB_TRUNCATED);
    expect("empty", nk_model_from_bytes(&blank, blob, 0), NK_ERR_BLOB_TRUNCATED);
    memcpy(bad, blob, len);
    bad[len] = 0;
    expect("trailing", nk_model_from_bytes(&blank, bad, len + 1), NK_ERR_BLOB_TRAILING);
    memcpy(bad, blob, len);
    bad[len - 10] ^= 1;
    expect("checksum", nk_model_from_bytes(&blank, bad, len), NK_ERR_BLOB_CHECKSUM);
    expect("NULL blob", nk_model_from_bytes(&blank, NULL, len), NK_ERR_NULL);

    printf("%s: model %d failures\n", failures ? "FAIL" : "OK", failures);
    return failures != 0;
}
