/* SPDX-License-Identifier: BSD-2-Clause */
/* Rollout (dupg/rollout.h): staged rollouts, the wave of a ranked site, the halting rule. */

%rename(_rollout_state_name) dupg_rollout_state_name;
%rename(_site_state_name) dupg_site_state_name;
%rename(_Rollout_count) dupg_rollout_wave_count;
%rename(_Rollout_threshold) dupg_rollout_threshold;
%rename(_Rollout_waves_text) dupg_rollout_waves_text;
%rename(_Rollout_wave_end) dupg_rollout_wave_end;
%rename(_Rollout_wave_size) dupg_rollout_wave_size;
%rename(_Rollout_wave_of) dupg_rollout_wave_of;
%rename(_Rollout_halts) dupg_rollout_wave_halts;
%rename(_WaveTally_settled) dupg_wave_tally_settled;
%rename(_RolloutStatus_wave_open) dupg_rollout_wave_open;
%rename(_RolloutStatus_pause) dupg_rollout_pause;
%rename(_RolloutStatus_resume) dupg_rollout_resume;
%typemap(doctype) int dupg_rollout_waves_text "str"

/* Predicates, not error codes. */
%typemap(out) int dupg_rollout_wave_halts, int dupg_wave_tally_settled, int dupg_rollout_wave_open
	"$result = PyBool_FromLong($1);";
%typemap(doctype) int dupg_rollout_wave_halts, int dupg_wave_tally_settled,
	int dupg_rollout_wave_open "bool"

/* The plain values: a WaveTally is a dupg_wave_tally, a RolloutStatus a dupg_rollout_status. */
%define DUPG_PY_VALUE(Type, ctype, name)
%typemap(in) const ctype *name (void *p = NULL) {
	if (!SWIG_IsOK(SWIG_ConvertPtr($input, &p, $descriptor(Type *), 0)) || p == NULL) {
		dupg_py_argerror("in method '$symname': expected a Type, not %s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	$1 = ($1_ltype)p;
}
%typemap(in) ctype *name = const ctype *name;
%typemap(doctype) const ctype *name, ctype *name "Type"
%enddef
DUPG_PY_VALUE(WaveTally, dupg_wave_tally, t)
DUPG_PY_VALUE(RolloutStatus, dupg_rollout_status, st)

%include "dupg/rollout.h"

/* The tallies of Rollout.step(): a sequence of WaveTally, copied. */
%typemap(in) (const WaveTally *tallies, size_t ntallies) (WaveTally *arr = NULL) {
	PyObject *fast = PySequence_Fast($input, "");
	Py_ssize_t i, n;

	if (fast == NULL) {
		PyErr_Clear();
		dupg_py_argerror("tallies: expected a list of WaveTally, not %s", Py_TYPE($input)->tp_name);
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
		if (!SWIG_IsOK(SWIG_ConvertPtr(PySequence_Fast_GET_ITEM(fast, i), &p, $descriptor(WaveTally *), 0)) ||
		    p == NULL) {
			Py_DECREF(fast);
			dupg_py_argerror("tallies: item %zd is not a WaveTally", i);
			SWIG_fail;
		}
		arr[i] = *(WaveTally *)p;
	}
	Py_DECREF(fast);
	$1 = arr;
	$2 = (size_t)n;
}
%typemap(freearg) (const WaveTally *tallies, size_t ntallies) "free(arr$argnum);";
%typemap(doctype) (const WaveTally *tallies, size_t ntallies) "list of WaveTally"

%pythoncode %{
import enum as _enum

ROLLOUT_STATES = _names(_rollout_state_name)
SITE_STATES = _names(_site_state_name)


class RolloutState(str, _enum.Enum):
    """Where a rollout stands: its value is the library's name (ROLLOUT_STATES), so a
    RolloutState equals that str. RolloutState(name) parses a name."""

    RUNNING = "running"
    PAUSED = "paused"
    HALTED = "halted"
    DONE = "done"

    __str__ = str.__str__

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, str):
            raise _ArgumentError("rollout state: expected a str, not %s" % type(value).__name__)
        return cls(ROLLOUT_STATES[_rollout_state_parse(value)])  # an unknown name raises

    @property
    def final(self):
        """True for the states a rollout never leaves: halted and done."""
        return self in (RolloutState.HALTED, RolloutState.DONE)


class SiteState(str, _enum.Enum):
    """Where one site stands in a rollout: its value is the library's name (SITE_STATES),
    so a SiteState equals that str. SiteState(name) parses a name."""

    PENDING = "pending"
    CURRENT = "current"
    ASSIGNED = "assigned"
    DOWNLOADING = "downloading"
    STAGED = "staged"
    UPGRADED = "upgraded"
    ROLLED_BACK = "rolled_back"
    FAILED = "failed"

    __str__ = str.__str__

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, str):
            raise _ArgumentError("site state: expected a str, not %s" % type(value).__name__)
        return cls(SITE_STATES[_site_state_parse(value)])  # an unknown name raises

    @property
    def final(self):
        """True for upgraded, rolled back and failed (dupg_site_state_final())."""
        return _site_state_final(self.value)
%}

%inline %{
/** The value of the rollout state named name. @exception BadInputError for an unknown name */
long _rollout_state_parse(const char *name)
{
	return dupg_py_rollout_state_parse(name);
}

/** The value of the site state named name. @exception BadInputError for an unknown name */
long _site_state_parse(const char *name)
{
	return dupg_py_site_state_parse(name);
}

/** Whether the site state named name is final. @exception BadInputError for an unknown name */
bool _site_state_final(const char *name)
{
	return dupg_py_site_state_final(name);
}
%}

/**
 * What one wave's sites have done (dupg_wave_tally): sites, and of them how
 * many were found current, are finished (upgraded, rolled back or failed)
 * and, of the finished, failed (rolled back or failed). Start from zeros and
 * add() each site's state.
 */
typedef struct {
	size_t sites;
	size_t current;
	size_t finished;
	size_t failed;
} WaveTally;

%extend WaveTally {
	/** A tally with these counts (all 0 by default). */
	WaveTally(size_t sites = 0, size_t current = 0, size_t finished = 0, size_t failed = 0)
	{
		return dupg_py_tally_new(sites, current, finished, failed);
	}

	~WaveTally() { free($self); }

	/**
	 * Count n sites in state (a SiteState or its name) (dupg_wave_tally_add()).
	 * @exception BadInputError for an unknown state
	 */
	void add(const char *state, size_t n = 1) { dupg_py_tally_add($self, state, n); }

	%pythoncode %{
    settled = property(_WaveTally_settled, doc="True when every site is current or finished "
                       "(an empty wave is settled).")

    def _counts(self):
        return (self.sites, self.current, self.finished, self.failed)

    def __eq__(self, other):
        if not isinstance(other, WaveTally):
            return NotImplemented
        return self._counts() == other._counts()

    __hash__ = None

    def __repr__(self):
        return "WaveTally(sites=%d, current=%d, finished=%d, failed=%d)" % self._counts()
	%}
}

/**
 * A rollout's progress (dupg_rollout_status), kept by the caller: its state
 * (a RolloutState), how many waves are open (waves 0 .. open-1) and the wave
 * that halted it (None when none did). Rollout.step() gives the next one.
 */
typedef struct {} RolloutStatus;

%extend RolloutStatus {
	/** See RolloutStatus(). */
	RolloutStatus(const char *state, size_t open, bool halted, size_t halted_wave)
	{
		return dupg_py_status_new(state, open, halted, halted_wave);
	}

	~RolloutStatus() { free($self); }

	/** The state's name. */
	const char *_state() { return dupg_rollout_state_name($self->state); }
	/** Waves 0 .. open-1 are open. */
	size_t _open_waves() { return $self->open; }
	/** The wave that halted the rollout, or None. */
	PyObject *_halted_wave() { return dupg_py_status_halted_wave($self); }

	%pythoncode %{
    pause = _RolloutStatus_pause
    resume = _RolloutStatus_resume
    wave_open = _RolloutStatus_wave_open

    def __init__(self, state="running", open=1, halted_wave=None):
        """A rollout's progress; by default one that has just started (running, wave
        0 open). state: a RolloutState or its name; halted_wave: the wave that halted
        it, for a halted one only (else None)."""
        _dupg.RolloutStatus_swiginit(self, _dupg.new_RolloutStatus(
            state, open, halted_wave is not None, 0 if halted_wave is None else halted_wave))

    @property
    def state(self):
        """Where the rollout stands: a RolloutState."""
        return RolloutState(self._state())

    @property
    def open(self):
        """Waves 0 .. open-1 are open (at least 1)."""
        return self._open_waves()

    @property
    def halted_wave(self):
        """The wave that halted the rollout, or None."""
        return self._halted_wave()

    def _values(self):
        return (self.state, self.open, self.halted_wave)

    def __eq__(self, other):
        if not isinstance(other, RolloutStatus):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None

    def __repr__(self):
        return "RolloutStatus(state=%r, open=%d, halted_wave=%r)" % (
            self.state.value, self.open, self.halted_wave)
	%}
}

%nodefaultctor Rollout;
/**
 * A rollout plan (dupg_rollout): its waves, increasing cumulative fractions of
 * the fleet (the last 1), and its threshold, the failed share of a wave past
 * which the rollout halts. Immutable.
 */
typedef struct {} Rollout;

%newobject Rollout::step;

%extend Rollout {
	/** See Rollout(). */
	Rollout(PyObject *waves, double threshold) { return dupg_py_rollout_new(waves, threshold); }

	~Rollout() { dupg_py_destroy_Rollout($self); }

	/** Free the C side now; any later use raises BadInputError. */
	void close() { dupg_py_close_Rollout($self); }
	DUPG_PY_CONTEXT

	/** The cumulative fractions of the waves, a tuple of float. */
	PyObject *_waves() { return dupg_py_rollout_waves($self->h); }

	/**
	 * The progress after status given the waves' tallies (dupg_rollout_step()),
	 * as a new RolloutStatus; status is left as it was. Halts when an open wave
	 * fails past the threshold, opens the next wave while the last open one is
	 * settled and the rollout runs, done when every wave is open and settled.
	 * @param tallies one WaveTally per wave
	 * @exception BadInputError when there are not as many tallies as waves
	 */
	RolloutStatus *step(const RolloutStatus *status, const WaveTally *tallies, size_t ntallies)
	{
		return dupg_py_rollout_step($self->h, status, tallies, ntallies);
	}

	%pythoncode %{
    __len__ = _Rollout_count
    wave_end = _Rollout_wave_end
    wave_size = _Rollout_wave_size
    wave_of = _Rollout_wave_of
    halts = _Rollout_halts
    threshold = property(_Rollout_threshold, doc="The failed share past which a wave halts the rollout.")
    waves_text = property(_Rollout_waves_text, doc="The waves as text, \"0.01,0.1,1\" (reads back the same).")

    def __init__(self, waves, threshold):
        """A rollout plan. waves: increasing cumulative fractions in (0, 1], a list
        ([0.01, 0.1, 1]) or text ("0.01,0.1,1"); a last wave of 1 is added when the
        last given is below 1, and an empty list (or None) is one wave of everybody.
        threshold: in [0, 1]. Raises BadInputError otherwise."""
        _dupg.Rollout_swiginit(self, _dupg.new_Rollout(waves, threshold))

    @property
    def waves(self):
        """The cumulative fractions of the waves: a tuple of float, the last 1.0."""
        return self._waves()

    def __repr__(self):
        if not self._alive():
            return "<dupg.Rollout (closed)>"
        return "<dupg.Rollout waves %s, threshold %g>" % (self.waves_text, self.threshold)
	%}
}
