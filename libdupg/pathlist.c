/* pathlist: not written yet. */
#include "internal.h"
