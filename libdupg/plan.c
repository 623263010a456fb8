/* plan: not written yet. */
#include "internal.h"
