/*
 * allocount: count what CPython's PYMEM_DOMAIN_OBJ and PYMEM_DOMAIN_MEM
 * allocators do between start() and stop().
 *
 * The hooks wrap whatever allocator is installed (pymalloc in a release
 * build) and forward every call unchanged, so the interpreter's behaviour is
 * not altered; they only observe.
 *
 * Once installed (on the first start(), or install()), the hooks remember the
 * requested size of every live block in an open-addressing hash table keyed by
 * pointer, also while no measurement is running.  That way a free or realloc
 * of a block allocated *before* start() (but after install) still adjusts the
 * live-byte count correctly.  Blocks allocated before install are unknown:
 * their frees/reallocs are counted in free_untracked / realloc_untracked and
 * do not change the live-byte count.
 *
 * PYMEM_DOMAIN_RAW is deliberately not hooked: pymalloc forwards requests
 * larger than 512 bytes to the RAW domain, so hooking it would count those
 * twice.  What we see is what the caller of PyObject_Malloc / PyMem_Malloc
 * asked for.
 *
 * Thread safety: none needed; every call of these domains holds the GIL
 * (default, non-free-threaded build).
 *
 * The hash table and the event buffer are allocated with the C library's
 * calloc/free, never through Python, so the hooks never recurse.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(Py_GIL_DISABLED)
#error "allocount assumes the default (GIL) build"
#endif

/* ------------------------------------------------------------------ */
/* hook contexts                                                      */

typedef struct {
    PyMemAllocatorEx orig;   /* allocator we wrap */
    int domain;              /* 0 = MEM, 1 = OBJ (for the per-domain counts) */
} hook_ctx;

static hook_ctx ctx_mem = {{NULL, NULL, NULL, NULL, NULL}, 0};
static hook_ctx ctx_obj = {{NULL, NULL, NULL, NULL, NULL}, 1};
static int installed = 0;
static int active = 0;

/* ------------------------------------------------------------------ */
/* counters                                                           */

typedef struct {
    uint64_t malloc_calls, calloc_calls, realloc_calls, free_calls;
    uint64_t realloc_null;       /* realloc(NULL, n): also counted in realloc_calls */
    uint64_t free_null;          /* free(NULL): NOT counted in free_calls */
    uint64_t realloc_moved;      /* realloc that returned a different pointer */
    uint64_t bytes_moved;        /* min(old, new) for moved reallocs with known old size */
    uint64_t realloc_untracked;  /* realloc of a non-NULL pointer of unknown size */
    uint64_t free_untracked;     /* free of a pointer of unknown size */
    uint64_t failed;             /* calls that returned NULL */
    uint64_t bytes_malloc;       /* malloc + calloc requested bytes */
    uint64_t bytes_realloc;      /* sum of new sizes passed to realloc */
    uint64_t bytes_realloc_growth; /* sum of max(0, new - old) over reallocs;
                                      realloc(NULL, n) counts n; a realloc of a
                                      block of unknown size counts 0 */
    uint64_t bytes_rounded;      /* malloc+calloc+realloc sizes, <=512 rounded up to 16 */
    uint64_t calls_obj, calls_mem;  /* all calls (incl. free(NULL)) per domain */
    int64_t peak, peak_rounded;  /* max(live - live_at_start) */
    uint64_t max_request;        /* largest single malloc/calloc/realloc size */
} counters_t;

static counters_t C;
static int64_t live = 0, live_rounded = 0;       /* tracked live bytes, absolute */
static int64_t base_live = 0, base_live_rounded = 0;

static inline uint64_t
round_pymalloc(size_t n)
{
    /* pymalloc: requests of 1..512 bytes are served from 16-byte size
       classes; anything else goes to the system allocator as is. */
    if (n == 0 || n > 512)
        return (uint64_t)n;
    return ((uint64_t)n + 15u) & ~(uint64_t)15u;
}

/* ------------------------------------------------------------------ */
/* optional event trace (fixed buffer, libc memory)                   */

typedef struct {
    char op;          /* 'm' malloc, 'c' calloc, 'r' realloc, 'f' free */
    char domain;      /* 'o' OBJ, 'm' MEM */
    char moved;       /* realloc only: 1 if the pointer changed */
    size_t size;      /* requested (new) size; for free the known old size */
    size_t old_size;  /* realloc/free: known old size, 0 if unknown */
} event_t;

static event_t *events = NULL;
static Py_ssize_t default_trace = 0;   /* used by start() without argument */
static Py_ssize_t events_cap = 0, events_len = 0, events_dropped = 0;

static inline void
record(char op, int domain, size_t size, size_t old_size, int moved)
{
    if (events_cap == 0)
        return;
    if (events_len >= events_cap) {
        events_dropped++;
        return;
    }
    event_t *e = &events[events_len++];
    e->op = op;
    e->domain = domain ? 'o' : 'm';
    e->moved = (char)moved;
    e->size = size;
    e->old_size = old_size;
}

/* ------------------------------------------------------------------ */
/* pointer -> size table: open addressing, linear probing,            */
/* backward-shift deletion (no tombstones).                           */

typedef struct {
    uintptr_t key;   /* 0 = empty */
    size_t size;
} slot_t;

static slot_t *tab = NULL;
static size_t tab_cap = 0;      /* power of two */
static size_t tab_used = 0;
static unsigned tab_bits = 0;
static int tab_broken = 0;      /* libc calloc failed: stop size tracking */

static inline size_t
tab_home(uintptr_t key)
{
    uint64_t h = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> (64 - tab_bits));
}

static int
tab_init(unsigned bits)
{
    tab = (slot_t *)calloc((size_t)1 << bits, sizeof(slot_t));
    if (tab == NULL)
        return -1;
    tab_bits = bits;
    tab_cap = (size_t)1 << bits;
    tab_used = 0;
    return 0;
}

static void
tab_clear(void)
{
    free(tab);
    tab = NULL;
    tab_cap = tab_used = 0;
    tab_bits = 0;
}

/* insert into a table known to have room, key not present */
static inline void
tab_put_raw(slot_t *t, size_t mask, unsigned bits, uintptr_t key, size_t size)
{
    uint64_t h = (uint64_t)key * UINT64_C(0x9E3779B97F4A7C15);
    size_t i = (size_t)(h >> (64 - bits));
    while (t[i].key != 0)
        i = (i + 1) & mask;
    t[i].key = key;
    t[i].size = size;
}

static int
tab_grow(void)
{
    unsigned nbits = tab_bits + 1;
    size_t ncap = (size_t)1 << nbits;
    slot_t *nt = (slot_t *)calloc(ncap, sizeof(slot_t));
    if (nt == NULL)
        return -1;
    for (size_t i = 0; i < tab_cap; i++) {
        if (tab[i].key != 0)
            tab_put_raw(nt, ncap - 1, nbits, tab[i].key, tab[i].size);
    }
    free(tab);
    tab = nt;
    tab_cap = ncap;
    tab_bits = nbits;
    return 0;
}

/* Returns the previous size if key was present (should not happen unless a
   free was missed), via *had_old. */
static void
tab_insert(uintptr_t key, size_t size, int *had_old, size_t *old)
{
    *had_old = 0;
    if (tab_broken || tab == NULL)
        return;
    if ((tab_used + 1) * 2 > tab_cap) {
        if (tab_grow() < 0) {
            tab_broken = 1;
            return;
        }
    }
    size_t mask = tab_cap - 1;
    size_t i = tab_home(key);
    while (tab[i].key != 0) {
        if (tab[i].key == key) {
            *had_old = 1;
            *old = tab[i].size;
            tab[i].size = size;
            return;
        }
        i = (i + 1) & mask;
    }
    tab[i].key = key;
    tab[i].size = size;
    tab_used++;
}

/* Remove key; returns 1 and its size if found. */
static int
tab_remove(uintptr_t key, size_t *size)
{
    if (tab_broken || tab == NULL)
        return 0;
    size_t mask = tab_cap - 1;
    size_t i = tab_home(key);
    while (tab[i].key != key) {
        if (tab[i].key == 0)
            return 0;
        i = (i + 1) & mask;
    }
    *size = tab[i].size;
    /* backward-shift deletion */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (tab[j].key == 0)
            break;
        size_t k = tab_home(tab[j].key);
        /* entry at j may stay if its home k lies cyclically in (i, j] */
        int stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
        if (stays)
            continue;
        tab[i] = tab[j];
        i = j;
    }
    tab[i].key = 0;
    tab[i].size = 0;
    tab_used--;
    return 1;
}

/* ------------------------------------------------------------------ */
/* live-byte bookkeeping                                              */

static inline void
live_add(size_t n)
{
    live += (int64_t)n;
    live_rounded += (int64_t)round_pymalloc(n);
    if (active) {
        int64_t d = live - base_live;
        if (d > C.peak)
            C.peak = d;
        int64_t dr = live_rounded - base_live_rounded;
        if (dr > C.peak_rounded)
            C.peak_rounded = dr;
    }
}

static inline void
live_sub(size_t n)
{
    live -= (int64_t)n;
    live_rounded -= (int64_t)round_pymalloc(n);
}

static inline void
track_new(void *p, size_t n)
{
    int had_old = 0;
    size_t old = 0;
    tab_insert((uintptr_t)p, n, &had_old, &old);
    if (had_old)
        live_sub(old);   /* stale entry (a free we never saw) */
    live_add(n);
}

static inline void
count_request(size_t n)
{
    C.bytes_rounded += round_pymalloc(n);
    if ((uint64_t)n > C.max_request)
        C.max_request = (uint64_t)n;
}

/* ------------------------------------------------------------------ */
/* the hooks                                                          */

static void *
h_malloc(void *ctx, size_t n)
{
    hook_ctx *h = (hook_ctx *)ctx;
    void *r = h->orig.malloc(h->orig.ctx, n);
    if (active) {
        C.malloc_calls++;
        C.bytes_malloc += n;
        count_request(n);
        if (h->domain) C.calls_obj++; else C.calls_mem++;
        if (r == NULL) C.failed++;
        record('m', h->domain, n, 0, 0);
    }
    if (r != NULL)
        track_new(r, n);
    return r;
}

static void *
h_calloc(void *ctx, size_t nelem, size_t elsize)
{
    hook_ctx *h = (hook_ctx *)ctx;
    void *r = h->orig.calloc(h->orig.ctx, nelem, elsize);
    size_t n;
    if (elsize != 0 && nelem > SIZE_MAX / elsize)
        n = SIZE_MAX;   /* overflow: the real allocator must have failed */
    else
        n = nelem * elsize;
    if (active) {
        C.calloc_calls++;
        C.bytes_malloc += n;
        count_request(n);
        if (h->domain) C.calls_obj++; else C.calls_mem++;
        if (r == NULL) C.failed++;
        record('c', h->domain, n, 0, 0);
    }
    if (r != NULL)
        track_new(r, n);
    return r;
}

static void *
h_realloc(void *ctx, void *ptr, size_t n)
{
    hook_ctx *h = (hook_ctx *)ctx;
    void *r = h->orig.realloc(h->orig.ctx, ptr, n);
    size_t old = 0;
    int known = 0;
    int moved = 0;

    if (r != NULL) {
        /* success: the old block (if any) is gone or became r */
        if (ptr != NULL) {
            known = tab_remove((uintptr_t)ptr, &old);
            if (known)
                live_sub(old);
            moved = (r != ptr);
        }
        track_new(r, n);
    }
    /* r == NULL: failure, the old block is untouched (CPython's allocators
       never return NULL for a successful realloc(p, 0)). */

    if (active) {
        C.realloc_calls++;
        C.bytes_realloc += n;
        count_request(n);
        if (h->domain) C.calls_obj++; else C.calls_mem++;
        if (ptr == NULL) {
            C.realloc_null++;
            C.bytes_realloc_growth += n;
        }
        else if (known && n > old) {
            C.bytes_realloc_growth += n - old;
        }
        if (r == NULL) {
            C.failed++;
        }
        else if (ptr != NULL) {
            if (!known)
                C.realloc_untracked++;
            if (moved) {
                C.realloc_moved++;
                if (known)
                    C.bytes_moved += (old < n ? old : n);
            }
        }
        record('r', h->domain, n, known ? old : 0, moved);
    }
    return r;
}

static void
h_free(void *ctx, void *ptr)
{
    hook_ctx *h = (hook_ctx *)ctx;
    size_t old = 0;
    int known = 0;
    if (ptr != NULL) {
        known = tab_remove((uintptr_t)ptr, &old);
        if (known)
            live_sub(old);
    }
    if (active) {
        if (h->domain) C.calls_obj++; else C.calls_mem++;
        if (ptr == NULL) {
            C.free_null++;
        }
        else {
            C.free_calls++;
            if (!known)
                C.free_untracked++;
            record('f', h->domain, known ? old : 0, known ? old : 0, 0);
        }
    }
    h->orig.free(h->orig.ctx, ptr);
}

/* ------------------------------------------------------------------ */
/* install / uninstall                                                */

static int
do_install(void)
{
    if (installed)
        return 0;
    if (tab == NULL && tab_init(16) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    tab_broken = 0;
    live = live_rounded = 0;

    PyMemAllocatorEx a;
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &ctx_mem.orig);
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &ctx_obj.orig);

    a.ctx = &ctx_mem;
    a.malloc = h_malloc;
    a.calloc = h_calloc;
    a.realloc = h_realloc;
    a.free = h_free;
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &a);

    a.ctx = &ctx_obj;
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &a);
    installed = 1;
    return 0;
}

static void
do_uninstall(void)
{
    if (!installed)
        return;
    active = 0;
    /* Blocks allocated through the hooks are ordinary blocks of the wrapped
       allocator, so restoring it is safe at any time. */
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &ctx_mem.orig);
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &ctx_obj.orig);
    installed = 0;
    tab_clear();
    live = live_rounded = 0;
}

/* ------------------------------------------------------------------ */
/* Python API                                                         */

PyDoc_STRVAR(start_doc,
"start(trace=0)\n--\n\n"
"Reset the counters and start counting. If trace > 0, also record up to\n"
"`trace` individual events, returned by stop() under 'events'.");

static PyObject *
ac_start(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* METH_FASTCALL: no argument tuple is built, so nothing is allocated
       or freed around the call. */
    Py_ssize_t trace = default_trace;
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "start() takes at most 1 argument");
        return NULL;
    }
    if (nargs == 1) {
        trace = PyLong_AsSsize_t(args[0]);
        if (trace == -1 && PyErr_Occurred())
            return NULL;
    }
    if (active) {
        PyErr_SetString(PyExc_RuntimeError, "allocount: already started");
        return NULL;
    }
    if (do_install() < 0)
        return NULL;
    if (trace < 0)
        trace = 0;
    if (trace != events_cap) {
        free(events);
        events = NULL;
        events_cap = 0;
        if (trace > 0) {
            events = (event_t *)calloc((size_t)trace, sizeof(event_t));
            if (events == NULL)
                return PyErr_NoMemory();
            events_cap = trace;
        }
    }
    events_len = events_dropped = 0;
    memset(&C, 0, sizeof(C));
    base_live = live;
    base_live_rounded = live_rounded;
    active = 1;   /* last thing: nothing after this allocates */
    Py_RETURN_NONE;
}

static int
set_u64(PyObject *d, const char *k, uint64_t v)
{
    PyObject *o = PyLong_FromUnsignedLongLong((unsigned long long)v);
    if (o == NULL)
        return -1;
    int r = PyDict_SetItemString(d, k, o);
    Py_DECREF(o);
    return r;
}

static int
set_i64(PyObject *d, const char *k, int64_t v)
{
    PyObject *o = PyLong_FromLongLong((long long)v);
    if (o == NULL)
        return -1;
    int r = PyDict_SetItemString(d, k, o);
    Py_DECREF(o);
    return r;
}

static PyObject *
events_list(void)
{
    PyObject *lst = PyList_New(events_len);
    if (lst == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < events_len; i++) {
        event_t *e = &events[i];
        char op[2] = {e->op, 0};
        char dom[2] = {e->domain, 0};
        PyObject *t = Py_BuildValue("(ssnnO)", op, dom,
                                    (Py_ssize_t)e->size,
                                    (Py_ssize_t)e->old_size,
                                    e->moved ? Py_True : Py_False);
        if (t == NULL) {
            Py_DECREF(lst);
            return NULL;
        }
        PyList_SET_ITEM(lst, i, t);
    }
    return lst;
}

PyDoc_STRVAR(stop_doc,
"stop()\n--\n\n"
"Stop counting and return the counters as a dict.");

static PyObject *
ac_stop(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    if (!active) {
        PyErr_SetString(PyExc_RuntimeError, "allocount: not started");
        return NULL;
    }
    active = 0;   /* first thing: building the result must not be counted */
    counters_t c = C;
    int64_t live_delta = live - base_live;

    PyObject *d = PyDict_New();
    if (d == NULL)
        return NULL;
    if (set_u64(d, "malloc", c.malloc_calls) < 0 ||
        set_u64(d, "calloc", c.calloc_calls) < 0 ||
        set_u64(d, "realloc", c.realloc_calls) < 0 ||
        set_u64(d, "free", c.free_calls) < 0 ||
        set_u64(d, "bytes_malloc", c.bytes_malloc) < 0 ||
        set_u64(d, "bytes_realloc", c.bytes_realloc) < 0 ||
        set_u64(d, "bytes_realloc_growth", c.bytes_realloc_growth) < 0 ||
        set_u64(d, "bytes_rounded", c.bytes_rounded) < 0 ||
        set_i64(d, "peak", c.peak) < 0 ||
        set_i64(d, "peak_rounded", c.peak_rounded) < 0 ||
        set_i64(d, "live_delta", live_delta) < 0 ||
        set_u64(d, "realloc_null", c.realloc_null) < 0 ||
        set_u64(d, "free_null", c.free_null) < 0 ||
        set_u64(d, "realloc_moved", c.realloc_moved) < 0 ||
        set_u64(d, "bytes_moved", c.bytes_moved) < 0 ||
        set_u64(d, "realloc_untracked", c.realloc_untracked) < 0 ||
        set_u64(d, "free_untracked", c.free_untracked) < 0 ||
        set_u64(d, "failed", c.failed) < 0 ||
        set_u64(d, "calls_obj", c.calls_obj) < 0 ||
        set_u64(d, "calls_mem", c.calls_mem) < 0 ||
        set_u64(d, "max_request", c.max_request) < 0 ||
        set_u64(d, "tracking_ok", tab_broken ? 0 : 1) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    if (events_cap > 0) {
        PyObject *ev = events_list();
        if (ev == NULL || PyDict_SetItemString(d, "events", ev) < 0) {
            Py_XDECREF(ev);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(ev);
        if (set_u64(d, "events_dropped", (uint64_t)events_dropped) < 0) {
            Py_DECREF(d);
            return NULL;
        }
    }
    return d;
}

static PyObject *
ac_set_trace(PyObject *self, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    default_trace = n < 0 ? 0 : n;
    Py_RETURN_NONE;
}

static PyObject *
ac_install(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    if (do_install() < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
ac_uninstall(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    do_uninstall();
    free(events);
    events = NULL;
    events_cap = events_len = events_dropped = 0;
    Py_RETURN_NONE;
}

static PyObject *
ac_tracked(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    /* (live tracked bytes, number of tracked blocks, installed) */
    return Py_BuildValue("(LnO)", (long long)live, (Py_ssize_t)tab_used,
                         installed ? Py_True : Py_False);
}

static PyMethodDef methods[] = {
    {"start", (PyCFunction)(void (*)(void))ac_start, METH_FASTCALL, start_doc},
    {"stop", (PyCFunction)ac_stop, METH_NOARGS, stop_doc},
    {"set_trace", (PyCFunction)ac_set_trace, METH_O,
     "set_trace(limit)\n--\n\nEvent-trace limit used by start() when called "
     "without argument (0 = off)."},
    {"install", (PyCFunction)ac_install, METH_NOARGS,
     "install()\n--\n\nInstall the hooks now (start() does it lazily)."},
    {"uninstall", (PyCFunction)ac_uninstall, METH_NOARGS,
     "uninstall()\n--\n\nRestore the wrapped allocators and drop the table."},
    {"tracked", (PyCFunction)ac_tracked, METH_NOARGS,
     "tracked()\n--\n\n(live_bytes, live_blocks, installed) as tracked."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT,
    "allocount",
    "Count PYMEM_DOMAIN_OBJ/MEM allocator calls between start() and stop().",
    -1,
    methods,
    NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC
PyInit_allocount(void)
{
    return PyModule_Create(&moddef);
}
