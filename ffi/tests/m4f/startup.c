/* Minimal Cortex-M4F start-up for the MPS2 AN386 under QEMU: a vector table,
   the FPU enabled (CPACR) before any float code, then newlib's rdimon _start
   (semihosting I/O, .bss cleared, main called, exit through semihosting). */
#include <stdint.h>

extern uint32_t __stack_top__;
extern void _start(void);

void Reset_Handler(void);
void Default_Handler(void);

void Default_Handler(void) {
    for (;;) {
    }
}

void Reset_Handler(void) {
    /* CP10 and CP11 full access: the FPU must be on before float code runs */
    *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
    __asm volatile("dsb\n isb");
    _start();
    for (;;) {
    }
}

__attribute__((section(".vectors"), used)) const void *const vectors[16] = {
    &__stack_top__, (void *)Reset_Handler, (void *)Default_Handler, (void *)Default_Handler,
    (void *)Default_Handler, (void *)Default_Handler, (void *)Default_Handler, 0,
    0, 0, 0, (void *)Default_Handler,
    (void *)Default_Handler, 0, (void *)Default_Handler, (void *)Default_Handler,
};
