/* SPDX-License-Identifier: BSD-2-Clause */
/* Transaction (dupg/txn.h): the linked upgrade as a durable two-phase transaction. */

%rename(_txn_phase_name) dupg_txn_phase_name;
%rename(_txn_outcome_name) dupg_txn_outcome_name;
%rename(_txn_state_name) dupg_txn_state_name;
%rename(_txn_failure_name) dupg_txn_failure_name;
%rename(_txn_action_kind_name) dupg_txn_action_kind_name;
%rename(_txn_event_kind_name) dupg_txn_event_kind_name;
%rename(_txn_taken_name) dupg_txn_taken_name;
%rename(_Transaction_to_json) dupg_txn_to_json;
%rename(_Transaction_count) dupg_txn_count;
%rename(_Transaction_member_count) dupg_txn_member_count;
%rename(_Transaction_member_name) dupg_txn_member_name;
%rename(_Transaction_journal_writes) dupg_txn_journal_writes;
%rename(_Transaction_failed_count) dupg_txn_failed_count;
%rename(_Transaction_wake) dupg_txn_wake;
%typemap(doctype) int dupg_txn_to_json "str"
%include "dupg/txn.h"

/* The plans of a transaction's members: a sequence of Plan objects. */
%typemap(in) (Plan **plans, size_t nplans) (Plan **arr = NULL) {
	PyObject *fast = PySequence_Fast($input, "");
	Py_ssize_t i, n;

	if (fast == NULL) {
		PyErr_Clear();
		dupg_py_argerror("plans: expected a list of Plan, not %s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	n = PySequence_Fast_GET_SIZE(fast);
	arr = calloc((size_t)n + 1, sizeof(*arr));
	if (arr == NULL) {
		Py_DECREF(fast);
		dupg_py_nomem();
		SWIG_fail;
	}
	for (i = 0; i < n; i++) {
		void *p = NULL;
		if (!SWIG_IsOK(SWIG_ConvertPtr(PySequence_Fast_GET_ITEM(fast, i), &p, $descriptor(Plan *), 0))) {
			Py_DECREF(fast);
			dupg_py_argerror("plans: item %zd is not a Plan", i);
			SWIG_fail;
		}
		arr[i] = p;
	}
	Py_DECREF(fast);
	$1 = arr;
	$2 = (size_t)n;
}
%typemap(freearg) (Plan **plans, size_t nplans) "free(arr$argnum);";
%typemap(doctype) (Plan **plans, size_t nplans) "list of Plan"
%apply const char *OPTSTR { const char *version, const char *detail };
%apply const char *OPTPATH { const char *journal };

%pythoncode %{
TXN_PHASES = _names(_txn_phase_name)
TXN_OUTCOMES = _names(_txn_outcome_name)
TXN_STATES = _names(_txn_state_name)
TXN_FAILURES = _names(_txn_failure_name)
TXN_ACTIONS = _names(_txn_action_kind_name)
TXN_EVENTS = _names(_txn_event_kind_name)
TXN_TAKEN = _names(_txn_taken_name)


def _txn_members(members):
    """Plans, names and versions (one list per plan, or None) of a transaction's members."""
    if isinstance(members, (Plan, dict)):
        members = [members]
    plans, names, versions = [], [], []
    try:
        items = list(members)
    except TypeError:
        raise _ArgumentError("members: expected a Plan or a list of members") from None
    for m in items:
        if isinstance(m, Plan):
            plan, name, ver = m, None, None
        elif isinstance(m, dict):
            unknown = set(m) - {"plan", "name", "versions"}
            if "plan" not in m or unknown:
                raise _ArgumentError("a member is {\"plan\": Plan, \"name\": str, \"versions\": "
                                     "...}, not %r" % sorted(m))
            plan, name, ver = m["plan"], m.get("name"), m.get("versions")
        else:
            raise _ArgumentError("a member is a Plan or a dict, not %s" % type(m).__name__)
        if isinstance(ver, dict):
            ver = [ver.get(s["device"]) for s in plan.steps()]
        elif ver is not None:
            ver = list(ver)
        plans.append(plan)
        names.append(name)
        versions.append(ver)
    return plans, names, versions
%}

%nodefaultctor Transaction;
/**
 * The linked upgrade of one or more members' plans as one durable two-phase
 * transaction (dupg/txn.h): every device stages, only then every device
 * switches (deepest first) and is checked; any failure rolls every device
 * back. It sends nothing and reads no clock: next(now_ms) says what to do,
 * feed(event, now_ms) takes what a device answered.
 */
typedef struct {} Transaction;

%extend Transaction {
	/** See Transaction(). */
	Transaction(Plan **plans, size_t nplans, PyObject *names, PyObject *versions,
		    size_t parallel, double timeout_factor, uint64_t timeout_floor_ms,
		    const char *journal, bool no_fsync, bool replace_only, bool resume)
	{
		return dupg_py_txn_new(plans, nplans, names, versions, parallel, timeout_factor,
				       timeout_floor_ms, journal, no_fsync, replace_only, resume);
	}

	~Transaction() { dupg_py_destroy_Transaction($self); }

	/**
	 * Free the C side now (the journal file stays); any later use raises
	 * BadInputError. The plans and their topologies are free again.
	 */
	void close() { dupg_py_close_Transaction($self); }
	DUPG_PY_CONTEXT

	/**
	 * Every action that can start now, in order, as dicts {"kind": one of
	 * TXN_ACTIONS, "device", "member", "step", "id", "package", "via": [ids
	 * nearest the master first], "deadline_ms", "outcome"}: dupg_txn_next()
	 * called until it gives none. An empty list means: wait for an answer
	 * or until wake(). Once it has ended, one "done" action whose "outcome"
	 * is one of TXN_OUTCOMES.
	 * @param now_ms the controller's clock, in milliseconds
	 * @exception AbortedError once the journal refused a write; IOError when
	 *            the journal file cannot be written
	 */
	PyObject *next(uint64_t now_ms) { return dupg_py_txn_next($self, now_ms); }

	/** See feed(). */
	PyObject *_feed(const char *kind, size_t device, const char *version, int slot,
			const char *detail, uint64_t now_ms)
	{
		return dupg_py_txn_feed($self, kind, device, version, slot, detail, now_ms);
	}

	/**
	 * Roll back on the controller's word: before the commit point an abort,
	 * after it a revert (cause "aborted").
	 * @exception BadInputError when already rolling back or ended
	 */
	void abort(const char *detail = NULL, uint64_t now_ms = 0)
	{
		dupg_py_txn_abort($self, detail, now_ms);
	}

	/**
	 * Device d as {"device", "member", "step", "id", "state": one of
	 * TXN_STATES, "failure": one of TXN_FAILURES or None, "timed_out",
	 * "detail"}; negative d counts from the end.
	 */
	PyObject *device(long d) { return dupg_py_txn_device($self->h, d); }

	/** The transaction index of member's device id. @exception NotFoundError */
	PyObject *_find(size_t member, const char *id) { return dupg_py_txn_find($self->h, member, id); }

	/** {"kind", "device", "member", "id", "timed_out", "detail"} of the rollback's cause, or None. */
	PyObject *_cause() { return dupg_py_txn_cause($self->h); }

	/** How many devices are in each of TXN_STATES: {state: count}. */
	PyObject *counts() { return dupg_py_txn_counts($self->h); }

	/** The current state as a whole journal, the bytes Transaction.resume() reads from a file. */
	PyObject *snapshot() { return dupg_py_txn_snapshot($self->h); }

	/** The phase, one of TXN_PHASES. */
	const char *_phase() { return dupg_txn_phase_name(dupg_txn_phase_get($self->h)); }
	/** How it ended, one of TXN_OUTCOMES ("running" before). */
	const char *_outcome() { return dupg_txn_outcome_name(dupg_txn_outcome_get($self->h)); }
	/** True once every device staged (the commit point). */
	bool _committed() { return dupg_txn_committed($self->h) != 0; }

	/**
	 * Remove the journal file (dupg_txn_file_remove()): once the outcome is
	 * acted upon (after a rollback, when the stores have rolled back too).
	 * @exception BadInputError when the transaction has no journal file
	 */
	void remove_journal() { dupg_py_txn_remove_journal($self); }

	%pythoncode %{
    __len__ = _Transaction_count
    to_json = _Transaction_to_json

    def __init__(self, members, *, parallel=0, timeout_factor=3.0, timeout_floor_ms=60000,
                 journal=None, no_fsync=False, replace_only=False, _resume=False):
        """A transaction over the plans of its members.

        members: a Plan, or a list of members, each a Plan or a dict
        {"plan": Plan, "name": str, "versions": [version per step] or
        {device id: version}} (names and versions optional). The plans and
        their topologies must not change while the transaction is open:
        closing such a plan or changing such a topology raises BusyError.
        parallel: devices with an action under way at once (0: no limit);
        timeouts are timeout_floor_ms + timeout_factor * each device's
        duration_s. journal: a file journal at that path (temporary file,
        fsync, rename, as the store writes; no_fsync for tests only);
        replace_only: every write a whole journal.
        """
        plans, names, versions = _txn_members(members)
        _dupg.Transaction_swiginit(self, _dupg.new_Transaction(
            plans, names, versions, parallel, float(timeout_factor), timeout_floor_ms,
            journal, bool(no_fsync), bool(replace_only), bool(_resume)))

    @classmethod
    def resume(cls, members, journal, **options):
        """The transaction of journal (a path) after a crash, continued
        (dupg_txn_resume_file()); members as for Transaction(), the same and
        in the same order. Raises NotFoundError when there is no journal:
        start a new one then."""
        return cls(members, journal=journal, _resume=True, **options)

    def feed(self, event, now_ms):
        """Feed what a device answered or reports: event is a dict {"kind":
        one of TXN_EVENTS, "device": the transaction's index or the device's
        id, "member": index or name (for an id; default the first),
        "version", "slot" (reports, "staged"), "detail" (failures)}.
        Returns one of TXN_TAKEN: "taken", "duplicate" or "late" (nothing
        changed). Raises NotFoundError for an unknown device, BadInputError
        for an answer to an action the device was never given (or an
        unknown kind), DuplicateError for a second, different answer."""
        if not isinstance(event, dict) or "kind" not in event or "device" not in event:
            raise _ArgumentError("event: expected a dict with \"kind\" and \"device\"")
        unknown = set(event) - {"kind", "device", "member", "version", "slot", "detail"}
        if unknown:
            raise _ArgumentError("event: unknown keys %s" % sorted(unknown))
        device = event["device"]
        if isinstance(device, str):
            device = self.find(device, event.get("member", 0))
        elif not isinstance(device, int) or isinstance(device, bool) or device < 0:
            raise _ArgumentError("event: \"device\" is an index or an id, not %r" % (device,))
        slot = event.get("slot")
        return self._feed(event["kind"], device, event.get("version"),
                          -1 if slot is None else slot, event.get("detail"), now_ms)

    def find(self, id, member=0):
        """The transaction's index of device id of member (an index or a name)."""
        if isinstance(member, str):
            names = [self.member_name(m) for m in range(self.member_count)]
            if member not in names:
                raise NotFoundError("no member %r in the transaction" % member)
            member = names.index(member)
        return self._find(member, id)

    def wake(self):
        """When to call next() at the latest if no answer comes (ms), or None when nothing is under way."""
        w = _Transaction_wake(self)
        return None if w == 0xFFFFFFFFFFFFFFFF or self.phase == "done" else w

    def member_name(self, m):
        """Member m's name."""
        return _Transaction_member_name(self, m)

    @property
    def member_count(self):
        """Number of members."""
        return _Transaction_member_count(self)

    @property
    def phase(self):
        """Where the whole transaction is: one of TXN_PHASES."""
        return self._phase()

    @property
    def outcome(self):
        """How it ended: one of TXN_OUTCOMES ("running" before the end)."""
        return self._outcome()

    @property
    def committed(self):
        """True once the commit point was passed (every device staged)."""
        return self._committed()

    @property
    def cause(self):
        """Why it rolls back: {"kind": one of TXN_FAILURES, "device", "member", "id",
        "timed_out", "detail"}, or None."""
        return self._cause()

    @property
    def journal_writes(self):
        """Journal writes since the transaction began, resumes included."""
        return _Transaction_journal_writes(self)

    @property
    def failed_count(self):
        """How many devices failed."""
        return _Transaction_failed_count(self)

    def state(self, d):
        """Device d's state: one of TXN_STATES."""
        return self.device(d)["state"]

    def to_dict(self):
        """The report of to_json() as a dict."""
        return _json.loads(self.to_json())

    def __iter__(self):
        return (self.device(d) for d in range(len(self)))

    def __repr__(self):
        if not self._alive():
            return "<dupg.Transaction (closed)>"
        return "<dupg.Transaction %d devices, %s, %s>" % (len(self), self.phase, self.outcome)
	%}
}
