/* manifest: not written yet. */
#include "internal.h"
