/* dpkg-style version comparison (pure). */
#include "internal.h"

#include <string.h>

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* dpkg's order for the non-digit part: '~' < end < letters < everything else. */
static int order(int c)
{
	if (c == '~')
		return -1;
	if (c == 0 || is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	return c + 256;
}

int dupg_vercmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	while (*a || *b) {
		while ((*a && !is_digit(*a)) || (*b && !is_digit(*b))) {
			int ac = order((unsigned char)*a);
			int bc = order((unsigned char)*b);
			if (ac != bc)
				return ac < bc ? -1 : 1;
			a++;
			b++;
		}
		/* Digit runs: compare as numbers of any length, without overflow. */
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		{
			int first = 0;
			while (is_digit(*a) && is_digit(*b)) {
				if (!first)
					first = *a - *b;
				a++;
				b++;
			}
			if (is_digit(*a))
				return 1;
			if (is_digit(*b))
				return -1;
			if (first)
				return first < 0 ? -1 : 1;
		}
	}
	return 0;
}
