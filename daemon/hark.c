#include <stdio.h>
int main(void) { puts("hark: under construction"); return 2; }
