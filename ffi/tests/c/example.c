#include <stdio.h>
#include "neurokern.h"

int main(void) {
    float x[4] = {-2.0f, -0.5f, 0.5f, 2.0f}, y[4];
    int status = nk_sigmoid_f32(x, y, 4);
    if (status != NK_OK) { printf("%s\n", nk_status_str(status)); return 1; }
    for (int i = 0; i < 4; i++) printf("sigmoid(%g) = %.7f\n", x[i], y[i]);
    return nk_relu_f32(x, NULL, 4) == NK_ERR_NULL ? 0 : 1;
}
