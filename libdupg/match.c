/* match: not written yet. */
#include "internal.h"
