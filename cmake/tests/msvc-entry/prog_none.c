/* A program that defines no entry point at all. */
int no_entry_here(void);
int no_entry_here(void)
{
    return 0;
}
