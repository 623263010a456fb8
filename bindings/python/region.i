/* SPDX-License-Identifier: BSD-2-Clause */
/* Regions (dupg/region.h): the partition, the score, one region's election, the announcement. */

%rename(_Partition_region_count) dupg_partition_region_count;
%rename(_Partition_max_per_region) dupg_partition_max_per_region;
%rename(_Partition_online) dupg_partition_online;
%rename(_Partition_members) dupg_partition_members;
%rename(_Partition_best) dupg_partition_best;
%rename(_Partition_score_of) dupg_partition_score_of;
%rename(_Region_id) dupg_region_id;
%rename(_Region_epoch) dupg_region_epoch;
%rename(_Region_leader) dupg_region_leader;
%rename(_Region_member_count) dupg_region_member_count;
%rename(_elect_result_name) dupg_elect_result_name;
%typemap(doctype) uint32_t dupg_partition_best, uint32_t dupg_partition_score_of "int"

%include "dupg/region.h"

/** The highest score a node can have (DUPG_SCORE_MAX). */
%constant unsigned int SCORE_MAX = DUPG_SCORE_MAX;
/** The largest encoded announcement, in bytes (DUPG_ANNOUNCE_MAX_BYTES). */
%constant unsigned int ANNOUNCE_MAX_BYTES = DUPG_ANNOUNCE_MAX_BYTES;
/** The longest serving URL in an announcement, in bytes (DUPG_ANNOUNCE_URL_MAX_BYTES). */
%constant unsigned int ANNOUNCE_URL_MAX_BYTES = DUPG_ANNOUNCE_URL_MAX_BYTES;

%inline %{
/**
 * The score of a node from its resources and network state (dupg_score()):
 * an int in [0, SCORE_MAX]. weights: a dict of some of cpu, memory, storage,
 * bandwidth, latency, loss, bandwidth_ref_mbps, latency_ref_ms (the rest as
 * DUPG_SCORE_OPTIONS_INIT), or None.
 * @exception BadInputError for a share out of [0, 1], a negative value, all weights 0
 */
PyObject *_score(double cpu, double memory, double storage, double bandwidth_mbps,
		 double latency_ms, double loss, PyObject *weights)
{
	return dupg_py_score(cpu, memory, storage, bandwidth_mbps, latency_ms, loss, weights);
}

/**
 * Encode an announcement (dupg_announce_encode()): bytes of at most
 * ANNOUNCE_MAX_BYTES. versions: a dict of hardware type to the latest version;
 * url: where the sender serves its packages (dupg_announce_set_url()), or None.
 * @exception BadInputError for a bad id, string, URL or score, or a message over the limit
 */
PyObject *_encode_announcement(const char *sender, unsigned long long region,
			       unsigned long long epoch, unsigned long long period,
			       unsigned long long score, bool leader, PyObject *versions,
			       const char *OPTSTR)
{
	return dupg_py_announce_encode(sender, region, epoch, period, score, leader, versions, OPTSTR);
}

/**
 * Decode an announcement (dupg_announce_decode()): a dict with sender,
 * region, epoch, period, score, leader, versions (hardware type to version)
 * and url (the serving URL, or None).
 * @exception FormatError for a malformed, truncated or oversized message
 * @exception UnsupportedError for another format version
 */
PyObject *decode_announcement(PyObject *data)
{
	return dupg_py_announce_decode(data);
}

/** The value of the election result named name. @exception BadInputError for an unknown name */
long _elect_result_parse(const char *name)
{
	return dupg_py_elect_result_parse(name);
}
%}

%pythoncode %{
ELECT_RESULTS = _names(_elect_result_name)


def score(cpu, memory, storage, bandwidth_mbps, latency_ms, loss, weights=None):
    """The score of a node (dupg_score()): an int in [0, SCORE_MAX]. cpu, memory,
    storage: the idle or free shares in [0, 1]; bandwidth_mbps, latency_ms: to the
    management server; loss: a share in [0, 1]. weights: a dict of some of cpu,
    memory, storage, bandwidth, latency, loss, bandwidth_ref_mbps, latency_ref_ms
    (the rest as the library's defaults: all weights 1, 1000 Mbit/s, 50 ms).
    Raises BadInputError for a share out of [0, 1], a negative value, all weights 0."""
    return _score(cpu, memory, storage, bandwidth_mbps, latency_ms, loss, weights)


def encode_announcement(sender, region, epoch, period, score, leader=False, versions=None,
                        url=None):
    """An announcement as bytes (dupg_announce_encode()), at most ANNOUNCE_MAX_BYTES.
    versions: a dict of hardware type to the latest version. url: where the sender
    serves its packages (1 to ANNOUNCE_URL_MAX_BYTES printable ASCII bytes, no
    spaces), or None; with one the message is format version 2, without one version 1.
    Raises BadInputError for a bad id, string, URL or score, or a message over the
    limit; DuplicateError never (a dict has each hardware type once)."""
    return _encode_announcement(sender, region, epoch, period, score, leader, versions, url)


class ElectResult(str, _enum.Enum):
    """What one election did: its value is the library's name (ELECT_RESULTS), so an
    ElectResult equals that str. ElectResult(name) parses a name."""

    NONE = "none"
    KEPT = "kept"
    FIRST = "first"
    BETTER = "better"
    FAILOVER = "failover"

    __str__ = str.__str__

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, str):
            raise _ArgumentError("election result: expected a str, not %s" % type(value).__name__)
        return cls(ELECT_RESULTS[_elect_result_parse(value)])  # an unknown name raises
%}

%nodefaultctor Partition;
/**
 * The operations server's partition of nodes into regions (dupg_partition):
 * N = ceil(planned / max_per_region) regions, each with a multicast address
 * from the pool; join() places the next node to come online by the seed's
 * rule (dupg/region.h).
 */
typedef struct {} Partition;

%extend Partition {
	/** See Partition(). */
	Partition(size_t planned, size_t max_per_region, PyObject *pool)
	{
		return dupg_py_partition_new(planned, max_per_region, pool);
	}

	~Partition() { dupg_py_destroy_Partition($self); }

	/** Free the C side now; any later use raises BadInputError. */
	void close() { dupg_py_close_Partition($self); }
	DUPG_PY_CONTEXT

	/**
	 * Place the next node to come online with this score: its region (dupg_partition_join()).
	 * @exception BadInputError for a score above SCORE_MAX
	 * @exception NoSpaceError when every region is full
	 */
	size_t join(unsigned long long score) { return dupg_py_partition_join($self->h, score); }
	/** The multicast address of region r. @exception OutOfRangeError past the last region */
	PyObject *address(long r) { return dupg_py_partition_address($self->h, r); }
	/** The region of arrival i. @exception OutOfRangeError for i >= online */
	PyObject *region_of(long i) { return dupg_py_partition_region_of($self->h, i); }
	/** The arrival whose score R holds for region r, None before the region opened. */
	PyObject *best_node(long r) { return dupg_py_partition_best_node($self->h, r); }

	%pythoncode %{
    __len__ = _Partition_region_count
    max_per_region = property(_Partition_max_per_region, doc="M, the most nodes a region holds.")
    online = property(_Partition_online, doc="S, the nodes placed so far.")
    members = _Partition_members
    best = _Partition_best
    score_of = _Partition_score_of

    def __init__(self, planned, max_per_region, pool):
        """A partition of planned nodes, at most max_per_region in a region. pool: IPv4
        multicast addresses (a list of str), at least one per region, all different.
        Raises BadInputError otherwise (DuplicateError for an address twice)."""
        _dupg.Partition_swiginit(self, _dupg.new_Partition(planned, max_per_region, pool))

    @property
    def addresses(self):
        """The regions' multicast addresses, a list of str."""
        return [self.address(r) for r in range(len(self))]

    def __repr__(self):
        if not self._alive():
            return "<dupg.Partition (closed)>"
        return "<dupg.Partition %d regions of at most %d, %d online>" % (
            len(self), self.max_per_region, self.online)
	%}
}

%nodefaultctor Region;
/**
 * One region as a node sees it (dupg_region): its members by id with their
 * scores, who is alive, the virtual server and the epoch (term).
 */
typedef struct {} Region;

%extend Region {
	/** See Region(). */
	Region(unsigned long long id, unsigned long long dead_after = 3)
	{
		return dupg_py_region_new(id, dead_after);
	}

	~Region() { dupg_py_destroy_Region($self); }

	/** Free the C side now; any later use raises BadInputError. */
	void close() { dupg_py_close_Region($self); }
	DUPG_PY_CONTEXT

	/**
	 * Member id was heard in period with score (dupg_region_heard()).
	 * @exception BadInputError for a bad id or score, or a period going back
	 */
	void heard(const char *id, unsigned long long score, unsigned long long period)
	{
		dupg_py_region_heard($self->h, id, score, period);
	}
	/**
	 * Decode an announcement and apply it, received in period now (dupg_region_receive()).
	 * @exception FormatError for a malformed message
	 * @exception DuplicateError for a replay (an old epoch, or not newer than the sender's last)
	 * @exception BadInputError for another region's message or one from a later period
	 */
	void receive(PyObject *data, unsigned long long now) { dupg_py_region_receive($self->h, data, now); }
	/**
	 * Weigh a claim "id leads with score in epoch" (dupg_region_claim()): True when
	 * adopted, False when it loses.
	 */
	bool claim(const char *id, unsigned long long score, unsigned long long epoch)
	{
		return dupg_py_region_claim($self->h, id, score, epoch);
	}
	/** The election of period (dupg_region_elect()): the result's name. */
	const char *_elect(unsigned long long period) { return dupg_py_region_elect($self->h, period); }
	/** The members' ids, in the order first heard. */
	PyObject *_members() { return dupg_py_region_members($self->h); }
	/** Member id's score. @exception NotFoundError when it is not a member */
	PyObject *score_of(const char *id) { return dupg_py_region_member_score($self->h, id); }
	/** Whether member id is alive in period. @exception NotFoundError when it is not a member */
	bool alive(const char *id, unsigned long long period)
	{
		return dupg_py_region_alive($self->h, id, period);
	}
	/** The version member id last announced for hw, or None. @exception NotFoundError */
	PyObject *version(const char *id, const char *hw) { return dupg_py_region_version($self->h, id, hw); }
	/**
	 * How many members need the package (dupg_region_needs()): 0 means "already current".
	 * @exception BadInputError when min is above max
	 */
	size_t needs(const char *hw, const char *version, PyObject *min = Py_None, PyObject *max = Py_None)
	{
		return dupg_py_region_needs($self->h, hw, version, min, max);
	}

	%pythoncode %{
    id = property(_Region_id, doc="The region's number.")
    epoch = property(_Region_epoch, doc="The current epoch (term); 0 before any election.")
    leader = property(_Region_leader, doc="The virtual server's id, or None.")
    __len__ = _Region_member_count

    def __init__(self, id, dead_after=3):
        """A region with no members: number id; a member is dead after dead_after
        missed periods (>= 1)."""
        _dupg.Region_swiginit(self, _dupg.new_Region(id, dead_after))

    def elect(self, period):
        """The election of period: an ElectResult (the alive member with the best
        (score, id) leads; the epoch grows when the leader changes)."""
        return ElectResult(self._elect(period))

    @property
    def members(self):
        """The members' ids, a list of str in the order first heard."""
        return self._members()

    def __repr__(self):
        if not self._alive():
            return "<dupg.Region (closed)>"
        return "<dupg.Region %d: %d members, leader %r, epoch %d>" % (
            self.id, len(self), self.leader, self.epoch)
	%}
}
