using System.Collections.Concurrent;
using CinemaSync.Contracts;
using CinemaSync.Web.Observability;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// This node's hub connections and the rooms each is joined to: the one place a connection's room
/// membership is known here. The room's SignalR group, which delivers its events, is changed only
/// through <see cref="AddAsync"/> and <see cref="RemoveAsync"/>, so it never disagrees with this index.
/// A connection's round-trip times are kept here too.
/// Changes are made under one lock; the per-room view (<see cref="CountIn"/>, <see cref="In"/>), read on
/// every room event, is an immutable array per room replaced on each change, read without the lock.
/// </summary>
public sealed class LocalConnections(IHubContext<RoomHub> hub)
{
    private sealed class Connection(string userId)
    {
        public string UserId { get; } = userId;
        public HashSet<string> Rooms { get; } = [];
        public RttWindow Rtt { get; } = new();
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, Connection> _connections = new();
    private readonly ConcurrentDictionary<string, LocalConnection[]> _connectionsByRoom = new();

    public static string GroupName(string roomId) => "room:" + roomId;

    public void Connected(string connectionId, string userId)
    {
        lock (_gate) _connections.TryAdd(connectionId, new Connection(userId));
    }

    /// <summary>The connection is gone (SignalR drops it from its groups); returns the rooms whose grains must hear of it.</summary>
    public IReadOnlyCollection<string> Disconnected(string connectionId)
    {
        lock (_gate)
        {
            if (!_connections.Remove(connectionId, out var connection)) return [];
            foreach (var roomId in connection.Rooms) RemoveFromRoom(roomId, connectionId);
            return connection.Rooms;
        }
    }

    /// <summary>
    /// The room counts the connection in (its join was accepted): it receives the room's events from now on.
    /// False when the connection is gone already; the caller tells the room.
    /// </summary>
    public async Task<bool> AddAsync(string roomId, string connectionId)
    {
        Task grouped;
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection)) return false;
            if (!connection.Rooms.Add(roomId)) return true;
            _connectionsByRoom[roomId] = [.. _connectionsByRoom.GetValueOrDefault(roomId, []), new LocalConnection { ConnectionId = connectionId, UserId = connection.UserId }];
            WebTelemetry.JoinedMembers.Add(1);
            // Started under the lock (the in-memory lifetime manager changes the group before it returns),
            // so a racing removal cannot leave the group and the index apart.
            grouped = hub.Groups.AddToGroupAsync(connectionId, GroupName(roomId));
        }
        await grouped;
        return true;
    }

    /// <summary>The connection no longer belongs to the room (the room said so): it stops receiving its events.</summary>
    public async Task RemoveAsync(string roomId, string connectionId)
    {
        Task ungrouped;
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection) || !connection.Rooms.Remove(roomId)) return;
            RemoveFromRoom(roomId, connectionId);
            ungrouped = hub.Groups.RemoveFromGroupAsync(connectionId, GroupName(roomId));
        }
        await ungrouped;
    }

    /// <summary>Under the lock: the room's array without the connection, or no entry when it was the last.</summary>
    private void RemoveFromRoom(string roomId, string connectionId)
    {
        if (!_connectionsByRoom.TryGetValue(roomId, out var members)) return;
        var index = Array.FindIndex(members, m => m.ConnectionId == connectionId);
        if (index < 0) return;
        WebTelemetry.JoinedMembers.Add(-1);
        if (members.Length == 1) _connectionsByRoom.TryRemove(roomId, out _);
        else _connectionsByRoom[roomId] = [.. members.AsSpan(0, index), .. members.AsSpan(index + 1)];
    }

    /// <summary>How many of this node's connections are joined to the room (the copies one event costs here).</summary>
    public int CountIn(string roomId) => _connectionsByRoom.TryGetValue(roomId, out var members) ? members.Length : 0;

    /// <summary>The room's connections on this node, as a re-subscription announces them (a copy, in join order).</summary>
    public LocalConnection[] In(string roomId) => _connectionsByRoom.TryGetValue(roomId, out var members) ? [.. members] : [];

    /// <summary>
    /// Adds a round-trip sample of a connection (its last <see cref="RttWindow.Size"/> kept, their minimum used).
    /// Returns the new RTT and the rooms to tell when it changed, else null.
    /// </summary>
    public (int RttMs, IReadOnlyCollection<string> Rooms)? ReportRtt(string connectionId, int rttMs)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection)) return null;
            return connection.Rtt.Add(rttMs) ? (connection.Rtt.Current!.Value, connection.Rooms.ToList()) : null;
        }
    }
}
