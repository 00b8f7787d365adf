using System.Text.Json;
using CinemaSync.Tests.Browser;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Docs;

/// <summary>
/// The client package's one list of wire names (clients/js/src/names.js and the error table in
/// errors.js) against the server's contract types, both ways: the hub's methods, the events with
/// and without <c>seq</c>, and the error codes.
/// </summary>
public sealed class ClientNamesTests(ITestOutputHelper output)
{
    private const string PrintNames =
        "import * as c from './src/index.js';" +
        "console.log('NAMES ' + JSON.stringify({ methods: Object.keys(c.HUB_METHODS), seq: c.SEQ_EVENTS, direct: c.DIRECT_EVENTS, errors: c.ERROR_CODES }));";

    private static readonly Lazy<Task<JsonElement>> Names = new(async () =>
    {
        var (exitCode, text) = await NodeScript.RunAsync(ClientPackageTests.PackageDirectory, ["--input-type=module", "-e", PrintNames], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"node could not load the client package:\n{text}");
        var line = text.Split('\n').Single(l => l.StartsWith("NAMES ", StringComparison.Ordinal));
        return JsonDocument.Parse(line["NAMES ".Length..]).RootElement.Clone();
    });

    private static async Task<IReadOnlyList<string>> PackageListAsync(string name) =>
        (await Names.Value).GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToList();

    private void AssertSameNames(string what, IEnumerable<string> server, IEnumerable<string> package)
    {
        var s = server.ToHashSet();
        var p = package.ToHashSet();
        output.WriteLine($"{what}: {string.Join(", ", s.Order())}");
        Assert.NotEmpty(s);
        var missing = s.Except(p).Order().ToList();
        var unknown = p.Except(s).Order().ToList();
        Assert.True(missing.Count == 0 && unknown.Count == 0,
            $"{what}: the package lacks [{string.Join(", ", missing)}] and has names the server does not [{string.Join(", ", unknown)}]");
    }

    [NodeFact]
    public async Task ClientPackage_ListsExactlyTheHubMethods_WhenComparedWithRoomHub() =>
        AssertSameNames("hub methods", ServerContract.HubMethodNames(), await PackageListAsync("methods"));

    [NodeFact]
    public async Task ClientPackage_ListsExactlyTheNumberedEvents_WhenComparedWithTheRoomEvents() =>
        AssertSameNames("events with seq", ServerContract.EventNames().Where(e => e.Numbered).Select(e => e.Name), await PackageListAsync("seq"));

    [NodeFact]
    public async Task ClientPackage_ListsExactlyTheDirectMessages_WhenComparedWithTheRoomMessages() =>
        AssertSameNames("events without seq", ServerContract.EventNames().Where(e => !e.Numbered).Select(e => e.Name), await PackageListAsync("direct"));

    [NodeFact]
    public async Task ClientPackage_HasASentenceForEveryErrorCode_WhenComparedWithErrorCodes() =>
        AssertSameNames("error codes", ServerContract.ErrorCodeNames(), await PackageListAsync("errors"));
}
