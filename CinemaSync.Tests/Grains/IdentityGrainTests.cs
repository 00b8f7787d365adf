using CinemaSync.Contracts;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Grains;

public sealed class IdentityGrainTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    private static string NewState() => "state-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task OAuthState_IsConsumedOnce_ByTheBrowserThatClaimedItFirst()
    {
        var state = Grains.GetGrain<IOAuthStateGrain>(NewState());
        Assert.True(await state.BeginAsync("ana", "verifier-1", TimeSpan.FromMinutes(10)));
        Assert.False(await state.BeginAsync("mallory", "verifier-2", TimeSpan.FromMinutes(10)));

        Assert.Equal("verifier-1", await state.ClaimAsync("browser-a"));
        Assert.Null(await state.ClaimAsync("browser-b"));
        Assert.Equal("verifier-1", await state.ClaimAsync("browser-a"));

        Assert.Equal(new OAuthStateGrant("ana", "verifier-1"), await state.ConsumeAsync("browser-a"));
        Assert.Null(await state.ConsumeAsync("browser-a"));
    }

    [Fact]
    public async Task OAuthState_IsSpent_WhenAnotherBrowserPresentsIt()
    {
        var state = Grains.GetGrain<IOAuthStateGrain>(NewState());
        Assert.True(await state.BeginAsync("ana", "verifier-1", TimeSpan.FromMinutes(10)));
        Assert.NotNull(await state.ClaimAsync("browser-a"));

        Assert.Null(await state.ConsumeAsync("browser-b"));
        Assert.Null(await state.ConsumeAsync("browser-a"));
    }

    [Theory]
    [InlineData("browser-a")]
    [InlineData("")]
    public async Task OAuthState_IsRefused_WhenNoBrowserClaimedIt(string binding)
    {
        var state = Grains.GetGrain<IOAuthStateGrain>(NewState());
        Assert.True(await state.BeginAsync("ana", "verifier-1", TimeSpan.FromMinutes(10)));
        Assert.Null(await state.ClaimAsync(""));

        Assert.Null(await state.ConsumeAsync(binding));
    }

    [Fact]
    public async Task OAuthState_IsRefused_AfterItsLifetime()
    {
        var state = Grains.GetGrain<IOAuthStateGrain>(NewState());
        Assert.True(await state.BeginAsync("ana", "verifier-1", TimeSpan.FromMilliseconds(200)));

        await Task.Delay(TimeSpan.FromMilliseconds(400)); // the lifetime itself is what is under test

        Assert.Null(await state.ClaimAsync("browser-a"));
        Assert.Null(await state.ConsumeAsync("browser-a"));
    }

    [Fact]
    public async Task OAuthState_IsUnknown_WhenNeverIssued()
    {
        Assert.Null(await Grains.GetGrain<IOAuthStateGrain>(NewState()).ClaimAsync("browser-a"));
        Assert.Null(await Grains.GetGrain<IOAuthStateGrain>(NewState()).ConsumeAsync("browser-a"));
    }

    [Fact]
    public async Task GoogleLink_ReplaceAndRemove_OnlyTouchTheExpectedTokens()
    {
        var user = Grains.GetGrain<IUserGrain>("g-" + Guid.NewGuid().ToString("N"));
        Assert.Null(await user.GetGoogleAsync());
        await user.SetGoogleAsync(new GoogleLink { ProtectedTokens = "v1", Email = "a@b.test", ConnectedAt = 1 });

        Assert.False(await user.ReplaceGoogleTokensAsync("stale", "v2"));
        Assert.True(await user.ReplaceGoogleTokensAsync("v1", "v2"));
        Assert.Equal("v2", (await user.GetGoogleAsync())!.ProtectedTokens);
        Assert.Equal("a@b.test", (await user.GetGoogleAsync())!.Email);

        Assert.False(await user.RemoveGoogleAsync("v1"));
        Assert.True(await user.RemoveGoogleAsync("v2"));
        Assert.Null(await user.GetGoogleAsync());
        Assert.False(await user.ReplaceGoogleTokensAsync("v2", "v3"));
    }

    [Fact]
    public async Task DataProtectionKeys_AreKeptByName()
    {
        var keys = Grains.GetGrain<IDataProtectionKeysGrain>("test-" + Guid.NewGuid().ToString("N"));
        await keys.StoreAsync("key-1", "<key id=\"1\" />");
        await keys.StoreAsync("key-2", "<key id=\"2\" />");
        await keys.StoreAsync("key-1", "<key id=\"1\" revised=\"true\" />");

        Assert.Equal(["<key id=\"2\" />", "<key id=\"1\" revised=\"true\" />"], await keys.GetAllAsync());
    }
}
