/* vd: not written yet. */
#include "internal.h"
