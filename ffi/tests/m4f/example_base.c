/* The README example without neurokern: the same output routine on plain
   floats, so that example minus example_base is the staticlib's share of flash. */
#include <stdio.h>

int main(void) {
    volatile float x[4] = {-2.0f, -0.5f, 0.5f, 2.0f};
    float y[4];
    for (int i = 0; i < 4; i++) y[i] = x[i];
    for (int i = 0; i < 4; i++) printf("sigmoid(%g) = %.7f\n", x[i], y[i]);
    return 0;
}
