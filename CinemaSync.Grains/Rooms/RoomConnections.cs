using CinemaSync.Grains.Abstractions;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// The room's live SignalR connections and the web node that holds each. Soft state: lost on
/// deactivation and rebuilt from the nodes' periodic re-subscriptions.
/// </summary>
internal sealed class RoomConnections
{
    private readonly Dictionary<string, (string UserId, IRoomObserver Node)> _byConnection = new();
    private readonly Dictionary<string, int> _countByUser = new();

    public bool IsConnected(string userId) => _countByUser.ContainsKey(userId);

    public void Add(string connectionId, string userId, IRoomObserver node)
    {
        Remove(connectionId);
        _byConnection[connectionId] = (userId, node);
        _countByUser[userId] = _countByUser.GetValueOrDefault(userId) + 1;
    }

    /// <summary>Removes a connection; returns its node, or null when it was not known.</summary>
    public IRoomObserver? Remove(string connectionId)
    {
        if (!_byConnection.Remove(connectionId, out var entry)) return null;
        var left = _countByUser[entry.UserId] - 1;
        if (left == 0) _countByUser.Remove(entry.UserId);
        else _countByUser[entry.UserId] = left;
        return entry.Node;
    }

    public List<(string ConnectionId, IRoomObserver Node)> OfUser(string userId) =>
        _byConnection.Where(c => c.Value.UserId == userId).Select(c => (c.Key, c.Value.Node)).ToList();

    public List<(string ConnectionId, IRoomObserver Node)> All() =>
        _byConnection.Select(c => (c.Key, c.Value.Node)).ToList();

    public string? UserOf(string connectionId) =>
        _byConnection.TryGetValue(connectionId, out var entry) ? entry.UserId : null;

    public IRoomObserver? NodeOf(string connectionId) =>
        _byConnection.TryGetValue(connectionId, out var entry) ? entry.Node : null;

    public IEnumerable<string> ConnectionIds => _byConnection.Keys;

    public IEnumerable<string> UsersConnected => _countByUser.Keys;

    public bool NodeHasConnections(IRoomObserver node) => _byConnection.Values.Any(c => c.Node.Equals(node));

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
        _countByUser.Clear();
    }
}
