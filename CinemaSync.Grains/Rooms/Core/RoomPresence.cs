using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// A room's soft state: its live connections and the web node of each, their RTTs, each member's
/// sync health, who is buffering, the host's absence, password attempts. Lost on deactivation and
/// rebuilt from the nodes' re-subscriptions; changed only through <see cref="Apply"/>.
/// </summary>
/// <remarks>
/// Connections are indexed by connection, by user and by node, so that the per-command questions
/// (a user's connections, whether a node still holds any) cost the size of the answer, not the size
/// of the room: with a scan, a 1,000-member room spent O(members²) on every scheduled start.
/// </remarks>
internal sealed class RoomPresence(RoomGrainOptions options)
{
    /// <summary>Connections removed from the room remembered at most.</summary>
    private const int RemovedConnectionsKept = 10_000;

    private readonly Dictionary<string, (string UserId, string NodeId)> _byConnection = new();
    private readonly Dictionary<string, List<string>> _byUser = new();
    private readonly Dictionary<string, int> _countByNode = new();
    private readonly Dictionary<string, long> _nodeSeenAt = new();
    private readonly Dictionary<string, int> _rttByConnection = new();
    private readonly Dictionary<string, MemberSync> _syncByUser = new();
    private readonly HashSet<string> _buffering = new();
    private readonly Dictionary<string, long> _catchingUpUntil = new();
    private readonly RecentIds _removed = new(RemovedConnectionsKept);

    public PasswordAttempts Passwords { get; } = new(options.WrongPasswordLimit, (long)options.WrongPasswordWindow.TotalMilliseconds);
    public long? HostAwaySince { get; private set; }
    public bool MemberStatusDue { get; private set; }
    public long MemberStatusSentAt { get; private set; }

    public bool IsConnected(string userId) => _byUser.ContainsKey(userId);
    public IEnumerable<string> UsersConnected => _byUser.Keys;
    public bool WasRemoved(string connectionId) => _removed.Contains(connectionId);
    public bool IsBuffering(string userId) => _buffering.Contains(userId);
    public IEnumerable<string> Buffering => _buffering;
    public IEnumerable<string> Nodes => _countByNode.Keys;
    public bool NodeHasConnections(string nodeId) => _countByNode.ContainsKey(nodeId);
    public IEnumerable<(string NodeId, long SeenAt)> NodesSeen => _nodeSeenAt.Select(n => (n.Key, n.Value));

    public string? UserOf(string connectionId) => _byConnection.TryGetValue(connectionId, out var c) ? c.UserId : null;
    public string? NodeOf(string connectionId) => _byConnection.TryGetValue(connectionId, out var c) ? c.NodeId : null;

    public List<(string ConnectionId, string NodeId)> OfUser(string userId) =>
        _byUser.TryGetValue(userId, out var ids) ? ids.Select(id => (id, _byConnection[id].NodeId)).ToList() : [];

    public List<(string ConnectionId, string NodeId)> All() => _byConnection.Select(c => (c.Key, c.Value.NodeId)).ToList();

    public IEnumerable<string> ConnectionsOfNode(string nodeId) => _byConnection.Where(c => c.Value.NodeId == nodeId).Select(c => c.Key);

    /// <summary>The lowest RTT of the user's connections (the default with none reported); no allocation.</summary>
    public int UserRtt(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var ids) || ids.Count == 0) return SyncRules.DefaultRttMs;
        var min = int.MaxValue;
        foreach (var id in ids) min = Math.Min(min, _rttByConnection.GetValueOrDefault(id, SyncRules.DefaultRttMs));
        return min;
    }

    /// <summary>A member who held the room past the timeout cannot hold it again for a while.</summary>
    public bool CanHoldTheRoom(string userId, long now) => !_catchingUpUntil.TryGetValue(userId, out var until) || until <= now;

    /// <summary>The member's sync health; <c>catching_up</c> reads as <c>ok</c> once its window passed.</summary>
    public MemberSync SyncOf(string userId, long now)
    {
        var sync = _syncByUser.GetValueOrDefault(userId) ?? new MemberSync { RttMs = UserRtt(userId) };
        return sync.Status == SyncStatuses.CatchingUp && CanHoldTheRoom(userId, now) ? sync with { Status = SyncStatuses.Ok } : sync;
    }

    /// <summary>Users whose sync status is buffering.</summary>
    public IEnumerable<string> ShownBuffering => _syncByUser.Where(s => s.Value.Status == SyncStatuses.Buffering).Select(s => s.Key);

    public void Apply(SoftChange change)
    {
        switch (change)
        {
            case ConnectionOpened c:
                _removed.Forget(c.ConnectionId);
                Add(c.ConnectionId, c.UserId, c.NodeId, c.At);
                break;
            case ConnectionClosed c:
                Remove(c.ConnectionId);
                if (c.Removed) _removed.Add(c.ConnectionId);
                break;
            case NodeSubscribed n:
                var kept = n.Connections.Select(c => c.ConnectionId).ToHashSet();
                foreach (var id in ConnectionsOfNode(n.NodeId).ToList()) Remove(id, forgetRtt: !kept.Contains(id));
                foreach (var c in n.Connections) Add(c.ConnectionId, c.UserId, n.NodeId, n.At);
                if (n.Connections.Count > 0) _nodeSeenAt[n.NodeId] = n.At;
                break;
            case NodeExpired n:
                foreach (var id in ConnectionsOfNode(n.NodeId).ToList()) Remove(id);
                break;
            case RttReported r:
                _rttByConnection[r.ConnectionId] = r.RttMs;
                break;
            case SyncChanged s:
                _syncByUser[s.UserId] = s.Sync;
                MemberStatusDue = true;
                break;
            case BufferingChanged { UserId: null }:
                _buffering.Clear();
                break;
            case BufferingChanged b:
                if (b.Buffering) _buffering.Add(b.UserId!);
                else _buffering.Remove(b.UserId!);
                break;
            case CatchingUp c:
                _catchingUpUntil[c.UserId] = c.Until;
                break;
            case MemberForgotten m:
                _syncByUser.Remove(m.UserId);
                _buffering.Remove(m.UserId);
                _catchingUpUntil.Remove(m.UserId);
                break;
            case HostAway h:
                HostAwaySince = h.Since;
                break;
            case MemberStatusSent s:
                MemberStatusDue = false;
                MemberStatusSentAt = s.At;
                break;
            case PasswordAttempt p:
                Passwords.Apply(p);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "Not a presence change.");
        }
    }

    private void Add(string connectionId, string userId, string nodeId, long at)
    {
        Remove(connectionId);
        _byConnection[connectionId] = (userId, nodeId);
        if (!_byUser.TryGetValue(userId, out var ofUser)) _byUser[userId] = ofUser = new List<string>(1);
        ofUser.Add(connectionId);
        _countByNode[nodeId] = _countByNode.GetValueOrDefault(nodeId) + 1;
        _nodeSeenAt[nodeId] = at;
    }

    private void Remove(string connectionId, bool forgetRtt = true)
    {
        if (forgetRtt) _rttByConnection.Remove(connectionId);
        if (!_byConnection.Remove(connectionId, out var entry)) return;
        var ofUser = _byUser[entry.UserId];
        ofUser.Remove(connectionId);
        if (ofUser.Count == 0) _byUser.Remove(entry.UserId);
        var left = _countByNode[entry.NodeId] - 1;
        if (left > 0)
        {
            _countByNode[entry.NodeId] = left;
            return;
        }
        _countByNode.Remove(entry.NodeId);
        _nodeSeenAt.Remove(entry.NodeId);
    }

    /// <summary>A stable description of everything here, for comparing two rooms (tests, replay checks).</summary>
    public string Describe()
    {
        static string Join<T>(IEnumerable<T> items) => string.Join(";", items);
        return string.Join(" | ",
            Join(_byConnection.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}:{c.Value.UserId}@{c.Value.NodeId}")),
            Join(_byUser.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key}:{string.Join(",", u.Value.Order(StringComparer.Ordinal))}")),
            Join(_nodeSeenAt.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Key}@{n.Value}#{_countByNode[n.Key]}")),
            Join(_rttByConnection.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")),
            Join(_syncByUser.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")),
            Join(_buffering.Order(StringComparer.Ordinal)),
            Join(_catchingUpUntil.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")),
            Join(_removed.InOrder),
            $"{HostAwaySince}/{MemberStatusDue}/{MemberStatusSentAt}",
            Passwords.Describe());
    }
}
