/* Every C-ABI kernel against the Rust results (bit for bit, NaN as NaN),
   out of place and in place, and every error code of the kernels. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "neurokern.h"
#include "expected.h" /* written by `cargo xtask ffi` from the Rust kernels */

static int failures = 0;

static uint32_t bits(float v) {
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static void same(const char *what, const float *got, const uint32_t *want, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t g = bits(got[i]);
        int both_nan = isnan(got[i]) && ((want[i] & 0x7f800000u) == 0x7f800000u) && (want[i] & 0x007fffffu);
        if (g != want[i] && !both_nan) {
            printf("FAIL %s[%zu]: got %08x want %08x\n", what, i, (unsigned)g, (unsigned)want[i]);
            failures++;
            return;
        }
    }
}

static void expect(const char *what, nk_status got, nk_status want) {
    if (got != want) {
        printf("FAIL %s: status %d (%s), want %d\n", what, (int)got, nk_status_str((int)got), (int)want);
        failures++;
    }
}

typedef nk_status (*kernel_fn)(const float *, float *, size_t);

int main(void) {
    static float x[NK_N], y[NK_N], z[NK_N];
    for (size_t i = 0; i < NK_N; i++) {
        memcpy(&x[i], &NK_INPUT_BITS[i], sizeof(float));
    }
    const struct { const char *name; kernel_fn f; const uint32_t *want; } cases[] = {
        {"sigmoid", nk_sigmoid_f32, NK_SIGMOID},
        {"tanh", nk_tanh_f32, NK_TANH},
        {"relu", nk_relu_f32, NK_RELU},
        {"sigmoid_derivative", nk_sigmoid_derivative_f32, NK_SIGMOID_DERIVATIVE},
        {"tanh_derivative", nk_tanh_derivative_f32, NK_TANH_DERIVATIVE},
        {"relu_derivative", nk_relu_derivative_f32, NK_RELU_DERIVATIVE},
        {"sigmoid_derivative_from_output", nk_sigmoid_derivative_from_output_f32, NK_SIGMOID_DERIVATIVE_FROM_OUTPUT},
        {"tanh_derivative_from_output", nk_tanh_derivative_from_output_f32, NK_TANH_DERIVATIVE_FROM_OUTPUT},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        expect(cases[k].name, cases[k].f(x, y, NK_N), NK_OK);
        same(cases[k].name, y, cases[k].want, NK_N);
        memcpy(z, x, sizeof z);
        expect(cases[k].name, cases[k].f(z, z, NK_N), NK_OK); /* in place */
        same(cases[k].name, z, cases[k].want, NK_N);
        /* errors */
        expect("NULL x", cases[k].f(NULL, y, 4), NK_ERR_NULL);
        expect("NULL y", cases[k].f(x, NULL, 4), NK_ERR_NULL);
        expect("n = 0", cases[k].f(x, y, 0), NK_OK);
        expect("overlap", cases[k].f(z, z + 1, 8), NK_ERR_OVERLAP);
        expect("too long", cases[k].f(x, y, SIZE_MAX), NK_ERR_LENGTH);
        expect("misaligned x", cases[k].f((const float *)(const void *)((const char *)x + 1), y, 4), NK_ERR_ALIGN);
        expect("misaligned y", cases[k].f(x, (float *)(void *)((char *)y + 2), 4), NK_ERR_ALIGN);
    }
    expect("leaky", nk_leaky_relu_f32(0.01f, x, y, NK_N), NK_OK);
    same("leaky_relu", y, NK_LEAKY_RELU, NK_N);
    expect("leaky'", nk_leaky_relu_derivative_f32(0.01f, x, y, NK_N), NK_OK);
    same("leaky_relu_derivative", y, NK_LEAKY_RELU_DERIVATIVE, NK_N);
    expect("leaky NULL", nk_leaky_relu_f32(0.01f, NULL, y, 1), NK_ERR_NULL);
    /* every activation of the crate by its code, and its name */
    for (uint8_t code = 0; code < NK_ACT_COUNT; code++) {
        const char *name = nk_activation_name(code);
        if (name == NULL) {
            printf("FAIL nk_activation_name(%u) is NULL\n", (unsigned)code);
            failures++;
            continue;
        }
        expect(name, nk_activation_f32(code, NK_ACT_ALPHA[code], x, y, NK_N), NK_OK);
        same(name, y, NK_ACT_Y[code], NK_N);
        memcpy(z, x, sizeof z);
        expect(name, nk_activation_f32(code, NK_ACT_ALPHA[code], z, z, NK_N), NK_OK);
        same(name, z, NK_ACT_Y[code], NK_N);
        expect(name, nk_activation_derivative_f32(code, NK_ACT_ALPHA[code], x, y, NK_N), NK_OK);
        same(name, y, NK_ACT_D[code], NK_N);
    }
    if (nk_activation_name(NK_ACT_COUNT) != NULL || strcmp(nk_activation_name(NK_ACT_GELU_TANH), "gelu_tanh") != 0) {
        printf("FAIL activation names\n");
        failures++;
    }
    expect("unknown activation", nk_activation_f32(NK_ACT_COUNT, 0.0f, x, y, 4), NK_ERR_ACTIVATION);
    expect("ELU alpha NaN", nk_activation_f32(NK_ACT_ELU, NAN, x, y, 4), NK_ERR_ACTIVATION);
    expect("activation NULL", nk_activation_derivative_f32(NK_ACT_SILU, 0.0f, NULL, y, 4), NK_ERR_NULL);
    for (int s = -1; s < 20; s++) {
        if (nk_status_str(s) == NULL || nk_status_str(s)[0] == '\0') {
            printf("FAIL nk_status_str(%d) is empty\n", s);
            failures++;
        }
    }
    if (strcmp(nk_status_str(NK_ERR_ALIGN), nk_status_str(99)) == 0) {
        printf("FAIL NK_ERR_ALIGN has no message\n");
        failures++;
    }
    printf("%s: kernels %d failures\n", failures ? "FAIL" : "OK", failures);
    return failures != 0;
}
