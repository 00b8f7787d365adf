using CinemaSync.Contracts;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Rooms;

/// <summary>Roles, host hand-over and failover, kick and ban, settings.</summary>
public sealed partial class RoomGrain
{
    public async Task<RoomResult<Done>> SetRoleAsync(string userId, string targetUserId, string role)
    {
        if (RefuseUnlessController<Done>(userId, hostOnly: true) is { } refused) return refused;
        if (role is not (ParticipantRoles.CoHost or ParticipantRoles.Member))
            return RoomResult<Done>.Fail(ErrorCodes.InvalidPayload, "role must be \"co_host\" or \"member\".");
        if (Room.Participant(targetUserId) is not { } target)
            return RoomResult<Done>.Fail(ErrorCodes.NotMember, "That user is not a member of this room.");
        if (target.Role == ParticipantRoles.Host)
            return RoomResult<Done>.Fail(ErrorCodes.Forbidden, "The host's role changes only by transferring host.");
        if (target.Role == role) return RoomResult<Done>.Ok(Done.Value);

        target.Role = role;
        var changed = new RoleChangedEvent { RoomId = RoomId, Seq = NextSeq(), UserId = targetUserId, Role = role };
        if (!await CommitAsync(changed)) return Unavailable<Done>();
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task<RoomResult<Done>> TransferHostAsync(string userId, string targetUserId)
    {
        if (RefuseUnlessController<Done>(userId, hostOnly: true) is { } refused) return refused;
        if (Room.Participant(targetUserId) is null || targetUserId == userId)
            return RoomResult<Done>.Fail(ErrorCodes.NotMember, "Host can pass only to another member of this room.");
        return await ChangeHostAsync(targetUserId, by: userId) ? RoomResult<Done>.Ok(Done.Value) : Unavailable<Done>();
    }

    /// <summary>The old host becomes a co-host; <c>host_changed</c> and <c>room_updated</c> follow.</summary>
    private async Task<bool> ChangeHostAsync(string newHostId, string? by)
    {
        if (Room.Participant(Room.HostId) is { } oldHost) oldHost.Role = ParticipantRoles.CoHost;
        Room.Participant(newHostId)!.Role = ParticipantRoles.Host;
        Room.HostId = newHostId;
        _hostAwaySince = _connections.IsConnected(newHostId) ? null : Now;
        var changed = new HostChangedEvent { RoomId = RoomId, Seq = NextSeq(), HostId = newHostId, By = by };
        var updated = new RoomUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), Room = View() };
        return await CommitAsync(changed, updated);
    }

    private void HostWentAway()
    {
        _hostAwaySince ??= Now;
        EnsureTicking();
    }

    private void HostIsBack() => _hostAwaySince = null;

    /// <summary>The host stayed away past the grace period: the longest-present connected co-host, else member, takes over.</summary>
    private async Task HostFailoverAsync()
    {
        if (_connections.IsConnected(Room.HostId))
        {
            HostIsBack();
            return;
        }
        var heir = Room.Participants.Where(p => p.UserId != Room.HostId && _connections.IsConnected(p.UserId))
            .OrderBy(p => p.Role == ParticipantRoles.CoHost ? 0 : 1).ThenBy(p => p.JoinedAt).FirstOrDefault();
        if (heir is null) return; // nobody connected: the host stays, so a restarted server keeps its hosts
        _log.LogInformation("Room {RoomId}: host {HostId} away past the grace period; host passes to {UserId}", RoomId, Room.HostId, heir.UserId);
        await ChangeHostAsync(heir.UserId, by: null);
    }

    public async Task<RoomResult<Done>> KickAsync(string userId, string targetUserId, bool ban)
    {
        if (RefuseUnlessController<Done>(userId) is { } refused) return refused;
        if (ban && Room.Banned.Count >= _options.MaxBans && !Room.Banned.Contains(targetUserId))
            return RoomResult<Done>.Fail(ErrorCodes.LimitReached, $"The room's ban list is full ({_options.MaxBans} users); kick without banning.");
        if (Room.Participant(targetUserId) is not { } target)
        {
            if (!ban || Room.Banned.Contains(targetUserId)) return RoomResult<Done>.Fail(ErrorCodes.NotMember, "That user is not a member of this room.");
            Room.Banned.Add(targetUserId);
            return await TryPersistAsync() ? RoomResult<Done>.Ok(Done.Value) : Unavailable<Done>();
        }
        var actorRole = Room.Participant(userId)!.Role;
        if (target.Role == ParticipantRoles.Host || (target.Role == ParticipantRoles.CoHost && actorRole != ParticipantRoles.Host) || targetUserId == userId)
            return RoomResult<Done>.Fail(ErrorCodes.Forbidden, "You cannot kick that member.");
        return await RemoveParticipantAsync(targetUserId, new KickedMessage { RoomId = RoomId, Banned = ban });
    }

    public async Task<RoomResult<RoomSettings>> UpdateSettingsAsync(string userId, SettingsPatch patch)
    {
        if (RefuseUnlessController<RoomSettings>(userId, hostOnly: true) is { } refused) return refused;
        var s = Room.Settings;
        var merged = s with
        {
            ChatEnabled = patch.ChatEnabled ?? s.ChatEnabled,
            ReactionsEnabled = patch.ReactionsEnabled ?? s.ReactionsEnabled,
            MaxParticipants = patch.MaxParticipants ?? s.MaxParticipants,
            WaitForBuffering = patch.WaitForBuffering ?? s.WaitForBuffering,
            BufferTimeoutMs = patch.BufferTimeoutMs ?? s.BufferTimeoutMs,
            HostGraceMs = patch.HostGraceMs ?? s.HostGraceMs,
        };
        if (merged.MaxParticipants is < RoomSettings.MinParticipants or > RoomSettings.MaxParticipantsLimit
            || merged.BufferTimeoutMs is < RoomSettings.MinBufferTimeoutMs or > RoomSettings.MaxBufferTimeoutMs
            || merged.HostGraceMs is < RoomSettings.MinHostGraceMs or > RoomSettings.MaxHostGraceMs)
            return RoomResult<RoomSettings>.Fail(ErrorCodes.InvalidPayload, "A setting is out of range.");
        if (merged == s) return RoomResult<RoomSettings>.Ok(s);

        Room.Settings = merged;
        var seq = NextSeq();
        if (!await CommitAsync(new RoomUpdatedEvent { RoomId = RoomId, Seq = seq, Room = View() })) return Unavailable<RoomSettings>();
        if (!merged.WaitForBuffering && Room.Playback.Status == PlaybackStatus.Waiting) await ResumeAsync();
        return RoomResult<RoomSettings>.Ok(merged);
    }
}
