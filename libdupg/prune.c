/* prune: not written yet. */
#include "internal.h"
