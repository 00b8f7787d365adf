using System.Reflection;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Tests.Realtime;

public sealed class RoomHubFilterTests
{
    [Fact]
    public void EveryHubMethod_HasAHubLimit_SoTheFilterNeverRefusesItAsUnconfigured()
    {
        var methods = typeof(RoomHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<HubMethodNameAttribute>() is not null)
            .ToList();
        Assert.Equal(20, methods.Count);
        Assert.All(methods, m => Assert.NotNull(m.GetCustomAttribute<HubLimitAttribute>()));
    }
}
