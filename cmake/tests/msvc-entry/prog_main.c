/* A program with its own main keeps it (the alternate name is not used). */
#include "print.h"

int __cdecl main(int argc, char **argv)
{
    (void)argc, (void)argv;
    put("main: own", NULL, NULL, -1);
    return 5;
}
