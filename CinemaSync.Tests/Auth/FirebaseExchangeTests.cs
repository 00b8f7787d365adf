using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Auth;

public sealed class FirebaseExchangeTests(FirebaseServerFixture fixture) : IClassFixture<FirebaseServerFixture>
{
    private TestServer Server => fixture.Server;
    private FakeFirebaseIssuer Issuer => fixture.Issuer;

    private Task<HttpResponseMessage> ExchangeAsync(string idToken) =>
        Server.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = idToken });

    [Fact]
    public async Task Exchange_ReturnsBackendTokenAndSavesProfile_WhenIdTokenIsValid()
    {
        var claims = FakeFirebaseIssuer.ValidClaims();
        var response = await ExchangeAsync(Issuer.Mint(claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["token", "expires_at", "user"], body.EnumerateObject().Select(p => p.Name));
        var user = body.GetProperty("user");
        Assert.Equal(claims["sub"], user.Str("user_id"));
        Assert.Equal("Ana Lima", user.Str("display_name"));
        Assert.Equal("ana@example.com", user.Str("email"));
        Assert.Equal("https://photos.example.com/ana.png", user.Str("photo_url"));
        Assert.True(body.Long("expires_at") > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var me = await Server.SendAsync(HttpMethod.Get, "/api/auth/me", new TestUser(user.Str("user_id"), "", body.Str("token")));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(claims["sub"], (await me.Content.ReadFromJsonAsync<JsonElement>()).Str("user_id"));
    }

    [Fact]
    public async Task Exchange_UpdatesTheProfile_WhenTheSameUserSignsInAgain()
    {
        var claims = FakeFirebaseIssuer.ValidClaims();
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(Issuer.Mint(claims))).StatusCode);
        claims["name"] = "Ana L.";
        claims.Remove("picture");

        var body = await (await ExchangeAsync(Issuer.Mint(claims))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Ana L.", body.GetProperty("user").Str("display_name"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("user").GetProperty("photo_url").ValueKind);
    }

    [Theory]
    [InlineData("ana.silva@example.com", "ana.silva")]
    [InlineData(null, "User")]
    public async Task Exchange_DerivesDisplayName_WhenTokenHasNoName(string? email, string expected)
    {
        var claims = FakeFirebaseIssuer.ValidClaims();
        claims.Remove("name");
        claims["email"] = email;
        if (email is null) claims.Remove("email");

        var response = await ExchangeAsync(Issuer.Mint(claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").Str("display_name"));
    }

    [Theory]
    [InlineData("bad_signature", "signature")]
    [InlineData("unknown_kid", "unknown key")]
    [InlineData("no_kid", "unknown key")]
    [InlineData("alg_none", "RS256")]
    [InlineData("hs256_with_public_key", "RS256")]
    [InlineData("wrong_aud", "another project")]
    [InlineData("wrong_iss", "issuer")]
    [InlineData("expired", "expired")]
    [InlineData("no_exp", "no expiry")]
    [InlineData("future_iat", "iat")]
    [InlineData("future_auth_time", "auth_time")]
    [InlineData("empty_sub", "sub")]
    [InlineData("long_sub", "sub")]
    [InlineData("garbage", "malformed")]
    public async Task Exchange_Answers401Unauthorized_WhenIdTokenIsBad(string defect, string reason)
    {
        var claims = FakeFirebaseIssuer.ValidClaims();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = defect switch
        {
            // Signed by a key nobody published, but claiming the published key's id.
            "bad_signature" => Issuer.Mint(claims, FakeFirebaseIssuer.NewKey(), kid: Issuer.Current.Kid),
            "unknown_kid" => Issuer.Mint(claims, FakeFirebaseIssuer.NewKey()),
            "no_kid" => Issuer.Mint(claims, kid: ""),
            "alg_none" => Issuer.Mint(claims, alg: "none"),
            "hs256_with_public_key" => Issuer.Mint(claims, alg: "HS256"),
            "wrong_aud" => Issuer.Mint(With(claims, "aud", "another-project")),
            "wrong_iss" => Issuer.Mint(With(claims, "iss", "https://securetoken.google.com/another-project")),
            "expired" => Issuer.Mint(With(With(With(claims, "exp", now - 300), "iat", now - 3900), "auth_time", now - 3900)),
            "no_exp" => Issuer.Mint(With(claims, "exp", null)),
            "future_iat" => Issuer.Mint(With(claims, "iat", now + 600)),
            "future_auth_time" => Issuer.Mint(With(claims, "auth_time", now + 600)),
            "empty_sub" => Issuer.Mint(With(claims, "sub", "")),
            "long_sub" => Issuer.Mint(With(claims, "sub", new string('a', 129))),
            "garbage" => "this is not a token",
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var response = await ExchangeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unauthorized", problem.Str("error"));
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("detail")));
        Assert.Contains(reason, problem.Str("detail"));
    }

    [Fact]
    public async Task Exchange_Answers400InvalidPayload_WhenIdTokenIsMissing()
    {
        var response = await Server.Http.PostAsJsonAsync("/api/auth/exchange", new { token = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_payload", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }

    [Fact]
    public async Task Exchange_AcceptsANewlyPublishedKey_WhenKeysRotate()
    {
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(Issuer.Mint())).StatusCode);
        var rotated = FakeFirebaseIssuer.NewKey();
        var early = Issuer.Mint(key: rotated);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ExchangeAsync(early)).StatusCode);

        Issuer.Publish(rotated);

        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(Issuer.Mint(key: rotated))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(Issuer.Mint())).StatusCode);
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> claims, string name, object? value)
    {
        var copy = new Dictionary<string, object?>(claims);
        if (value is null) copy.Remove(name);
        else copy[name] = value;
        return copy;
    }
}
