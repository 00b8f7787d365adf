using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Realtime;

namespace CinemaSync.Tests.Security;

/// <summary>The server with the shipped defaults of every hub limit (the other tests run with generous ones).</summary>
public sealed class DefaultLimitsServerFixture : IAsyncLifetime
{
    /// <summary>Every <c>RateLimits:*</c> setting at its default.</summary>
    public static Dictionary<string, string?> Defaults()
    {
        var defaults = new RateLimitOptions();
        var settings = new Dictionary<string, string?>();
        foreach (var action in Enum.GetValues<HubAction>())
        {
            var (perSecond, burst) = defaults.Of(action);
            settings[$"{RateLimitOptions.Section}:{RateLimitOptions.KeyOf(action)}PerSecond"] = perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{RateLimitOptions.Section}:{RateLimitOptions.KeyOf(action)}Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return settings;
    }

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(Defaults());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class HubLimitTests(DefaultLimitsServerFixture fixture) : IClassFixture<DefaultLimitsServerFixture>
{
    private TestServer Server => fixture.Server;

    /// <summary>Every client→server method of the hub, with a payload it accepts or refuses (the limit comes first either way).</summary>
    private static readonly string[] Methods =
    [
        "join_room", "leave_room", "update_playback", "chat_message", "reaction", "sync_time", "report_status",
        "set_role", "transfer_host", "kick_member", "update_settings", "queue_add", "queue_remove", "queue_move", "play_next",
    ];

    [Fact]
    public async Task EveryHubMethod_AnswersRateLimited_WhenCalledPastItsBurst()
    {
        var defaults = new RateLimitOptions();
        foreach (var method in Methods)
        {
            var user = await Server.SignInAsync("Hammer " + method);
            await using var client = await Server.ConnectAsync(user);
            var hubAction = ActionOf(method);
            var burst = defaults.Of(hubAction).Burst;
            var acks = new List<JsonElement>();
            for (var i = 0; i < burst + 3; i++)
                acks.Add(await client.InvokeAsync(method, new { room_id = "nosuchroom1", client_time = 1.0 }));
            Assert.True(acks.Take(burst).All(a => !IsRateLimited(a)), $"{method} was limited within its burst of {burst}");
            Assert.True(acks.Skip(burst + 1).All(IsRateLimited), $"{method} is not limited past its burst of {burst}: {acks[^1]}");
        }
    }

    private static bool IsRateLimited(JsonElement ack) =>
        !ack.GetProperty("ok").GetBoolean() && ack.Str("error") == "rate_limited";

    private static HubAction ActionOf(string method) => method switch
    {
        "join_room" => HubAction.Join,
        "leave_room" => HubAction.Leave,
        "update_playback" => HubAction.Playback,
        "chat_message" => HubAction.Chat,
        "reaction" => HubAction.Reaction,
        "sync_time" => HubAction.SyncTime,
        "report_status" => HubAction.Status,
        "set_role" or "transfer_host" or "kick_member" or "update_settings" => HubAction.Moderation,
        _ => HubAction.Queue,
    };

    [Fact]
    public async Task ReportStatus_CannotFlipTheRoomFasterThanTheLimit_AndRefusedReportsChangeNothing()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (_, flipper) = await Server.JoinedUserAsync(roomId, "Flipper");
        await using var ownedFlipper = flipper;
        var started = await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 0.0 });
        started.AssertOk();
        var startVersion = started.GetProperty("playback_state").Long("version");

        var acks = new List<JsonElement>();
        for (var i = 0; i < 40; i++)
            acks.Add(await flipper.InvokeAsync("report_status", new { room_id = roomId, state = i % 2 == 0 ? "buffering" : "ready", position = 1.0 }));
        var accepted = acks.Count(a => a.GetProperty("ok").GetBoolean());
        Assert.InRange(accepted, 1, new RateLimitOptions().StatusBurst + 2);
        acks.Where(a => !a.GetProperty("ok").GetBoolean()).ToList().ForEach(a => a.AssertError("rate_limited"));

        // Each accepted report flips the room at most once; the refused ones did nothing.
        var room = await Server.GetRoomAsync(host, roomId);
        Assert.InRange(room.GetProperty("playback_state").Long("version") - startVersion, 0, accepted);
    }

    /// <summary>A watch session as the page drives it stays well inside every default limit.</summary>
    [Fact]
    public async Task AUserUnderTheLimits_NeverSeesRateLimited()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using var hostClient = await Server.ConnectAsync(host);
        var guest = await Server.SignInAsync("Guest");
        await using var guestClient = await Server.ConnectAsync(guest);
        var video = new { type = "directLink", url = "https://videos.test/next.mp4" };

        var acks = new List<JsonElement>
        {
            await hostClient.JoinAsync(roomId),
            await guestClient.JoinAsync(roomId),
        };
        for (var i = 0; i < 5; i++)
        {
            acks.Add(await hostClient.InvokeAsync("sync_time", new { client_time = 1.0 * i }));
            acks.Add(await guestClient.InvokeAsync("sync_time", new { client_time = 1.0 * i, rtt_ms = 20 }));
        }
        acks.Add(await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 0.0 }));
        acks.Add(await guestClient.InvokeAsync("report_status", new { room_id = roomId, state = "buffering", position = 0.0 }));
        acks.Add(await guestClient.InvokeAsync("report_status", new { room_id = roomId, state = "ready", position = 0.0 }));
        for (var i = 0; i < 3; i++) acks.Add(await guestClient.InvokeAsync("chat_message", new { room_id = roomId, text = $"hi {i}" }));
        acks.Add(await guestClient.InvokeAsync("reaction", new { room_id = roomId, emoji = "+1" }));
        acks.Add(await hostClient.InvokeAsync("set_role", new { room_id = roomId, user_id = guest.UserId, role = "co_host" }));
        acks.Add(await hostClient.InvokeAsync("update_settings", new { room_id = roomId, settings = new { chat_enabled = true } }));
        var added = await guestClient.InvokeAsync("queue_add", new { room_id = roomId, movie_source = video });
        acks.Add(added);
        acks.Add(await guestClient.InvokeAsync("queue_add", new { room_id = roomId, movie_source = video }));
        acks.Add(await guestClient.InvokeAsync("queue_move", new { room_id = roomId, item_id = added.GetProperty("item").Str("item_id"), index = 1 }));
        acks.Add(await guestClient.InvokeAsync("play_next", new { room_id = roomId }));
        acks.Add(await hostClient.InvokeAsync("transfer_host", new { room_id = roomId, user_id = guest.UserId }));
        acks.Add(await guestClient.InvokeAsync("kick_member", new { room_id = roomId, user_id = host.UserId }));
        acks.Add(await guestClient.InvokeAsync("leave_room", new { room_id = roomId }));

        Assert.All(acks, a => a.AssertOk());
    }
}

public sealed class LimitSettingsTests
{
    [Theory]
    [InlineData("Rooms:MaxBans", "0")]
    [InlineData("Rooms:WrongPasswordLimit", "0")]
    [InlineData("Users:RoomCreationLimit", "-1")]
    [InlineData("RateLimits:StatusBurst", "0")]
    [InlineData("RateLimits:SyncTimePerSecond", "0")]
    [InlineData("Health:ProbeCacheDuration", "01:00:00")]
    public async Task Start_IsRefusedWithTheSettingNamed_WhenALimitIsOutOfRange(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { [key] = value });
        });
        Assert.Contains(key, error.Message);
    }
}
