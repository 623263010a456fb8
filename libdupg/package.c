/* package: not written yet. */
#include "internal.h"
