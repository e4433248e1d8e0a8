/* Links the no_std constnet staticlib into a C program: no Rust std, no allocator. */
#include <stdio.h>

int constnet_selftest(void);

int main(void) {
    int differ = constnet_selftest();
    printf("constnet no_std staticlib: %d of 24 predictions differ from the host's\n", differ);
    return differ == 0 ? 0 : 1;
}
