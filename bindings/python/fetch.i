/* SPDX-License-Identifier: BSD-2-Clause */
/* Locality (dupg/locality.h) and fetching (dupg/fetch.h): servers ranked by labels, a task downloaded. */

%rename(_nearness_name) dupg_nearness_name;
/* None is a location with no label */
%apply const char *OPTSTR { const char *location, const char *own, const char *server };
%rename(location_check) dupg_location_check;
%include "dupg/locality.h"

/**
 * How near a server is to the master: one of NEARNESS ("slot", "chassis",
 * "cluster", "other").
 * @param own the master's labels ("cluster=x,chassis=1,slot=3"), or None
 * @param server the server's labels, or None
 * @exception BadInputError for a malformed location
 */
PyObject *nearness(const char *own, const char *server);
%{
#define nearness dupg_py_nearness
%}

/**
 * The servers' indexes, nearest to own first, the given order kept within a
 * tier (dupg_locality_rank()).
 * @param servers the servers' labels (str or None each)
 */
PyObject *rank(const char *own, PyObject *servers);
%{
#define rank dupg_py_rank
%}

%pythoncode %{
NEARNESS = _names(_nearness_name)
%}

%nodefaultctor Fetch;
/**
 * A fetch (dupg/fetch.h): downloads a task's packages into a store directory
 * from the nearest of several servers, verifying each before it gets its
 * name; resumes interrupted downloads; fails over. See Fetch().
 */
typedef struct {} Fetch;

%extend Fetch {
	/** See Fetch(). */
	Fetch(PyObject *opts) { return dupg_py_fetch_new(opts); }

	~Fetch() { dupg_py_destroy_Fetch($self); }

	/** Free the C side now; BusyError while run() is running. */
	void close() { dupg_py_close_Fetch($self); }
	DUPG_PY_CONTEXT

	/**
	 * Download the packages of paths into dir, in order (dupg_fetch_run()),
	 * the GIL released meanwhile. Returns the outcomes: one dict per package
	 * (path, file, server: the index in servers, url, size, bytes, resumed,
	 * failovers, verified_inline).
	 * @param servers each a URL, a (url, location) pair or a dict with "url"
	 *        and "location"
	 * @exception NetworkError when every server failed for a package,
	 *            AbortedError after cancel() or a progress callback that
	 *            returned True, TimedOutError past the timeout
	 */
	PyObject *run(PyObject *dir, PyObject *paths, PyObject *servers)
	{
		return dupg_py_fetch_run($self, dir, paths, servers);
	}

	/** Stop a running run() (from any thread): it raises AbortedError within about a second. */
	void cancel() { dupg_py_fetch_cancel($self); }

	/** The outcomes of the last run (those before the failing package when it failed). */
	PyObject *_outcomes() { return dupg_py_fetch_outcomes($self); }
	/** Bytes received by the last run, every attempt included. */
	PyObject *_bytes() { return dupg_py_fetch_bytes($self); }

	%pythoncode %{
    def __init__(self, location=None, limit_rate=0, stall_seconds=0, connect_timeout=0,
                 timeout=0, ca_file=None, pinned_key=None, ssh_key=None, ssh_known_hosts=None,
                 no_fsync=False, progress=None, verify=None):
        """A fetch. location: the master's labels, for the ranking; limit_rate:
        bytes per second (0: none); stall_seconds: give a server up after this
        long without a byte (0: 30); connect_timeout, timeout (the whole run):
        seconds (0: the default, none); ca_file, pinned_key: https and ftps;
        ssh_key, ssh_known_hosts: sftp; progress(dict) -> bool: called a few
        times a second with package, packages, path, url, done, total, all_done
        and all_total, True cancels (an exception it raises stops the run and
        comes out of run()); verify(file, path, url): called once the default
        verification passed, an exception refuses the package (the next
        server is tried)."""
        _dupg.Fetch_swiginit(self, _dupg.new_Fetch(dict(
            location=location, limit_rate=limit_rate, stall_seconds=stall_seconds,
            connect_timeout_ms=int(connect_timeout * 1000), timeout_ms=int(timeout * 1000),
            ca_file=ca_file, pinned_key=pinned_key, ssh_key=ssh_key,
            ssh_known_hosts=ssh_known_hosts, no_fsync=no_fsync, progress=progress,
            verify=verify)))

    @property
    def outcomes(self):
        """The outcomes of the last run: a list of dicts, as run() returns."""
        return self._outcomes()

    @property
    def bytes(self):
        """Bytes received by the last run, every attempt included."""
        return self._bytes()

    def __repr__(self):
        if not self._alive():
            return "<dupg.Fetch (closed)>"
        return "<dupg.Fetch, %d package(s) in the last run>" % len(self.outcomes)
	%}
}
