using CinemaSync.Grains.Abstractions;

namespace CinemaSync.Grains.Identity;

/// <summary>A pending OAuth state: persisted so a silo restart does not break a sign-in in progress.</summary>
[GrainType("oauth-state")]
public sealed class OAuthStateGrain(
    [PersistentState(StateNames.OAuthState, StorageNames.Default)] IPersistentState<OAuthStateRecord> state,
    TimeProvider clock) : Grain, IOAuthStateGrain
{
    public async Task<bool> BeginAsync(string userId, TimeSpan lifetime)
    {
        if (state.RecordExists) return false;
        state.State.UserId = userId;
        state.State.ExpiresAt = clock.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds();
        await state.WriteStateAsync();
        // Stay active until the state expires, then forget it, so unused states do not pile up.
        DelayDeactivation(lifetime + TimeSpan.FromMinutes(1));
        this.RegisterGrainTimer(_ => ForgetAsync(), new GrainTimerCreationOptions(lifetime, Timeout.InfiniteTimeSpan) { KeepAlive = false });
        return true;
    }

    public async Task<string?> ConsumeAsync()
    {
        if (!state.RecordExists) return null;
        var userId = state.State.UserId;
        var expired = clock.GetUtcNow().ToUnixTimeMilliseconds() >= state.State.ExpiresAt;
        await ForgetAsync();
        return expired ? null : userId;
    }

    private async Task ForgetAsync()
    {
        if (!state.RecordExists) return;
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

[GenerateSerializer]
public sealed class OAuthStateRecord
{
    [Id(0)] public string UserId { get; set; } = "";
    [Id(1)] public long ExpiresAt { get; set; }
}
