using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CinemaSync.Contracts;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Docs;

/// <summary>
/// docs/api.md against what the server really offers: the routes of its OpenAPI document (both
/// ways), the hub's method names and the names of the events the web node sends. Route
/// parameters are compared without their names (<c>{roomId}</c> in the code is <c>{room_id}</c>
/// in the docs).
/// </summary>
public sealed partial class ApiReferenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string DocPath = "docs/api.md";

    private static readonly Lazy<string> DocText = new(() =>
    {
        var path = Path.Combine(RepositoryPaths.Root, DocPath);
        Assert.True(File.Exists(path), $"{DocPath} is missing (looked at {path}).");
        return File.ReadAllText(path);
    });

    private static string Doc => DocText.Value;

    [Fact]
    public async Task ApiReference_NamesEveryRoute_WhenTheServerPublishesItsOpenApiDocument()
    {
        var documented = DocumentedRoutes().Select(r => r.Key).ToHashSet();

        var missing = (await OpenApiRoutesAsync()).Where(r => !documented.Contains(r.Key)).Select(r => r.Text).ToList();

        Assert.True(missing.Count == 0, $"{DocPath} lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task ApiReference_NamesOnlyRoutesThatExist_WhenComparedWithTheOpenApiDocument()
    {
        var served = await OpenApiRoutesAsync();
        var routes = served.Select(r => r.Key).ToHashSet();
        var paths = served.Select(r => r.Path).ToHashSet();

        var unknownRoutes = DocumentedRoutes().Where(r => !routes.Contains(r.Key)).ToList();
        var unknownPaths = DocumentedPaths()
            .Where(p => !paths.Contains(p.Path) && unknownRoutes.All(r => r.Path != p.Path))
            .Select(p => p.Text);
        var unknown = unknownRoutes.Select(r => r.Text).Concat(unknownPaths).Distinct().ToList();

        Assert.True(unknown.Count == 0, $"{DocPath} names routes the OpenAPI document does not have: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void ApiReference_NamesEveryHubMethod_WhenComparedWithRoomHub()
    {
        var methods = ServerContract.HubMethodNames();
        Assert.NotEmpty(methods);

        var missing = methods.Where(name => !Doc.Contains($"`{name}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"{DocPath} lacks the hub methods: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ApiReference_NamesEveryServerEvent_WhenComparedWithTheRoomMessages()
    {
        var events = ServerContract.EventNames().Select(e => e.Name).ToList();
        Assert.Contains(RoomJoinedEvent.EventName, events);

        var missing = events.Where(name => !Doc.Contains($"`{name}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"{DocPath} lacks the events: {string.Join(", ", missing)}");
    }

    private sealed record Route(string Method, string Path, string Text)
    {
        public string Key => $"{Method} {Path}";
    }

    private sealed record DocumentedPath(string Path, string Text);

    private async Task<IReadOnlyList<Route>> OpenApiRoutesAsync()
    {
        var document = await fixture.Server.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var routes = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => Verbs.Contains(operation.Name.ToUpperInvariant()))
                .Select(operation => new Route(operation.Name.ToUpperInvariant(), Normalize(path.Name),
                    $"{operation.Name.ToUpperInvariant()} {path.Name}")))
            .ToList();
        Assert.NotEmpty(routes);
        return routes;
    }

    private static IEnumerable<Route> DocumentedRoutes() =>
        RouteInDoc().Matches(Doc).Select(m => new Route(m.Groups["method"].Value, Normalize(m.Groups["path"].Value), m.Value));

    private static IEnumerable<DocumentedPath> DocumentedPaths() =>
        PathInDoc().Matches(Doc).Select(m => new DocumentedPath(Normalize(m.Value), m.Value));

    private static readonly HashSet<string> Verbs = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];

    /// <summary><c>/api/rooms/{roomId}/</c> and <c>/api/rooms/{room_id}</c> are the same route.</summary>
    private static string Normalize(string path) => Parameter().Replace(path, "{}").TrimEnd('/');

    [GeneratedRegex(@"\b(?<method>GET|POST|PUT|DELETE|PATCH|HEAD) (?<path>/api/[A-Za-z0-9_\-/{}]*)")]
    private static partial Regex RouteInDoc();

    [GeneratedRegex(@"/api/[A-Za-z0-9_\-/{}]*")]
    private static partial Regex PathInDoc();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
