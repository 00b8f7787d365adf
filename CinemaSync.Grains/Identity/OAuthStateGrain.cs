using System.Security.Cryptography;
using System.Text;
using CinemaSync.Contracts;

namespace CinemaSync.Grains.Identity;

/// <summary>A pending OAuth state: persisted so a silo restart does not break a sign-in in progress.</summary>
[GrainType("oauth-state")]
internal sealed class OAuthStateGrain(
    [PersistentState(StateNames.OAuthState, StorageNames.Default)] IPersistentState<OAuthStateRecord> state,
    TimeProvider clock) : Grain, IOAuthStateGrain
{
    public async Task<bool> BeginAsync(string userId, string codeVerifier, TimeSpan lifetime)
    {
        if (state.RecordExists) return false;
        state.State.UserId = userId;
        state.State.CodeVerifier = codeVerifier;
        state.State.ExpiresAt = clock.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds();
        await state.WriteStateAsync();
        // Stay active until the state expires, then forget it, so unused states do not pile up.
        DelayDeactivation(lifetime + TimeSpan.FromMinutes(1));
        this.RegisterGrainTimer(_ => ForgetAsync(), new GrainTimerCreationOptions(lifetime, Timeout.InfiniteTimeSpan) { KeepAlive = false });
        return true;
    }

    public async Task<string?> ClaimAsync(string browserBinding)
    {
        if (!IsLive || browserBinding.Length == 0) return null;
        if (state.State.BrowserBinding.Length == 0)
        {
            state.State.BrowserBinding = browserBinding;
            await state.WriteStateAsync();
        }
        return SameBinding(browserBinding) ? state.State.CodeVerifier : null;
    }

    public async Task<OAuthStateGrant?> ConsumeAsync(string browserBinding)
    {
        if (!state.RecordExists) return null;
        var grant = IsLive && state.State.BrowserBinding.Length > 0 && SameBinding(browserBinding)
            ? new OAuthStateGrant(state.State.UserId, state.State.CodeVerifier)
            : null;
        await ForgetAsync();
        return grant;
    }

    private bool IsLive => state.RecordExists && clock.GetUtcNow().ToUnixTimeMilliseconds() < state.State.ExpiresAt;

    private bool SameBinding(string browserBinding) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state.State.BrowserBinding), Encoding.UTF8.GetBytes(browserBinding));

    private async Task ForgetAsync()
    {
        if (!state.RecordExists) return;
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

[GenerateSerializer]
internal sealed class OAuthStateRecord
{
    [Id(0)] public string UserId { get; set; } = "";
    [Id(1)] public long ExpiresAt { get; set; }
    [Id(2)] public string CodeVerifier { get; set; } = "";
    /// <summary>Hash of the binding cookie of the browser that opened the start link; empty until then.</summary>
    [Id(3)] public string BrowserBinding { get; set; } = "";
}
