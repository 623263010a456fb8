/* store: not written yet. */
#include "internal.h"
