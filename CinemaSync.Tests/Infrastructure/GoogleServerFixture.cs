namespace CinemaSync.Tests.Infrastructure;

/// <summary>A fake Google OAuth server and a web node pointed at it.</summary>
public sealed class GoogleServerFixture : IAsyncLifetime
{
    public const string ApiBaseUrl = "https://api.cinemasync.test";
    public const string FrontendUrl = "https://app.cinemasync.test";
    /// <summary>A configured frontend on another site than the API (its navigations are <c>cross-site</c>).</summary>
    public const string PartnerFrontendUrl = "https://watch.partner.test";

    public FakeGoogleOAuthServer Google { get; private set; } = null!;
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Google = await FakeGoogleOAuthServer.StartAsync();
        Server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GOOGLE_CLIENT_ID"] = FakeGoogleOAuthServer.ClientId,
            ["GOOGLE_CLIENT_SECRET"] = FakeGoogleOAuthServer.ClientSecret,
            ["GOOGLE_OAUTH_AUTH_URL"] = Google.AuthUrl.ToString(),
            ["GOOGLE_OAUTH_TOKEN_URL"] = Google.TokenUrl.ToString(),
            ["GOOGLE_OAUTH_REVOKE_URL"] = Google.RevokeUrl.ToString(),
            ["API_BASE_URL"] = ApiBaseUrl,
            ["FRONTEND_URL"] = FrontendUrl + ",https://other.cinemasync.test," + PartnerFrontendUrl,
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Google.DisposeAsync();
    }
}
