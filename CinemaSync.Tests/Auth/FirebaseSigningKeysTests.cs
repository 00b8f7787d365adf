using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CinemaSync.Tests.Auth;

public sealed class FirebaseSigningKeysTests : IAsyncLifetime
{
    private FakeFirebaseIssuer _issuer = null!;
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync() => _issuer = await FakeFirebaseIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private FirebaseSigningKeys Keys(TimeSpan refreshInterval) => new(
        new SingleClientFactory(),
        Options.Create(new FirebaseOptions { ProjectId = FakeFirebaseIssuer.ProjectId, JwksUrl = _issuer.JwksUrl.ToString(), KeysRefreshInterval = refreshInterval }),
        _clock, NullLogger<FirebaseSigningKeys>.Instance);

    [Fact]
    public async Task FindAsync_FetchesOnceUntilMaxAgeRunsOut_WhenKidIsKnown()
    {
        _issuer.MaxAge = TimeSpan.FromMinutes(10);
        var keys = Keys(TimeSpan.Zero);

        Assert.NotNull(await keys.FindAsync(_issuer.Current.Kid, default));
        Assert.NotNull(await keys.FindAsync(_issuer.Current.Kid, default));
        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(await keys.FindAsync(_issuer.Current.Kid, default));
        Assert.Equal(1, _issuer.JwksRequests);

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.NotNull(await keys.FindAsync(_issuer.Current.Kid, default));
        Assert.Equal(2, _issuer.JwksRequests);
    }

    [Fact]
    public async Task FindAsync_RefetchesAtMostOncePerInterval_WhenUnknownKidsArrive()
    {
        var keys = Keys(TimeSpan.FromSeconds(30));
        Assert.NotNull(await keys.FindAsync(_issuer.Current.Kid, default));
        var rotated = _issuer.Publish(FakeFirebaseIssuer.NewKey());

        for (var i = 0; i < 5; i++) Assert.Null(await keys.FindAsync("nobody-" + i, default));
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.NotNull(await keys.FindAsync(rotated.Kid, default));

        Assert.Equal(2, _issuer.JwksRequests);
    }

    [Fact]
    public async Task FindAsync_Throws_WhenTheJwksCannotBeFetchedAndNothingIsCached()
    {
        var keys = new FirebaseSigningKeys(new SingleClientFactory(),
            Options.Create(new FirebaseOptions { ProjectId = "p", JwksUrl = new Uri(_issuer.JwksUrl, "/missing").ToString() }),
            _clock, NullLogger<FirebaseSigningKeys>.Instance);

        await Assert.ThrowsAsync<FirebaseKeysUnavailableException>(() => keys.FindAsync("any", default));
    }

    private sealed class SingleClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
