/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-bench: a malloc-counting wrapper. The program's malloc, calloc and
 * realloc count their calls while counting is on and forward to the next
 * definitions (libc's, or valgrind's), found with dlsym(RTLD_NEXT). The
 * library's allocations come here too: the executable's definitions win.
 * dlsym may allocate before the real functions are known; that is served
 * from a static buffer. Under AddressSanitizer the sanitizer owns the
 * allocator, so the wrapper is left out and counts are not available.
 */
#include "bench.h"

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_NO_ALLOC_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_NO_ALLOC_COUNT 1
#endif
#endif

#ifdef BENCH_NO_ALLOC_COUNT

int bench_alloc_available(void)
{
	return 0;
}

void bench_alloc_start(void)
{
}

size_t bench_alloc_stop(void)
{
	return 0;
}

#else

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int resolving, counting;
static size_t calls;

/* for dlsym's own needs while the real functions are being found */
static _Alignas(16) char boot[16384];
static size_t boot_used;

static int in_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static void *boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(boot) - boot_used)
		return NULL;
	p = boot + boot_used;
	boot_used += n;
	return p; /* static storage: already zero */
}

static void resolve(void)
{
	if (real_malloc != NULL || resolving)
		return;
	resolving = 1;
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

void *malloc(size_t n)
{
	resolve();
	if (real_malloc == NULL)
		return boot_alloc(n);
	calls += counting;
	return real_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	resolve();
	if (real_calloc == NULL)
		return b != 0 && a > SIZE_MAX / b ? NULL : boot_alloc(a * b);
	calls += counting;
	return real_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	resolve();
	if (in_boot(p)) {
		void *q = malloc(n);
		if (q != NULL)
			memcpy(q, p, (size_t)(boot + sizeof(boot) - (char *)p) < n ?
			       (size_t)(boot + sizeof(boot) - (char *)p) : n);
		return q;
	}
	if (real_realloc == NULL)
		return p == NULL ? boot_alloc(n) : NULL;
	calls += counting;
	return real_realloc(p, n);
}

void free(void *p)
{
	if (p == NULL || in_boot(p))
		return;
	resolve();
	if (real_free != NULL)
		real_free(p);
}

int bench_alloc_available(void)
{
	resolve();
	return real_malloc != NULL;
}

void bench_alloc_start(void)
{
	calls = 0;
	counting = 1;
}

size_t bench_alloc_stop(void)
{
	counting = 0;
	return calls;
}

#endif
