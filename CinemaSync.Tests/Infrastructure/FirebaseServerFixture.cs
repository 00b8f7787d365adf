namespace CinemaSync.Tests.Infrastructure;

/// <summary>A fake securetoken issuer and a server that trusts it (keys re-fetched on any unknown kid).</summary>
public sealed class FirebaseServerFixture : IAsyncLifetime
{
    public FakeFirebaseIssuer Issuer { get; private set; } = null!;
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await FakeFirebaseIssuer.StartAsync();
        Server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["FIREBASE_PROJECT_ID"] = FakeFirebaseIssuer.ProjectId,
            ["FIREBASE_JWKS_URL"] = Issuer.JwksUrl.ToString(),
            ["Firebase:KeysRefreshInterval"] = "00:00:00",
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
