/* topology: not written yet. */
#include "internal.h"
