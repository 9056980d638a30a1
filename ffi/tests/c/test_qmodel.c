/* int8 models from C: MLPerf Tiny's anomaly detector (an NKQ8 blob written
   by `neurokern-tflite convert --blob`, TFLite Micro's arithmetic) on the 196
   windows of the reference spectrogram, its outputs hashed and compared with
   the Rust crate's; the float-interface ToyCar model through
   nk_qmodel_predict_f32; every error code of the int8 API.

   usage: test_qmodel AD01.nkq TOYCAR.nkq [perturb]
   `perturb` changes one output before hashing: the comparison must fail.
   Without arguments (no MLPerf Tiny data beside the repository) it says it
   skipped. */
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

#ifdef NK_HAVE_INT8_MODELS
#define BLOB_MAX (300u * 1024u)
/* uint32_t storage: the blob is read in place and must be 4-byte aligned */
static uint32_t blob_words[BLOB_MAX / 4];
static uint32_t bad_words[BLOB_MAX / 4 + 1];
static uint32_t toy_words[BLOB_MAX / 4];

static size_t load(const char *path, uint32_t *words) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("cannot open %s\n", path);
        return 0;
    }
    size_t len = fread(words, 1, BLOB_MAX, f);
    fclose(f);
    return len;
}

/* CRC-32 (IEEE), to reseal a blob after changing a field */
static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
    }
    return ~c;
}

static void reseal(uint8_t *b, size_t len) {
    uint32_t c = crc32(b, len - 4);
    for (int i = 0; i < 4; i++) {
        b[len - 4 + i] = (uint8_t)(c >> (8 * i));
    }
}

static int8_t scratch[4096];
static int8_t y[640];

int main(int argc, char **argv) {
    if (argc < 3) {
        printf("usage: test_qmodel AD01.nkq TOYCAR.nkq [perturb]\n");
        return 2;
    }
    int perturb = argc > 3 && strcmp(argv[3], "perturb") == 0;
    size_t len = load(argv[1], blob_words);
    const uint8_t *blob = (const uint8_t *)blob_words;
    if (len == 0) {
        return 2;
    }

    nk_qmodel model;
    size_t in = 0, out = 0, scratch_len = 0;
    int float_in = -1, float_out = -1;
    expect("from_bytes", nk_qmodel_from_bytes(&model, blob, len), NK_OK);
    expect("input_len", nk_qmodel_input_len(&model, &in), NK_OK);
    expect("output_len", nk_qmodel_output_len(&model, &out), NK_OK);
    expect("scratch_len", nk_qmodel_scratch_len(&model, &scratch_len), NK_OK);
    expect("interface", nk_qmodel_interface(&model, &float_in, &float_out), NK_OK);
    if (in != 640 || out != 640 || scratch_len != 2560 || float_in != 0 || float_out != 0) {
        printf("FAIL shape: in %zu out %zu scratch %zu interface %d %d\n", in, out, scratch_len, float_in,
               float_out);
        return 1;
    }

    float scale = 0.0f;
    int32_t zp = 1000;
    expect("input quant", nk_qmodel_quant(&model, 0, &scale, &zp), NK_OK);
    if (!(scale > 0.0f) || zp < -128 || zp > 127) {
        printf("FAIL input quant %g %ld\n", (double)scale, (long)zp);
        failures++;
    }
    expect("output quant", nk_qmodel_quant(&model, 1, &scale, &zp), NK_OK);
    expect("quant 2", nk_qmodel_quant(&model, 2, &scale, &zp), NK_ERR_LENGTH);

    /* the 196 windows: frames k..k+4 of 128 bins, FNV-1a over every output */
    uint64_t h = 0xcbf29ce484222325ull;
    int windows = 0;
    for (size_t k = 0; k + 5 <= sizeof NK_AD01_FRAMES / 128; k++) {
        expect("run_i8", nk_qmodel_run_i8(&model, NK_AD01_FRAMES + 128 * k, y, scratch, scratch_len), NK_OK);
        if (perturb && k == 7) {
            y[100] ^= 1;
        }
        for (size_t i = 0; i < 640; i++) {
            h = (h ^ (uint8_t)y[i]) * 0x100000001b3ull;
        }
        windows++;
    }
    if (h != NK_AD01_FINGERPRINT || windows != 196) {
        printf("FAIL ad01: %d windows, fingerprint %016llx, Rust %016llx\n", windows, (unsigned long long)h,
               (unsigned long long)NK_AD01_FINGERPRINT);
        failures++;
    } else {
        printf("ad01: 196 windows, fingerprint %016llx equal to the Rust crate's\n", (unsigned long long)h);
    }

    /* the int8 API's errors */
    const int8_t *x = NK_AD01_FRAMES;
    expect("short scratch", nk_qmodel_run_i8(&model, x, y, scratch, scratch_len - 1), NK_ERR_SCRATCH);
    expect("NULL x", nk_qmodel_run_i8(&model, NULL, y, scratch, scratch_len), NK_ERR_NULL);
    expect("overlap", nk_qmodel_run_i8(&model, x, scratch + 8, scratch, scratch_len), NK_ERR_OVERLAP);
    expect("NULL model", nk_qmodel_run_i8(NULL, x, y, scratch, scratch_len), NK_ERR_NULL);
    expect("NULL out", nk_qmodel_input_len(&model, NULL), NK_ERR_NULL);
    expect("scratch_len SIZE_MAX", nk_qmodel_run_i8(&model, x, y, scratch, SIZE_MAX), NK_ERR_LENGTH);
    static uint64_t wide_storage[sizeof(nk_qmodel) / 8 + 1];
    nk_qmodel *misaligned = (nk_qmodel *)(void *)((unsigned char *)wide_storage + 4);
    expect("misaligned model", nk_qmodel_from_bytes(misaligned, blob, len), NK_ERR_ALIGN);
    nk_qmodel blank;
    memset(&blank, 0, sizeof blank);
    expect("uninitialised model", nk_qmodel_run_i8(&blank, x, y, scratch, scratch_len), NK_ERR_MODEL);
    expect("float blob as int8", nk_qmodel_from_bytes(&blank, (const uint8_t *)"NKRN\2\0\1\0", 8),
           NK_ERR_BLOB_TRUNCATED);

    uint8_t *bad = (uint8_t *)bad_words;
    memcpy(bad + 1, blob, len);
    expect("misaligned blob", nk_qmodel_from_bytes(&blank, bad + 1, len), NK_ERR_ALIGN);
    memcpy(bad, blob, len);
    bad[0] = 'X';
    expect("magic", nk_qmodel_from_bytes(&blank, bad, len), NK_ERR_BLOB_MAGIC);
    expect("model stays invalid", nk_qmodel_run_i8(&blank, x, y, scratch, scratch_len), NK_ERR_MODEL);
    memcpy(bad, blob, len);
    bad[4] = 9;
    expect("version", nk_qmodel_from_bytes(&blank, bad, len), NK_ERR_BLOB_VERSION);
    expect("truncated", nk_qmodel_from_bytes(&blank, blob, len - 4), NK_ERR_BLOB_TRUNCATED);
    expect("empty", nk_qmodel_from_bytes(&blank, blob, 0), NK_ERR_BLOB_TRUNCATED);
    memcpy(bad, blob, len);
    memset(bad + len, 0, 4);
    expect("trailing", nk_qmodel_from_bytes(&blank, bad, len + 4), NK_ERR_BLOB_TRAILING);
    memcpy(bad, blob, len);
    bad[len - 10] ^= 1;
    expect("checksum", nk_qmodel_from_bytes(&blank, bad, len), NK_ERR_BLOB_CHECKSUM);
    /* a field: the first layer's input scale set to 0, the CRC made right */
    memcpy(bad, blob, len);
    memset(bad + 32 + 16, 0, 4);
    reseal(bad, len);
    expect("field", nk_qmodel_from_bytes(&blank, bad, len), NK_ERR_BLOB_FIELD);
    /* a layer kind this build does not know */
    memcpy(bad, blob, len);
    bad[32] = 9;
    reseal(bad, len);
    expect("layer kind", nk_qmodel_from_bytes(&blank, bad, len), NK_ERR_BLOB_ACTIVATION);
    expect("NULL blob", nk_qmodel_from_bytes(&blank, NULL, len), NK_ERR_NULL);

    /* the float-interface model: floats in, floats out, bit for bit */
    size_t toy_len = load(argv[2], toy_words);
    nk_qmodel toy;
    expect("toy from_bytes", nk_qmodel_from_bytes(&toy, (const uint8_t *)toy_words, toy_len), NK_OK);
    expect("toy interface", nk_qmodel_interface(&toy, &float_in, &float_out), NK_OK);
    if (float_in != 1 || float_out != 1) {
        printf("FAIL toy interface %d %d\n", float_in, float_out);
        failures++;
    }
    static float fx[640], fy[640];
    for (int k = 0; k < NK_TOY_N; k++) {
        memcpy(fx, NK_TOY_X + 640 * k, sizeof fx);
        expect("predict_f32", nk_qmodel_predict_f32(&toy, fx, fy, scratch, scratch_len), NK_OK);
        if (memcmp(fy, NK_TOY_Y + 640 * k, sizeof fy) != 0) {
            printf("FAIL predict_f32 window %d differs from the Rust crate's\n", k);
            failures++;
        }
    }
    /* one byte past an aligned buffer one float longer: misaligned, inside it */
    static float wide_x[641];
    const float *odd = (const float *)(const void *)((const unsigned char *)wide_x + 1);
    expect("misaligned x", nk_qmodel_predict_f32(&toy, odd, fy, scratch, scratch_len), NK_ERR_ALIGN);
    expect("short scratch f32", nk_qmodel_predict_f32(&toy, fx, fy, scratch, 100), NK_ERR_SCRATCH);

    printf("%s: qmodel %d failures\n", failures ? "FAIL" : "OK", failures);
    return failures != 0;
}
#else
int main(void) {
    (void)expect;
    printf("test_qmodel: skipped (no MLPerf Tiny data beside the repository)\n");
    return failures;
}
#endif
