using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// The room's live SignalR connections and the web node that holds each. Soft state: lost on
/// deactivation and rebuilt from the nodes' periodic re-subscriptions.
/// </summary>
/// <remarks>
/// Indexed by connection, by user and by node, so that the per-command and per-join questions
/// (a user's connections, whether a node still holds any) cost the size of the answer, not the
/// size of the room: with a scan, a 1,000-member room spent O(members²) on every scheduled start
/// (the lead takes every connected member's RTT) and on every join (the room view carries every
/// participant's sync state).
/// </remarks>
internal sealed class RoomConnections
{
    private readonly Dictionary<string, (string UserId, IRoomObserver Node)> _byConnection = new();
    private readonly Dictionary<string, List<string>> _byUser = new();
    private readonly Dictionary<IRoomObserver, int> _countByNode = new();

    public bool IsConnected(string userId) => _byUser.ContainsKey(userId);

    public void Add(string connectionId, string userId, IRoomObserver node)
    {
        Remove(connectionId);
        _byConnection[connectionId] = (userId, node);
        if (!_byUser.TryGetValue(userId, out var ofUser)) _byUser[userId] = ofUser = new List<string>(1);
        ofUser.Add(connectionId);
        _countByNode[node] = _countByNode.GetValueOrDefault(node) + 1;
    }

    /// <summary>Removes a connection; returns its node, or null when it was not known.</summary>
    public IRoomObserver? Remove(string connectionId)
    {
        if (!_byConnection.Remove(connectionId, out var entry)) return null;
        var ofUser = _byUser[entry.UserId];
        ofUser.Remove(connectionId);
        if (ofUser.Count == 0) _byUser.Remove(entry.UserId);
        var left = _countByNode[entry.Node] - 1;
        if (left == 0) _countByNode.Remove(entry.Node);
        else _countByNode[entry.Node] = left;
        return entry.Node;
    }

    public List<(string ConnectionId, IRoomObserver Node)> OfUser(string userId)
    {
        if (!_byUser.TryGetValue(userId, out var ofUser)) return [];
        var result = new List<(string, IRoomObserver)>(ofUser.Count);
        foreach (var id in ofUser) result.Add((id, _byConnection[id].Node));
        return result;
    }

    /// <summary>The user's connection ids (no copy: do not change the room while enumerating).</summary>
    public IReadOnlyList<string> ConnectionIdsOf(string userId) =>
        _byUser.TryGetValue(userId, out var ofUser) ? ofUser : [];

    public List<(string ConnectionId, IRoomObserver Node)> All() =>
        _byConnection.Select(c => (c.Key, c.Value.Node)).ToList();

    public string? UserOf(string connectionId) =>
        _byConnection.TryGetValue(connectionId, out var entry) ? entry.UserId : null;

    public IRoomObserver? NodeOf(string connectionId) =>
        _byConnection.TryGetValue(connectionId, out var entry) ? entry.Node : null;

    public IEnumerable<string> ConnectionIds => _byConnection.Keys;

    public IEnumerable<string> UsersConnected => _byUser.Keys;

    public bool NodeHasConnections(IRoomObserver node) => _countByNode.ContainsKey(node);

    /// <summary>Makes <paramref name="node"/>'s connections exactly <paramref name="connections"/>.</summary>
    public void Replace(IRoomObserver node, IEnumerable<LocalConnection> connections)
    {
        RemoveWhere(n => n.Equals(node));
        foreach (var c in connections) Add(c.ConnectionId, c.UserId, node);
    }

    public void RemoveWhere(Func<IRoomObserver, bool> nodeMatches)
    {
        foreach (var id in _byConnection.Where(c => nodeMatches(c.Value.Node)).Select(c => c.Key).ToList())
            Remove(id);
    }

    public void Clear()
    {
        _byConnection.Clear();
        _byUser.Clear();
        _countByNode.Clear();
    }
}
