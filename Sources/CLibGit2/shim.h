// Wrappers for libgit2 functions Swift cannot call (variadic) or macros it cannot import.
#ifndef TS_CLIBGIT2_SHIM_H
#define TS_CLIBGIT2_SHIM_H
#include <git2.h>

static inline int ts_git_version_major(void) { return LIBGIT2_VER_MAJOR; }
#endif
